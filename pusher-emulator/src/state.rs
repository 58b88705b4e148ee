//! The emulator's live state: connections, channels, presence members and the events received over
//! the HTTP API. Everything the HTTP API answers and every WebSocket delivery goes through [`Hub`].
//!
//! All mutation happens under one lock, and every message a change causes is queued to the
//! connections while that lock is held, so each connection sees changes in the order they happened.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::ops::Deref;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::{mpsc, watch};

use crate::notifications::NotificationLog;
use crate::webhook_sender::WebhookQueue;

/// A secret value (the app secret, the encryption master key). `Debug` redacts it; what is signed
/// with it is signed and checked by the [`oracle`](crate::oracle).
#[derive(Clone)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(secret: String) -> Self {
        Self(secret)
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// The settings a running emulator was started with.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) app_id: String,
    pub(crate) key: String,
    pub(crate) secret: Secret,
    pub(crate) max_payload_bytes: usize,
    pub(crate) activity_timeout: Duration,
    pub(crate) client_events: bool,
    pub(crate) log_requests: bool,
    pub(crate) max_events: usize,
}

/// The most text, in bytes, that may wait to be written to one WebSocket connection. A client
/// that reads slower than its messages come gets `pusher:error` 4100 and is closed once this
/// much is waiting, so that the server never holds its messages without end.
pub const MAX_QUEUED_WS_BYTES: usize = 16 * 1024 * 1024;

/// What a connection's writer task is asked to do.
#[derive(Debug)]
pub(crate) enum Outbound {
    /// Send this text frame.
    Text(String),
    /// Send a close frame with this code and reason, wait up to `linger` for the client's close
    /// frame, then end the connection.
    Close {
        code: u16,
        reason: String,
        linger: Duration,
    },
}

/// The queue of one connection's messages, as the hub and the connection's own replies fill it.
///
/// It holds at most [`MAX_QUEUED_WS_BYTES`] of text: a message past that closes the connection
/// with 4100 instead. Once a close is queued, nothing more is.
#[derive(Debug, Clone)]
pub(crate) struct Outbox {
    tx: mpsc::UnboundedSender<Outbound>,
    /// Bytes of text queued and not yet taken by the writer.
    queued: Arc<AtomicUsize>,
    closing: Arc<AtomicBool>,
}

/// The writer's end of an [`Outbox`].
#[derive(Debug)]
pub(crate) struct OutboxReader {
    rx: mpsc::UnboundedReceiver<Outbound>,
    queued: Arc<AtomicUsize>,
}

impl Outbox {
    /// A new, empty queue for one connection, and its writer's end.
    pub(crate) fn new() -> (Outbox, OutboxReader) {
        let (tx, rx) = mpsc::unbounded_channel();
        let queued = Arc::new(AtomicUsize::new(0));
        let outbox = Outbox {
            tx,
            queued: queued.clone(),
            closing: Arc::new(AtomicBool::new(false)),
        };
        (outbox, OutboxReader { rx, queued })
    }

    /// Queues a text frame, or closes the connection with 4100 when it would not fit.
    pub(crate) fn text(&self, text: String) {
        if self.closing.load(Ordering::Relaxed) {
            return;
        }
        let len = text.len();
        if self.queued.fetch_add(len, Ordering::Relaxed) + len > MAX_QUEUED_WS_BYTES {
            self.queued.fetch_sub(len, Ordering::Relaxed);
            let message = format!(
                "Over capacity: more than {MAX_QUEUED_WS_BYTES} bytes are waiting to be sent to \
                 this connection, which is not reading them"
            );
            return self.close(4100, &message, Duration::from_secs(1));
        }
        self.push(Outbound::Text(text));
    }

    /// Queues `pusher:error` with `code` and `message`, then a close with the same, once: after
    /// the first close nothing more is queued. `linger` is how long the writer waits for the
    /// client's close frame.
    pub(crate) fn close(&self, code: u16, message: &str, linger: Duration) {
        if self.closing.swap(true, Ordering::Relaxed) {
            return;
        }
        let error = error_frame(Some(code), message);
        // Past the bound, by one short frame: the client is told why it is closed.
        self.queued.fetch_add(error.len(), Ordering::Relaxed);
        self.push(Outbound::Text(error));
        self.push(Outbound::Close {
            code,
            reason: message.to_owned(),
            linger,
        });
    }

