//! `pusher-bench`: measures (a) to (d) side by side and prints the table (see the crate's README).
//!
//! ```text
//! pusher-bench [--quick] [--rounds R]     every measurement, and the table
//! pusher-bench sink                       serve the loopback sink; prints `LISTENING addr`
//! pusher-bench client SCENARIO PAYLOAD URL OPS CONCURRENCY [SERVER_PID]
//!                                         one measured client run; prints its JSON
//! ```
//!
//! Run it through `cargo xtask bench`, which builds it and the emulator in release mode.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a benchmark: a failure stops it with its message

use std::hint::black_box;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::Instant;

use pusher_bench::build::{self, Inputs};
use pusher_bench::client::{self, Run, Scenario};
use pusher_bench::fixture::{APP_ID, KEY, Payload, SECRET};
use pusher_bench::{Measurement, SideBySide, median, sink};

/// How much each measurement does: the full run, or `--quick` (CI: it builds and runs, the
/// figures mean little).
#[derive(Debug, Clone, Copy)]
struct Sizes {
    rounds: usize,
    builds: usize,
    requests_sequential: usize,
    requests_concurrent: usize,
    events: usize,
    quick: bool,
}

const FULL: Sizes = Sizes {
    rounds: 3,
    builds: 20_000,
    requests_sequential: 10_000,
    requests_concurrent: 20_000,
    events: 100_000,
    quick: false,
};

const QUICK: Sizes = Sizes {
    rounds: 1,
    builds: 500,
    requests_sequential: 100,
    requests_concurrent: 400,
    events: 1_000,
    quick: true,
};

/// Requests in flight in (b)'s concurrent rows.
const HIGH_CONCURRENCY: usize = 64;
/// Requests in flight in (c), for both ways of sending.
const PUBLISH_CONCURRENCY: usize = 16;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("sink") => serve_sink(),
        Some("client") => run_client(&args[1..]),
        _ => match sizes(&args) {
            Ok(sizes) => {
                measure_everything(sizes);
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("pusher-bench: {e}\nusage: pusher-bench [--quick] [--rounds R]");
                ExitCode::from(2)
            }
        },
    }
}

fn sizes(args: &[String]) -> Result<Sizes, String> {
    let mut sizes = FULL;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => {
                sizes = Sizes {
                    rounds: sizes.rounds.min(QUICK.rounds),
                    ..QUICK
                }
            }
            "--rounds" => {
                let rounds = args.next().ok_or("--rounds needs a number")?;
                sizes.rounds = rounds
                    .parse()
                    .ok()
                    .filter(|r| *r > 0)
                    .ok_or(format!("--rounds {rounds:?} is not a positive number"))?;
            }
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    Ok(sizes)
}

fn serve_sink() -> ExitCode {
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        println!("LISTENING {}", listener.local_addr().expect("the address"));
        sink::serve(listener).await;
    });
    ExitCode::SUCCESS
}

fn run_client(args: &[String]) -> ExitCode {
    let usage = "usage: pusher-bench client SCENARIO PAYLOAD URL OPS CONCURRENCY [SERVER_PID]";
    let parsed = (|| {
        let scenario = Scenario::from_name(args.first()?)?;
        let payload = Payload::NAMES
            .into_iter()
            .find(|name| Some(*name) == args.get(1).map(String::as_str))?;
        Some(Run {
            scenario,
            payload,
            url: args.get(2)?.clone(),
            ops: args.get(3)?.parse().ok()?,
            concurrency: args.get(4)?.parse().ok()?,
            server_pid: args.get(5).and_then(|pid| pid.parse().ok()),
        })
    })();
    let Some(run) = parsed else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let measurement = client::run(&run);
    println!(
        "{}",
        serde_json::to_string(&measurement).expect("a measurement serializes")
    );
    ExitCode::SUCCESS
}

