//! A minimal Pusher protocol-7 WebSocket client, to play the browser in tests.
//!
//! It speaks the protocol the way pusher-js does and depends on nothing of the emulator, so the
//! same test can run against the emulator, soketi or any Pusher-compatible server:
//!
//! - [`Subscriber::connect`] reads `pusher:connection_established` and keeps the `socket_id`;
//! - [`subscribe`](Subscriber::subscribe) and [`subscribe_with_auth`](Subscriber::subscribe_with_auth)
//!   wait for `pusher_internal:subscription_succeeded` (with the presence member list) or fail
//!   with the server's `pusher:subscription_error`;
//! - [`signin`](Subscriber::signin) sends `pusher:signin`, waits for `pusher:signin_success` and
//!   subscribes to the user's `#server-to-user-{id}` channel, as pusher-js does;
//! - [`next_event`](Subscriber::next_event) and [`expect_event`](Subscriber::expect_event) read
//!   what arrives, answering the server's `pusher:ping` on the way;
//! - [`wait_closed`](Subscriber::wait_closed) detects the server closing the connection.
//!
//! `data` of a received message is always given as a string: the string the server sent, or the
//! JSON text of an object when a server sends one (some do for their own events).
//!
//! Only `ws://` URLs are supported (no TLS).
//!
//! ```
//! use std::time::Duration;
//! use pusher_core::auth::authorize_channel;
//! use pusher_emulator::{Emulator, Subscriber};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = Emulator::start().await?;
//! let mut alice = Subscriber::connect(&emulator.ws_url()).await?;
//! let mut bob = Subscriber::connect(&emulator.ws_url()).await?;
//! for who in [&mut alice, &mut bob] {
//!     let auth = authorize_channel(&emulator.config(), &who.socket_id().parse()?, &"private-chat".parse()?)?;
//!     who.subscribe_with_auth("private-chat", &auth.auth, None).await?;
//! }
//! alice.send_client_event("private-chat", "client-typing", r#"{"who":"alice"}"#).await?;
//! let typing = bob.expect_event("private-chat", "client-typing", Duration::from_secs(5)).await?;
//! assert_eq!(typing.data.as_deref(), Some(r#"{"who":"alice"}"#));
//! // Client events are not echoed to their sender.
//! assert!(alice.next_event(Duration::from_millis(200)).await.is_none());
//! # Ok(()) }
//! ```

use std::collections::VecDeque;
use std::fmt;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use serde_json::{Map, Value, json};
use tokio::net::TcpStream;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long [`Subscriber::connect`], subscriptions and sign-in wait for the server by default.
pub const DEFAULT_REPLY_TIMEOUT: Duration = Duration::from_secs(10);

/// One protocol message received from the server.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Message {
    /// The event name.
    pub event: String,
    /// The channel, for channel events.
    pub channel: Option<String>,
    /// The data: the string the server sent (or the JSON text of a non-string value).
    pub data: Option<String>,
    /// The sender's user id, on client events of presence channels.
    pub user_id: Option<String>,
}

impl Message {
    /// Parses [`data`](Self::data) as JSON, if it is JSON.
    pub fn data_json(&self) -> Option<Value> {
        self.data.as_deref().and_then(|d| serde_json::from_str(d).ok())
    }

    fn parse(text: &str) -> Result<Self, String> {
        let value: Map<String, Value> =
            serde_json::from_str(text).map_err(|e| format!("not a JSON object ({e}): {text:.200}"))?;
        let event = value
            .get("event")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("no \"event\": {text:.200}"))?
            .to_owned();
        let data = match value.get("data") {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => Some(other.to_string()),
        };
        let string = |field: &str| value.get(field).and_then(Value::as_str).map(str::to_owned);
        Ok(Self {
            event,
            channel: string("channel"),
            data,
            user_id: string("user_id"),
        })
    }

    fn is(&self, channel: &str, event: &str) -> bool {
        self.event == event && self.channel.as_deref() == Some(channel)
    }

    /// `code` and `message` of a `pusher:error`.
    fn error_parts(&self) -> (Option<i64>, String) {
        let data = self.data_json();
        let code = data.as_ref().and_then(|d| d.get("code")).and_then(Value::as_i64);
        let message = data
            .as_ref()
            .and_then(|d| d.get("message"))
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| self.data.clone())
            .unwrap_or_default();
        (code, message)
    }
}