    fn push(&self, outbound: Outbound) {
        // This fails only once the writer has ended: the connection is closed, and what was
        // meant for it has nowhere to go.
        let _ = self.tx.send(outbound);
    }
}

impl OutboxReader {
    /// The next message to write. Cancel-safe, so it can wait in a `select!`.
    pub(crate) async fn recv(&mut self) -> Option<Outbound> {
        let outbound = self.rx.recv().await;
        if let Some(Outbound::Text(text)) = &outbound {
            self.queued.fetch_sub(text.len(), Ordering::Relaxed);
        }
        outbound
    }
}

/// An event received over the HTTP API (`POST /events` or `/batch_events`), one per channel.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReceivedEvent {
    /// The channel the event was triggered on.
    pub channel: String,
    /// The event name.
    pub name: String,
    /// The `data` string exactly as the API received it.
    pub data: String,
    /// The `socket_id` that was excluded from delivery, if one was given.
    pub socket_id: Option<String>,
    /// Whether the event came in a batch (`/batch_events`).
    pub batch: bool,
    /// When the emulator received it.
    pub received_at: SystemTime,
}

/// The events received over the HTTP API, as [`Emulator::events`](crate::Emulator::events) gives
/// them: the latest ones, at most [`max_events`](crate::EmulatorBuilder::max_events), in the order
/// received, and how many older ones were dropped to keep within that bound.
///
/// It dereferences to the slice of the events kept:
///
/// ```
/// # fn main() -> Result<(), pusher_emulator::StartError> {
/// let emulator = pusher_emulator::Emulator::builder().max_events(100).start_blocking()?;
/// let events = emulator.events();
/// assert!(events.is_empty());
/// assert_eq!(events.dropped(), 0);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReceivedEvents {
    events: Vec<ReceivedEvent>,
    dropped: u64,
}

impl ReceivedEvents {
    /// How many events older than those kept were dropped to stay within the bound, since the
    /// emulator started or its events were last cleared: 0 when every event received is here.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// The events kept, in the order received.
    pub fn into_vec(self) -> Vec<ReceivedEvent> {
        self.events
    }
}

impl Deref for ReceivedEvents {
    type Target = [ReceivedEvent];

    fn deref(&self) -> &[ReceivedEvent] {
        &self.events
    }
}

impl IntoIterator for ReceivedEvents {
    type Item = ReceivedEvent;
    type IntoIter = std::vec::IntoIter<ReceivedEvent>;

    fn into_iter(self) -> Self::IntoIter {
        self.events.into_iter()
    }
}

impl<'a> IntoIterator for &'a ReceivedEvents {
    type Item = &'a ReceivedEvent;
    type IntoIter = std::slice::Iter<'a, ReceivedEvent>;

    fn into_iter(self) -> Self::IntoIter {
        self.events.iter()
    }
}

/// The log of events received over the HTTP API: the latest `capacity`, the oldest dropped first.
///
/// Every event gets a sequence number in the order received. A waiter keeps the number of the
/// next event it has not looked at, so it looks at each event once, however the log is trimmed or
/// cleared meanwhile.
struct EventLog {
    events: VecDeque<ReceivedEvent>,
    capacity: usize,
    /// The sequence number of `events[0]`.
    first: u64,
    /// Events dropped for the bound since the log was last cleared.
    dropped: u64,
}

impl EventLog {
    fn new(capacity: usize) -> Self {
        Self {
            events: VecDeque::new(),
            capacity,
            first: 0,
            dropped: 0,
        }
    }

    fn push(&mut self, event: ReceivedEvent) {
        if self.events.len() >= self.capacity && self.events.pop_front().is_some() {
            self.first += 1;
            self.dropped += 1;
        }
        self.events.push_back(event);
    }

    /// The sequence number the next event will get: how many were ever received.
    fn end(&self) -> u64 {
        self.first + self.events.len() as u64
    }

