//! The test tools: clients that play the other sides of a Pusher server in a test.
//!
//! None of them is part of the emulator's server, and none depends on it: each talks to the
//! emulator, soketi or any other Pusher-compatible server the same way.
//!
//! - [`subscriber`]: [`Subscriber`](subscriber::Subscriber), a protocol-7 WebSocket client that
//!   plays the browser (subscribes, signs in, sends client events, reads what arrives);
//! - [`webhook_inbox`]: [`WebhookInbox`](webhook_inbox::WebhookInbox), a listener that receives the
//!   webhooks a server sends and keeps them, raw, for the test to verify;
//! - [`plain_http`]: [`send_request`](plain_http::send_request), which sends a request pusher-core
//!   built over plain `http://` and reads the whole response, for tests with no HTTP stack of their
//!   own.
//!
//! `Subscriber`, `SubscriberError`, `WebhookInbox` and `ReceivedWebhook` are also at the crate root.

pub mod plain_http;
pub mod subscriber;
pub mod webhook_inbox;
