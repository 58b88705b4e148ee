//! `batch`: events read as JSON lines, triggered in batches.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use pusher::api::{BatchEvent, EventData, TriggerBatch};
use pusher::limits::MAX_BATCH_EVENTS;
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
sent (exit 2). The events then go in batches of up to 10; the first refused batch stops the run.

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

impl Line {
    /// The event, its names checked.
    fn event(self) -> Result<BatchEvent, Failure> {
        // A JSON string is the data as it is sent; any other value is sent as its JSON text.
        let data = match serde_json::from_str::<String>(self.data.get()) {
            Ok(text) => text,
            Err(_) => self.data.get().to_owned(),
        };
        let event = BatchEvent::new(
            ChannelName::try_from(self.channel)?,
            EventName::try_from(self.name)?,
            EventData::encoded(data),
        );
        Ok(match self.socket_id {
            Some(socket_id) => event.socket_id(SocketId::try_from(socket_id)?),
            None => event,
        })
    }
}

/// What a run did.
#[derive(Debug, Serialize)]
struct Summary {
    sent: usize,
    failed: usize,
    not_sent: usize,
    batches: usize,
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
        let chunks: Vec<&[(usize, BatchEvent)]> = events.chunks(MAX_BATCH_EVENTS).collect();
        let batches: Vec<TriggerBatch> = chunks
            .iter()
            .map(|chunk| TriggerBatch::new(chunk.iter().map(|(_, event)| event.clone())))
            .collect();
        // Build every request before sending any: a batch the library refuses (too large, an
        // encrypted channel without a master key) stops the run before anything is sent.
        for (batch, chunk) in batches.iter().zip(&chunks) {
            let lines = match (chunk.first(), chunk.last()) {
                (Some((first, _)), Some((last, _))) => format!("the batch of lines {first} to {last}"),
                _ => "a batch".to_owned(),
            };
            pusher
                .build_request(batch)
                .map_err(|e| Failure::from(e).in_context(&lines))?;
        }
        let started = Instant::now();
        let (mut sent, mut sent_batches, mut failure) = (0, 0, None);
        for (batch, chunk) in batches.into_iter().zip(chunks) {
            match pusher.send(batch).await {
                Ok(_) => {
                    sent += chunk.len();
                    sent_batches += 1;
                }
                Err(e) => {
                    failure = Some((chunk.len(), Failure::from(e)));
                    break;
                }
            }
        }
        let seconds = started.elapsed().as_secs_f64();
        let failed = failure.as_ref().map_or(0, |(count, _)| *count);
        let summary = Summary {
            sent,
            failed,
            not_sent: events.len() - sent - failed,
            batches: sent_batches,
            seconds,
            events_per_second: if seconds > 0.0 { sent as f64 / seconds } else { 0.0 },
        };
        context.output.show(&summary, || {
            format!(
                "sent {} in {} in {:.3} s ({:.0} events/s); failed {}, not sent {}",
                count(summary.sent, "event", "events"),
                count(summary.batches, "batch", "batches"),
                summary.seconds,
                summary.events_per_second,
                summary.failed,
                summary.not_sent
            )
        })?;
        match failure {
            Some((_, failure)) => Err(failure),
            None => Ok(()),
        }
    }
}

/// The events of the non-empty lines of `input`, each with its line number; an error names the
/// line.
fn parse_lines(input: &str) -> Result<Vec<(usize, BatchEvent)>, Failure> {
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
