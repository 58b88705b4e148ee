//! `cargo xtask`: project automation. See `cargo xtask help`.
//!
//! A thin command line: `ci` (src/ci.rs) runs every check CI runs, `fuzz` (src/fuzz.rs) runs the
//! fuzz targets, `bench` (src/bench.rs) runs the benchmarks, and `peer` installs, starts and stops
//! real Pusher-compatible servers through the pusher-peers crate.

mod bench;
mod browser;
mod ci;
mod fuzz;
mod tidy;
mod wasm;

use std::process::ExitCode;

use pusher_peers::{self as peer, Installed, Peer, StartOptions, Stopped};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  ci [--skip STEP]... [--only STEP]...
        run every CI check in order (steps: fmt, tidy, clippy, test, doc, wasm,
        edge, sans-io, features, conformance, browser, bench, fuzz)
  fuzz [--seconds N] [TARGET]...
        run every fuzz target (or the named ones) for N seconds each (default 60), from its
        checked-in corpus in fuzz/corpus/; a crashing input is added to that corpus and fails
        the run (cargo-fuzz and the nightly toolchain are installed when missing)
  bench [--quick] [--rounds R]
        build the benchmarks in release mode and print the table of ratios, each measured
        side by side (--quick: tiny sizes, figures not judged, as CI runs it)
  tidy
        check the repository rules: PROTOCOL citations, crate docs and READMEs, to-do markers,
        unjustified unwrap/expect, inherited workspace metadata
  peer install soketi
        install soketi under target/peers/soketi (npm; fast when already installed)
  peer start soketi [--webhook-url URL]
        start soketi on free loopback ports with a fresh app; prints PUSHER_URL=...
  peer stop [soketi]
        stop the soketi servers started with `peer start`
  help
        show this text";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => return ci::run(&args[1..]),
        Some("bench") => bench::run(&pusher_peers::workspace_root(), &args[1..]),
        Some("peer") => peer_command(&args[1..]),
        Some("fuzz") => fuzz::Options::parse(&args[1..])
            .map_err(|e| format!("{e}\n{}", fuzz::USAGE))
            .and_then(|options| fuzz::run(&pusher_peers::workspace_root(), &options)),
        Some("tidy") => no_more_args(&args[1..]).and_then(|()| tidy::run(&pusher_peers::workspace_root())),
        Some("help" | "-h" | "--help") => {
            println!("{USAGE}");
            Ok(())
        }
        None => Err("no command given".to_owned()),
        Some(other) => Err(format!("unknown command `{other}`")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            if e.starts_with("usage") || e.starts_with("unknown command") || e == "no command given" {
                eprintln!("{USAGE}");
            }
            ExitCode::FAILURE
        }
    }
}

fn peer_command(args: &[String]) -> Result<(), String> {
    let usage =
        || "usage: cargo xtask peer (install soketi | start soketi [--webhook-url URL] | stop [soketi])";
    let action = args
        .first()
        .map(String::as_str)
        .ok_or_else(|| usage().to_owned())?;
    let peer: Option<Peer> = args.get(1).map(|name| name.parse()).transpose()?;
    let rest = args.get(2..).unwrap_or_default();
    match action {
        "install" => {
            let peer = peer.ok_or_else(|| usage().to_owned())?;
            no_more_args(rest)?;
            let started = std::time::Instant::now();
            let outcome = peer::install(peer)?;
            let secs = started.elapsed().as_secs_f64();
            match outcome {
                Installed::AlreadyPresent => {
                    eprintln!(
                        "{peer} {} already installed in {}",
                        peer::SOKETI_VERSION,
                        peer.dir().display()
                    );
                }
                Installed::Fresh => {
                    eprintln!(
                        "installed {peer} {} in {} ({secs:.1}s)",
                        peer::SOKETI_VERSION,
                        peer.dir().display()
                    );
                }
            }
            Ok(())
        }
        "start" => {
            let peer = peer.ok_or_else(|| usage().to_owned())?;
            let mut options = StartOptions {
                own_process_group: true,
                ..Default::default()
            };
            let mut rest = rest.iter();
            while let Some(arg) = rest.next() {
                if let Some(url) = arg.strip_prefix("--webhook-url=") {
                    options.webhook_url = Some(url.to_owned());
                } else if arg == "--webhook-url" {
                    let url = rest.next().ok_or("`--webhook-url` needs a URL")?;
                    options.webhook_url = Some(url.clone());
                } else {
                    return Err(format!("unexpected argument `{arg}`\n{}", usage()));
                }
            }
            let started = std::time::Instant::now();
            let server = peer::start(peer, &options)?;
            eprintln!(
                "{peer} ready in {:.1}s: pid {}, log {}, state {}",
                started.elapsed().as_secs_f64(),
                server.pid(),
                server.log_path().display(),
                server.state_path().display()
            );
            println!("PUSHER_URL={}", server.pusher_url());
            server.detach();
            Ok(())
        }
        "stop" => {
            no_more_args(rest)?;
            let peers = match peer {
                Some(peer) => vec![peer],
                None => Peer::ALL.to_vec(),
            };
            for peer in peers {
                let mut servers = peer::recorded(peer)?;
                if servers.is_empty() {
                    eprintln!("no {peer} started by `cargo xtask peer start` is running");
                }
                for server in &mut servers {
                    let (pid, port) = (server.pid(), server.port());
                    match server.stop()? {
                        Stopped::Terminated => eprintln!("stopped {peer} (pid {pid}, port {port})"),
                        Stopped::Killed => eprintln!("killed {peer} (pid {pid}, port {port}) after SIGTERM"),
                        Stopped::WasNotRunning => {
                            eprintln!(
                                "{peer} (pid {pid}, port {port}) was not running; removed its state file"
                            )
                        }
                    }
                }
            }
            Ok(())
        }
        other => Err(format!("unknown peer action `{other}`\n{}", usage())),
    }
}

fn no_more_args(rest: &[String]) -> Result<(), String> {
    match rest.first() {
        Some(arg) => Err(format!("unexpected argument `{arg}`")),
        None => Ok(()),
    }
}
