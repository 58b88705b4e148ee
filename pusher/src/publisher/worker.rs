//! The publisher's worker: a Tokio task that takes the queued events in, sends them in batches,
//! and answers each event's receipt, flush and close.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use pusher_core::api::{BatchEvent, Trigger, TriggerBatch};
use pusher_core::{AsyncHttpClient, ChannelName, Error, Pusher};
use tokio::sync::{Semaphore, mpsc, oneshot, watch};
use tokio::task::{Id, JoinError, JoinSet};
use tokio::time::Instant;

use super::lanes::{LaneId, Lanes, OnChannels, Seq};
use super::{DeliveryError, Outgoing};

/// The `tracing` target of the worker's records.
const TARGET: &str = "pusher::publisher";

/// What a handle asks of the worker.
#[derive(Debug)]
pub(super) enum Command {
    /// Queue an event.
    Publish(Queued),
    /// Answer once every event queued so far was answered.
    Flush(oneshot::Sender<()>),
    /// Send what is queued, then stop.
    Close,
}

/// A checked event and the receipt to answer. Its room in the queue (a permit of `room`) was
/// taken by the handle, and is given back with the answer.
#[derive(Debug)]
pub(super) struct Queued {
    pub(super) event: Outgoing,
    pub(super) reply: oneshot::Sender<Result<(), DeliveryError>>,
}

impl OnChannels for Queued {
    fn channels(&self) -> &[ChannelName] {
        self.event.channels()
    }
}

/// The worker's settings, checked by the builder.
#[derive(Debug, Clone, Copy)]
pub(super) struct Settings {
    pub(super) max_batch: usize,
    pub(super) linger: Duration,
    pub(super) max_in_flight: usize,
    /// How much room in the queue is given back at once while the queue is full.
    pub(super) room_chunk: usize,
}

/// The events taken for one request: a batch, or a trigger on several channels alone.
struct Request {
    replies: Vec<(Seq, oneshot::Sender<Result<(), DeliveryError>>)>,
    batch: Vec<BatchEvent>,
    alone: Option<Trigger>,
}

impl Request {
    fn with_capacity(events: usize) -> Self {
        Self {
            replies: Vec::with_capacity(events),
            batch: Vec::with_capacity(events),
            alone: None,
        }
    }
}

/// A request in flight: whom to answer, and what to free, when it is answered.
#[derive(Debug)]
struct InFlight {
    /// Each event's sequence number and receipt.
    replies: Vec<(Seq, oneshot::Sender<Result<(), DeliveryError>>)>,
    lanes: Vec<LaneId>,
}

/// A flush waiting for the events queued before it to be answered.
#[derive(Debug)]
struct Flush {
    /// Every event with a lower sequence number was queued before the flush.
    before: Seq,
    /// How many of those are not answered yet.
    unanswered: usize,
    done: oneshot::Sender<()>,
}

pub(super) struct Worker<C> {
    pusher: Arc<Pusher<C>>,
    settings: Settings,
    commands: mpsc::UnboundedReceiver<Command>,
    /// Whether every handle is gone or `close` was called: no more commands will come.
    closing: bool,
    room: Arc<Semaphore>,
    /// Room of answered events not given back yet (see [`give_room`](Self::give_room)).
    room_owed: usize,
    lanes: Lanes<Queued>,
    sending: JoinSet<Result<(), Error>>,
    in_flight: HashMap<Id, InFlight>,
    /// Flushes waiting.
    flushes: Vec<Flush>,
    stopped: watch::Sender<bool>,
}