/// A successful subscription.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Subscription {
    /// The channel.
    pub channel: String,
    /// The `data` of `pusher_internal:subscription_succeeded`, if any.
    pub data: Option<String>,
    /// The member list, for a presence channel.
    pub presence: Option<Presence>,
}

/// The members of a presence channel, as `subscription_succeeded` gives them.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Presence {
    /// Distinct user ids.
    pub ids: Vec<String>,
    /// `user_info` by user id.
    pub hash: Map<String, Value>,
    /// How many distinct users.
    pub count: u64,
}

impl Presence {
    fn from_data(data: &Value) -> Option<Self> {
        let presence = data.get("presence")?;
        let ids = presence
            .get("ids")?
            .as_array()?
            .iter()
            .map(|id| match id {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect();
        Some(Self {
            ids,
            hash: presence.get("hash")?.as_object()?.clone(),
            count: presence.get("count")?.as_u64()?,
        })
    }
}

/// The close frame the server sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CloseInfo {
    /// The close code (e.g. 4009 when the app terminated the user's connections).
    pub code: u16,
    /// The reason text.
    pub reason: String,
}

/// What went wrong talking to the server.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SubscriberError {
    /// The WebSocket connection could not be made.
    Connect(String),
    /// The first message was not `pusher:connection_established`.
    Handshake(String),
    /// The server sent `pusher:error` (on connecting, or in answer to what was asked).
    Server {
        /// The error code, if the server gave one.
        code: Option<i64>,
        /// The error message.
        message: String,
    },
    /// The server refused a subscription with `pusher:subscription_error`.
    SubscriptionRejected {
        /// The channel.
        channel: String,
        /// The `data` of the error (e.g. `{"type":"AuthError","error":..,"status":401}`).
        data: Option<String>,
    },
    /// Nothing expected arrived in time; the text says what was waited for and what came.
    Timeout(String),
    /// The connection is closed.
    Closed(Option<CloseInfo>),
    /// The WebSocket failed, or the server sent something that is not the protocol.
    Protocol(String),
}

impl fmt::Display for SubscriberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Connect(e) => write!(f, "cannot connect: {e}"),
            Self::Handshake(e) => write!(f, "no pusher:connection_established: {e}"),
            Self::Server { code, message } => match code {
                Some(code) => write!(f, "pusher:error {code}: {message}"),
                None => write!(f, "pusher:error: {message}"),
            },
            Self::SubscriptionRejected { channel, data } => write!(
                f,
                "subscription to {channel} rejected: {}",
                data.as_deref().unwrap_or("(no data)")
            ),
            Self::Timeout(what) => write!(f, "timed out: {what}"),
            Self::Closed(Some(close)) => {
                write!(f, "connection closed with {}: {}", close.code, close.reason)
            }
            Self::Closed(None) => write!(f, "connection closed"),
            Self::Protocol(e) => write!(f, "protocol error: {e}"),
        }
    }
}

impl std::error::Error for SubscriberError {}

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A protocol-7 client connection. See the [module documentation](self).
#[derive(Debug)]
pub struct Subscriber {
    ws: Socket,
    socket_id: String,
    activity_timeout: Option<u64>,
    /// Messages read while waiting for something else, in arrival order.
    pending: VecDeque<Message>,
    closed: Option<Option<CloseInfo>>,
    reply_timeout: Duration,
}

/// What one read produced.
enum Read {
    Message(Message),
    TimedOut,
    Closed,
}

impl Subscriber {
    /// Connects to `ws_url` (e.g. `ws://127.0.0.1:6001/app/KEY?protocol=7`) and reads
    /// `pusher:connection_established`. A `pusher:error` instead (unknown key: 4001) is
    /// [`SubscriberError::Server`].
    ///
    /// For a `wss://` URL, use [`connect_with_roots`](Self::connect_with_roots), which says which
    /// certificates to trust.
    pub async fn connect(ws_url: &str) -> Result<Subscriber, SubscriberError> {
        if ws_url.starts_with("wss://") {
            return Err(SubscriberError::Connect(format!(
                "{ws_url}: a wss:// URL needs the certificates to trust: use Subscriber::connect_with_roots"
            )));
        }
        Self::connect_via(ws_url, None).await
    }

