//! `cargo xtask ci`: every check CI runs, in order, stopping at the first failure.
//!
//! Each step prints a `==> name` banner and, when done, its wall time. The last line is
//! `ci: N passed, 0 failed` (or `ci: N passed, 1 failed` before a non-zero exit), N counting the
//! steps that ran. `--skip STEP` (repeatable) and `--only STEP` (repeatable) narrow the run.
//!
//! Cargo runs with the environment it was given: `CARGO_TARGET_DIR` is honoured, never set here
//! (the fuzz targets alone build elsewhere, into `fuzz/target`: see src/fuzz.rs). Two build
//! settings are made lean unless the environment already sets them (see [`LEAN_BUILD`]): without
//! them a full run leaves about 13 GB in the target directories, with them about 6 GB, and a CI
//! machine's disk may not have the difference. The run ends by saying how much it left.

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use pusher_peers::{self as peer, Peer, StartOptions, workspace_root};

/// The steps, in the order they run.
pub(crate) const STEPS: [&str; 13] = [
    "fmt",
    "tidy",
    "clippy",
    "test",
    "doc",
    "wasm",
    "edge",
    "sans-io",
    "features",
    "conformance",
    "browser",
    "bench",
    "fuzz",
];

/// Crates that must never show up among pusher-core's normal dependencies: it is sans-io.
pub(crate) const FORBIDDEN_IN_CORE: [&str; 7] = ["tokio", "hyper", "reqwest", "ureq", "isahc", "curl", "mio"];

/// One feature set of the `pusher` facade whose client aliases differ from every other's: the
/// facade's own tests (`pusher/tests/`, its examples and doctests) run under it, and its build must
/// hold none of the HTTP stacks and TLS libraries it did not ask for: no other stack among its
/// normal and dev dependencies (the tests use only the stack the features select), and no other
/// TLS library among its normal ones (the dev dependencies bring rustls for the emulator, which
/// serves HTTPS with it; that is not the client's TLS).
#[derive(Debug, Clone, Copy)]
pub(crate) struct FacadeRun {
    /// The feature arguments, after `cargo test -p pusher` and `cargo tree -p pusher`.
    pub(crate) features: &'static [&'static str],
    /// Which targets to test, after the features (none: all that `cargo test` builds).
    pub(crate) targets: &'static [&'static str],
    /// What `pusher::Pusher` and `pusher::blocking::Pusher` are, for the log.
    pub(crate) aliases: &'static str,
    /// Crates that must not be among its build's dependencies: normal or dev, but for the
    /// [`TLS_LIBRARIES`], normal.
    pub(crate) absent: &'static [&'static str],
}

/// The TLS libraries a client can be built with, checked among the facade's normal dependencies
/// only (see [`FacadeRun`]).
pub(crate) const TLS_LIBRARIES: [&str; 3] = ["rustls", "native-tls", "openssl-sys"];

/// Every feature set that selects different client aliases, each tested (see [`FacadeRun`]).
pub(crate) const FACADE_TEST_RUNS: [FacadeRun; 5] = [
    FacadeRun {
        features: &[],
        targets: &[],
        aliases: "Pusher: reqwest with rustls",
        absent: &["native-tls", "openssl-sys", "ureq", "isahc", "curl"],
    },
    FacadeRun {
        features: &["--no-default-features", "--features", "reqwest,native-tls"],
        targets: &[],
        aliases: "Pusher: reqwest with native-tls",
        absent: &["rustls", "ureq", "isahc", "curl"],
    },
    FacadeRun {
        features: &["--features", "blocking"],
        targets: &[],
        aliases: "Pusher: reqwest; blocking::Pusher: reqwest's blocking client",
        absent: &["native-tls", "openssl-sys", "ureq", "isahc", "curl"],
    },
    FacadeRun {
        features: &["--no-default-features", "--features", "ureq,rustls"],
        // The README's examples, the doctests, are written for `pusher::Pusher`, which this set
        // does not have; its tests are the blocking client's.
        targets: &["--tests"],
        aliases: "blocking::Pusher: ureq with rustls",
        absent: &["reqwest", "native-tls", "openssl-sys", "isahc", "curl"],
    },
    FacadeRun {
        features: &["--no-default-features", "--features", "isahc"],
        targets: &[],
        aliases: "Pusher and blocking::Pusher: isahc",
        absent: &["reqwest", "ureq", "rustls"],
    },
];

/// Feature sets of the `pusher` facade that must build although no test runs under them, none
/// selecting a client: the arguments after `cargo check -p pusher`.
pub(crate) const FACADE_FEATURE_CHECKS: &[&[&str]] = &[
    &["--no-default-features"],
    &["--no-default-features", "--features", "publisher"],
];

