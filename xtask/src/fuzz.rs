//! `cargo xtask fuzz`: runs the fuzz targets of `fuzz/` (cargo-fuzz over libFuzzer) for a while
//! each and prints what they did.
//!
//! The targets build with the nightly toolchain (sanitizers need it) into `fuzz/target`, whatever
//! `CARGO_TARGET_DIR` says: a sanitizer build shares nothing with the workspace's. cargo-fuzz is
//! installed when it is missing, and so is the nightly toolchain.
//!
//! Each target runs from its checked-in corpus, `fuzz/corpus/TARGET`, which it only reads: what
//! libFuzzer adds goes to `fuzz/target/new-corpus/TARGET`, emptied before each run, and its output
//! to `fuzz/target/logs/TARGET.log`. An input that crashes a target is copied into the target's
//! checked-in corpus, so that every later run replays it (see `fuzz/README.md`).
//!
//! A target that does not build and a target that crashes both fail the command, after every
//! target has had its turn.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::ci::{describe, run_cmd};

/// How long each target runs when `--seconds` is not given.
pub(crate) const DEFAULT_SECONDS: u64 = 60;

/// Command-line help for `cargo xtask fuzz`.
pub(crate) const USAGE: &str = "usage: cargo xtask fuzz [--seconds N] [TARGET]...";

/// libFuzzer's limit on one input, in seconds: anything slower is a hang, reported as a crash.
const INPUT_TIMEOUT_SECS: u64 = 30;

/// The prefixes of the files libFuzzer writes for an input that fails a target.
const FAILURE_ARTIFACTS: [&str; 4] = ["crash-", "leak-", "timeout-", "oom-"];

/// What to fuzz, and for how long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Options {
    /// How long each target runs.
    pub(crate) seconds: u64,
    /// The targets to run; empty for every target.
    pub(crate) targets: Vec<String>,
}

impl Options {
    /// Parses the arguments after `fuzz`: `--seconds N` (also `--seconds=N`), then target names.
    pub(crate) fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options {
            seconds: DEFAULT_SECONDS,
            targets: Vec::new(),
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let seconds = if let Some(value) = arg.strip_prefix("--seconds=") {
                value
            } else if arg == "--seconds" {
                args.next().ok_or("`--seconds` needs a number")?
            } else if arg.starts_with('-') {
                return Err(format!("unexpected argument `{arg}`"));
            } else {
                options.targets.push(arg.clone());
                continue;
            };
            options.seconds = seconds.parse().ok().filter(|s| *s > 0).ok_or_else(|| {
                format!("`--seconds` needs a whole number of seconds above 0, not `{seconds}`")
            })?;
        }
        Ok(options)
    }
}

/// How one target's run went.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// It did not build: nothing ran.
    BuildFailed,
    /// It ran; `crashes` holds the failing inputs found, as copied into the checked-in corpus.
    Ran { stats: Stats, crashes: Vec<PathBuf> },
}

/// What libFuzzer reports at the end of a run (`-print_final_stats=1`), and what it left.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Stats {
    /// Inputs executed.
    pub(crate) executions: Option<u64>,
    /// Inputs executed per second, on average.
    pub(crate) per_second: Option<u64>,
    /// Files written to the new-corpus directory.
    pub(crate) new_entries: usize,
}

impl Stats {
    /// Reads the `stat::` lines of a libFuzzer log.
    pub(crate) fn from_log(log: &str) -> Stats {
        let stat = |name: &str| {
            log.lines()
                .filter_map(|line| line.strip_prefix(name)?.trim().parse().ok())
                .next_back()
        };
        Stats {
            executions: stat("stat::number_of_executed_units:"),
            per_second: stat("stat::average_exec_per_sec:"),
            new_entries: 0,
        }
    }
}

