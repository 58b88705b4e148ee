//! `batch`: events read as JSON lines, sent through the library's publisher, which coalesces them
//! into batch requests.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use pusher::api::{BatchEvent, EventData};
use pusher::publisher::{DeliveryError, Publisher};
use pusher::{ChannelName, EventName, SocketId};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::Context;
use crate::failure::Failure;
use crate::input::{describe_source, read_file_or_stdin};
use crate::output::count;

/// Trigger events read as JSON lines, in batches; prints a summary
#[derive(Args)]
#[command(after_help = "\
Each non-empty line is one event: {\"channel\": ..., \"name\": ..., \"data\": ...} and optionally
\"socket_id\" (a connection left out). A string \"data\" is sent as it is; any other JSON value
is sent as its JSON text. Every line is read and checked first: if one is invalid, nothing is
sent (exit 2). The events then go through the library's publisher, in batch requests of up to 10,
several in flight, each channel's events in order; an event the server refuses is counted as
failed (exit 3, with the first refusal), the others are still sent.

Example:
  printf '%s\\n' '{\"channel\": \"orders\", \"name\": \"created\", \"data\": {\"id\": 1}}' \\
                 '{\"channel\": \"invoices\", \"name\": \"paid\", \"data\": \"42\"}' | pusher batch")]
pub(crate) struct BatchArgs {
    /// Read the events from FILE (default: stdin)
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
}

/// One line of input.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    channel: String,
    name: String,
    data: Box<RawValue>,
    socket_id: Option<String>,
}

/// One event of the input, its names checked.
#[derive(Debug)]
struct Event {
    channel: ChannelName,
    name: EventName,
    data: EventData,
    socket_id: Option<SocketId>,
}

impl Line {
    /// The event, its names checked.
    fn event(self) -> Result<Event, Failure> {
        // A JSON string is the data as it is sent; any other value is sent as its JSON text.
        let data = match serde_json::from_str::<String>(self.data.get()) {
            Ok(text) => text,
            Err(_) => self.data.get().to_owned(),
        };
        Ok(Event {
            channel: ChannelName::try_from(self.channel)?,
            name: EventName::try_from(self.name)?,
            data: EventData::encoded(data),
            socket_id: self.socket_id.map(SocketId::try_from).transpose()?,
        })
    }
}

impl Event {
    /// Whether the library would send it (its size as sent, an encrypted channel's master key).
    fn check(&self, config: &pusher::Config) -> Result<(), Failure> {
        let mut event = BatchEvent::new(self.channel.clone(), self.name.clone(), self.data.clone());
        if let Some(socket_id) = &self.socket_id {
            event = event.socket_id(socket_id.clone());
        }
        event
            .check(config)
            .map_err(|e| Failure::from(pusher::Error::from(e)))
    }
}

/// The failure a refused or lost event reports.
fn delivery_failure(error: &DeliveryError) -> Failure {
    match error.error() {
        Some(pusher::Error::Response(e)) => Failure::refused(format!("the server refused: {e}")),
        _ => Failure::network(error.to_string()),
    }
}

/// What a run did.
#[derive(Debug, Serialize)]
struct Summary {
    sent: usize,
    failed: usize,
    seconds: f64,
    events_per_second: f64,
}

impl BatchArgs {
    pub(crate) async fn run(self, context: &Context<'_>) -> Result<(), Failure> {
        let source = describe_source(self.file.as_deref());
        let input = read_file_or_stdin(self.file.as_deref())?;
        let input =
            String::from_utf8(input).map_err(|_| Failure::invalid(format!("{source} is not UTF-8")))?;
        let events = parse_lines(&input)?;
        let pusher = context.pusher()?;
        // Check every event as it will be sent before sending any: an event the library refuses
        // (too large, an encrypted channel without a master key) stops the run before anything goes.
        for (line, event) in &events {
            event
                .check(pusher.config())
                .map_err(|failure| failure.in_context(&format!("line {line}")))?;
        }
        let publisher = Publisher::new(pusher).map_err(|e| Failure::invalid(e.to_string()))?;
        let started = Instant::now();
        let mut receipts = Vec::with_capacity(events.len());
        for (line, event) in events {
            let (channel, name) = (event.channel.as_str(), event.name.as_str());
            let published = match &event.socket_id {
                Some(socket_id) => {
                    publisher
                        .publish_excluding(channel, name, &event.data, socket_id.as_str())
                        .await
                }
                None => publisher.publish(channel, name, &event.data).await,
            };
            let receipt =
                published.map_err(|e| Failure::invalid(e.to_string()).in_context(&format!("line {line}")))?;
            receipts.push((line, receipt));
        }
        publisher.close().await;
        let (mut sent, mut failed, mut first_failure) = (0, 0, None);
        for (line, receipt) in receipts {
            match receipt.await {
                Ok(()) => sent += 1,
                Err(e) => {
                    failed += 1;
                    first_failure
                        .get_or_insert_with(|| delivery_failure(&e).in_context(&format!("line {line}")));
                }
            }
        }
        let seconds = started.elapsed().as_secs_f64();
        let summary = Summary {
            sent,
            failed,
            seconds,
            events_per_second: if seconds > 0.0 { sent as f64 / seconds } else { 0.0 },
        };
        context.output.show(&summary, || {
            format!(
                "sent {} in {:.3} s ({:.0} events/s); failed {}",
                count(summary.sent, "event", "events"),
                summary.seconds,
                summary.events_per_second,
                summary.failed
            )
        })?;
        match first_failure {
            Some(failure) => Err(failure),
            None => Ok(()),
        }
    }
}

/// The events of the non-empty lines of `input`, each with its line number; an error names the
/// line.
fn parse_lines(input: &str) -> Result<Vec<(usize, Event)>, Failure> {
    input
        .lines()
        .zip(1..)
        .filter(|(line, _)| !line.trim().is_empty())
        .map(|(line, number)| {
            serde_json::from_str::<Line>(line)
                .map_err(|e| {
                    Failure::invalid(format!("not an event {{\"channel\", \"name\", \"data\"}}: {e}"))
                })
                .and_then(Line::event)
                .map(|event| (number, event))
                .map_err(|failure| failure.in_context(&format!("line {number}")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_events_and_errors_name_the_line() {
        let events = parse_lines(
            "{\"channel\": \"a\", \"name\": \"e\", \"data\": {\"x\": 1}}\n\n  \n{\"channel\": \"b\", \"name\": \"e\", \"data\": \"text\", \"socket_id\": \"1.2\"}\n",
        )
        .unwrap();
        let lines: Vec<usize> = events.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [1, 4]);
        for (input, message) in [
            ("{\"channel\": \"a\", \"name\": \"e\"}", "line 1: not an event"),
            (
                "\n{\"channel\": \"a b\", \"name\": \"e\", \"data\": 1}",
                "line 2: invalid channel name \"a b\"",
            ),
            (
                "{\"channel\": \"a\", \"event\": \"e\", \"data\": 1}",
                "unknown field `event`",
            ),
            (
                "{\"channel\": \"a\", \"name\": \"e\", \"data\": 1, \"socket_id\": \"x\"}",
                "invalid socket id",
            ),
        ] {
            let shown = parse_lines(input).unwrap_err().to_string();
            assert!(shown.contains(message), "{input}: {shown}");
        }
    }
}
