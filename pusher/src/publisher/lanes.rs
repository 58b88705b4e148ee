//! The events waiting to be sent, in one lane per channel: what keeps their order per channel
//! while requests for different channels are in flight at once.
//!
//! A lane is *busy* while a request carrying one of its events is in flight; its next events wait
//! until that request is answered, so that the server never sees two requests of one channel at
//! the same time and takes each channel's events in the order they were published. An event on
//! several channels stands in each of their lanes and goes when it heads all of them.
//!
//! No clock and no I/O: the worker passes the time in and sends what [`Lanes::take`] hands out.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use tokio::time::Instant;

use pusher_core::ChannelName;

/// The order in which events were queued.
pub(super) type Seq = u64;

/// What a lane holds: anything that names the channels it goes to.
pub(super) trait OnChannels {
    /// The channels; more than one means the event is sent on its own, not in a batch.
    fn channels(&self) -> &[ChannelName];
}

/// The events waiting to be sent, by channel.
#[derive(Debug)]
pub(super) struct Lanes<T> {
    /// Every waiting event, by sequence number.
    queued: BTreeMap<Seq, Queued<T>>,
    /// One lane per channel that has events waiting or in flight.
    lanes: HashMap<ChannelName, Lane>,
    /// The first event of every lane that is not busy: the events that could go now.
    heads: BTreeSet<Seq>,
    /// How many events stand in lanes that are not busy (an event on several channels counts
    /// once per lane).
    waiting: usize,
    next_seq: Seq,
}

#[derive(Debug)]
struct Queued<T> {
    event: T,
    queued_at: Instant,
}

#[derive(Debug, Default)]
struct Lane {
    events: VecDeque<Seq>,
    busy: bool,
}

/// Events taken to be sent in one request, and the lanes that are busy until it is answered.
#[derive(Debug)]
pub(super) struct Taken<T> {
    /// The events, in the order they were queued: one on several channels goes alone.
    pub(super) events: Vec<T>,
    /// The lanes to [`release`](Lanes::release) when the request is answered.
    pub(super) channels: Vec<ChannelName>,
    /// The sequence number of the first event.
    pub(super) first: Seq,
}

impl<T: OnChannels> Lanes<T> {
    pub(super) fn new() -> Self {
        Self {
            queued: BTreeMap::new(),
            lanes: HashMap::new(),
            heads: BTreeSet::new(),
            waiting: 0,
            next_seq: 0,
        }
    }

    /// Queues `event`, queued at `now`, behind the events of its channels.
    pub(super) fn push(&mut self, event: T, now: Instant) -> Seq {
        let seq = self.next_seq;
        self.next_seq += 1;
        for channel in event.channels() {
            let lane = match self.lanes.get_mut(channel) {
                Some(lane) => lane,
                None => self.lanes.entry(channel.clone()).or_default(),
            };
            lane.events.push_back(seq);
            if !lane.busy {
                self.waiting += 1;
                if lane.events.len() == 1 {
                    self.heads.insert(seq);
                }
            }
        }
        self.queued.insert(
            seq,
            Queued {
                event,
                queued_at: now,
            },
        );
        seq
    }

    /// How many events wait in lanes that are not busy: whether a full batch could go.
    pub(super) fn waiting(&self) -> usize {
        self.waiting
    }

    /// When the oldest event that heads a lane which is not busy was queued.
    pub(super) fn oldest_head(&self) -> Option<Instant> {
        let seq = self.heads.first()?;
        self.queued.get(seq).map(|q| q.queued_at)
    }

    /// The sequence number of the oldest event still waiting.
    pub(super) fn oldest(&self) -> Option<Seq> {
        self.queued.keys().next().copied()
    }

    /// The sequence number the next event will get: every event queued so far has a lower one.
    pub(super) fn next_seq(&self) -> Seq {
        self.next_seq
    }

    /// How many events are waiting.
    pub(super) fn len(&self) -> usize {
        self.queued.len()
    }

    /// Whether no event is waiting.
    pub(super) fn is_empty(&self) -> bool {
        self.queued.is_empty()
    }

    /// Takes the events of the next request, oldest first: the oldest event that can go, and, when
    /// it has one channel, the events behind it in its lane and then in the next lanes, up to
    /// `max_batch`. An event on several channels goes alone, once it heads each of their lanes.
    /// Every lane an event is taken from is busy until [`release`](Self::release)d.
    pub(super) fn take(&mut self, max_batch: usize) -> Option<Taken<T>> {
        let mut taken = Taken {
            events: Vec::new(),
            channels: Vec::new(),
            first: Seq::MAX,
        };
        let mut after = None;
        while taken.events.len() < max_batch {
            let next = match after {
                None => self.heads.first(),
                Some(seq) => self.heads.range(seq + 1..).next(),
            };
            let Some(&seq) = next else { break };
            after = Some(seq);
            let Some(channels) = self.queued.get(&seq).map(|q| q.event.channels()) else {
                continue;
            };
            if channels.len() > 1 {
                // It goes alone, when every lane it stands in is free and it heads each of them.
                let free = channels.iter().all(|c| {
                    self.lanes
                        .get(c)
                        .is_some_and(|lane| !lane.busy && lane.events.front() == Some(&seq))
                });
                if taken.events.is_empty() && free {
                    let channels = channels.to_vec();
                    for channel in &channels {
                        self.occupy(channel);
                        self.pop(channel);
                    }
                    return self.remove(seq).map(|event| Taken {
                        events: vec![event],
                        channels,
                        first: seq,
                    });
                }
                continue;
            }
            let channel = channels[0].clone();
            self.occupy(&channel);
            if let Some(lane) = self.lanes.get_mut(&channel) {
                // The lane's events up to the next one on several channels, which goes alone.
                while taken.events.len() < max_batch
                    && let Some(&head) = lane.events.front()
                    && self
                        .queued
                        .get(&head)
                        .is_some_and(|q| q.event.channels().len() == 1)
                    && let Some(queued) = self.queued.remove(&head)
                {
                    lane.events.pop_front();
                    taken.first = taken.first.min(head);
                    taken.events.push(queued.event);
                }
            }
            taken.channels.push(channel);
        }
        (!taken.events.is_empty()).then_some(taken)
    }

