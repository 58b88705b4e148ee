//! Test support for the HTTP adapter crates (`pusher-reqwest`, `pusher-ureq`, `pusher-isahc`).
//!
//! - [`server`]: a small HTTP/1.1 server on `127.0.0.1:0`, std only (one thread per connection), that
//!   answers, hangs, streams an endless body, resets or closes mid-response, or speaks garbage, and
//!   records what it received and how many connections it accepted.
//! - [`adapter_contract`](mod@adapter_contract): what every adapter must do, each check written
//!   once, generic over the adapter's client in one [mode](adapter_contract::Mode) (blocking, or
//!   async), and the [`adapter_contract!`] macro that instantiates them all as `#[test]` functions
//!   in one line.
//! - [`tls_contract`](mod@tls_contract): what every adapter must do over HTTPS, against the
//!   emulator serving TLS with a CA made at run time, and the [`tls_contract!`] macro that
//!   instantiates it per adapter, mode and TLS backend.
//! - `trace_capture` (feature `tracing`): a minimal subscriber that records span fields as text.
//!
//! Used only as a dev-dependency; not published.

// Test code: a failed expectation is a panic, by design.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

pub mod adapter_contract;
pub mod server;
pub mod tls_contract;
#[cfg(feature = "tracing")]
pub mod trace_capture;

pub use server::{Behavior, CannedResponse, RecordedRequest, TestServer, dead_address};
