//! The hot path's heap allocations, counted: a signed trigger request is built with few trips to
//! the allocator (`cargo xtask bench` shows the time it takes beside the raw crates').
//!
//! The counting allocator counts every thread of this test binary, so it holds this one test only.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failure

use std::alloc::System;

use pusher_core::api::{EventData, Operation, RequestContext, Trigger};
use pusher_core::{ChannelName, Config, EventName};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static ALLOCATOR: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The budget of one signed trigger with 1 KB of data, from the caller's strings and value:
/// allocations and reallocations together.
const BUDGET: usize = 12;

#[test]
fn a_signed_1_kb_trigger_stays_within_its_allocation_budget() {
    let config = Config::new("1", "app-key", "app-secret").unwrap();
    let lines: Vec<serde_json::Value> = (0..16)
        .map(|i| serde_json::json!({"sku": format!("SKU-{i:05}"), "name": "Item \"deluxe\"", "quantity": i}))
        .collect();
    let payload = serde_json::json!({"id": 918_273_645, "status": "shipped", "lines": lines});
    let size = payload.to_string().len();
    assert!((900..=1100).contains(&size), "the payload is {size} bytes");
    let build = || {
        let trigger = Trigger::new(
            [ChannelName::try_from("orders").unwrap()],
            EventName::try_from("order-updated").unwrap(),
            EventData::json(&payload).unwrap(),
        );
        trigger
            .build_request(&config, &RequestContext::new(1_700_000_000))
            .unwrap()
    };
    // The first request shares the endpoint's authority for good: that is counted once, not here.
    drop(build());

    let region = Region::new(ALLOCATOR);
    let request = build();
    let change = region.change();
    drop(request);

    let count = change.allocations + change.reallocations;
    assert!(
        count <= BUDGET,
        "{} allocations and {} reallocations, more than the budget of {BUDGET}",
        change.allocations,
        change.reallocations
    );
}