/// Runs `cargo xtask fuzz` in the workspace at `root`.
pub(crate) fn run(root: &Path, options: &Options) -> Result<(), String> {
    ensure_nightly()?;
    ensure_cargo_fuzz()?;
    let known = list_targets(root)?;
    let targets = if options.targets.is_empty() {
        known
    } else {
        if let Some(unknown) = options.targets.iter().find(|t| !known.contains(t)) {
            return Err(format!(
                "no fuzz target `{unknown}` (targets: {})",
                known.join(", ")
            ));
        }
        options.targets.clone()
    };

    let mut results = Vec::new();
    for target in &targets {
        println!("--> fuzz {target}: {} s", options.seconds);
        let started = Instant::now();
        let outcome = fuzz_target(root, target, options.seconds)?;
        println!(
            "<-- fuzz {target}: {} in {:.1}s",
            outcome,
            started.elapsed().as_secs_f64()
        );
        results.push((target.clone(), outcome));
    }
    println!("{}", table(options.seconds, &results));

    let broken: Vec<&str> = results
        .iter()
        .filter(|(_, outcome)| *outcome == Outcome::BuildFailed)
        .map(|(target, _)| target.as_str())
        .collect();
    let crashed: Vec<&str> = results
        .iter()
        .filter(|(_, outcome)| matches!(outcome, Outcome::Ran { crashes, .. } if !crashes.is_empty()))
        .map(|(target, _)| target.as_str())
        .collect();
    let mut failures = Vec::new();
    if !broken.is_empty() {
        failures.push(format!("did not build: {}", broken.join(", ")));
    }
    if !crashed.is_empty() {
        failures.push(format!(
            "crashed: {} (the crashing inputs are now in fuzz/corpus/TARGET/: see fuzz/README.md)",
            crashed.join(", ")
        ));
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("; "))
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::BuildFailed => f.write_str("did not build"),
            Outcome::Ran { crashes, .. } if crashes.is_empty() => f.write_str("no crash"),
            Outcome::Ran { crashes, .. } => write!(f, "{} crashing input(s)", crashes.len()),
        }
    }
}

/// The summary table: one line per target.
fn table(seconds: u64, results: &[(String, Outcome)]) -> String {
    let mut lines = vec![
        format!("fuzz: {seconds} s per target"),
        format!(
            "  {:<16} {:>12} {:>9} {:>8} {:>19}",
            "target", "executions", "exec/s", "crashes", "new corpus entries"
        ),
    ];
    let number = |n: Option<u64>| n.map_or_else(|| "?".to_owned(), |n| n.to_string());
    for (target, outcome) in results {
        lines.push(match outcome {
            Outcome::BuildFailed => format!("  {target:<16} did not build"),
            Outcome::Ran { stats, crashes } => format!(
                "  {target:<16} {:>12} {:>9} {:>8} {:>19}",
                number(stats.executions),
                number(stats.per_second),
                crashes.len(),
                stats.new_entries
            ),
        });
    }
    lines.join("\n")
}

/// Builds and runs one target for `seconds`, then keeps any crashing input in its corpus.
fn fuzz_target(root: &Path, target: &str, seconds: u64) -> Result<Outcome, String> {
    let fuzz_dir = root.join("fuzz");
    let target_dir = fuzz_dir.join("target");
    if run_cmd(&mut cargo_fuzz("build", target, &target_dir)).is_err() {
        return Ok(Outcome::BuildFailed);
    }

    let corpus = fuzz_dir.join("corpus").join(target);
    let new_corpus = target_dir.join("new-corpus").join(target);
    let artifacts = target_dir.join("artifacts").join(target);
    let logs = target_dir.join("logs");
    for dir in [&new_corpus, &artifacts] {
        if dir.exists() {
            fs::remove_dir_all(dir).map_err(|e| format!("could not empty {}: {e}", dir.display()))?;
        }
    }
    for dir in [&corpus, &new_corpus, &artifacts, &logs] {
        fs::create_dir_all(dir).map_err(|e| format!("could not create {}: {e}", dir.display()))?;
    }
    let log_path = logs.join(format!("{target}.log"));
    let log =
        fs::File::create(&log_path).map_err(|e| format!("could not create {}: {e}", log_path.display()))?;
    let log_err = log
        .try_clone()
        .map_err(|e| format!("could not open {} twice: {e}", log_path.display()))?;

    // The new-corpus directory comes first: libFuzzer writes what it finds to the first directory
    // and only reads the others.
    let mut cmd = cargo_fuzz("run", target, &target_dir);
    cmd.arg(&new_corpus)
        .arg(&corpus)
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-timeout={INPUT_TIMEOUT_SECS}"))
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .arg("-print_final_stats=1")
        .stdout(Stdio::from(log))
        .stderr(Stdio::from(log_err));
    println!("$ {} (output in {})", describe(&cmd), log_path.display());
    let status = cmd
        .status()
        .map_err(|e| format!("could not run cargo fuzz: {e}"))?;
    let log =
        fs::read_to_string(&log_path).map_err(|e| format!("could not read {}: {e}", log_path.display()))?;

    let mut stats = Stats::from_log(&log);
    stats.new_entries = count_files(&new_corpus)?;
    let crashes = keep_failing_inputs(&artifacts, &corpus)?;
    if !crashes.is_empty() || !status.success() {
        println!("{}", failure_excerpt(&log));
        for crash in &crashes {
            println!("kept the failing input as {}", crash.display());
        }
        if crashes.is_empty() {
            return Err(format!(
                "fuzzing {target} failed ({status}) without leaving a failing input: see {}",
                log_path.display()
            ));
        }
    }
    Ok(Outcome::Ran { stats, crashes })
}

