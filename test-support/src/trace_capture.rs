//! A minimal `tracing` subscriber that records, as text, every span and event of one crate.
//!
//! Enough to check what an adapter's `tracing` feature records, without a subscriber framework.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Records spans and events whose target starts with a prefix.
#[derive(Debug)]
struct Capture {
    target_prefix: String,
    next_id: AtomicU64,
    lines: Arc<Mutex<Vec<String>>>,
}

struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.push_str(&format!(" {}={:?}", field.name(), value));
    }
}

impl Capture {
    fn push(&self, line: Line) {
        self.lines
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(line.0);
    }
}

impl Subscriber for Capture {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with(&self.target_prefix)
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        let mut line = Line(format!(
            "span {} target={} level={}",
            span.metadata().name(),
            span.metadata().target(),
            span.metadata().level()
        ));
        span.record(&mut line);
        self.push(line);
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut line = Line(format!("record span#{}", span.into_u64()));
        values.record(&mut line);
        self.push(line);
    }

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut line = Line(format!("event target={}", event.metadata().target()));
        event.record(&mut line);
        self.push(line);
    }

    fn enter(&self, _span: &Id) {}

    fn exit(&self, _span: &Id) {}
}

/// Runs `f` with a subscriber (for this thread only) that records every span and event whose
/// target starts with `target_prefix`; returns what `f` returned and the recorded lines.
pub fn capture<R>(target_prefix: &str, f: impl FnOnce() -> R) -> (R, Vec<String>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let subscriber = Capture {
        target_prefix: target_prefix.to_owned(),
        next_id: AtomicU64::new(1),
        lines: Arc::clone(&lines),
    };
    let result = tracing::subscriber::with_default(subscriber, f);
    let lines = lines
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    (result, lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_fields_of_matching_targets_only() {
        let ((), lines) = capture("trace_target_a", || {
            let span = tracing::info_span!(target: "trace_target_a::x", "req", path = "/p", status = tracing::field::Empty);
            span.record("status", 201);
            tracing::info!(target: "other_crate", secret = "hidden", "not captured");
        });
        let text = lines.join("\n");
        assert!(text.contains("span req target=trace_target_a::x"), "{text}");
        assert!(text.contains("path=\"/p\""), "{text}");
        assert!(text.contains("status=201"), "{text}");
        assert!(!text.contains("hidden"), "{text}");
    }
}