    /// The first event kept, numbered `*next` or later, that matches; `*next` moves past every
    /// event looked at.
    fn find_new(
        &self,
        next: &mut u64,
        mut predicate: impl FnMut(&ReceivedEvent) -> bool,
    ) -> Option<ReceivedEvent> {
        let skip = usize::try_from(next.saturating_sub(self.first)).unwrap_or(usize::MAX);
        let found = self.events.iter().skip(skip).find(|e| predicate(e)).cloned();
        *next = self.end();
        found
    }

    fn clear(&mut self) {
        self.first = self.end();
        self.events.clear();
        self.dropped = 0;
    }

    fn snapshot(&self) -> ReceivedEvents {
        ReceivedEvents {
            events: self.events.iter().cloned().collect(),
            dropped: self.dropped,
        }
    }
}

/// A presence channel member, as the emulator tracks it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PresenceMember {
    /// The `user_id` from the subscription's `channel_data`.
    pub user_id: String,
    /// The `user_info` from the subscription's `channel_data`, if it had one.
    pub user_info: Option<Value>,
}

/// The state of one occupied channel.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChannelSnapshot {
    /// The channel name.
    pub name: String,
    /// Connections subscribed.
    pub subscription_count: usize,
    /// Distinct users, for a presence channel.
    pub user_count: Option<usize>,
    /// The members by distinct user id, sorted by id (empty unless a presence channel).
    pub members: Vec<PresenceMember>,
}

/// One connection's state.
struct Connection {
    outbox: Outbox,
    user_id: Option<String>,
    channels: BTreeSet<String>,
}

/// One channel: its subscribers, each with its presence member for a presence channel.
#[derive(Default)]
struct Channel {
    subscribers: BTreeMap<String, Option<PresenceMember>>,
}

impl Channel {
    /// Distinct members by user id; the first connection to join gives a user's info.
    fn members(&self) -> BTreeMap<&str, &PresenceMember> {
        let mut members = BTreeMap::new();
        for member in self.subscribers.values().flatten() {
            members.entry(member.user_id.as_str()).or_insert(member);
        }
        members
    }

    fn has_user(&self, user_id: &str, except_socket: &str) -> bool {
        self.subscribers
            .iter()
            .any(|(socket, m)| socket != except_socket && m.as_ref().is_some_and(|m| m.user_id == user_id))
    }
}

struct Inner {
    connections: HashMap<String, Connection>,
    channels: BTreeMap<String, Channel>,
    events: EventLog,
}

/// A server→client message: `data` is always a string (or absent).
#[derive(Serialize)]
struct Frame<'a> {
    event: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    channel: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<&'a str>,
}

/// Encodes a server→client message.
pub(crate) fn frame(event: &str, channel: Option<&str>, data: Option<&str>) -> String {
    frame_from(event, channel, data, None)
}

fn frame_from(event: &str, channel: Option<&str>, data: Option<&str>, user_id: Option<&str>) -> String {
    let frame = Frame {
        event,
        channel,
        data,
        user_id,
    };
    // A struct of strings always serializes.
    serde_json::to_string(&frame).unwrap_or_default()
}

/// A `pusher:error` message. `code` is `None` for errors that do not close the connection.
pub(crate) fn error_frame(code: Option<u16>, message: &str) -> String {
    frame(
        "pusher:error",
        None,
        Some(&json!({"code": code, "message": message}).to_string()),
    )
}

/// How a subscription ended.
pub(crate) enum Subscribed {
    /// The connection was already subscribed: nothing changed.
    Already,
    /// Newly subscribed.
    New,
}

/// The shared state of one running emulator.
pub(crate) struct Hub {
    settings: Settings,
    inner: Mutex<Inner>,
    /// How many events were ever received, for async waiters.
    events_version: watch::Sender<u64>,
    /// Signalled on every received event, for blocking waiters.
    events_signal: Condvar,
    webhooks: Option<WebhookQueue>,
    notifications: NotificationLog,
    next_socket: AtomicU64,
    socket_prefix: u64,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub")
            .field("app_id", &self.settings.app_id)
            .finish_non_exhaustive()
    }
}

