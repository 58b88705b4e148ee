//! Test support for the HTTP adapter crates (`pusher-reqwest`, `pusher-ureq`, `pusher-isahc`).
//!
//! - [`server`]: a small HTTP/1.1 server on `127.0.0.1:0`, std only (one thread per connection), that
//!   answers, hangs, streams an endless body, resets or closes mid-response, or speaks garbage, and
//!   records what it received and how many connections it accepted.
//! - [`conformance`]: the checks every adapter must pass, written once against a plain
//!   `Fn(http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError>`, and the
//!   [`conformance_tests!`] macro that turns them into `#[test]` functions.
//! - `trace_capture` (feature `tracing`): a minimal subscriber that records span fields as text.
//!
//! Used only as a dev-dependency; not published.

// Test code: a failed expectation is a panic, by design.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

pub mod conformance;
pub mod server;
#[cfg(feature = "tracing")]
pub mod trace_capture;

pub use server::{Behavior, CannedResponse, RecordedRequest, TestServer, dead_address};
