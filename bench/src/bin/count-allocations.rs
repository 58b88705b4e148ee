//! Counts the heap allocations of building one signed 1 KB trigger request, by the library and by
//! the raw crates, under a counting allocator; prints `{"library": N, "raw": N}` (allocations and
//! reallocations per request).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: a failure stops it with its message

use std::alloc::System;
use std::hint::black_box;

use pusher_bench::build::{self, Inputs};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static ALLOCATOR: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Requests built per count: enough to average out one-time allocations (a first clone).
const OPS: usize = 1000;

fn per_op(build: impl Fn(&Inputs) -> http::Request<Vec<u8>>, inputs: &Inputs) -> f64 {
    drop(black_box(build(inputs)));
    let region = Region::new(ALLOCATOR);
    for _ in 0..OPS {
        drop(black_box(build(black_box(inputs))));
    }
    let change = region.change();
    (change.allocations + change.reallocations) as f64 / OPS as f64
}

fn main() {
    let inputs = Inputs::new();
    let counts = serde_json::json!({
        "library": per_op(build::library, &inputs),
        "raw": per_op(build::raw, &inputs),
    });
    println!("{counts}");
}
