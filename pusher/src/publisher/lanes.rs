//! The events waiting to be sent, in one lane per channel: what keeps their order per channel
//! while requests for different channels are in flight at once.
//!
//! A lane is *busy* while a request carrying one of its events is in flight; its next events wait
//! until that request is answered, so that the server never sees two requests of one channel at
//! the same time and takes each channel's events in the order they were published. An event on
//! several channels stands in each of their lanes and goes when it heads all of them.
//!
//! An event on one channel is held in its lane itself; one on several channels is held once, and
//! stands in each of its lanes by its sequence number. Queuing an event and taking it cost a
//! lookup of its channel's lane and a step of that lane's queue; only a lane that starts or stops
//! waiting touches the ordered set of lane heads.
//!
//! No clock and no I/O: the worker passes the time in and sends what [`Lanes::take`] hands out.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::ops::Bound;

use tokio::time::Instant;

use pusher_core::ChannelName;

/// The order in which events were queued.
pub(super) type Seq = u64;

/// What a lane holds: anything that names the channels it goes to.
pub(super) trait OnChannels {
    /// The channels; more than one means the event is sent on its own, not in a batch.
    fn channels(&self) -> &[ChannelName];
}

/// A lane, as an index into [`Lanes`]' lanes: valid from the first event of its channel until
/// the lane is empty and not busy, then given to the next new channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct LaneId(usize);

/// The events waiting to be sent, by channel.
#[derive(Debug)]
pub(super) struct Lanes<T> {
    /// The lane of every channel that has events waiting or in flight.
    ids: HashMap<ChannelName, LaneId>,
    /// The lanes by id; `None` where an id is free.
    lanes: Vec<Option<Lane<T>>>,
    /// The free ids.
    free: Vec<LaneId>,
    /// The events on several channels, by sequence number.
    shared: HashMap<Seq, Queued<T>>,
    /// The first event of every lane that is not busy: the events that could go now, oldest first.
    heads: BTreeSet<(Seq, LaneId)>,
    /// How many events stand in lanes that are not busy (an event on several channels counts
    /// once per lane).
    waiting: usize,
    /// How many events are queued.
    len: usize,
    next_seq: Seq,
}

#[derive(Debug)]
struct Queued<T> {
    seq: Seq,
    event: T,
    queued_at: Instant,
}

#[derive(Debug)]
struct Lane<T> {
    events: VecDeque<Entry<T>>,
    busy: bool,
    channel: ChannelName,
}

/// A place in a lane.
#[derive(Debug)]
enum Entry<T> {
    /// An event on this lane's channel alone.
    Own(Queued<T>),
    /// An event on several channels, held in [`Lanes::shared`].
    Shared(Seq),
}

impl<T> Entry<T> {
    fn seq(&self) -> Seq {
        match self {
            Entry::Own(queued) => queued.seq,
            Entry::Shared(seq) => *seq,
        }
    }
}

impl<T: OnChannels> Lanes<T> {
    pub(super) fn new() -> Self {
        Self {
            ids: HashMap::new(),
            lanes: Vec::new(),
            free: Vec::new(),
            shared: HashMap::new(),
            heads: BTreeSet::new(),
            waiting: 0,
            len: 0,
            next_seq: 0,
        }
    }

    /// Queues `event`, queued at `now`, behind the events of its channels.
    pub(super) fn push(&mut self, event: T, now: Instant) -> Seq {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.len += 1;
        let queued = Queued {
            seq,
            event,
            queued_at: now,
        };
        if let [channel] = queued.event.channels() {
            let id = self.lane_of(channel);
            self.stand(id, Entry::Own(queued));
        } else {
            let ids: Vec<LaneId> = queued.event.channels().iter().map(|c| self.lane_of(c)).collect();
            for id in ids {
                self.stand(id, Entry::Shared(seq));
            }
            self.shared.insert(seq, queued);
        }
        seq
    }

    /// The lane of `channel`, made if it has none.
    fn lane_of(&mut self, channel: &ChannelName) -> LaneId {
        if let Some(&id) = self.ids.get(channel) {
            return id;
        }
        let lane = Lane {
            events: VecDeque::new(),
            busy: false,
            channel: channel.clone(),
        };
        let id = match self.free.pop() {
            Some(id) => {
                self.lanes[id.0] = Some(lane);
                id
            }
            None => {
                self.lanes.push(Some(lane));
                LaneId(self.lanes.len() - 1)
            }
        };
        self.ids.insert(channel.clone(), id);
        id
    }

