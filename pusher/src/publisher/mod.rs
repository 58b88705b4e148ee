//! A publisher for applications that emit many events (feature `publisher`): events are
//! coalesced into `batch_events` requests of up to 10, several requests in flight at once, each
//! channel's events kept in order.
//!
//! A trigger costs one HTTP round trip per event; the API takes 10 events per batch. The
//! [`Publisher`] queues each event, checked at once, and a worker task sends them:
//!
//! - a batch goes when it is full, or when its oldest event has waited the
//!   [`linger`](PublisherBuilder::linger) (1 ms by default), so a lone event is not held long;
//! - up to [`max_in_flight`](PublisherBuilder::max_in_flight) requests are in flight at once
//!   (16 by default), but never two carrying events of the same channel: the server receives each
//!   channel's events in the order they were published;
//! - an event on several channels goes as one trigger, on its own; an event on an end-to-end
//!   encrypted channel is encrypted on its own, under a fresh nonce, when its batch is built;
//! - the queue holds at most [`queue_capacity`](PublisherBuilder::queue_capacity) events (10,000
//!   by default) not yet answered: [`publish`](Publisher::publish) waits for room, and
//!   [`try_publish`](Publisher::try_publish) says [`PublishError::Full`] at once. While the queue
//!   is full, the room of answered events comes back an eighth of the capacity at a time (and all
//!   of it once no request is in flight), so that a waiting `publish` wakes once for several
//!   events rather than once per event.
//!
//! ```
//! use pusher::publisher::Publisher;
//!
//! # #[tokio::main]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let emulator = pusher_emulator::Emulator::start().await?;
//! # let url = emulator.pusher_url();
//! let pusher = pusher::Pusher::from_url(&url)?;
//! let publisher = Publisher::new(pusher)?;
//!
//! // Each event is checked and queued at once; its receipt resolves when it was sent.
//! let mut receipts = Vec::new();
//! for id in 0..100 {
//!     let receipt = publisher.publish(["orders"], "order-updated", &serde_json::json!({"id": id})).await?;
//!     receipts.push(receipt);
//! }
//! for receipt in receipts {
//!     receipt.await?;
//! }
//! // A bad name is an error right away, and nothing is queued.
//! assert!(publisher.publish(["not a channel"], "e", &1).await.is_err());
//!
//! publisher.close().await;
//! # assert_eq!(emulator.events().len(), 100);
//! # Ok(())
//! # }
//! ```
//!
//! # Failures are not retried
//!
//! A batch the server refuses fails each of its events with the server's error
//! ([`DeliveryError::Failed`]); a transport error (a timeout, a reset connection) fails them the
//! same way. Nothing is sent again: a POST that timed out may have been delivered, and sending it
//! again could deliver its events twice. Whether to publish again is the caller's decision, made
//! from the error: a refusal with a 4xx status will be refused again, while a timeout may or may
//! not have been delivered.
//!
//! # Flushing, closing, dropping
//!
//! [`flush`](Publisher::flush) waits until every event queued before it was sent or failed;
//! [`close`](Publisher::close) flushes, stops the worker, and makes every later `publish` fail with
//! [`PublishError::Closed`] (for every clone of the handle).
//!
//! Dropping the handle (every clone of it) loses nothing: the worker sends what is queued, then
//! stops, and each receipt resolves as usual. The worker is a task of the Tokio runtime the
//! publisher was made in, so it needs that runtime to go on running: when the runtime shuts down
//! first (when `main` returns, say), the events not yet sent are not sent, their receipts resolve
//! to [`DeliveryError::Stopped`], and the worker logs how many there were as a `tracing` warning.
//! Call `close().await` before the end of `main` to be sure everything went.
//!
//! # Blocking code
//!
//! There is no blocking publisher. Batching needs a timer and several requests in flight, which a
//! blocking client can only give with a thread per request; a blocking application gets the same
//! batching by owning a small Tokio runtime and calling [`Publisher::publish_blocking`] from any
//! thread, which waits for room in the queue without blocking the runtime.
//!
//! # Tracing
//!
//! The worker records, with `tracing` under the target `pusher::publisher`: each request at
//! `DEBUG` (`events` it carries, `channels`, `queued` events waiting, `in_flight` requests), each
//! failure at `WARN` (`events` failed, the `error`), and the events it stops with unsent at `WARN`.

