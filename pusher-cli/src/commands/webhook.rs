//! `webhook verify` and `webhook listen`: webhooks checked with the app's key and secret, and
//! their events printed.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use pusher::webhook::{Webhook, WebhookEvent};
use serde_json::{Map, Value, json};

use super::Context;
use crate::failure::Failure;
use crate::http_server::{self, HttpServer, Request};
use crate::input::{describe_source, read_file_or_stdin};
use crate::output::{count, one_line, status};
use crate::until::Until;

/// Check webhooks and print their events
#[derive(Subcommand)]
pub(crate) enum WebhookCommand {
    /// Say whether a webhook is valid, and why not; print its events
    #[command(after_help = "\
Give the request's X-Pusher-Key and X-Pusher-Signature headers and its exact body. A webhook is
valid when the key is the app's, the signature matches the body and its time_ms is within 5
minutes of now. Exit code 5 when it is not, with the reason (stale, wrong key, wrong signature).

Example:
  pusher webhook verify --header 'X-Pusher-Key: 278d425bdf160c739803' \\
                        --header 'X-Pusher-Signature: a19cab2a...' body.json")]
    Verify(VerifyArgs),

    /// Serve an endpoint that verifies every webhook it receives and prints its events live
    #[command(after_help = "\
Listens on 127.0.0.1. A valid webhook is answered 200 and its events are printed, one line each;
an invalid one is answered 401 and the reason printed on stderr. Runs until interrupted,
--count events or --timeout.

Example:
  pusher webhook listen --port 9000
  pusher emulator --webhook-url http://127.0.0.1:9000/    # in another terminal")]
    Listen(ListenArgs),
}

#[derive(Args)]
pub(crate) struct VerifyArgs {
    /// A header of the webhook's request, as "Name: value" (repeat for each)
    #[arg(long = "header", value_name = "HEADER")]
    headers: Vec<String>,

    /// The file holding the exact body (default: stdin)
    #[arg(value_name = "BODY_FILE")]
    body: Option<PathBuf>,
}

#[derive(Args)]
pub(crate) struct ListenArgs {
    /// Listen on 127.0.0.1:PORT (default: a free port, printed at start)
    #[arg(long, default_value_t = 0)]
    port: u16,

    /// Stop after N events
    #[arg(long, value_name = "N")]
    count: Option<u64>,
}

impl WebhookCommand {
    pub(crate) async fn run(self, context: &Context<'_>) -> Result<(), Failure> {
        match self {
            WebhookCommand::Verify(args) => args.run(context),
            WebhookCommand::Listen(args) => args.run(context).await,
        }
    }
}

impl VerifyArgs {
    fn run(self, context: &Context<'_>) -> Result<(), Failure> {
        let pusher = context.pusher()?;
        let headers = self
            .headers
            .iter()
            .map(|header| parse_header(header))
            .collect::<Result<HeaderMap, _>>()?;
        let body = read_file_or_stdin(self.body.as_deref()).map_err(|failure| {
            failure.in_context(&format!("the body ({})", describe_source(self.body.as_deref())))
        })?;
        let webhook = pusher.verify_webhook(&headers, &body)?;
        let events: Vec<Value> = webhook.events.iter().map(event_json).collect();
        let document = json!({"valid": true, "time_ms": webhook.time_ms, "events": events});
        context.output.show(&document, || {
            let mut lines = vec![format!(
                "valid webhook, time_ms {}, {}",
                webhook.time_ms,
                count(events.len(), "event", "events")
            )];
            lines.extend(events.iter().map(event_line));
            lines.join("\n")
        })
    }
}

/// `Name: value` as a header.
fn parse_header(header: &str) -> Result<(HeaderName, HeaderValue), Failure> {
    let invalid = |why: &str| Failure::invalid(format!("--header {header:?}: {why}"));
    let (name, value) = header
        .split_once(':')
        .ok_or_else(|| invalid("must be \"Name: value\""))?;
    let name = HeaderName::try_from(name.trim()).map_err(|_| invalid("not a valid header name"))?;
    let value = HeaderValue::try_from(value.trim()).map_err(|_| invalid("not a valid header value"))?;
    Ok((name, value))
}

impl ListenArgs {
    async fn run(self, context: &Context<'_>) -> Result<(), Failure> {
        let pusher = context.pusher()?;
        let mut server = HttpServer::bind(self.port).await?;
        status(&format!(
            "listening for webhooks at {}/; Ctrl-C stops",
            server.url()
        ));
        let result = self.serve(context, &pusher, &mut server).await;
        server.finish().await;
        result
    }