/// The conformance suite and the edge example run in steps of their own, against a real server
/// and under Node.js: not among the unit tests.
const NOT_UNIT_TESTED: [&str; 4] = [
    "--exclude",
    "pusher-conformance",
    "--exclude",
    "pusher-edge-example",
];

/// How long the `fuzz` step runs each fuzz target: long enough to replay the checked-in corpus
/// and to show that every target builds and runs.
pub(crate) const FUZZ_SECONDS: u64 = 5;

/// The target the sans-io core must build for.
pub(crate) const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Build settings for every cargo command xtask starts, unless the environment sets them: no
/// incremental state (nothing is rebuilt from it in a one-off run) and no debug info (a panic
/// still says where it happened and a backtrace names the functions; the test binaries are a
/// third of their size with full debug info, and build faster). Set `CARGO_PROFILE_DEV_DEBUG`
/// to get it back.
pub(crate) const LEAN_BUILD: [(&str, &str); 2] =
    [("CARGO_INCREMENTAL", "0"), ("CARGO_PROFILE_DEV_DEBUG", "0")];

/// Command-line help for `cargo xtask ci`.
pub(crate) const USAGE: &str = "usage: cargo xtask ci [--skip STEP]... [--only STEP]...\n\
     steps, in order: fmt, tidy, clippy, test, doc, wasm, edge, sans-io, features, conformance,\n\
     browser, bench, fuzz";

/// Which steps to run, from `--skip` and `--only`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Selection {
    only: Vec<&'static str>,
    skip: Vec<&'static str>,
}

impl Selection {
    /// Parses the arguments after `ci`: `--skip STEP` and `--only STEP`, each repeatable (also as
    /// `--skip=STEP`). With `--only`, just those steps run (still in the usual order), minus any skipped.
    pub(crate) fn parse(args: &[String]) -> Result<Selection, String> {
        let mut selection = Selection::default();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) => (flag, Some(value)),
                None => (arg.as_str(), None),
            };
            let list = match flag {
                "--skip" => &mut selection.skip,
                "--only" => &mut selection.only,
                _ => return Err(format!("unexpected argument `{arg}`")),
            };
            let value = match inline {
                Some(value) => value,
                None => args
                    .next()
                    .map(String::as_str)
                    .ok_or_else(|| format!("`{flag}` needs a step name"))?,
            };
            let step = STEPS
                .into_iter()
                .find(|s| *s == value)
                .ok_or_else(|| format!("unknown step `{value}` (steps: {})", STEPS.join(", ")))?;
            list.push(step);
        }
        Ok(selection)
    }

    /// Whether `step` runs.
    pub(crate) fn includes(&self, step: &str) -> bool {
        (self.only.is_empty() || self.only.contains(&step)) && !self.skip.contains(&step)
    }

    /// The steps that run, in order.
    pub(crate) fn steps(&self) -> Vec<&'static str> {
        STEPS.into_iter().filter(|s| self.includes(s)).collect()
    }
}

/// Runs `cargo xtask ci` with the arguments after `ci`, printing as it goes; returns the exit code.
pub(crate) fn run(args: &[String]) -> ExitCode {
    let selection = match Selection::parse(args) {
        Ok(selection) => selection,
        Err(e) => {
            eprintln!("ci: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    for (name, value) in LEAN_BUILD {
        if env::var_os(name).is_none() {
            println!("ci: cargo runs with {name}={value}");
        }
    }
    let root = workspace_root();
    let mut passed = 0;
    let mut summary = Vec::new();
    for step in selection.steps() {
        println!("==> {step}");
        let started = Instant::now();
        let result = run_step(step, &root);
        let secs = started.elapsed().as_secs_f64();
        match result {
            Ok(()) => {
                passed += 1;
                println!("<== {step}: ok in {secs:.1}s");
                summary.push(format!("  {step:<12} ok       {secs:>7.1}s"));
            }
            Err(e) => {
                println!("<== {step}: FAILED in {secs:.1}s");
                summary.push(format!("  {step:<12} FAILED   {secs:>7.1}s"));
                print_summary(&summary);
                print_disk_use(&root);
                println!("ci: step `{step}` failed: {e}");
                println!("ci: {passed} passed, 1 failed");
                return ExitCode::FAILURE;
            }
        }
    }
    print_summary(&summary);
    print_disk_use(&root);
    println!("ci: {passed} passed, 0 failed");
    ExitCode::SUCCESS
}

/// Prints how much the run left on disk in the build directories.
fn print_disk_use(root: &Path) {
    let target = env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    for dir in [target, root.join("fuzz").join("target")] {
        let bytes = dir_size(&dir);
        println!("ci: {} holds {:.2} GB", dir.display(), bytes as f64 / 1e9);
    }
}

/// The total size of the files under `dir` (0 where it cannot be read); symbolic links are not followed.
fn dir_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.file_type() {
            Ok(kind) if kind.is_dir() => dir_size(&entry.path()),
            Ok(kind) if kind.is_file() => entry.metadata().map_or(0, |m| m.len()),
            _ => 0,
        })
        .sum()
}