mod lanes;
mod worker;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_lite::future::block_on;
use pusher_core::api::{BatchEvent, ToEventData, Trigger};
use pusher_core::{AsyncHttpClient, ChannelName, Config, Error, EventName, IntoChannels, Pusher, SocketId};
use tokio::sync::{Semaphore, SemaphorePermit, mpsc, oneshot, watch};

use self::lanes::OnChannels;
use self::worker::{Command, Worker};

/// A handle to queue events: cheap to clone, every clone feeding the same queue.
///
/// See [the module](self) for how events are sent.
pub struct Publisher {
    commands: mpsc::UnboundedSender<Command>,
    room: Arc<Semaphore>,
    config: Config,
    stopped: watch::Receiver<bool>,
}

impl Clone for Publisher {
    fn clone(&self) -> Self {
        Self {
            commands: self.commands.clone(),
            room: self.room.clone(),
            config: self.config.clone(),
            stopped: self.stopped.clone(),
        }
    }
}

impl fmt::Debug for Publisher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Publisher")
            .field("room", &self.room.available_permits())
            .field("closed", &self.commands.is_closed())
            .finish_non_exhaustive()
    }
}

/// The settings of a [`Publisher`].
#[derive(Debug, Clone)]
pub struct PublisherBuilder {
    max_batch: Option<usize>,
    linger: Duration,
    max_in_flight: usize,
    queue_capacity: usize,
}

impl Default for PublisherBuilder {
    fn default() -> Self {
        Self {
            max_batch: None,
            linger: Publisher::DEFAULT_LINGER,
            max_in_flight: Publisher::DEFAULT_MAX_IN_FLIGHT,
            queue_capacity: Publisher::DEFAULT_QUEUE_CAPACITY,
        }
    }
}

impl PublisherBuilder {
    /// The most events per batch request (default: the configuration's
    /// [`max_batch_events`](Config::max_batch_events), 10 unless raised for a dedicated cluster);
    /// at most that.
    pub fn max_batch(mut self, events: usize) -> Self {
        self.max_batch = Some(events);
        self
    }

    /// How long a batch that is not full waits for more events (default 1 ms). Zero sends what is
    /// there as soon as a request may go.
    pub fn linger(mut self, linger: Duration) -> Self {
        self.linger = linger;
        self
    }

    /// The most requests in flight at once (default 16).
    pub fn max_in_flight(mut self, requests: usize) -> Self {
        self.max_in_flight = requests;
        self
    }

    /// The most events queued and not yet answered (default 10,000). While the queue is full, room
    /// comes back in chunks of an eighth of this.
    pub fn queue_capacity(mut self, events: usize) -> Self {
        self.queue_capacity = events;
        self
    }

    /// Starts the publisher's worker on the current Tokio runtime, sending through `pusher`.
    ///
    /// # Errors
    ///
    /// [`PublisherBuildError`] when a setting is zero, the batch size is over the configuration's
    /// limit, or there is no Tokio runtime to run the worker on.
    pub fn build<C>(self, pusher: Pusher<C>) -> Result<Publisher, PublisherBuildError>
    where
        C: AsyncHttpClient + Send + Sync + 'static,
        for<'a> C::Future<'a>: Send,
    {
        let limit = pusher.config().max_batch_events();
        let max_batch = self.max_batch.unwrap_or(limit);
        if max_batch == 0 || max_batch > limit {
            return Err(PublisherBuildError::BatchSize { max_batch, limit });
        }
        if self.max_in_flight == 0 {
            return Err(PublisherBuildError::Zero("max_in_flight"));
        }
        if self.queue_capacity == 0 {
            return Err(PublisherBuildError::Zero("queue_capacity"));
        }
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| PublisherBuildError::NoRuntime)?;
        let (commands, received) = mpsc::unbounded_channel();
        let capacity = self.queue_capacity.min(Semaphore::MAX_PERMITS);
        let room = Arc::new(Semaphore::new(capacity));
        let (stop, stopped) = watch::channel(false);
        let config = pusher.config().clone();
        let worker = Worker::new(
            Arc::new(pusher),
            worker::Settings {
                max_batch,
                linger: self.linger,
                max_in_flight: self.max_in_flight,
                room_chunk: (capacity / 8).max(1),
            },
            received,
            room.clone(),
            stop,
        );
        runtime.spawn(worker.run());
        Ok(Publisher {
            commands,
            room,
            config,
            stopped,
        })
    }
}