    /// Puts `entry` at the back of lane `id`.
    fn stand(&mut self, id: LaneId, entry: Entry<T>) {
        let seq = entry.seq();
        let Some(lane) = self.lanes.get_mut(id.0).and_then(Option::as_mut) else {
            return;
        };
        lane.events.push_back(entry);
        if !lane.busy {
            let first = lane.events.len() == 1;
            self.waiting += 1;
            if first {
                self.heads.insert((seq, id));
            }
        }
    }

    fn lane(&self, id: LaneId) -> Option<&Lane<T>> {
        self.lanes.get(id.0).and_then(Option::as_ref)
    }

    fn lane_mut(&mut self, id: LaneId) -> Option<&mut Lane<T>> {
        self.lanes.get_mut(id.0).and_then(Option::as_mut)
    }

    /// How many events wait in lanes that are not busy: whether a full batch could go.
    pub(super) fn waiting(&self) -> usize {
        self.waiting
    }

    /// When the oldest event that heads a lane which is not busy was queued.
    pub(super) fn oldest_head(&self) -> Option<Instant> {
        let &(_, id) = self.heads.first()?;
        match self.lane(id)?.events.front()? {
            Entry::Own(queued) => Some(queued.queued_at),
            Entry::Shared(seq) => self.shared.get(seq).map(|q| q.queued_at),
        }
    }

    /// The sequence number the next event will get: every event queued so far has a lower one.
    pub(super) fn next_seq(&self) -> Seq {
        self.next_seq
    }

    /// How many events are waiting.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Whether no event is waiting.
    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Takes the events of the next request, oldest first, handing each to `take` with its
    /// sequence number: the oldest event that can go, and, when it has one channel, the events
    /// behind it in its lane and then in the next lanes, up to `max_batch`. An event on several
    /// channels goes alone, once it heads each of their lanes.
    ///
    /// Returns the lanes taken from, empty when no event could go: each is busy until
    /// [`release`](Self::release)d.
    pub(super) fn take(&mut self, max_batch: usize, mut take: impl FnMut(Seq, T)) -> Vec<LaneId> {
        let mut lanes = Vec::new();
        let mut taken = 0;
        let mut after = Bound::Unbounded;
        while taken < max_batch {
            let Some(&(seq, id)) = self.heads.range((after, Bound::Unbounded)).next() else {
                break;
            };
            after = Bound::Excluded((seq, id));
            let shared = match self.lane(id).and_then(|lane| lane.events.front()) {
                Some(Entry::Own(_)) => false,
                Some(Entry::Shared(_)) => true,
                None => continue,
            };
            if shared {
                // It goes alone, when every lane it stands in is free and it heads each of them.
                if taken == 0
                    && let Some((event, lanes)) = self.take_shared(seq)
                {
                    take(seq, event);
                    return lanes;
                }
                continue;
            }
            self.occupy(id);
            lanes.push(id);
            let Some(lane) = self.lanes.get_mut(id.0).and_then(Option::as_mut) else {
                continue;
            };
            // The lane's events up to the next one on several channels, which goes alone.
            while taken < max_batch
                && matches!(lane.events.front(), Some(Entry::Own(_)))
                && let Some(Entry::Own(queued)) = lane.events.pop_front()
            {
                self.len -= 1;
                taken += 1;
                take(queued.seq, queued.event);
            }
        }
        lanes
    }

    /// Takes the event on several channels `seq` alone, with its lanes, if it heads each of them
    /// and none is busy.
    fn take_shared(&mut self, seq: Seq) -> Option<(T, Vec<LaneId>)> {
        let queued = self.shared.get(&seq)?;
        let lanes: Vec<LaneId> = queued
            .event
            .channels()
            .iter()
            .map(|c| self.ids.get(c).copied())
            .collect::<Option<_>>()?;
        let free = lanes.iter().all(|&id| {
            self.lane(id)
                .is_some_and(|lane| !lane.busy && lane.events.front().map(Entry::seq) == Some(seq))
        });
        if !free {
            return None;
        }
        for &id in &lanes {
            self.occupy(id);
            if let Some(lane) = self.lane_mut(id) {
                lane.events.pop_front();
            }
        }
        let queued = self.shared.remove(&seq)?;
        self.len -= 1;
        Some((queued.event, lanes))
    }

    /// Marks lane `id` busy: its events no longer wait to go.
    fn occupy(&mut self, id: LaneId) {
        let Some(lane) = self.lanes.get_mut(id.0).and_then(Option::as_mut) else {
            return;
        };
        if !lane.busy {
            lane.busy = true;
            self.waiting -= lane.events.len();
            if let Some(head) = lane.events.front() {
                self.heads.remove(&(head.seq(), id));
            }
        }
    }