impl Hub {
    pub(crate) fn new(settings: Settings, webhooks: Option<WebhookQueue>, socket_prefix: u64) -> Self {
        let inner = Inner {
            connections: HashMap::new(),
            channels: BTreeMap::new(),
            events: EventLog::new(settings.max_events),
        };
        let notifications = NotificationLog::new(settings.max_events);
        Self {
            settings,
            inner: Mutex::new(inner),
            events_version: watch::Sender::new(0),
            events_signal: Condvar::new(),
            webhooks,
            notifications,
            next_socket: AtomicU64::new(1),
            socket_prefix,
        }
    }

    pub(crate) fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The push notifications received.
    pub(crate) fn notifications(&self) -> &NotificationLog {
        &self.notifications
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // The state stays consistent between statements, so a panic elsewhere leaves it usable.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn webhook(&self, event: Value) {
        if let Some(queue) = &self.webhooks {
            queue.push(event);
        }
    }

    /// A fresh socket id: `DIGITS.DIGITS`.
    pub(crate) fn new_socket_id(&self) -> String {
        let n = self.next_socket.fetch_add(1, Ordering::Relaxed);
        format!("{}.{n}", self.socket_prefix)
    }

    pub(crate) fn register(&self, socket_id: &str, outbox: Outbox) {
        self.lock().connections.insert(
            socket_id.to_owned(),
            Connection {
                outbox,
                user_id: None,
                channels: BTreeSet::new(),
            },
        );
    }

    /// Removes a closed connection, leaving each of its channels.
    pub(crate) fn unregister(&self, socket_id: &str) {
        let mut inner = self.lock();
        let channels: Vec<String> = match inner.connections.get(socket_id) {
            Some(c) => c.channels.iter().cloned().collect(),
            None => return,
        };
        for channel in channels {
            self.leave(&mut inner, socket_id, &channel);
        }
        inner.connections.remove(socket_id);
    }

    pub(crate) fn is_subscribed(&self, socket_id: &str, channel: &str) -> bool {
        self.lock()
            .connections
            .get(socket_id)
            .is_some_and(|c| c.channels.contains(channel))
    }

    pub(crate) fn signed_in_user(&self, socket_id: &str) -> Option<String> {
        self.lock()
            .connections
            .get(socket_id)
            .and_then(|c| c.user_id.clone())
    }

    pub(crate) fn sign_in(&self, socket_id: &str, user_id: &str, user_data: &str) {
        let mut inner = self.lock();
        if let Some(c) = inner.connections.get_mut(socket_id) {
            c.user_id = Some(user_id.to_owned());
            let data = json!({ "user_data": user_data }).to_string();
            c.outbox.text(frame("pusher:signin_success", None, Some(&data)));
        }
    }

    /// Subscribes a connection, queueing `subscription_succeeded` to it and, for a new presence
    /// user, `member_added` to the others.
    pub(crate) fn subscribe(
        &self,
        socket_id: &str,
        channel_name: &str,
        member: Option<PresenceMember>,
    ) -> Subscribed {
        let mut inner = self.lock();
        let Inner {
            connections,
            channels,
            ..
        } = &mut *inner;
        let Some(conn) = connections.get_mut(socket_id) else {
            return Subscribed::Already;
        };
        let already = conn.channels.contains(channel_name);
        let channel = channels.entry(channel_name.to_owned()).or_default();
        let mut new_user = None;
        if !already {
            conn.channels.insert(channel_name.to_owned());
            if let Some(m) = &member
                && !channel.has_user(&m.user_id, socket_id)
            {
                new_user = Some(m.clone());
            }
            channel.subscribers.insert(socket_id.to_owned(), member.clone());
            if channel.subscribers.len() == 1 {
                self.webhook(json!({"name": "channel_occupied", "channel": channel_name}));
            }
        }
        let data = if member.is_some() || channel_name.starts_with("presence-") {
            presence_data(channel)
        } else {
            "{}".to_owned()
        };
        conn.outbox.text(frame(
            "pusher_internal:subscription_succeeded",
            Some(channel_name),
            Some(&data),
        ));
        if let Some(m) = new_user {
            let mut added = json!({"user_id": m.user_id});
            if let Some(info) = &m.user_info {
                added["user_info"] = info.clone();
            }
            let text = frame(
                "pusher_internal:member_added",
                Some(channel_name),
                Some(&added.to_string()),
            );
            for socket in channel.subscribers.keys().filter(|s| *s != socket_id) {
                if let Some(c) = connections.get(socket) {
                    c.outbox.text(text.clone());
                }
            }
            self.webhook(json!({"name": "member_added", "channel": channel_name, "user_id": m.user_id}));
        }
        if already {
            Subscribed::Already
        } else {
            Subscribed::New
        }
    }