impl Publisher {
    /// How long a batch that is not full waits for more events, by default.
    pub const DEFAULT_LINGER: Duration = Duration::from_millis(1);
    /// The most requests in flight at once, by default.
    pub const DEFAULT_MAX_IN_FLIGHT: usize = 16;
    /// The most events queued and not yet answered, by default.
    pub const DEFAULT_QUEUE_CAPACITY: usize = 10_000;

    /// A publisher with the default settings, sending through `pusher`; its worker runs on the
    /// current Tokio runtime.
    ///
    /// # Errors
    ///
    /// [`PublisherBuildError::NoRuntime`] outside a Tokio runtime.
    pub fn new<C>(pusher: Pusher<C>) -> Result<Publisher, PublisherBuildError>
    where
        C: AsyncHttpClient + Send + Sync + 'static,
        for<'a> C::Future<'a>: Send,
    {
        Self::builder().build(pusher)
    }

    /// A builder for the settings.
    pub fn builder() -> PublisherBuilder {
        PublisherBuilder::default()
    }

    /// Queues `event` with `data` (any serializable value, serialized here, or an
    /// [`EventData`](crate::api::EventData)) on 1 to 100 channels, waiting for room in the queue
    /// when it is full.
    ///
    /// The event is checked at once, as a trigger is (names, channel count, an encrypted channel
    /// alone and with a master key, the size of the data as it will be sent): when it breaks a
    /// rule the error comes back here and nothing is queued. The receipt resolves to the event's
    /// own result once its request was answered.
    ///
    /// # Errors
    ///
    /// [`PublishError::Invalid`] for an event that breaks a rule, [`PublishError::Closed`] after
    /// [`close`](Self::close).
    pub async fn publish<I, D>(&self, channels: I, event: &str, data: &D) -> Result<Receipt, PublishError>
    where
        I: IntoChannels,
        D: ToEventData + ?Sized,
    {
        self.queue(self.checked(channels, event, data, None)?).await
    }

    /// Queues like [`publish`](Self::publish), but not to the connection `socket_id`.
    ///
    /// # Errors
    ///
    /// As [`publish`](Self::publish), and [`PublishError::Invalid`] for a malformed socket id.
    pub async fn publish_excluding<I, D>(
        &self,
        channels: I,
        event: &str,
        data: &D,
        socket_id: &str,
    ) -> Result<Receipt, PublishError>
    where
        I: IntoChannels,
        D: ToEventData + ?Sized,
    {
        self.queue(self.checked(channels, event, data, Some(socket_id))?)
            .await
    }

    /// Queues like [`publish`](Self::publish) if there is room in the queue now.
    ///
    /// # Errors
    ///
    /// [`PublishError::Full`] when the queue is full (nothing is queued), and as
    /// [`publish`](Self::publish).
    pub fn try_publish<I, D>(&self, channels: I, event: &str, data: &D) -> Result<Receipt, PublishError>
    where
        I: IntoChannels,
        D: ToEventData + ?Sized,
    {
        let event = self.checked(channels, event, data, None)?;
        let room = self.room.try_acquire().map_err(|e| match e {
            tokio::sync::TryAcquireError::NoPermits => PublishError::Full,
            tokio::sync::TryAcquireError::Closed => PublishError::Closed,
        })?;
        self.enqueue(event, room)
    }