/// `cargo +nightly fuzz SUBCOMMAND TARGET`, building into `target_dir`.
fn cargo_fuzz(subcommand: &str, target: &str, target_dir: &Path) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.args(["+nightly", "fuzz", subcommand, target])
        .arg("--target-dir")
        .arg(target_dir);
    cmd
}

/// Copies every failing input libFuzzer left in `artifacts` into `corpus`, keeping its name;
/// returns the copies.
fn keep_failing_inputs(artifacts: &Path, corpus: &Path) -> Result<Vec<PathBuf>, String> {
    let mut kept = Vec::new();
    for entry in read_dir(artifacts)? {
        let name = entry.file_name();
        if FAILURE_ARTIFACTS
            .iter()
            .any(|prefix| name.to_string_lossy().starts_with(prefix))
        {
            let copy = corpus.join(&name);
            fs::copy(entry.path(), &copy).map_err(|e| {
                format!(
                    "could not copy {} to {}: {e}",
                    entry.path().display(),
                    copy.display()
                )
            })?;
            kept.push(copy);
        }
    }
    kept.sort();
    Ok(kept)
}

/// The part of a libFuzzer log that says what failed: the panic and its message (or the first
/// lines of a sanitizer's report), libFuzzer's summary and the input in base64 when it printed it;
/// without any of these, the last 30 lines.
pub(crate) fn failure_excerpt(log: &str) -> String {
    let lines: Vec<&str> = log.lines().collect();
    let report = lines
        .iter()
        .position(|line| line.contains("panicked at"))
        .map(|start| {
            let end = lines[start..]
                .iter()
                .position(|line| line.starts_with("stack backtrace:") || line.starts_with("=="))
                .map_or(lines.len(), |n| start + n);
            &lines[start..end.min(start + 30)]
        })
        .or_else(|| {
            let start = lines
                .iter()
                .position(|line| line.starts_with("==") && line.contains("ERROR"))?;
            let end = lines[start..]
                .iter()
                .position(|line| line.starts_with("SUMMARY:"))
                .map_or(lines.len(), |n| start + n);
            Some(&lines[start..end.min(start + 30)])
        });
    let summary = lines
        .iter()
        .filter(|line| line.starts_with("SUMMARY:") || line.starts_with("Base64:"));
    let mut excerpt: Vec<&str> = report.unwrap_or_default().to_vec();
    excerpt.extend(summary);
    if excerpt.is_empty() {
        excerpt = lines[lines.len().saturating_sub(30)..].to_vec();
    }
    excerpt.join("\n")
}

fn read_dir(dir: &Path) -> Result<Vec<fs::DirEntry>, String> {
    fs::read_dir(dir)
        .and_then(|entries| entries.collect())
        .map_err(|e| format!("could not read {}: {e}", dir.display()))
}

fn count_files(dir: &Path) -> Result<usize, String> {
    Ok(read_dir(dir)?.len())
}

