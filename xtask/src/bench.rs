//! `cargo xtask bench`: builds the benchmark programs and the emulator in release mode, then runs
//! `pusher-bench`, which measures everything side by side and prints the table (see
//! `bench/README.md`). The arguments after `bench` go to `pusher-bench` (`--quick`, `--rounds R`).

use std::path::Path;

use crate::ci::{cargo, run_cmd};

/// The packages whose programs the benchmark runs.
const PROGRAMS: [&str; 7] = [
    "build",
    "--release",
    "--package",
    "pusher-bench",
    "--package",
    "pusher-emulator",
    "--bins",
];

/// Builds the programs, then runs `pusher-bench` with `args`.
pub(crate) fn run(root: &Path, args: &[String]) -> Result<(), String> {
    run_cmd(cargo(root).args(PROGRAMS))?;
    run_cmd(
        cargo(root)
            .args([
                "run",
                "--release",
                "--quiet",
                "--package",
                "pusher-bench",
                "--bin",
                "pusher-bench",
                "--",
            ])
            .args(args),
    )
}

/// What `cargo xtask ci` runs: every benchmark with tiny sizes, so that they keep building and
/// running; the figures of such a run are not judged.
pub(crate) fn quick(root: &Path) -> Result<(), String> {
    run(root, &["--quick".to_owned()])
}