    /// Marks `channel`'s lane busy: its events no longer wait to go.
    fn occupy(&mut self, channel: &ChannelName) {
        if let Some(lane) = self.lanes.get_mut(channel)
            && !lane.busy
        {
            lane.busy = true;
            self.waiting -= lane.events.len();
            if let Some(head) = lane.events.front() {
                self.heads.remove(head);
            }
        }
    }

    /// Drops the first event of `channel`'s (busy) lane.
    fn pop(&mut self, channel: &ChannelName) {
        if let Some(lane) = self.lanes.get_mut(channel) {
            lane.events.pop_front();
        }
    }

    fn remove(&mut self, seq: Seq) -> Option<T> {
        self.queued.remove(&seq).map(|q| q.event)
    }

    /// Frees the lanes of an answered request: their next events may go.
    pub(super) fn release(&mut self, channels: &[ChannelName]) {
        for channel in channels {
            let Some(lane) = self.lanes.get_mut(channel) else {
                continue;
            };
            lane.busy = false;
            match lane.events.front() {
                Some(&head) => {
                    self.waiting += lane.events.len();
                    self.heads.insert(head);
                }
                None => {
                    self.lanes.remove(channel);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Event {
        id: u32,
        channels: Vec<ChannelName>,
    }

    impl OnChannels for Event {
        fn channels(&self) -> &[ChannelName] {
            &self.channels
        }
    }

    fn lanes(events: &[(u32, &[&str])]) -> Lanes<Event> {
        let mut lanes = Lanes::new();
        let now = Instant::now();
        for (id, channels) in events {
            let channels = channels.iter().map(|c| c.parse().unwrap()).collect();
            lanes.push(Event { id: *id, channels }, now);
        }
        lanes
    }

    fn ids(taken: &Taken<Event>) -> Vec<u32> {
        taken.events.iter().map(|e| e.id).collect()
    }

    #[test]
    fn a_batch_fills_from_the_oldest_lane_first_then_the_next() {
        let mut lanes = lanes(&[(1, &["a"]), (2, &["b"]), (3, &["a"]), (4, &["a"]), (5, &["c"])]);
        assert_eq!(lanes.waiting(), 5);
        let taken = lanes.take(4).unwrap();
        assert_eq!(ids(&taken), [1, 3, 4, 2]);
        assert_eq!(taken.first, 0);
        assert_eq!(lanes.waiting(), 1);
        assert_eq!(ids(&lanes.take(10).unwrap()), [5]);
        assert!(lanes.take(10).is_none());
        assert!(lanes.is_empty());
    }

    #[test]
    fn a_busy_lane_waits_for_its_answer_and_keeps_its_order() {
        let mut lanes = lanes(&[(1, &["a"]), (2, &["a"]), (3, &["a"]), (4, &["b"])]);
        let first = lanes.take(2).unwrap();
        assert_eq!(ids(&first), [1, 2]);
        // Lane a is busy: only b can go, though 3 is older.
        let second = lanes.take(10).unwrap();
        assert_eq!(ids(&second), [4]);
        assert!(lanes.take(10).is_none());
        lanes.release(&first.channels);
        assert_eq!(ids(&lanes.take(10).unwrap()), [3]);
        lanes.release(&second.channels);
        assert!(lanes.lanes.len() == 1, "an empty, answered lane is forgotten");
    }

    #[test]
    fn an_event_on_several_channels_goes_alone_once_it_heads_each_lane() {
        let mut lanes = lanes(&[(1, &["a"]), (2, &["a", "b"]), (3, &["b"]), (4, &["c"])]);
        let first = lanes.take(10).unwrap();
        // 2 cannot join a batch, and 3 stands behind it in b; c goes.
        assert_eq!(ids(&first), [1, 4]);
        assert!(lanes.take(10).is_none());
        lanes.release(&first.channels);
        let alone = lanes.take(10).unwrap();
        assert_eq!(ids(&alone), [2]);
        assert_eq!(alone.channels.len(), 2);
        assert!(lanes.take(10).is_none(), "b is busy with 2");
        lanes.release(&alone.channels);
        assert_eq!(ids(&lanes.take(10).unwrap()), [3]);
    }

    #[test]
    fn sequence_numbers_and_the_oldest_event() {
        let mut lanes = lanes(&[(1, &["a"]), (2, &["b"])]);
        assert_eq!((lanes.oldest(), lanes.next_seq(), lanes.len()), (Some(0), 2, 2));
        assert!(lanes.oldest_head().is_some());
        let taken = lanes.take(1).unwrap();
        assert_eq!(ids(&taken), [1]);
        assert_eq!(lanes.oldest(), Some(1));
    }
}