impl<C> Worker<C>
where
    C: AsyncHttpClient + Send + Sync + 'static,
    for<'a> C::Future<'a>: Send,
{
    pub(super) fn new(
        pusher: Arc<Pusher<C>>,
        settings: Settings,
        commands: mpsc::UnboundedReceiver<Command>,
        room: Arc<Semaphore>,
        stopped: watch::Sender<bool>,
    ) -> Self {
        Self {
            pusher,
            settings,
            commands,
            closing: false,
            room,
            room_owed: 0,
            lanes: Lanes::new(),
            sending: JoinSet::new(),
            in_flight: HashMap::new(),
            flushes: Vec::new(),
            stopped,
        }
    }

    /// Runs until closed (or every handle dropped) and everything queued is answered.
    pub(super) async fn run(mut self) {
        loop {
            self.dispatch(Instant::now());
            if self.closing && self.lanes.is_empty() && self.in_flight.is_empty() {
                break;
            }
            let linger = self.linger_deadline(Instant::now());
            tokio::select! {
                biased;
                Some(answered) = self.sending.join_next_with_id(), if !self.sending.is_empty() => {
                    self.answer(answered);
                }
                command = self.commands.recv(), if !self.closing => match command {
                    Some(command) => {
                        let now = Instant::now();
                        self.handle(command, now);
                        // Take in whatever else is waiting, so that it can go in the same batch.
                        while let Ok(command) = self.commands.try_recv() {
                            self.handle(command, now);
                        }
                    }
                    None => self.closing = true,
                },
                () = tokio::time::sleep_until(linger.unwrap_or_else(Instant::now)), if linger.is_some() => {}
            }
        }
        tracing::debug!(target: TARGET, "publisher stopped");
    }

    fn handle(&mut self, command: Command, now: Instant) {
        match command {
            Command::Publish(queued) => {
                self.lanes.push(queued, now);
            }
            Command::Flush(done) => {
                let unanswered =
                    self.lanes.len() + self.in_flight.values().map(|r| r.replies.len()).sum::<usize>();
                if unanswered == 0 {
                    let _ = done.send(());
                } else {
                    self.flushes.push(Flush {
                        before: self.lanes.next_seq(),
                        unanswered,
                        done,
                    });
                }
            }
            Command::Close => {
                self.closing = true;
                self.commands.close();
                self.room.close();
            }
        }
    }

    /// Whether partial batches go at once: something waits for the queue to empty.
    fn hurried(&self) -> bool {
        self.closing || !self.flushes.is_empty()
    }

    /// Sends what may go: full batches, and partial ones whose oldest event has lingered enough,
    /// while there is room in flight.
    fn dispatch(&mut self, now: Instant) {
        while self.in_flight.len() < self.settings.max_in_flight {
            let Some(oldest) = self.lanes.oldest_head() else {
                break;
            };
            let due = self.hurried()
                || self.lanes.waiting() >= self.settings.max_batch
                || now >= oldest + self.settings.linger;
            if !due {
                break;
            }
            let mut request = Request::with_capacity(self.settings.max_batch);
            let lanes = self.lanes.take(self.settings.max_batch, |seq, queued| {
                request.replies.push((seq, queued.reply));
                match queued.event {
                    Outgoing::One(event) => request.batch.push(event),
                    Outgoing::Several(trigger) => request.alone = Some(trigger),
                }
            });
            if lanes.is_empty() {
                break;
            }
            self.send(request, lanes);
        }
    }

    /// When a batch that is not full is due, if one will be and nothing else wakes the worker
    /// sooner.
    fn linger_deadline(&self, now: Instant) -> Option<Instant> {
        if self.in_flight.len() >= self.settings.max_in_flight {
            return None;
        }
        let due = self.lanes.oldest_head()? + self.settings.linger;
        (due > now).then_some(due)
    }

    fn send(&mut self, request: Request, lanes: Vec<LaneId>) {
        let Request {
            replies,
            batch,
            alone,
        } = request;
        tracing::debug!(
            target: TARGET,
            events = replies.len(),
            channels = lanes.len(),
            queued = self.lanes.len(),
            in_flight = self.in_flight.len() + 1,
            "sending"
        );
        let pusher = self.pusher.clone();
        let request = async move {
            match alone {
                Some(trigger) => pusher.send(trigger).await.map(drop),
                None => pusher.send(TriggerBatch::new(batch)).await.map(drop),
            }
        };
        let id = self.sending.spawn(request).id();
        self.in_flight.insert(id, InFlight { replies, lanes });
    }

    /// Answers the receipts of a request that came back, and frees its lanes.
    fn answer(&mut self, answered: Result<(Id, Result<(), Error>), JoinError>) {
        let (id, outcome) = match answered {
            Ok((id, result)) => (id, result.map_err(|e| DeliveryError::Failed(Arc::new(e)))),
            // The request's task panicked or was cancelled: its events were not sent.
            Err(e) => (e.id(), Err(DeliveryError::Stopped)),
        };
        let Some(request) = self.in_flight.remove(&id) else {
            return;
        };
        if let Err(error) = &outcome {
            tracing::warn!(target: TARGET, events = request.replies.len(), %error, "request failed");
        }
        self.give_room(request.replies.len());
        self.count_for_flushes(&request.replies);
        for (_, reply) in request.replies {
            let _ = reply.send(outcome.clone());
        }
        self.lanes.release(&request.lanes);
        self.answer_flushes();
    }

    /// Gives back the room of `answered` events. While the queue has room, at once. While it is
    /// full, handles wait for room, each wakes for the room it gets, and room given back event by
    /// event would wake a handle per event: it is given back in chunks then, so that a handle
    /// that wakes finds room for several events. What is owed is given back once no request is
    /// in flight, when no answer would come to give it.
    fn give_room(&mut self, answered: usize) {
        self.room_owed += answered;
        if self.room.available_permits() > 0
            || self.room_owed >= self.settings.room_chunk
            || self.in_flight.is_empty()
        {
            self.room.add_permits(std::mem::take(&mut self.room_owed));
        }
    }

    /// Counts the `answered` events against the flushes waiting for them.
    fn count_for_flushes(&mut self, answered: &[(Seq, oneshot::Sender<Result<(), DeliveryError>>)]) {
        for flush in &mut self.flushes {
            let before = answered.iter().filter(|(seq, _)| *seq < flush.before).count();
            flush.unanswered = flush.unanswered.saturating_sub(before);
        }
    }

    /// Answers every flush whose events have all been answered.
    fn answer_flushes(&mut self) {
        if self.flushes.iter().all(|flush| flush.unanswered > 0) {
            return;
        }
        let (ready, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.flushes)
            .into_iter()
            .partition(|flush| flush.unanswered == 0);
        self.flushes = waiting;
        for flush in ready {
            let _ = flush.done.send(());
        }
    }
}

impl<C> Drop for Worker<C> {
    /// Tells the handles the worker is gone; when it goes with events unsent (its runtime shut
    /// down), says how many. Their receipts resolve to [`DeliveryError::Stopped`] as their
    /// senders are dropped.
    fn drop(&mut self) {
        let unsent = self.lanes.len() + self.in_flight.values().map(|r| r.replies.len()).sum::<usize>();
        if unsent > 0 {
            tracing::warn!(target: TARGET, unsent, "publisher stopped with events unsent");
        }
        self.room.close();
        self.stopped.send_replace(true);
    }
}