    pub(crate) fn unsubscribe(&self, socket_id: &str, channel: &str) {
        let mut inner = self.lock();
        self.leave(&mut inner, socket_id, channel);
    }

    fn leave(&self, inner: &mut Inner, socket_id: &str, channel_name: &str) {
        let Inner {
            connections,
            channels,
            ..
        } = inner;
        if let Some(c) = connections.get_mut(socket_id) {
            c.channels.remove(channel_name);
        }
        let Some(channel) = channels.get_mut(channel_name) else {
            return;
        };
        let Some(member) = channel.subscribers.remove(socket_id) else {
            return;
        };
        if let Some(m) = member
            && !channel.has_user(&m.user_id, socket_id)
        {
            let data = json!({"user_id": m.user_id}).to_string();
            let text = frame("pusher_internal:member_removed", Some(channel_name), Some(&data));
            for socket in channel.subscribers.keys() {
                if let Some(c) = connections.get(socket) {
                    c.outbox.text(text.clone());
                }
            }
            self.webhook(json!({"name": "member_removed", "channel": channel_name, "user_id": m.user_id}));
        }
        if channel.subscribers.is_empty() {
            channels.remove(channel_name);
            self.webhook(json!({"name": "channel_vacated", "channel": channel_name}));
        }
    }

    /// Relays a client event to the channel's other subscribers. The caller has checked the rules.
    pub(crate) fn client_event(&self, socket_id: &str, channel_name: &str, event: &str, data: Option<&str>) {
        let inner = self.lock();
        let Some(channel) = inner.channels.get(channel_name) else {
            return;
        };
        let user_id = channel
            .subscribers
            .get(socket_id)
            .and_then(|m| m.as_ref())
            .map(|m| m.user_id.clone());
        let text = frame_from(event, Some(channel_name), data, user_id.as_deref());
        for socket in channel.subscribers.keys().filter(|s| *s != socket_id) {
            if let Some(c) = inner.connections.get(socket) {
                c.outbox.text(text.clone());
            }
        }
        let mut hook = json!({
            "name": "client_event",
            "channel": channel_name,
            "event": event,
            "data": data.unwrap_or_default(),
            "socket_id": socket_id,
        });
        if let Some(user_id) = user_id {
            hook["user_id"] = Value::String(user_id);
        }
        self.webhook(hook);
    }

    /// Records events received over the HTTP API and delivers them.
    pub(crate) fn publish(&self, events: Vec<ReceivedEvent>) {
        let mut inner = self.lock();
        for event in &events {
            let excluded = event.socket_id.as_deref();
            let mut recipients: BTreeSet<&str> = inner
                .channels
                .get(&event.channel)
                .map(|c| c.subscribers.keys().map(String::as_str).collect())
                .unwrap_or_default();
            if let Some(user) = event
                .channel
                .strip_prefix(pusher_core::limits::SERVER_TO_USER_PREFIX)
            {
                recipients.extend(
                    inner
                        .connections
                        .iter()
                        .filter(|(_, c)| c.user_id.as_deref() == Some(user))
                        .map(|(s, _)| s.as_str()),
                );
            }
            recipients.retain(|s| Some(*s) != excluded);
            if recipients.is_empty() {
                continue;
            }
            // Framed once for all its recipients, and only when it has some.
            let text = frame(&event.name, Some(&event.channel), Some(&event.data));
            for socket in recipients {
                if let Some(c) = inner.connections.get(socket) {
                    c.outbox.text(text.clone());
                }
            }
        }
        for event in events {
            inner.events.push(event);
        }
        let received = inner.events.end();
        drop(inner);
        self.events_version.send_replace(received);
        self.events_signal.notify_all();
    }

