//! What every benchmark sends: the app's credentials, the channel and event names, and the 1 KB
//! payload.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

/// The app id the sink accepts (any), and the one the benchmark asks the emulator for.
pub const APP_ID: &str = "1";
/// The app key.
pub const KEY: &str = "bench-key";
/// The app secret.
pub const SECRET: &str = "bench-secret";
/// The event name.
pub const EVENT: &str = "order-updated";
/// The channel of (a) and (b).
pub const CHANNEL: &str = "orders";

/// An order with its lines: a typical event payload.
#[derive(Debug, Clone, Serialize)]
pub struct Order {
    id: u64,
    customer: String,
    status: &'static str,
    lines: Vec<Line>,
    total_cents: u64,
    note: String,
}

/// One line of an [`Order`].
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    sku: String,
    name: String,
    quantity: u32,
    price_cents: u64,
}

/// The payload of every event: an [`Order`] that serializes to about 1 KB of JSON.
pub fn payload() -> Order {
    let lines: Vec<Line> = (0..11)
        .map(|i| Line {
            sku: format!("SKU-{:05}", 1000 + i * 37),
            name: format!("Item number {i} \"deluxe\""),
            quantity: 1 + i,
            price_cents: 199 + 250 * u64::from(i),
        })
        .collect();
    Order {
        id: 918_273_645,
        customer: "customer-8a7c2e".to_owned(),
        status: "shipped",
        total_cents: lines.iter().map(|l| l.price_cents * u64::from(l.quantity)).sum(),
        lines,
        note: "Leave at the door; ring twice.".to_owned(),
    }
}

/// A small event: an order's new status, about 80 bytes of JSON.
#[derive(Debug, Clone, Serialize)]
pub struct StatusChange {
    id: u64,
    status: &'static str,
    at: &'static str,
    by: &'static str,
}

/// Which payload the events of a run carry.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Payload {
    /// [`payload`]: about 1 KB.
    Order(Order),
    /// [`StatusChange`]: about 80 bytes.
    StatusChange(StatusChange),
}

impl Payload {
    /// The payloads by name, as on the command line.
    pub const NAMES: [&'static str; 2] = ["1kb", "small"];

    /// The payload named `name` (one of [`NAMES`](Self::NAMES)).
    pub fn named(name: &str) -> Option<Payload> {
        match name {
            "1kb" => Some(Payload::Order(payload())),
            "small" => Some(Payload::StatusChange(StatusChange {
                id: 918_273_645,
                status: "shipped",
                at: "2024-05-01T12:34:56Z",
                by: "warehouse-7",
            })),
            _ => None,
        }
    }

    /// Its size as JSON, in bytes.
    pub fn len(&self) -> usize {
        serde_json::to_vec(self).map_or(0, |json| json.len())
    }

    /// Whether it serializes to nothing (never).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The current Unix time in seconds, for `auth_timestamp`.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `count` channel names for runs that spread events over channels: `orders-0`, `orders-1`, ...
pub fn channels(count: usize) -> Vec<String> {
    (0..count).map(|i| format!("{CHANNEL}-{i}")).collect()
}