    /// Frees the lanes of an answered request: their next events may go, and a lane left empty
    /// is forgotten.
    pub(super) fn release(&mut self, lanes: &[LaneId]) {
        for &id in lanes {
            let Some(lane) = self.lanes.get_mut(id.0).and_then(Option::as_mut) else {
                continue;
            };
            lane.busy = false;
            match lane.events.front() {
                Some(head) => {
                    self.waiting += lane.events.len();
                    self.heads.insert((head.seq(), id));
                }
                None => {
                    if let Some(lane) = self.lanes[id.0].take() {
                        self.ids.remove(&lane.channel);
                    }
                    self.free.push(id);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

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
        for (id, channels) in events {
            push(&mut lanes, *id, channels);
        }
        lanes
    }

    fn push(lanes: &mut Lanes<Event>, id: u32, channels: &[&str]) {
        let channels = channels.iter().map(|c| c.parse().unwrap()).collect();
        lanes.push(Event { id, channels }, Instant::now());
    }

    /// What one `take` handed out: the events' ids and sequence numbers, and the lanes.
    struct Taken {
        events: Vec<(Seq, u32)>,
        lanes: Vec<LaneId>,
    }

    fn take(lanes: &mut Lanes<Event>, max_batch: usize) -> Option<Taken> {
        let mut events = Vec::new();
        let lanes = lanes.take(max_batch, |seq, event| events.push((seq, event.id)));
        assert_eq!(events.is_empty(), lanes.is_empty());
        (!events.is_empty()).then_some(Taken { events, lanes })
    }

    fn ids(taken: &Taken) -> Vec<u32> {
        taken.events.iter().map(|(_, id)| *id).collect()
    }

    #[test]
    fn a_batch_fills_from_the_oldest_lane_first_then_the_next() {
        let mut lanes = lanes(&[(1, &["a"]), (2, &["b"]), (3, &["a"]), (4, &["a"]), (5, &["c"])]);
        assert_eq!(lanes.waiting(), 5);
        let taken = take(&mut lanes, 4).unwrap();
        assert_eq!(ids(&taken), [1, 3, 4, 2]);
        let seqs: Vec<Seq> = taken.events.iter().map(|(seq, _)| *seq).collect();
        assert_eq!(seqs, [0, 2, 3, 1]);
        assert_eq!(lanes.waiting(), 1);
        assert_eq!(ids(&take(&mut lanes, 10).unwrap()), [5]);
        assert!(take(&mut lanes, 10).is_none());
        assert!(lanes.is_empty());
    }

    #[test]
    fn a_busy_lane_waits_for_its_answer_and_keeps_its_order() {
        let mut lanes = lanes(&[(1, &["a"]), (2, &["a"]), (3, &["a"]), (4, &["b"])]);
        let first = take(&mut lanes, 2).unwrap();
        assert_eq!(ids(&first), [1, 2]);
        // Lane a is busy: only b can go, though 3 is older.
        let second = take(&mut lanes, 10).unwrap();
        assert_eq!(ids(&second), [4]);
        assert!(take(&mut lanes, 10).is_none());
        // A new event on a busy lane waits too.
        push(&mut lanes, 5, &["a"]);
        assert_eq!(lanes.waiting(), 0);
        assert!(take(&mut lanes, 10).is_none());
        lanes.release(&first.lanes);
        assert_eq!(lanes.waiting(), 2);
        assert_eq!(ids(&take(&mut lanes, 10).unwrap()), [3, 5]);
        lanes.release(&second.lanes);
        assert_eq!(lanes.ids.len(), 1, "an empty, answered lane is forgotten");
    }

    #[test]
    fn an_event_on_several_channels_goes_alone_once_it_heads_each_lane() {
        let mut lanes = lanes(&[(1, &["a"]), (2, &["a", "b"]), (3, &["b"]), (4, &["c"])]);
        let first = take(&mut lanes, 10).unwrap();
        // 2 cannot join a batch, and 3 stands behind it in b; c goes.
        assert_eq!(ids(&first), [1, 4]);
        assert!(take(&mut lanes, 10).is_none());
        lanes.release(&first.lanes);
        let alone = take(&mut lanes, 10).unwrap();
        assert_eq!(ids(&alone), [2]);
        assert_eq!(alone.lanes.len(), 2);
        assert!(take(&mut lanes, 10).is_none(), "b is busy with 2");
        lanes.release(&alone.lanes);
        assert_eq!(ids(&take(&mut lanes, 10).unwrap()), [3]);
        assert!(lanes.is_empty());
    }

    #[test]
    fn a_forgotten_lanes_place_serves_the_next_channel() {
        let mut lanes = lanes(&[(1, &["a"])]);
        let first = take(&mut lanes, 10).unwrap();
        lanes.release(&first.lanes);
        assert!(lanes.ids.is_empty());
        push(&mut lanes, 2, &["b"]);
        push(&mut lanes, 3, &["a"]);
        assert_eq!(lanes.lanes.len(), 2, "b took a's place");
        let taken = take(&mut lanes, 1).unwrap();
        assert_eq!(ids(&taken), [2]);
        assert_eq!(ids(&take(&mut lanes, 1).unwrap()), [3]);
        lanes.release(&taken.lanes);
        assert_eq!(lanes.ids.len(), 1);
    }

    /// A random run of pushes, takes and releases, and what was seen of it.
    struct RandomRun {
        seed: u64,
        state: u64,
        lanes: Lanes<Event>,
        channels_of: HashMap<u32, Vec<&'static str>>,
        pushed: u32,
        taken: u32,
        last_taken: HashMap<&'static str, u32>,
        in_flight: Vec<(Vec<LaneId>, Vec<&'static str>)>,
    }

    impl RandomRun {
        const NAMES: [&'static str; 4] = ["a", "b", "c", "d"];

        fn new(seed: u64) -> Self {
            Self {
                seed,
                state: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15),
                lanes: Lanes::new(),
                channels_of: HashMap::new(),
                pushed: 0,
                taken: 0,
                last_taken: HashMap::new(),
                in_flight: Vec::new(),
            }
        }

        /// A number below `below` (xorshift64).
        fn random(&mut self, below: usize) -> usize {
            self.state ^= self.state << 13;
            self.state ^= self.state >> 7;
            self.state ^= self.state << 17;
            (self.state % below as u64) as usize
        }

        fn push(&mut self) {
            let count = if self.random(6) == 0 {
                2 + self.random(2)
            } else {
                1
            };
            let mut names = Vec::new();
            while names.len() < count {
                let name = Self::NAMES[self.random(Self::NAMES.len())];
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            push(&mut self.lanes, self.pushed, &names);
            self.channels_of.insert(self.pushed, names);
            self.pushed += 1;
        }

        /// Takes a request, if one can go, checking it against the rules.
        fn take(&mut self) -> bool {
            let seed = self.seed;
            let max_batch = 1 + self.random(4);
            let Some(taken) = take(&mut self.lanes, max_batch) else {
                return false;
            };
            let mut names = Vec::new();
            for (_, id) in &taken.events {
                let of = &self.channels_of[id];
                assert!(of.len() == 1 || taken.events.len() == 1, "seed {seed}: not alone");
                for &name in of {
                    assert!(
                        self.in_flight.iter().all(|(_, busy)| !busy.contains(&name)),
                        "seed {seed}: {name} in flight twice"
                    );
                    if let Some(last) = self.last_taken.insert(name, *id) {
                        assert!(last < *id, "seed {seed}: {name} out of order");
                    }
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
            }
            self.taken += taken.events.len() as u32;
            self.in_flight.push((taken.lanes, names));
            true
        }

        fn release(&mut self) -> bool {
            if self.in_flight.is_empty() {
                return false;
            }
            let index = self.random(self.in_flight.len());
            let (done, _) = self.in_flight.swap_remove(index);
            self.lanes.release(&done);
            true
        }

        fn check_counts(&self) {
            assert_eq!(
                self.lanes.len() as u32,
                self.pushed - self.taken,
                "seed {}",
                self.seed
            );
        }
    }

    /// Random pushes, takes and releases, against the rules: every event taken once, each
    /// channel's events in the order queued, never two requests of one channel in flight, an
    /// event on several channels alone, and the counts right.
    #[test]
    fn random_runs_keep_every_rule() {
        for seed in 1..=300 {
            let mut run = RandomRun::new(seed);
            for _ in 0..200 {
                match run.random(5) {
                    0 | 1 => run.push(),
                    2 | 3 => {
                        run.take();
                    }
                    _ => {
                        run.release();
                    }
                }
                run.check_counts();
            }
            // Drain: take what can go, release what is in flight.
            while run.take() || run.release() {
                run.check_counts();
            }
            assert_eq!(run.taken, run.pushed, "seed {seed}: every event taken once");
            assert!(run.lanes.is_empty() && run.lanes.waiting() == 0, "seed {seed}");
            assert!(run.lanes.ids.is_empty(), "seed {seed}: every lane forgotten");
        }
    }

    #[test]
    fn sequence_numbers_count_and_the_oldest_head() {
        let mut lanes = lanes(&[(1, &["a"]), (2, &["b", "c"])]);
        assert_eq!((lanes.next_seq(), lanes.len()), (2, 2));
        let start = lanes.oldest_head().unwrap();
        let taken = take(&mut lanes, 1).unwrap();
        assert_eq!(ids(&taken), [1]);
        assert_eq!(lanes.len(), 1);
        // The next head is the event on two channels, queued after the first.
        assert!(lanes.oldest_head().unwrap() >= start);
    }
}