fn print_summary(lines: &[String]) {
    println!("ci: summary");
    for line in lines {
        println!("{line}");
    }
}

fn run_step(step: &str, root: &Path) -> Result<(), String> {
    match step {
        "fmt" => {
            run_cmd(cargo(root).args(["fmt", "--all", "--check"]))?;
            // The fuzz crate is outside the workspace.
            run_cmd(cargo(root).args(["fmt", "--manifest-path", "fuzz/Cargo.toml", "--check"]))
        }
        "tidy" => crate::tidy::run(root),
        "clippy" => run_cmd(cargo(root).args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ])),
        "test" => test(root),
        "doc" => run_cmd(
            cargo(root)
                .args(["doc", "--workspace", "--no-deps", "--all-features"])
                .env("RUSTDOCFLAGS", "-D warnings"),
        ),
        "wasm" => crate::wasm::core(root),
        "edge" => crate::wasm::edge(root),
        "sans-io" => sans_io(root),
        "features" => features(root),
        "conformance" => conformance(root),
        "browser" => crate::browser::run(root),
        "bench" => crate::bench::quick(root),
        "fuzz" => crate::fuzz::run(
            root,
            &crate::fuzz::Options {
                seconds: FUZZ_SECONDS,
                targets: Vec::new(),
            },
        ),
        other => Err(format!("no such step `{other}`")),
    }
}