    /// Closes every connection signed in as `user_id` with `pusher:error` 4009. Returns how many.
    pub(crate) fn terminate_user(&self, user_id: &str) -> usize {
        let inner = self.lock();
        let mut closed = 0;
        for c in inner.connections.values() {
            if c.user_id.as_deref() == Some(user_id) {
                let message = "You got disconnected by the app.";
                c.outbox.close(4009, message, Duration::from_secs(1));
                closed += 1;
            }
        }
        closed
    }

    /// Asks every connection to close (server shutdown).
    pub(crate) fn close_all(&self, code: u16, reason: &str) {
        for c in self.lock().connections.values() {
            // Short: when the server stops, the clients may not be reading.
            c.outbox.close(code, reason, Duration::from_millis(100));
        }
    }

    pub(crate) fn connection_count(&self) -> usize {
        self.lock().connections.len()
    }

    /// One channel's state, or `None` when no connection is subscribed.
    pub(crate) fn channel(&self, name: &str) -> Option<ChannelSnapshot> {
        self.lock().channels.get(name).map(|c| snapshot(name, c))
    }

    /// Every occupied channel, sorted by name.
    pub(crate) fn channels(&self) -> Vec<ChannelSnapshot> {
        self.lock()
            .channels
            .iter()
            .map(|(name, c)| snapshot(name, c))
            .collect()
    }

    pub(crate) fn events(&self) -> ReceivedEvents {
        self.lock().events.snapshot()
    }

    pub(crate) fn clear_events(&self) {
        self.lock().events.clear();
    }

    pub(crate) async fn wait_for_event(
        &self,
        mut predicate: impl FnMut(&ReceivedEvent) -> bool,
        timeout: Duration,
    ) -> Option<ReceivedEvent> {
        let mut version = self.events_version.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        let mut next = 0;
        loop {
            if let Some(found) = self.lock().events.find_new(&mut next, &mut predicate) {
                return Some(found);
            }
            match tokio::time::timeout_at(deadline, version.changed()).await {
                Ok(Ok(())) => {}
                // Timed out; the sender cannot be dropped while `self` lives.
                Ok(Err(_)) | Err(_) => return None,
            }
        }
    }