    /// Verifies webhooks and prints their events until interrupted, `--count` events or
    /// `--timeout`.
    async fn serve(
        &self,
        context: &Context<'_>,
        pusher: &pusher::Pusher,
        server: &mut HttpServer,
    ) -> Result<(), Failure> {
        let until = Until::new(context.timeout, self.count);
        until
            .run("events", async |tally| {
                let exchange = server.next().await;
                let webhook = match verify(pusher, &exchange.request) {
                    Ok(webhook) => webhook,
                    Err((status_code, reason)) => {
                        exchange.answer(http_server::text(status_code, reason.clone()));
                        status(&format!("refused a webhook: {reason}"));
                        return Ok(());
                    }
                };
                exchange.answer(http_server::json(StatusCode::OK, "{}".to_owned()));
                for event in &webhook.events {
                    let mut line = event_json(event);
                    if let Value::Object(fields) = &mut line {
                        fields.insert("time_ms".to_owned(), webhook.time_ms.into());
                    }
                    context.output.show(&line, || event_line(&event_json(event)))?;
                    if tally.add() {
                        break;
                    }
                }
                Ok(())
            })
            .await
    }
}

/// The verified webhook `request` carries, or the status refusing it and why.
fn verify(pusher: &pusher::Pusher, request: &Request) -> Result<Webhook, (StatusCode, String)> {
    if request.method() != Method::POST {
        let reason = format!("webhooks come as POST, not {}", request.method());
        return Err((StatusCode::METHOD_NOT_ALLOWED, reason));
    }
    pusher
        .verify_webhook(request.headers(), request.body())
        .map_err(|e| (StatusCode::UNAUTHORIZED, Failure::from(e).to_string()))
}

/// An event as Pusher sends it (the library's `Serialize` of [`WebhookEvent`]).
fn event_json(event: &WebhookEvent) -> Value {
    // Strings and numbers into a `Value`: serializing cannot fail.
    serde_json::to_value(event).unwrap_or(Value::Null)
}

/// `NAME  CHANNEL  field=value ...`: an event's JSON (from [`event_json`]) on one line.
fn event_line(event: &Value) -> String {
    let empty = Map::new();
    let fields = event.as_object().unwrap_or(&empty);
    let text = |value: &Value| match value {
        Value::String(text) => one_line(text),
        other => other.to_string(),
    };
    let mut parts: Vec<String> = ["name", "channel"]
        .iter()
        .filter_map(|name| fields.get(*name).map(text))
        .collect();
    let mut others: Vec<(&String, &Value)> = fields
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "name" | "channel" | "time_ms"))
        .collect();
    others.sort_by_key(|(name, _)| name.as_str());
    parts.extend(
        others
            .into_iter()
            .map(|(name, value)| format!("{name}={}", text(value))),
    );
    parts.join("  ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_keep_pushers_field_names_and_read_as_one_line() {
        let event = WebhookEvent::ClientEvent {
            channel: "private-chat".to_owned(),
            event: "client-typing".to_owned(),
            data: "{\"who\":\"ada\"}".to_owned(),
            socket_id: Some("1.2".to_owned()),
            user_id: None,
        };
        let json = event_json(&event);
        assert_eq!(
            json,
            json!({"name": "client_event", "channel": "private-chat", "event": "client-typing",
                   "data": "{\"who\":\"ada\"}", "socket_id": "1.2"})
        );
        assert_eq!(
            event_line(&json),
            r#"client_event  private-chat  data={"who":"ada"}  event=client-typing  socket_id=1.2"#
        );
        let added = WebhookEvent::MemberAdded {
            channel: "presence-room".to_owned(),
            user_id: "42".to_owned(),
        };
        assert_eq!(
            event_line(&event_json(&added)),
            "member_added  presence-room  user_id=42"
        );
    }

    #[test]
    fn headers_are_name_colon_value() {
        let (name, value) = parse_header("X-Pusher-Key:  abc ").unwrap();
        assert_eq!((name.as_str(), value.to_str().unwrap()), ("x-pusher-key", "abc"));
        for bad in ["X-Pusher-Key abc", "X Pusher: abc", "X-Pusher-Key: a\u{7f}b"] {
            let shown = parse_header(bad).unwrap_err().to_string();
            assert!(shown.starts_with(&format!("--header {bad:?}")), "{shown}");
        }
    }
}