    /// [`publish`](Self::publish) for blocking code, on any thread but the runtime's own: waits
    /// for room in the queue, then returns the receipt (which blocking code can wait for with
    /// [`Receipt::wait_blocking`]).
    ///
    /// # Errors
    ///
    /// As [`publish`](Self::publish).
    pub fn publish_blocking<I, D>(&self, channels: I, event: &str, data: &D) -> Result<Receipt, PublishError>
    where
        I: IntoChannels,
        D: ToEventData + ?Sized,
    {
        block_on(self.queue(self.checked(channels, event, data, None)?))
    }

    /// Waits until every event queued before this call was sent or failed (their receipts have
    /// resolved). Batches that are not full go without waiting for the linger.
    pub async fn flush(&self) {
        let (done, flushed) = oneshot::channel();
        if self.commands.send(Command::Flush(done)).is_ok() && flushed.await.is_ok() {
            return;
        }
        // Closed: the worker is finishing what was queued, or has stopped.
        self.stopped().await;
    }

    /// Flushes and stops the worker; every later `publish` (through any clone) fails with
    /// [`PublishError::Closed`]. Returns when the worker has stopped.
    pub async fn close(&self) {
        let _ = self.commands.send(Command::Close);
        self.stopped().await;
    }

    /// Whether [`close`](Self::close) was called, or the worker stopped.
    pub fn is_closed(&self) -> bool {
        self.commands.is_closed()
    }

    async fn stopped(&self) {
        let mut stopped = self.stopped.clone();
        // An error means the worker is gone, which is stopped too.
        let _ = stopped.wait_for(|stopped| *stopped).await;
    }

    /// The event as it will be sent, checked against the configuration.
    fn checked<I, D>(
        &self,
        channels: I,
        event: &str,
        data: &D,
        socket_id: Option<&str>,
    ) -> Result<Outgoing, PublishError>
    where
        I: IntoChannels,
        D: ToEventData + ?Sized,
    {
        let invalid = |e: Error| PublishError::Invalid(e);
        let channels = channels.into_channels().map_err(|e| invalid(e.into()))?;
        let name = EventName::try_from(event).map_err(|e| invalid(e.into()))?;
        let data = data.to_event_data().map_err(|e| invalid(e.into()))?;
        let socket_id = socket_id
            .map(SocketId::try_from)
            .transpose()
            .map_err(|e| invalid(e.into()))?;
        let outgoing = match <[ChannelName; 1]>::try_from(channels) {
            Ok([channel]) => {
                let mut event = BatchEvent::new(channel, name, data);
                if let Some(socket_id) = socket_id {
                    event = event.socket_id(socket_id);
                }
                event.check(&self.config).map_err(|e| invalid(e.into()))?;
                Outgoing::One(event)
            }
            Err(channels) => {
                let mut trigger = Trigger::new(channels, name, data);
                if let Some(socket_id) = socket_id {
                    trigger = trigger.socket_id(socket_id);
                }
                trigger.check(&self.config).map_err(|e| invalid(e.into()))?;
                Outgoing::Several(trigger)
            }
        };
        Ok(outgoing)
    }

    /// Queues `event` once there is room for it.
    async fn queue(&self, event: Outgoing) -> Result<Receipt, PublishError> {
        let room = self.room.acquire().await.map_err(|_| PublishError::Closed)?;
        self.enqueue(event, room)
    }

    fn enqueue(&self, event: Outgoing, room: SemaphorePermit<'_>) -> Result<Receipt, PublishError> {
        let (reply, receipt) = oneshot::channel();
        self.commands
            .send(Command::Publish(worker::Queued { event, reply }))
            .map_err(|_| PublishError::Closed)?;
        // The worker gives the room back once the event is answered.
        room.forget();
        Ok(Receipt(receipt))
    }
}

