//! Webhook delivery (PROTOCOL §8): events are queued without blocking and POSTed in order by a
//! background task as `{"time_ms": .., "events": [..]}`, signed with `X-Pusher-Key` and
//! `X-Pusher-Signature` = hex HMAC-SHA256(secret, body), made by the
//! [`oracle`](crate::oracle). Failures are logged, never fatal.
//!
//! The queue is bounded: while the endpoint is slower than the events come, the events that do
//! not fit are dropped, and how many is logged with the next delivery.
//!
//! This is the server sending webhooks; [`WebhookInbox`](crate::client::webhook_inbox::WebhookInbox)
//! is the test tool that receives them.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use crate::oracle;
use crate::state::Secret;

/// The most events one webhook POST carries.
const MAX_EVENTS_PER_WEBHOOK: usize = 50;

/// The most webhook events waiting to be sent.
const MAX_QUEUED_EVENTS: usize = 10_000;

/// How long one delivery may take.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(5);

/// Where webhooks go: an `http://` URL split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WebhookUrl {
    host: String,
    port: u16,
    /// Path and query, starting with `/`.
    target: String,
}

impl WebhookUrl {
    /// Parses `http://HOST[:PORT][/PATH]`.
    pub(crate) fn parse(url: &str) -> Result<Self, String> {
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| format!("webhook URL {url:?} must start with http://"))?;
        let (authority, target) = match rest.find(['/', '?']) {
            Some(i) if rest[i..].starts_with('/') => (&rest[..i], rest[i..].to_owned()),
            Some(i) => (&rest[..i], format!("/{}", &rest[i..])),
            None => (rest, "/".to_owned()),
        };
        if authority.contains('@') {
            return Err(format!("webhook URL {url:?} must not carry user info"));
        }
        // A bracketed IPv6 literal holds colons of its own: the port separator comes after the ']'.
        let port_sep = match authority.rfind(']') {
            Some(end) => authority[end..].find(':').map(|i| end + i),
            None => authority.rfind(':'),
        };
        let (host, port) = match port_sep {
            Some(i) => {
                let port = authority[i + 1..]
                    .parse::<u16>()
                    .map_err(|_| format!("webhook URL {url:?} has an invalid port"))?;
                (&authority[..i], port)
            }
            None => (authority, 80),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err(format!("webhook URL {url:?} has no host"));
        }
        Ok(Self {
            host: host.to_owned(),
            port,
            target,
        })
    }

    fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// The sending side of the webhook queue: cheap, never blocks.
#[derive(Debug, Clone)]
pub(crate) struct WebhookQueue {
    tx: mpsc::Sender<Value>,
    dropped: Arc<AtomicU64>,
}

impl WebhookQueue {
    /// Queues one webhook event (`{"name": .., "channel": .., ..}`), or counts it as dropped when
    /// the queue is full.
    pub(crate) fn push(&self, event: Value) {
        if self.tx.try_send(event).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// The delivery side: run [`Delivery::run`] on the server's runtime.
#[derive(Debug)]
pub(crate) struct Delivery {
    rx: mpsc::Receiver<Value>,
    /// Events dropped for a full queue since the last delivery said so.
    dropped: Arc<AtomicU64>,
    url: WebhookUrl,
    key: String,
    secret: Secret,
}

/// A queue and its delivery task, not yet started.
pub(crate) fn channel(url: WebhookUrl, key: &str, secret: &Secret) -> (WebhookQueue, Delivery) {
    let (tx, rx) = mpsc::channel(MAX_QUEUED_EVENTS);
    let dropped = Arc::new(AtomicU64::new(0));
    (
        WebhookQueue {
            tx,
            dropped: dropped.clone(),
        },
        Delivery {
            rx,
            dropped,
            url,
            key: key.to_owned(),
            secret: secret.clone(),
        },
    )
}

impl Delivery {
    /// Delivers queued events until every queue handle is dropped.
    pub(crate) async fn run(mut self) {
        while let Some(first) = self.rx.recv().await {
            let dropped = self.dropped.swap(0, Ordering::Relaxed);
            if dropped > 0 {
                eprintln!(
                    "pusher-emulator: {dropped} webhook events dropped: the queue to {} was full \
                     ({MAX_QUEUED_EVENTS} events)",
                    self.describe()
                );
            }
            let mut events = vec![first];
            while events.len() < MAX_EVENTS_PER_WEBHOOK {
                match self.rx.try_recv() {
                    Ok(event) => events.push(event),
                    Err(_) => break,
                }
            }
            let time_ms = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
                .unwrap_or_default();
            let body = json!({"time_ms": time_ms, "events": events}).to_string();
            match tokio::time::timeout(DELIVERY_TIMEOUT, self.post(body)).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => eprintln!("pusher-emulator: webhook to {} failed: {e}", self.describe()),
                Err(_) => eprintln!("pusher-emulator: webhook to {} timed out", self.describe()),
            }
        }
    }

    fn describe(&self) -> String {
        format!("http://{}{}", self.url.authority(), self.url.target)
    }

    async fn post(&self, body: String) -> Result<(), String> {
        let signature = oracle::webhook_signature(self.secret.expose(), body.as_bytes());
        let stream = TcpStream::connect((self.url.host.as_str(), self.url.port))
            .await
            .map_err(|e| format!("connect: {e}"))?;
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| format!("handshake: {e}"))?;
        tokio::spawn(connection);
        let request = http::Request::post(self.url.target.as_str())
            .header(http::header::HOST, self.url.authority())
            .header(http::header::CONTENT_TYPE, "application/json")
            .header("X-Pusher-Key", self.key.as_str())
            .header("X-Pusher-Signature", signature)
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| format!("request: {e}"))?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| format!("send: {e}"))?;
        let status = response.status();
        // Read the body so the exchange completes; its content does not matter.
        let _ = response.into_body().collect().await;
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("the endpoint answered {status}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u = WebhookUrl::parse("http://127.0.0.1:9000/hooks?x=1").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.target.as_str()),
            ("127.0.0.1", 9000, "/hooks?x=1")
        );
        let u = WebhookUrl::parse("http://localhost").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.target.as_str()),
            ("localhost", 80, "/")
        );
        let u = WebhookUrl::parse("http://[::1]:81/a").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.authority().as_str()),
            ("::1", 81, "[::1]:81")
        );
        let u = WebhookUrl::parse("http://[::1]").unwrap();
        assert_eq!((u.host.as_str(), u.port), ("::1", 80));
        let u = WebhookUrl::parse("http://h?q").unwrap();
        assert_eq!(u.target, "/?q");
        for (bad, why) in [
            ("https://h/", "must start with http://"),
            ("ftp://h", "must start with http://"),
            ("http://", "has no host"),
            ("http://h:x/", "has an invalid port"),
            ("http://u:p@h/", "must not carry user info"),
        ] {
            let e = WebhookUrl::parse(bad).unwrap_err();
            assert_eq!(e, format!("webhook URL {bad:?} {why}"));
        }
    }

    #[test]
    fn a_full_queue_drops_and_counts_what_does_not_fit() {
        let url = WebhookUrl::parse("http://127.0.0.1:9/").unwrap();
        let (queue, delivery) = channel(url, "key", &Secret::new("secret".to_owned()));
        for n in 0..MAX_QUEUED_EVENTS + 5 {
            queue.push(json!({ "n": n }));
        }
        assert_eq!(delivery.rx.len(), MAX_QUEUED_EVENTS);
        assert_eq!(delivery.dropped.load(Ordering::Relaxed), 5);
    }
}