/// A server process, stopped when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    /// Starts `command` and reads its standard output until `url_of` finds the URL in a line.
    fn start(mut command: Command, url_of: impl Fn(&str) -> Option<String>) -> Server {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let url = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find_map(|line| url_of(&line))
            .unwrap_or_else(|| panic!("{command:?} printed no address"));
        Server { child, url }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A program built beside this one.
fn sibling(name: &str) -> PathBuf {
    let me = std::env::current_exe().expect("the path of this program");
    let path = me.with_file_name(name);
    assert!(
        path.exists(),
        "{} is missing: build it beside pusher-bench (cargo xtask bench does)",
        path.display()
    );
    path
}

/// One measured client run, in a process of its own.
fn client_run(run: &Run) -> Measurement {
    let output = Command::new(std::env::current_exe().expect("the path of this program"))
        .arg("client")
        .arg(run.scenario.name())
        .arg(run.payload)
        .arg(&run.url)
        .arg(run.ops.to_string())
        .arg(run.concurrency.to_string())
        .args(run.server_pid.map(|pid| pid.to_string()))
        .stderr(Stdio::inherit())
        .output()
        .expect("the client runs");
    assert!(output.status.success(), "client {} failed", run.scenario.name());
    serde_json::from_slice(&output.stdout).expect("the client prints its measurement")
}

/// `rounds` runs of each scenario, one right after the other, in alternating order.
fn side_by_side(library: &Run, other: &Run, rounds: usize) -> SideBySide {
    let mut runs = SideBySide::default();
    for round in 0..rounds {
        if round % 2 == 0 {
            runs.library.push(client_run(library));
            runs.other.push(client_run(other));
        } else {
            runs.other.push(client_run(other));
            runs.library.push(client_run(library));
        }
    }
    runs
}

/// (a): builds timed in this process, in alternating order, and the allocations counted by
/// `count-allocations`.
fn build_requests(sizes: Sizes) -> (SideBySide, serde_json::Value, usize) {
    let inputs = Inputs::new();
    let time = |builder: fn(&Inputs) -> http::Request<Vec<u8>>| {
        let started = Instant::now();
        for _ in 0..sizes.builds {
            black_box(builder(black_box(&inputs)));
        }
        Measurement {
            ops: sizes.builds as u64,
            wall_secs: started.elapsed().as_secs_f64(),
            ..Measurement::default()
        }
    };
    time(build::library);
    time(build::raw);
    let mut runs = SideBySide::default();
    for round in 0..sizes.rounds.max(3) {
        if round % 2 == 0 {
            runs.library.push(time(build::library));
            runs.other.push(time(build::raw));
        } else {
            runs.other.push(time(build::raw));
            runs.library.push(time(build::library));
        }
    }
    let counted = Command::new(sibling("count-allocations"))
        .stderr(Stdio::inherit())
        .output()
        .expect("count-allocations runs");
    let allocations = serde_json::from_slice(&counted.stdout).expect("count-allocations prints JSON");
    (runs, allocations, inputs.payload_len())
}

/// `met` or `MISSED`, or why the gate was not judged.
fn gate(sizes: Sizes, met: bool, verdicts: &mut Vec<bool>) -> &'static str {
    if sizes.quick {
        return "not judged: quick run";
    }
    verdicts.push(met);
    if met { "met" } else { "MISSED" }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}