    pub(crate) fn wait_for_event_blocking(
        &self,
        mut predicate: impl FnMut(&ReceivedEvent) -> bool,
        timeout: Duration,
    ) -> Option<ReceivedEvent> {
        let deadline = Instant::now() + timeout;
        let mut inner = self.lock();
        let mut next = 0;
        loop {
            if let Some(found) = inner.events.find_new(&mut next, &mut predicate) {
                return Some(found);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            inner = self
                .events_signal
                .wait_timeout(inner, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
}

fn snapshot(name: &str, channel: &Channel) -> ChannelSnapshot {
    let presence = name.starts_with("presence-");
    let members: Vec<PresenceMember> = channel.members().into_values().cloned().collect();
    ChannelSnapshot {
        name: name.to_owned(),
        subscription_count: channel.subscribers.len(),
        user_count: presence.then_some(members.len()),
        members,
    }
}

/// `{"presence":{"ids":[..],"hash":{id: info},"count":N}}` for `subscription_succeeded`.
fn presence_data(channel: &Channel) -> String {
    let members = channel.members();
    let ids: Vec<&str> = members.keys().copied().collect();
    let hash: serde_json::Map<String, Value> = members
        .iter()
        .map(|(id, m)| ((*id).to_owned(), m.user_info.clone().unwrap_or(Value::Null)))
        .collect();
    json!({"presence": {"ids": ids, "hash": hash, "count": members.len()}}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_shows_itself() {
        let secret = Secret::new("7ad3773142a6692b25b8".to_owned());
        assert_eq!(secret.expose(), "7ad3773142a6692b25b8");
        assert_eq!(format!("{secret:?}"), "[redacted]");
    }

    fn event(name: &str) -> ReceivedEvent {
        ReceivedEvent {
            channel: "c".to_owned(),
            name: name.to_owned(),
            data: String::new(),
            socket_id: None,
            batch: false,
            received_at: SystemTime::UNIX_EPOCH,
        }
    }

    fn names(events: &ReceivedEvents) -> Vec<&str> {
        events.iter().map(|e| e.name.as_str()).collect()
    }

    #[test]
    fn the_event_log_keeps_the_latest_and_counts_the_dropped() {
        let mut log = EventLog::new(3);
        for name in ["a", "b"] {
            log.push(event(name));
        }
        assert_eq!(
            (names(&log.snapshot()), log.snapshot().dropped()),
            (vec!["a", "b"], 0)
        );
        for name in ["c", "d", "e"] {
            log.push(event(name));
        }
        let snapshot = log.snapshot();
        assert_eq!((names(&snapshot), snapshot.dropped()), (vec!["c", "d", "e"], 2));
        assert_eq!(log.end(), 5);

        log.clear();
        assert_eq!((log.snapshot().len(), log.snapshot().dropped()), (0, 0));
        assert_eq!(log.end(), 5, "sequence numbers go on after a clear");
    }

    #[test]
    fn a_waiter_looks_at_each_event_once_across_drops_and_clears() {
        let mut log = EventLog::new(2);
        let mut next = 0;
        let mut looked = Vec::new();
        let mut look = |log: &EventLog, next: &mut u64| {
            log.find_new(next, |e| {
                looked.push(e.name.clone());
                e.name == "wanted"
            })
        };
        log.push(event("a"));
        assert_eq!(look(&log, &mut next), None);
        // Three more: "b" is dropped before the waiter looks again; "c" and "d" are seen.
        for name in ["b", "c", "d"] {
            log.push(event(name));
        }
        assert_eq!(look(&log, &mut next), None);
        log.clear();
        log.push(event("e"));
        log.push(event("wanted"));
        assert_eq!(look(&log, &mut next).map(|e| e.name), Some("wanted".to_owned()));
        assert_eq!(looked, ["a", "c", "d", "e", "wanted"]);
        assert_eq!(next, 6);
    }

    fn drain(reader: &mut OutboxReader) -> Vec<Outbound> {
        std::iter::from_fn(|| reader.rx.try_recv().ok()).collect()
    }

    #[test]
    fn an_outbox_past_its_bound_closes_with_4100_and_then_takes_nothing() {
        let (outbox, mut reader) = Outbox::new();
        let quarter = "x".repeat(MAX_QUEUED_WS_BYTES / 4);
        for _ in 0..4 {
            outbox.text(quarter.clone());
        }
        // Exactly the bound fits; one more byte does not.
        outbox.text("y".to_owned());
        outbox.text("z".to_owned());
        outbox.close(4009, "a second close", Duration::ZERO);
        let queued = drain(&mut reader);
        assert_eq!(queued.len(), 6, "{queued:?}");
        assert!(
            queued[..4]
                .iter()
                .all(|m| matches!(m, Outbound::Text(t) if *t == quarter))
        );
        match &queued[4] {
            Outbound::Text(error) => {
                assert!(
                    error.contains("pusher:error") && error.contains("4100"),
                    "{error}"
                );
                assert!(error.contains(&MAX_QUEUED_WS_BYTES.to_string()), "{error}");
            }
            other => panic!("expected the error frame, got {other:?}"),
        }
        assert!(
            matches!(&queued[5], Outbound::Close { code: 4100, .. }),
            "{:?}",
            queued[5]
        );
    }

    #[tokio::test]
    async fn what_the_writer_takes_makes_room_again() {
        let (outbox, mut reader) = Outbox::new();
        let half = "x".repeat(MAX_QUEUED_WS_BYTES / 2);
        outbox.text(half.clone());
        outbox.text(half.clone());
        assert!(matches!(reader.recv().await, Some(Outbound::Text(_))));
        outbox.text(half.clone());
        assert!(matches!(reader.recv().await, Some(Outbound::Text(_))));
        assert!(matches!(reader.recv().await, Some(Outbound::Text(t)) if t == half));
        assert_eq!(reader.queued.load(Ordering::Relaxed), 0);
    }
}