/// An event checked and ready to queue.
#[derive(Debug)]
enum Outgoing {
    /// On one channel: goes in a batch.
    One(BatchEvent),
    /// On several channels: goes as a trigger of its own.
    Several(Trigger),
}

impl OnChannels for Outgoing {
    fn channels(&self) -> &[ChannelName] {
        match self {
            Outgoing::One(event) => std::slice::from_ref(event.channel()),
            Outgoing::Several(trigger) => trigger.channels(),
        }
    }
}

/// The result of one published event: a future that resolves once its request was answered.
///
/// Dropping it does not cancel the event.
#[derive(Debug)]
#[must_use = "a receipt says whether the event was delivered"]
pub struct Receipt(oneshot::Receiver<Result<(), DeliveryError>>);

impl Receipt {
    /// Waits for the result on this thread, for blocking code (not on a runtime thread).
    pub fn wait_blocking(self) -> Result<(), DeliveryError> {
        block_on(self)
    }
}

impl Future for Receipt {
    type Output = Result<(), DeliveryError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0)
            .poll(cx)
            .map(|result| result.unwrap_or(Err(DeliveryError::Stopped)))
    }
}

/// Why an event was not queued.
#[derive(Debug)]
#[non_exhaustive]
pub enum PublishError {
    /// The event breaks a rule (a name, the channel count, the payload size, a missing master
    /// key): nothing was queued.
    Invalid(Error),
    /// The queue is full ([`Publisher::try_publish`] only): nothing was queued.
    Full,
    /// The publisher was closed, or its worker stopped: nothing was queued.
    Closed,
}

impl fmt::Display for PublishError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PublishError::Invalid(e) => write!(f, "event not published: {e}"),
            PublishError::Full => f.write_str("event not published: the publisher's queue is full"),
            PublishError::Closed => f.write_str("event not published: the publisher is closed"),
        }
    }
}

impl std::error::Error for PublishError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PublishError::Invalid(e) => Some(e),
            _ => None,
        }
    }
}

/// Why a queued event was not delivered.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum DeliveryError {
    /// The request carrying the event failed: refused by the server (every event of the batch
    /// gets its error) or lost in transport (it may or may not have been delivered). Not retried.
    Failed(Arc<Error>),
    /// The worker stopped before the event was sent: its runtime shut down.
    Stopped,
}

impl DeliveryError {
    /// The error of the request that carried the event, when it was sent.
    pub fn error(&self) -> Option<&Error> {
        match self {
            DeliveryError::Failed(e) => Some(e),
            DeliveryError::Stopped => None,
        }
    }
}

impl fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeliveryError::Failed(e) => write!(f, "event not delivered: {e}"),
            DeliveryError::Stopped => {
                f.write_str("event not delivered: the publisher stopped before sending it")
            }
        }
    }
}

impl std::error::Error for DeliveryError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DeliveryError::Failed(e) => Some(&**e),
            DeliveryError::Stopped => None,
        }
    }
}

/// Why a [`Publisher`] could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PublisherBuildError {
    /// The batch size is zero, or over what the configuration allows.
    BatchSize {
        /// The batch size asked for.
        max_batch: usize,
        /// The configuration's [`max_batch_events`](Config::max_batch_events).
        limit: usize,
    },
    /// A setting that must be at least 1 is zero.
    Zero(&'static str),
    /// Not called from within a Tokio runtime, which the worker needs.
    NoRuntime,
}

impl fmt::Display for PublisherBuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PublisherBuildError::BatchSize { max_batch, limit } => write!(
                f,
                "invalid batch size {max_batch}: must be 1 to {limit}, the configuration's max_batch_events"
            ),
            PublisherBuildError::Zero(setting) => write!(f, "invalid {setting} 0: must be at least 1"),
            PublisherBuildError::NoRuntime => {
                f.write_str("a publisher must be made within a Tokio runtime, which runs its worker")
            }
        }
    }
}

impl std::error::Error for PublisherBuildError {}
