//! The benchmarks behind `cargo xtask bench`: the pieces its programs share.
//!
//! Two programs run the measurements:
//!
//! - `pusher-bench` measures everything and prints the whole table. It times (a), building a
//!   signed 1 KB trigger request, in its own process; for (b) to (d) it starts a loopback sink and
//!   the emulator as processes of their own, and runs every client in a process of its own, so
//!   that CPU time and peak memory are the client's alone;
//! - `count-allocations` counts the heap allocations of (a) under a counting allocator, apart from
//!   the timing so that counting costs no time that is measured.
//!
//! Every figure that is compared is a ratio of two runs made side by side, in alternating order,
//! on the same machine at the same time: absolute times on a shared machine are not comparable
//! between runs, ratios are.
//!
//! This library holds what both sides of a comparison use: the [`fixture`] (credentials, names and
//! the 1 KB payload), the [`raw`] baseline (the same work done directly with the crates), the two
//! request builders of (a) ([`build`]), how a process's CPU time and peak memory are read
//! ([`usage`]), and the [`Measurement`] each run reports.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a benchmark: a failure stops it with its message

pub mod build;
pub mod client;
pub mod fixture;
pub mod raw;
pub mod sink;
pub mod usage;

use serde::{Deserialize, Serialize};

/// What one measured run reports, as one JSON line on its standard output.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Measurement {
    /// Operations done in the measured window (requests, events or request builds).
    pub ops: u64,
    /// Wall time of the measured window, in seconds.
    pub wall_secs: f64,
    /// CPU time (user and system) the measuring process spent in the window, in seconds.
    pub cpu_secs: f64,
    /// CPU time the server process spent in the window, in seconds, when there was one to read.
    pub server_cpu_secs: Option<f64>,
    /// Peak resident memory of the measuring process, in KiB.
    pub max_rss_kib: u64,
    /// Heap allocations (and reallocations) per operation, when counted.
    pub allocs_per_op: Option<f64>,
}

impl Measurement {
    /// Operations per second of wall time.
    pub fn per_sec(&self) -> f64 {
        self.ops as f64 / self.wall_secs
    }

    /// Nanoseconds of wall time per operation.
    pub fn ns_per_op(&self) -> f64 {
        self.wall_secs * 1e9 / self.ops as f64
    }

    /// Microseconds of the measuring process's CPU per operation.
    pub fn cpu_us_per_op(&self) -> f64 {
        self.cpu_secs * 1e6 / self.ops as f64
    }

    /// The server's CPU time over the wall time: how many cores it kept busy.
    pub fn server_cores(&self) -> Option<f64> {
        self.server_cpu_secs.map(|cpu| cpu / self.wall_secs)
    }

    /// The measuring process's CPU time over the wall time: how many cores it kept busy.
    pub fn cores(&self) -> f64 {
        self.cpu_secs / self.wall_secs
    }
}

/// Runs of two ways of doing the same work, made side by side: round `i` of each was run one
/// right after the other.
#[derive(Debug, Clone, Default)]
pub struct SideBySide {
    /// The library's runs, one per round.
    pub library: Vec<Measurement>,
    /// The other side's runs, one per round.
    pub other: Vec<Measurement>,
}

impl SideBySide {
    /// The median over rounds of `figure(library) / figure(other)`: a ratio of two runs made at
    /// the same time, so that the machine's load at that time counts on both sides.
    pub fn ratio(&self, figure: impl Fn(&Measurement) -> f64) -> f64 {
        median(
            self.library
                .iter()
                .zip(&self.other)
                .map(|(l, o)| figure(l) / figure(o))
                .collect(),
        )
    }

    /// The median of `figure` over the library's rounds.
    pub fn library_median(&self, figure: impl Fn(&Measurement) -> f64) -> f64 {
        median(self.library.iter().map(figure).collect())
    }

    /// The median of `figure` over the other side's rounds.
    pub fn other_median(&self, figure: impl Fn(&Measurement) -> f64) -> f64 {
        median(self.other.iter().map(figure).collect())
    }
}

/// The median of `values` (the mean of the middle two for an even count); NaN for none.
pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}