fn test(root: &Path) -> Result<(), String> {
    let has_nextest = cargo(root)
        .args(["nextest", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if has_nextest.is_ok_and(|s| s.success()) {
        run_cmd(
            cargo(root)
                .args(["nextest", "run", "--workspace", "--all-features"])
                .args(NOT_UNIT_TESTED),
        )?;
    } else {
        println!("(cargo-nextest not available: using cargo test)");
        run_cmd(
            cargo(root)
                .args(["test", "--workspace", "--all-features"])
                .args(NOT_UNIT_TESTED),
        )?;
    }
    // nextest does not run doctests.
    run_cmd(cargo(root).args(["test", "--workspace", "--all-features", "--doc"]))
}

fn sans_io(root: &Path) -> Result<(), String> {
    let tree = capture(cargo(root).args(["tree", "-p", "pusher-core", "-e", "normal", "--prefix", "none"]))?;
    let found = crates_in(&tree, &FORBIDDEN_IN_CORE);
    if found.is_empty() {
        println!("pusher-core pulls in none of: {}", FORBIDDEN_IN_CORE.join(", "));
        Ok(())
    } else {
        Err(format!(
            "pusher-core must stay sans-io but depends on: {}",
            found.join(", ")
        ))
    }
}

/// The crates of `names` that appear in `cargo tree --prefix none` output.
pub(crate) fn crates_in(tree: &str, names: &[&'static str]) -> Vec<&'static str> {
    names
        .iter()
        .copied()
        .filter(|name| {
            tree.lines()
                .any(|line| line.trim_start().starts_with(&format!("{name} v")))
        })
        .collect()
}

/// The facade's tests under each of [`FACADE_TEST_RUNS`], each build first checked for the crates
/// it must not hold; then [`FACADE_FEATURE_CHECKS`].
fn features(root: &Path) -> Result<(), String> {
    for run in FACADE_TEST_RUNS {
        let shown = if run.features.is_empty() {
            "default features".to_owned()
        } else {
            run.features.join(" ")
        };
        println!("pusher with {shown}: {}", run.aliases);
        let (tls, stacks): (Vec<&str>, Vec<&str>) =
            run.absent.iter().partition(|name| TLS_LIBRARIES.contains(name));
        for (edges, absent) in [("normal,dev", stacks), ("normal", tls)] {
            let tree = capture(
                cargo(root)
                    .args(["tree", "-p", "pusher", "-e", edges, "--prefix", "none"])
                    .args(run.features),
            )?;
            let found = crates_in(&tree, &absent);
            if !found.is_empty() {
                return Err(format!(
                    "pusher with {shown} must not depend on {} but does (see `cargo tree -p pusher -e {edges} -i CRATE`)",
                    found.join(", ")
                ));
            }
        }
        run_cmd(
            cargo(root)
                .args(["test", "-p", "pusher"])
                .args(run.features)
                .args(run.targets),
        )?;
    }
    for extra in FACADE_FEATURE_CHECKS {
        run_cmd(cargo(root).args(["check", "-p", "pusher"]).args(*extra))?;
    }
    Ok(())
}

/// The conformance suite against soketi, started here, then against the in-process emulator; then
/// pusher-js against the emulator.
fn conformance(root: &Path) -> Result<(), String> {
    match peer::install(Peer::Soketi)? {
        peer::Installed::AlreadyPresent => println!("soketi {} already installed", peer::SOKETI_VERSION),
        peer::Installed::Fresh => println!("installed soketi {}", peer::SOKETI_VERSION),
    }
    let webhook_addr = format!("127.0.0.1:{}", peer::free_tcp_port()?);
    let options = StartOptions {
        webhook_url: Some(format!("http://{webhook_addr}/")),
        ..Default::default()
    };
    // `server` owns the process: dropping it (also on an early return or a panic) stops soketi.
    let mut server = peer::start(Peer::Soketi, &options)?;
    println!(
        "soketi ready: pid {}, {} (log: {})",
        server.pid(),
        server.pusher_url(),
        server.log_path().display()
    );
    let against_soketi = run_cmd(
        cargo(root)
            .args(CONFORMANCE_SUITE)
            .env("PUSHER_CONFORMANCE_URL", server.pusher_url())
            .env("PUSHER_CONFORMANCE_WEBHOOK_ADDR", &webhook_addr)
            .env("PUSHER_CONFORMANCE_SERVER", "soketi"),
    );
    let stopped = server.stop();
    against_soketi?;
    stopped.map_err(|e| format!("tests passed but soketi did not stop: {e}"))?;
    run_cmd(
        cargo(root)
            .args(CONFORMANCE_SUITE)
            .env_remove("PUSHER_CONFORMANCE_URL")
            .env_remove("PUSHER_CONFORMANCE_WEBHOOK_ADDR")
            .env("PUSHER_CONFORMANCE_SERVER", "emulator"),
    )?;
    // pusher-js, the browser library, against the emulator with our authorizations.
    run_cmd(cargo(root).args(PUSHER_JS_CHECK))
}

/// The browser-client check's test target.
const PUSHER_JS_CHECK: [&str; 5] = ["test", "-p", "pusher-conformance", "--test", "pusher_js"];

/// The conformance suite's test target.
const CONFORMANCE_SUITE: [&str; 5] = ["test", "-p", "pusher-conformance", "--test", "conformance"];

/// `cargo`, as the one running xtask when there is one, run in the workspace root with the
/// [`LEAN_BUILD`] settings the environment leaves unset.
pub(crate) fn cargo(root: &Path) -> Command {
    let mut cmd = Command::new(env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo")));
    cmd.current_dir(root);
    for (name, value) in LEAN_BUILD {
        if env::var_os(name).is_none() {
            cmd.env(name, value);
        }
    }
    cmd
}

/// A readable rendering of `cmd` (program base name, arguments, and variables it sets, but for the
/// [`LEAN_BUILD`] ones that every cargo command gets).
pub(crate) fn describe(cmd: &Command) -> String {
    let program = PathBuf::from(cmd.get_program());
    let mut parts: Vec<String> = cmd
        .get_envs()
        .filter(|(k, _)| !LEAN_BUILD.iter().any(|(name, _)| k == name))
        .filter_map(|(k, v)| Some(format!("{}={:?}", k.to_string_lossy(), v?.to_string_lossy())))
        .collect();
    parts.push(
        program
            .file_name()
            .unwrap_or(cmd.get_program())
            .to_string_lossy()
            .into_owned(),
    );
    parts.extend(cmd.get_args().map(|a| a.to_string_lossy().into_owned()));
    parts.join(" ")
}

/// Runs `cmd`, printing it first; fails unless it succeeds.
pub(crate) fn run_cmd(cmd: &mut Command) -> Result<(), String> {
    let shown = describe(cmd);
    println!("$ {shown}");
    let status = cmd
        .status()
        .map_err(|e| format!("could not run `{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// Runs `cmd` and returns its stdout; its stderr goes to ours.
pub(crate) fn capture(cmd: &mut Command) -> Result<String, String> {
    let shown = describe(cmd);
    println!("$ {shown}");
    let output = cmd
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("could not run `{shown}`: {e}"))?;
    if !output.status.success() {
        return Err(format!("`{shown}` failed ({})", output.status));
    }
    String::from_utf8(output.stdout).map_err(|e| format!("`{shown}` printed non-UTF-8 output: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Selection, String> {
        Selection::parse(&args.iter().map(|a| a.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn no_flags_run_every_step_in_order() {
        assert_eq!(parse(&[]).map(|s| s.steps()), Ok(STEPS.to_vec()));
    }

    #[test]
    fn skip_and_only() {
        assert_eq!(
            parse(&[
                "--skip",
                "clippy",
                "--skip=conformance",
                "--skip",
                "fuzz",
                "--skip",
                "bench"
            ])
            .map(|s| s.steps()),
            Ok(vec![
                "fmt", "tidy", "test", "doc", "wasm", "edge", "sans-io", "features", "browser"
            ])
        );
        // Order is the pipeline's, not the command line's.
        assert_eq!(
            parse(&["--only", "wasm", "--only", "fmt"]).map(|s| s.steps()),
            Ok(vec!["fmt", "wasm"])
        );
        assert_eq!(
            parse(&["--only", "wasm", "--skip", "wasm"]).map(|s| s.steps()),
            Ok(vec![])
        );
    }

    #[test]
    fn bad_arguments_are_rejected() {
        assert!(parse(&["--only"]).is_err());
        assert!(parse(&["--only", "lint"]).is_err());
        assert!(parse(&["--skip", "sans_io"]).is_err());
        assert!(parse(&["fmt"]).is_err());
    }

    #[test]
    fn crates_in_match_names_at_line_start() {
        let clean = "pusher-core v0.1.0 (/w/pusher-core)\nhttp v1.3.1\nbytes v1.10.1\nhmac v0.13.0\n";
        assert!(crates_in(clean, &FORBIDDEN_IN_CORE).is_empty());
        // Names that merely start with or contain a forbidden name are fine.
        let lookalikes = "tokio-util-free v1.0.0\nmiow v0.6.0\nlibcurl-ish v1.0.0\nrustls-pki-types v1.0.0\n";
        assert!(crates_in(lookalikes, &FORBIDDEN_IN_CORE).is_empty());
        assert!(crates_in(lookalikes, &["rustls", "curl"]).is_empty());
        let dirty = "pusher-core v0.1.0\nureq v3.0.0\ntokio v1.45.0 (*)\nmio v1.0.0\n";
        assert_eq!(crates_in(dirty, &FORBIDDEN_IN_CORE), vec!["tokio", "ureq", "mio"]);
        assert_eq!(
            crates_in("  rustls v0.23.0 (*)\n", &["native-tls", "rustls"]),
            vec!["rustls"]
        );
    }

    #[test]
    fn every_facade_run_names_its_own_stack_and_excludes_the_others() {
        let stacks = ["reqwest", "ureq", "isahc"];
        for run in FACADE_TEST_RUNS {
            let features = run.features.join(" ");
            let enabled: Vec<&str> = if run.features.contains(&"--no-default-features") {
                run.features
                    .iter()
                    .skip_while(|a| **a != "--features")
                    .nth(1)
                    .map(|list| list.split(',').collect())
                    .unwrap_or_default()
            } else {
                // The default features are reqwest and rustls.
                let mut enabled = vec!["reqwest", "rustls"];
                enabled.extend(run.features.iter().skip(1).flat_map(|list| list.split(',')));
                enabled
            };
            for stack in stacks {
                assert_eq!(
                    run.absent.contains(&stack),
                    !enabled.contains(&stack),
                    "{features}: {stack} must be absent exactly when it is not enabled"
                );
            }
            for tls in ["rustls", "native-tls"] {
                if enabled.contains(&tls) {
                    assert!(!run.absent.contains(&tls), "{features}: {tls} is enabled");
                }
            }
        }
        // Each run selects different aliases.
        let mut aliases: Vec<&str> = FACADE_TEST_RUNS.iter().map(|r| r.aliases).collect();
        aliases.sort_unstable();
        aliases.dedup();
        assert_eq!(aliases.len(), FACADE_TEST_RUNS.len());
    }

    #[test]
    fn describe_shows_env_and_base_name() {
        let mut cmd = Command::new("/usr/local/bin/cargo");
        cmd.args(["doc", "--no-deps"]).env("RUSTDOCFLAGS", "-D warnings");
        assert_eq!(describe(&cmd), "RUSTDOCFLAGS=\"-D warnings\" cargo doc --no-deps");
    }
}