    /// [`connect`](Self::connect) to a `wss://` URL, trusting only the PEM certificates `roots`
    /// (e.g. [`TestCertificates::ca_pem`](crate::TestCertificates::ca_pem)). A `ws://` URL
    /// connects without TLS, as with `connect`.
    pub async fn connect_with_roots(ws_url: &str, roots: &[u8]) -> Result<Subscriber, SubscriberError> {
        let config = crate::tls::client_config(roots)
            .map_err(|e| SubscriberError::Connect(format!("{ws_url}: the root certificates: {e}")))?;
        Self::connect_via(ws_url, Some(tokio_tungstenite::Connector::Rustls(config))).await
    }

    async fn connect_via(
        ws_url: &str,
        connector: Option<tokio_tungstenite::Connector>,
    ) -> Result<Subscriber, SubscriberError> {
        let deadline = Instant::now() + DEFAULT_REPLY_TIMEOUT;
        let connecting = tokio_tungstenite::connect_async_tls_with_config(ws_url, None, false, connector);
        let (ws, _) = tokio::time::timeout_at(deadline, connecting)
            .await
            .map_err(|_| SubscriberError::Connect(format!("{ws_url}: no answer within 10 s")))?
            .map_err(|e| SubscriberError::Connect(format!("{ws_url}: {e}")))?;
        let mut subscriber = Subscriber {
            ws,
            socket_id: String::new(),
            activity_timeout: None,
            pending: VecDeque::new(),
            closed: None,
            reply_timeout: DEFAULT_REPLY_TIMEOUT,
        };
        let first = match subscriber.read(deadline).await? {
            Read::Message(m) => m,
            Read::TimedOut => return Err(SubscriberError::Handshake("nothing within 10 s".to_owned())),
            Read::Closed => return Err(SubscriberError::Closed(subscriber.close_info().cloned())),
        };
        match first.event.as_str() {
            "pusher:connection_established" => {
                let data = first.data_json().unwrap_or_default();
                subscriber.socket_id = data
                    .get("socket_id")
                    .and_then(Value::as_str)
                    .ok_or_else(|| SubscriberError::Handshake(format!("no socket_id in {:?}", first.data)))?
                    .to_owned();
                subscriber.activity_timeout = data.get("activity_timeout").and_then(Value::as_u64);
                Ok(subscriber)
            }
            "pusher:error" => {
                let (code, message) = first.error_parts();
                Err(SubscriberError::Server { code, message })
            }
            other => Err(SubscriberError::Handshake(format!(
                "the first event was {other:?}"
            ))),
        }
    }

    /// The connection's socket id, from `pusher:connection_established`.
    pub fn socket_id(&self) -> &str {
        &self.socket_id
    }

    /// The `activity_timeout` the server announced, in seconds.
    pub fn activity_timeout(&self) -> Option<u64> {
        self.activity_timeout
    }

    /// How long subscriptions and sign-in wait for the server's answer (default 10 s).
    pub fn set_reply_timeout(&mut self, timeout: Duration) {
        self.reply_timeout = timeout;
    }

    /// The close frame the server sent, once the connection is closed.
    pub fn close_info(&self) -> Option<&CloseInfo> {
        self.closed.as_ref().and_then(Option::as_ref)
    }

    /// Sends a text frame as it is (for testing how a server takes malformed input).
    pub async fn send_raw(&mut self, text: &str) -> Result<(), SubscriberError> {
        self.ws
            .send(WsMessage::text(text))
            .await
            .map_err(|e| SubscriberError::Protocol(format!("send: {e}")))
    }

    async fn send_json(&mut self, value: Value) -> Result<(), SubscriberError> {
        self.send_raw(&value.to_string()).await
    }

