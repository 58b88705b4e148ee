//! The conformance suite: proves that a real Pusher-compatible server, written by others, accepts
//! what this library sends, and that real WebSocket subscribers receive it.
//!
//! It runs against any server named by the environment:
//!
//! - `PUSHER_CONFORMANCE_URL=http://KEY:SECRET@127.0.0.1:PORT/apps/ID`: the server (its WebSocket
//!   endpoint is derived from the host, port and key);
//! - `PUSHER_CONFORMANCE_WEBHOOK_ADDR=127.0.0.1:PORT`: where the suite listens for the webhooks the
//!   server is configured to send.
//!
//! Without them it starts a server itself: soketi (installed from npm and started by
//! `pusher-peers`), or the in-process `pusher-emulator` when `PUSHER_CONFORMANCE_SERVER=emulator`.
//! If the server cannot be started the suite fails, saying why; it never skips.
//!
//! Every scenario runs once per client mode: reqwest async and blocking, ureq, isahc async and
//! blocking.
//!
//! A second check ([`run_pusher_js`]) runs pusher-js, the browser library, under Node.js against the
//! emulator, with every authorization it asks for answered by this library.

mod clients;
mod pusher_js;
mod runner;
mod scenarios;
mod target;

pub use clients::{Client, Mode};
pub use pusher_js::run as run_pusher_js;
pub use runner::run;
pub use target::{Quirks, SERVER_ENV, Target, URL_ENV, WEBHOOK_ADDR_ENV};
