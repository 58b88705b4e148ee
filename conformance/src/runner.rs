//! Runs every scenario in every mode against one server and reports each result.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use crate::clients::{Client, Mode};
use crate::scenarios::{ALL, Ctx};
use crate::target::Target;

/// The longest one scenario may take.
const SCENARIO_LIMIT: Duration = Duration::from_secs(60);

/// Runs the suite. `args`: an optional filter; only `MODE::SCENARIO` names containing it run.
/// (Flags the test harness would take, such as `--nocapture`, are ignored.)
pub fn run(args: Vec<String>) -> ExitCode {
    let filter = args.into_iter().find(|a| !a.starts_with('-')).unwrap_or_default();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return fail(&format!("cannot start a Tokio runtime: {e}")),
    };
    let started = Instant::now();
    let target = match runtime.block_on(Target::from_env()) {
        Ok(target) => target,
        Err(e) => return fail(&format!("no server to test against: {e}")),
    };
    println!(
        "conformance against {} ({}), ready in {:.1} s",
        target.name,
        target.config.api_endpoint().base_url(),
        started.elapsed().as_secs_f64()
    );

    // Clients are made (and later dropped) outside the runtime: see `clients`.
    let mut clients = Vec::new();
    for mode in Mode::ALL {
        match Client::new(mode, &target.config) {
            Ok(client) => clients.push(client),
            Err(e) => {
                // Stop the server first: a failed run must not leave it behind.
                runtime.block_on(async { drop(target.stop()) });
                return fail(&format!("cannot build the {mode} client: {e}"));
            }
        }
    }

    let (mut passed, mut failed) = (0usize, Vec::new());
    for client in &clients {
        for scenario in ALL {
            let name = format!("{}::{}", client.mode(), scenario.name);
            if !name.contains(&filter) || (scenario.async_only && !client.mode().is_async()) {
                continue;
            }
            let ctx = Ctx {
                target: &target,
                client,
            };
            let begun = Instant::now();
            let outcome = runtime.block_on(async {
                tokio::time::timeout(SCENARIO_LIMIT, (scenario.run)(&ctx))
                    .await
                    .unwrap_or_else(|_| Err(format!("took longer than {SCENARIO_LIMIT:?}")))
            });
            let ms = begun.elapsed().as_millis();
            match outcome {
                Ok(()) => {
                    passed += 1;
                    println!("test {name} ... ok ({ms} ms)");
                }
                Err(why) => {
                    println!("test {name} ... FAILED ({ms} ms)\n    {why}");
                    failed.push(name);
                }
            }
        }
    }
    drop(clients);
    let stopped = runtime.block_on(async move { target.stop() });
    if let Err(e) = stopped {
        println!("warning: could not stop the server: {e}");
    }
    println!(
        "\nconformance wall time: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    if !failed.is_empty() {
        println!("failures:");
        for name in &failed {
            println!("    {name}");
        }
    }
    if passed + failed.len() == 0 {
        return fail(&format!("no scenario matches {filter:?}"));
    }
    println!("conformance: {passed} passed, {} failed", failed.len());
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

pub(crate) fn fail(why: &str) -> ExitCode {
    println!("conformance: {why}");
    println!("conformance: 0 passed, 1 failed");
    ExitCode::FAILURE
}