    /// Reads one protocol message, answering `pusher:ping` on the way.
    async fn read(&mut self, deadline: Instant) -> Result<Read, SubscriberError> {
        loop {
            if self.closed.is_some() {
                return Ok(Read::Closed);
            }
            let frame = match tokio::time::timeout_at(deadline, self.ws.next()).await {
                Err(_) => return Ok(Read::TimedOut),
                Ok(frame) => frame,
            };
            match frame {
                Some(Ok(WsMessage::Text(text))) => {
                    let message = Message::parse(text.as_str()).map_err(SubscriberError::Protocol)?;
                    if message.event == "pusher:ping" {
                        self.send_json(json!({"event": "pusher:pong", "data": {}}))
                            .await?;
                        continue;
                    }
                    return Ok(Read::Message(message));
                }
                Some(Ok(WsMessage::Close(frame))) => {
                    self.closed = Some(frame.map(|f| CloseInfo {
                        code: f.code.into(),
                        reason: f.reason.to_string(),
                    }));
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => self.closed = Some(None),
            }
        }
    }

    /// The next message (buffered or new) within `timeout`, or `None` on timeout or close.
    /// `pusher:ping` is answered and skipped.
    pub async fn next_event(&mut self, timeout: Duration) -> Option<Message> {
        if let Some(message) = self.pending.pop_front() {
            return Some(message);
        }
        match self.read(Instant::now() + timeout).await {
            Ok(Read::Message(message)) => Some(message),
            _ => None,
        }
    }

    /// Waits for `event` on `channel`. Other messages that arrive meanwhile are kept, in order,
    /// for [`next_event`](Self::next_event).
    pub async fn expect_event(
        &mut self,
        channel: &str,
        event: &str,
        timeout: Duration,
    ) -> Result<Message, SubscriberError> {
        if let Some(i) = self.pending.iter().position(|m| m.is(channel, event))
            && let Some(message) = self.pending.remove(i)
        {
            return Ok(message);
        }
        let deadline = Instant::now() + timeout;
        loop {
            match self.read(deadline).await? {
                Read::Message(m) if m.is(channel, event) => return Ok(m),
                Read::Message(m) => self.pending.push_back(m),
                Read::TimedOut => {
                    return Err(SubscriberError::Timeout(format!(
                        "no {event:?} on {channel:?} within {timeout:?}; {}",
                        self.describe_pending()
                    )));
                }
                Read::Closed => return Err(SubscriberError::Closed(self.close_info().cloned())),
            }
        }
    }

    fn describe_pending(&self) -> String {
        if self.pending.is_empty() {
            return "nothing else arrived".to_owned();
        }
        let seen: Vec<String> = self
            .pending
            .iter()
            .take(20)
            .map(|m| match &m.channel {
                Some(c) => format!("{} on {c}", m.event),
                None => m.event.clone(),
            })
            .collect();
        format!("received meanwhile: {}", seen.join(", "))
    }

    /// Waits for the first message `accept` decides on; others are kept for later.
    async fn wait_reply<T>(
        &mut self,
        what: &str,
        mut accept: impl FnMut(&Message) -> Option<Result<T, SubscriberError>>,
    ) -> Result<T, SubscriberError> {
        let deadline = Instant::now() + self.reply_timeout;
        loop {
            match self.read(deadline).await? {
                Read::Message(m) => match accept(&m) {
                    Some(result) => return result,
                    None => self.pending.push_back(m),
                },
                Read::TimedOut => {
                    return Err(SubscriberError::Timeout(format!(
                        "no answer to {what} within {:?}; {}",
                        self.reply_timeout,
                        self.describe_pending()
                    )));
                }
                Read::Closed => return Err(SubscriberError::Closed(self.close_info().cloned())),
            }
        }
    }

    /// Subscribes to a public channel.
    pub async fn subscribe(&mut self, channel: &str) -> Result<Subscription, SubscriberError> {
        self.subscribe_with_auth(channel, "", None).await
    }

    /// Subscribes with `auth` (`KEY:SIGNATURE`) and, for a presence channel, the exact
    /// `channel_data` string that was signed. An empty `auth` is not sent.
    pub async fn subscribe_with_auth(
        &mut self,
        channel: &str,
        auth: &str,
        channel_data: Option<&str>,
    ) -> Result<Subscription, SubscriberError> {
        let mut data = json!({ "channel": channel });
        if !auth.is_empty() {
            data["auth"] = json!(auth);
        }
        if let Some(channel_data) = channel_data {
            data["channel_data"] = json!(channel_data);
        }
        self.send_json(json!({"event": "pusher:subscribe", "data": data}))
            .await?;
        self.wait_subscription(channel).await
    }

    async fn wait_subscription(&mut self, channel: &str) -> Result<Subscription, SubscriberError> {
        self.wait_reply(&format!("the subscription to {channel}"), |m| {
            if m.is(channel, "pusher_internal:subscription_succeeded") {
                let presence = m.data_json().as_ref().and_then(Presence::from_data);
                return Some(Ok(Subscription {
                    channel: channel.to_owned(),
                    data: m.data.clone(),
                    presence,
                }));
            }
            if m.is(channel, "pusher:subscription_error") {
                return Some(Err(SubscriberError::SubscriptionRejected {
                    channel: channel.to_owned(),
                    data: m.data.clone(),
                }));
            }
            if m.event == "pusher:error" {
                let (code, message) = m.error_parts();
                return Some(Err(SubscriberError::Server { code, message }));
            }
            None
        })
        .await
    }

    /// Unsubscribes (the protocol has no answer to wait for).
    pub async fn unsubscribe(&mut self, channel: &str) -> Result<(), SubscriberError> {
        self.send_json(json!({"event": "pusher:unsubscribe", "data": {"channel": channel}}))
            .await
    }

    /// Signs the connection in as a user: sends `pusher:signin` with `auth` (`KEY:SIGNATURE`) and
    /// the exact `user_data` string that was signed, waits for `pusher:signin_success`, then
    /// subscribes to `#server-to-user-{id}` as pusher-js does. A refusal (`pusher:error`, usually
    /// 4009 followed by a close) is [`SubscriberError::Server`].
    pub async fn signin(&mut self, auth: &str, user_data: &str) -> Result<(), SubscriberError> {
        let data = json!({"auth": auth, "user_data": user_data});
        self.send_json(json!({"event": "pusher:signin", "data": data}))
            .await?;
        self.wait_reply("pusher:signin", |m| match m.event.as_str() {
            "pusher:signin_success" => Some(Ok(())),
            "pusher:error" => {
                let (code, message) = m.error_parts();
                Some(Err(SubscriberError::Server { code, message }))
            }
            _ => None,
        })
        .await?;
        let id = serde_json::from_str::<Value>(user_data)
            .ok()
            .and_then(|v| v.get("id").and_then(Value::as_str).map(str::to_owned))
            .ok_or_else(|| SubscriberError::Protocol("user_data has no string \"id\"".to_owned()))?;
        let channel = format!("#server-to-user-{id}");
        // pusher-js sends an empty auth for this channel.
        self.send_json(json!({"event": "pusher:subscribe", "data": {"auth": "", "channel": channel}}))
            .await?;
        self.wait_subscription(&channel).await.map(drop)
    }

    /// Triggers a client event. `data` is serialized into the message's `data`: a string (`&str`)
    /// is sent as a JSON string, which the other subscribers receive as it is; any other value
    /// (e.g. a `serde_json::Value` object) is sent as that JSON value, as pusher-js sends it.
    pub async fn send_client_event<T: Serialize + ?Sized>(
        &mut self,
        channel: &str,
        event: &str,
        data: &T,
    ) -> Result<(), SubscriberError> {
        let data = serde_json::to_value(data)
            .map_err(|e| SubscriberError::Protocol(format!("data does not serialize: {e}")))?;
        self.send_json(json!({"event": event, "channel": channel, "data": data}))
            .await
    }

    /// Sends `pusher:ping`; the `pusher:pong` arrives through [`next_event`](Self::next_event).
    pub async fn ping(&mut self) -> Result<(), SubscriberError> {
        self.send_json(json!({"event": "pusher:ping", "data": {}})).await
    }

    /// Waits up to `timeout` for the server to close the connection. Messages that arrive first
    /// are kept for [`next_event`](Self::next_event); [`close_info`](Self::close_info) then gives
    /// the close code.
    pub async fn wait_closed(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            match self.read(deadline).await {
                Ok(Read::Message(m)) => self.pending.push_back(m),
                Ok(Read::TimedOut) => return false,
                Ok(Read::Closed) | Err(_) => return self.closed.is_some(),
            }
        }
    }

    /// Closes the connection cleanly.
    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
        let _ = tokio::time::timeout(Duration::from_secs(1), async {
            while let Some(Ok(m)) = self.ws.next().await {
                if m.is_close() {
                    break;
                }
            }
        })
        .await;
    }
}