/// The fuzz targets cargo-fuzz finds in `fuzz/Cargo.toml`.
fn list_targets(root: &Path) -> Result<Vec<String>, String> {
    let mut cmd = Command::new("cargo");
    cmd.args(["+nightly", "fuzz", "list"]).current_dir(root);
    let output = cmd
        .output()
        .map_err(|e| format!("could not run `{}`: {e}", describe(&cmd)))?;
    if !output.status.success() {
        return Err(format!(
            "`{}` failed ({}): {}",
            describe(&cmd),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let targets: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect();
    if targets.is_empty() {
        return Err("cargo fuzz lists no target in fuzz/".to_owned());
    }
    Ok(targets)
}

/// Installs the nightly toolchain when rustup does not have it.
fn ensure_nightly() -> Result<(), String> {
    let present = Command::new("rustup")
        .args(["run", "nightly", "rustc", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match present {
        Ok(status) if status.success() => Ok(()),
        Ok(_) => {
            println!("the nightly toolchain is missing: installing it");
            run_cmd(Command::new("rustup").args(["toolchain", "install", "nightly", "--profile", "minimal"]))
                .map_err(|e| {
                    format!("the fuzz targets need the nightly toolchain, which could not be installed: {e}")
                })
        }
        Err(e) => Err(format!(
            "the fuzz targets need the nightly toolchain, and rustup could not be run: {e}"
        )),
    }
}

/// Installs cargo-fuzz when `cargo fuzz` is missing.
fn ensure_cargo_fuzz() -> Result<(), String> {
    let present = Command::new("cargo")
        .args(["+nightly", "fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if present.is_ok_and(|status| status.success()) {
        return Ok(());
    }
    println!("cargo-fuzz is missing: installing it");
    run_cmd(Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]))
        .map_err(|e| format!("the fuzz targets need cargo-fuzz, which could not be installed: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, String> {
        Options::parse(&args.iter().map(|a| a.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn options() {
        assert_eq!(
            parse(&[]),
            Ok(Options {
                seconds: DEFAULT_SECONDS,
                targets: vec![]
            })
        );
        assert_eq!(
            parse(&["webhook", "--seconds", "5", "config"]),
            Ok(Options {
                seconds: 5,
                targets: vec!["webhook".to_owned(), "config".to_owned()]
            })
        );
        assert_eq!(parse(&["--seconds=300"]).map(|o| o.seconds), Ok(300));
        for bad in [
            &["--seconds"][..],
            &["--seconds", "0"],
            &["--seconds=x"],
            &["--time", "5"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn stats_come_from_the_last_stat_lines() {
        let log = "INFO: Seed: 1\n#2\tINITED cov: 10\nDone 1234 runs in 5 second(s)\n\
                   stat::number_of_executed_units: 1234\nstat::average_exec_per_sec:     246\n\
                   stat::new_units_added:          7\n";
        assert_eq!(
            Stats::from_log(log),
            Stats {
                executions: Some(1234),
                per_second: Some(246),
                new_entries: 0
            }
        );
        assert_eq!(Stats::from_log("no stats"), Stats::default());
    }

    #[test]
    fn a_failure_excerpt_holds_the_panic_the_summary_and_the_input() {
        let log = "#100\tNEW cov: 3\n\nthread '<unnamed>' panicked at fuzz_targets/x.rs:1:1:\nboom\n\
                   stack backtrace:\n   0: frame\n==1== ERROR: libFuzzer: deadly signal\n    #0 frame\n\
                   SUMMARY: libFuzzer: deadly signal\nMS: 1 ...\nBase64: AAAA\n";
        assert_eq!(
            failure_excerpt(log),
            "thread '<unnamed>' panicked at fuzz_targets/x.rs:1:1:\nboom\n\
             SUMMARY: libFuzzer: deadly signal\nBase64: AAAA"
        );
        let sanitizer =
            "INFO: x\n==7==ERROR: AddressSanitizer: heap-buffer-overflow\n#0 f\nSUMMARY: AddressSanitizer\n";
        assert_eq!(
            failure_excerpt(sanitizer),
            "==7==ERROR: AddressSanitizer: heap-buffer-overflow\n#0 f\nSUMMARY: AddressSanitizer"
        );
        assert_eq!(failure_excerpt("a\nb"), "a\nb");
    }

    #[test]
    fn the_table_has_a_line_per_target() {
        let results = [
            (
                "webhook".to_owned(),
                Outcome::Ran {
                    stats: Stats {
                        executions: Some(1000),
                        per_second: Some(200),
                        new_entries: 3,
                    },
                    crashes: vec![],
                },
            ),
            ("emulator_http".to_owned(), Outcome::BuildFailed),
        ];
        let table = table(5, &results);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 4, "{table}");
        assert!(lines[1].contains("executions") && lines[1].contains("new corpus entries"));
        assert_eq!(
            lines[2].split_whitespace().collect::<Vec<_>>(),
            ["webhook", "1000", "200", "0", "3"]
        );
        assert!(lines[3].contains("emulator_http") && lines[3].contains("did not build"));
    }
}