fn measure_everything(sizes: Sizes) {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let load_before = load_average();
    let started = Instant::now();
    let mut verdicts = Vec::new();
    println!(
        "pusher-bench: {cores} cores, 1-minute load average {load_before} at the start; {} round(s), \
         each pair run side by side in alternating order; ratios are medians of per-round ratios",
        sizes.rounds
    );

    // (a)
    let (builds, allocations, payload_len) = build_requests(sizes);
    let ns = |m: &Measurement| m.ns_per_op();
    let ratio = builds.ratio(ns);
    let library_allocs = allocations["library"].as_f64().unwrap_or(f64::NAN);
    let raw_allocs = allocations["raw"].as_f64().unwrap_or(f64::NAN);
    println!(
        "\n(a) building a signed trigger request, {payload_len}-byte payload, {} builds per round",
        sizes.builds
    );
    println!("    {:<34}{:>10}{:>12}", "", "ns/op", "allocs/op");
    println!(
        "    {:<34}{:>10.0}{:>12}",
        "library",
        builds.library_median(ns),
        library_allocs
    );
    println!(
        "    {:<34}{:>10.0}{:>12}",
        "raw (serde_json, md-5, hmac, http)",
        builds.other_median(ns),
        raw_allocs
    );
    println!(
        "    ratio library/raw {ratio:.3} (target at most 1.05: {}); allocations {library_allocs} \
         (target at most 12: {})",
        gate(sizes, ratio <= 1.05, &mut verdicts),
        gate(sizes, library_allocs <= 12.0, &mut verdicts)
    );

    // (b)
    let mut sink = Command::new(std::env::current_exe().expect("the path of this program"));
    sink.arg("sink");
    let sink = Server::start(sink, |line| {
        let addr = line.strip_prefix("LISTENING ")?;
        Some(format!("http://{KEY}:{SECRET}@{addr}/apps/{APP_ID}"))
    });
    let run = |scenario, payload, url: &str, ops, concurrency, server: &Server| Run {
        scenario,
        payload,
        url: url.to_owned(),
        ops,
        concurrency,
        server_pid: Some(server.pid()),
    };
    println!(
        "\n(b) triggers to a loopback sink answering {{}} (a process of its own), the library against its HTTP crate"
    );
    print_header("requests/s", "client CPU us/req");
    let pairs = [
        (
            "async client",
            Scenario::AsyncLibrary,
            Scenario::AsyncRaw,
            "raw reqwest",
            1,
            sizes.requests_sequential,
        ),
        (
            "async client",
            Scenario::AsyncLibrary,
            Scenario::AsyncRaw,
            "raw reqwest",
            HIGH_CONCURRENCY,
            sizes.requests_concurrent,
        ),
        (
            "blocking client, ureq",
            Scenario::UreqLibrary,
            Scenario::UreqRaw,
            "raw ureq",
            1,
            sizes.requests_sequential,
        ),
        (
            "blocking client, reqwest",
            Scenario::ReqwestBlockingLibrary,
            Scenario::ReqwestBlockingRaw,
            "raw reqwest::blocking",
            1,
            sizes.requests_sequential,
        ),
    ];
    let mut memory = Vec::new();
    for (name, library, raw, raw_name, concurrency, ops) in pairs {
        let runs = side_by_side(
            &run(library, "1kb", &sink.url, ops, concurrency, &sink),
            &run(raw, "1kb", &sink.url, ops, concurrency, &sink),
            sizes.rounds,
        );
        print_row(name, concurrency, &runs.library);
        print_row(raw_name, concurrency, &runs.other);
        let throughput = runs.ratio(Measurement::per_sec);
        let cpu = runs.ratio(Measurement::cpu_us_per_op);
        if library == Scenario::AsyncLibrary {
            println!(
                "      ratio: requests/s {throughput:.3} (target at least 0.97: {}), CPU per request {cpu:.3} \
                 (target at most 1.05: {})",
                gate(sizes, throughput >= 0.97, &mut verdicts),
                gate(sizes, cpu <= 1.05, &mut verdicts)
            );
        } else {
            println!("      ratio: requests/s {throughput:.3}, CPU per request {cpu:.3}");
        }
        memory.push((format!("(b) {name}, concurrency {concurrency}"), runs));
    }

    // (c)
    let mut emulator = Command::new(sibling("pusher-emulator"));
    emulator.args(["--quiet", "--app-id", APP_ID, "--key", KEY, "--secret", SECRET]);
    let emulator = Server::start(emulator, |line| {
        line.strip_prefix("PUSHER_URL=").map(str::to_owned)
    });
    println!(
        "\n(c) {} events, {PUBLISH_CONCURRENCY} tasks each on its own channel, {PUBLISH_CONCURRENCY} requests in flight: \
         the publisher against one trigger per event; batches each task builds of its own events show \
         the ceiling of batching",
        sizes.events
    );
    print_header("events/s", "client CPU us/event");
    for payload in ["small", "1kb"] {
        let bytes = Payload::named(payload).map_or(0, |p| p.len());
        for (target, server) in [("emulator", &emulator), ("sink", &sink)] {
            let of = |scenario| {
                run(
                    scenario,
                    payload,
                    &server.url,
                    sizes.events,
                    PUBLISH_CONCURRENCY,
                    server,
                )
            };
            let runs = side_by_side(&of(Scenario::Publisher), &of(Scenario::PerEvent), sizes.rounds);
            let ceiling = side_by_side(&of(Scenario::Batches), &of(Scenario::PerEvent), sizes.rounds);
            let name = format!("{bytes} B events -> {target}");
            print_row(&format!("publisher, {name}"), PUBLISH_CONCURRENCY, &runs.library);
            print_row(&format!("per event, {name}"), PUBLISH_CONCURRENCY, &runs.other);
            print_row(
                &format!("own batches, {name}"),
                PUBLISH_CONCURRENCY,
                &ceiling.library,
            );
            let speedup = runs.ratio(Measurement::per_sec);
            let most = ceiling.ratio(Measurement::per_sec);
            let judged = server.pid() == emulator.pid();
            if judged && payload == "small" {
                println!(
                    "      ratio: events/s {speedup:.2}x (target at least 5x: {}); own batches {most:.2}x",
                    gate(sizes, speedup >= 5.0, &mut verdicts)
                );
            } else if judged {
                println!(
                    "      ratio: events/s {speedup:.2}x; own batches {most:.2}x, the ceiling: the event's \
                     bytes (MD5, JSON escaping and parsing, on both sides) bound it, not the requests"
                );
            } else {
                println!("      ratio: events/s {speedup:.2}x; own batches {most:.2}x");
            }
            memory.push((format!("(c) {name}"), runs));
        }
    }

    // (d)
    println!("\n(d) peak memory of the client process (max resident set), MiB, median over rounds");
    println!("    {:<48}{:>10}{:>10}", "", "library", "other");
    let mib = |m: &Measurement| m.max_rss_kib as f64 / 1024.0;
    for (name, runs) in &memory {
        println!(
            "    {name:<48}{:>10.1}{:>10.1}",
            runs.library_median(mib),
            runs.other_median(mib)
        );
    }

    let met = verdicts.iter().filter(|v| **v).count();
    println!(
        "\npusher-bench: {:.0} s; 1-minute load average {} at the end; targets: {met} met, {} missed{}",
        started.elapsed().as_secs_f64(),
        load_average(),
        verdicts.len() - met,
        if sizes.quick {
            " (quick run: none judged)"
        } else {
            ""
        }
    );
}

fn print_header(rate: &str, cpu: &str) {
    println!(
        "    {:<48}{:>6}{:>12}{:>20}{:>14}{:>14}",
        "", "conc.", rate, cpu, "client cores", "server cores"
    );
}

fn print_row(name: &str, concurrency: usize, runs: &[Measurement]) {
    let of = |figure: fn(&Measurement) -> f64| median(runs.iter().map(figure).collect());
    let server = median(runs.iter().filter_map(Measurement::server_cores).collect());
    println!(
        "    {name:<48}{concurrency:>6}{:>12.0}{:>20.1}{:>14.2}{:>14.2}",
        of(Measurement::per_sec),
        of(Measurement::cpu_us_per_op),
        of(Measurement::cores),
        server
    );
}
