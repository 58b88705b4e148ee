//! The clients of (b) and (c): each sends the same 1 KB trigger, through the library or straight
//! through its HTTP crate, and measures itself (wall time, its own CPU time and peak memory, and
//! the server's CPU time when the server's process id is given).

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use pusher::publisher::Publisher;
use pusher_core::api::{BatchEvent, EventData, TriggerBatch};
use pusher_core::{Blocking, BuildHttpClient, ChannelName, Config, HttpClient};

use crate::Measurement;
use crate::fixture::{self, CHANNEL, EVENT, Payload};
use crate::raw;
use crate::usage;

/// The timeouts every client gets, the library's defaults, so that the clients compared are
/// configured alike.
const TIMEOUT: Duration = Duration::from_secs(5);

/// One way of sending events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// `pusher::Pusher::trigger` (async, over reqwest).
    AsyncLibrary,
    /// The same request signed by hand and sent with `reqwest::Client`.
    AsyncRaw,
    /// `pusher::blocking::Pusher::trigger` over ureq.
    UreqLibrary,
    /// The same request signed by hand and sent with a `ureq::Agent`.
    UreqRaw,
    /// The blocking client over reqwest's blocking client.
    ReqwestBlockingLibrary,
    /// The same request signed by hand and sent with `reqwest::blocking::Client`.
    ReqwestBlockingRaw,
    /// One `trigger` per event through the async client, each task on its own channel.
    PerEvent,
    /// The same events through a [`Publisher`] with as many requests in flight.
    Publisher,
    /// The same events, each task sending its own as batches of the most a request takes, one
    /// request at a time: batching with no queue between tasks, the ceiling of what a publisher
    /// can reach.
    Batches,
}

impl Scenario {
    /// Every scenario, as named on the command line.
    pub const ALL: [(Scenario, &'static str); 9] = [
        (Scenario::AsyncLibrary, "async-library"),
        (Scenario::AsyncRaw, "async-raw"),
        (Scenario::UreqLibrary, "ureq-library"),
        (Scenario::UreqRaw, "ureq-raw"),
        (Scenario::ReqwestBlockingLibrary, "reqwest-blocking-library"),
        (Scenario::ReqwestBlockingRaw, "reqwest-blocking-raw"),
        (Scenario::PerEvent, "per-event"),
        (Scenario::Publisher, "publisher"),
        (Scenario::Batches, "batches"),
    ];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(s, _)| *s == self)
            .map_or("?", |(_, name)| name)
    }

    /// The scenario named `name`.
    pub fn from_name(name: &str) -> Option<Scenario> {
        Self::ALL.iter().find(|(_, n)| *n == name).map(|(s, _)| *s)
    }
}

/// What to run.
#[derive(Debug, Clone)]
pub struct Run {
    /// How to send.
    pub scenario: Scenario,
    /// The server, as a `PUSHER_URL`.
    pub url: String,
    /// Events to send in the measured window.
    pub ops: usize,
    /// Tasks sending at once (requests in flight, for the publisher).
    pub concurrency: usize,
    /// The server's process, to read its CPU time.
    pub server_pid: Option<u32>,
    /// The payload's name (see [`Payload::NAMES`]).
    pub payload: &'static str,
}

/// Runs `run`: a warm-up (connections opened, pools filled), then the measured window.
pub fn run(run: &Run) -> Measurement {
    let warm_up = run.concurrency.max(run.ops / 20);
    match run.scenario {
        Scenario::UreqLibrary => blocking_library::<pusher::pusher_ureq::UreqClient>(run, warm_up),
        Scenario::ReqwestBlockingLibrary => {
            blocking_library::<pusher::pusher_reqwest::blocking::ReqwestClient>(run, warm_up)
        }
        Scenario::UreqRaw => {
            let agent = ureq::Agent::config_builder()
                .timeout_global(Some(TIMEOUT))
                .http_status_as_error(false)
                .max_redirects(0)
                .build()
                .new_agent();
            let (base, payload) = (base_url(&run.url), payload(run));
            let mut trigger = || {
                let signed = raw::signed_trigger(CHANNEL, &payload, fixture::now());
                let mut request = agent.post(signed.url(&base));
                for (name, value) in raw::HEADERS {
                    request = request.header(name, value);
                }
                let mut response = request.send(&signed.body[..]).expect("the trigger is answered");
                assert!(response.status().is_success(), "{}", response.status());
                response.body_mut().read_to_vec().expect("the body is read");
            };
            blocking(run, warm_up, &mut trigger)
        }
        Scenario::ReqwestBlockingRaw => {
            let client = reqwest::blocking::Client::builder()
                .timeout(TIMEOUT)
                .connect_timeout(TIMEOUT)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("a reqwest client");
            let (base, payload) = (base_url(&run.url), payload(run));
            let mut trigger = || {
                let signed = raw::signed_trigger(CHANNEL, &payload, fixture::now());
                let mut request = client.post(signed.url(&base));
                for (name, value) in raw::HEADERS {
                    request = request.header(name, value);
                }
                let response = request.body(signed.body).send().expect("the trigger is answered");
                assert!(response.status().is_success(), "{}", response.status());
                response.bytes().expect("the body is read");
            };
            blocking(run, warm_up, &mut trigger)
        }
        Scenario::AsyncLibrary
        | Scenario::AsyncRaw
        | Scenario::PerEvent
        | Scenario::Publisher
        | Scenario::Batches => {
            let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime");
            runtime.block_on(asynchronous(run, warm_up))
        }
    }
}

fn payload(run: &Run) -> Payload {
    Payload::named(run.payload).expect("a known payload")
}

/// `scheme://host:port` of a `PUSHER_URL`.
fn base_url(url: &str) -> String {
    Config::from_url(url)
        .expect("a valid PUSHER_URL")
        .api_endpoint()
        .base_url()
}

/// The blocking client over the HTTP client `C`.
fn blocking_library<C: HttpClient + BuildHttpClient>(run: &Run, warm_up: usize) -> Measurement {
    let pusher = pusher_core::Pusher::<Blocking<C>>::from_url(&run.url).expect("a client for the URL");
    let payload = payload(run);
    let mut trigger = || {
        pusher
            .trigger([CHANNEL], EVENT, &payload)
            .expect("the trigger is answered");
    };
    blocking(run, warm_up, &mut trigger)
}

/// Times `trigger` called `run.ops` times in a row, after `warm_up` calls.
fn blocking(run: &Run, warm_up: usize, trigger: &mut dyn FnMut()) -> Measurement {
    (0..warm_up).for_each(|_| trigger());
    let window = Window::open(run.server_pid);
    (0..run.ops).for_each(|_| trigger());
    window.close(run.ops)
}

async fn asynchronous(run: &Run, warm_up: usize) -> Measurement {
    let pusher = Arc::new(pusher::Pusher::from_url(&run.url).expect("a client for the URL"));
    let payload = Arc::new(payload(run));
    let tasks = run.concurrency;
    match run.scenario {
        Scenario::AsyncLibrary => {
            let trigger = move |pusher: Arc<pusher::Pusher>, payload: Arc<Payload>, _task| async move {
                pusher
                    .trigger([CHANNEL], EVENT, &*payload)
                    .await
                    .expect("the trigger is answered");
            };
            measured(run, warm_up, (pusher, payload), trigger).await
        }
        Scenario::AsyncRaw => {
            let client = reqwest::Client::builder()
                .timeout(TIMEOUT)
                .connect_timeout(TIMEOUT)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("a reqwest client");
            let client = Arc::new((client, base_url(&run.url)));
            let trigger = move |client: Arc<(reqwest::Client, String)>, payload: Arc<Payload>, _task| async move {
                let (client, base) = &*client;
                let signed = raw::signed_trigger(CHANNEL, &*payload, fixture::now());
                let mut request = client.post(signed.url(base));
                for (name, value) in raw::HEADERS {
                    request = request.header(name, value);
                }
                let response = request
                    .body(signed.body)
                    .send()
                    .await
                    .expect("the trigger is answered");
                assert!(response.status().is_success(), "{}", response.status());
                response.bytes().await.expect("the body is read");
            };
            measured(run, warm_up, (client, payload), trigger).await
        }
        Scenario::PerEvent => {
            // Each task on its own channel, as the publisher's events below.
            let trigger = move |pusher: Arc<pusher::Pusher>, payload: Arc<Payload>, task: usize| async move {
                let channel = format!("{CHANNEL}-{task}");
                pusher
                    .trigger([channel], EVENT, &*payload)
                    .await
                    .expect("the trigger is answered");
            };
            measured(run, warm_up, (pusher, payload), trigger).await
        }
        Scenario::Publisher => {
            let pusher = Arc::into_inner(pusher).expect("the only handle");
            let publisher = Publisher::builder()
                .max_in_flight(tasks)
                .build(pusher)
                .expect("a publisher");
            publish(&publisher, tasks, warm_up, &payload).await;
            let window = Window::open(run.server_pid);
            publish(&publisher, tasks, run.ops, &payload).await;
            let measurement = window.close(run.ops);
            publisher.close().await;
            measurement
        }
        Scenario::Batches => {
            let batch = pusher.config().max_batch_events();
            let send = move |pusher: Arc<pusher::Pusher>, payload: Arc<Payload>, task: usize| async move {
                let channel: ChannelName = format!("{CHANNEL}-{task}").parse().expect("a channel name");
                let events = (0..batch).map(|_| {
                    let data = EventData::json(&*payload).expect("the payload serializes");
                    BatchEvent::new(channel.clone(), EVENT.parse().expect("an event name"), data)
                });
                pusher
                    .send(TriggerBatch::new(events))
                    .await
                    .expect("the batch is answered");
            };
            // Each call sends `batch` events: as many calls as make `run.ops` events.
            let calls = Run {
                ops: run.ops / batch,
                ..run.clone()
            };
            let mut measurement = measured(&calls, warm_up / batch, (pusher, payload), send).await;
            measurement.ops = (calls.ops * batch) as u64;
            measurement
        }
        _ => unreachable!("blocking scenarios run in `run`"),
    }
}

/// Publishes `events` from `tasks` tasks, each on its own channel, then waits for every receipt.
async fn publish(publisher: &Publisher, tasks: usize, events: usize, payload: &Arc<Payload>) {
    let handles: Vec<_> = (0..tasks)
        .map(|task| {
            let (publisher, payload) = (publisher.clone(), payload.clone());
            let share = share(events, tasks, task);
            tokio::spawn(async move {
                let channel = format!("{CHANNEL}-{task}");
                let mut receipts = Vec::with_capacity(share);
                for _ in 0..share {
                    receipts.push(
                        publisher
                            .publish([&channel], EVENT, &*payload)
                            .await
                            .expect("queued"),
                    );
                }
                for receipt in receipts {
                    receipt.await.expect("the event is delivered");
                }
            })
        })
        .collect();
    for handle in handles {
        handle.await.expect("the task ends");
    }
}

/// Runs `warm_up` calls of `op`, then measures `run.ops` calls, from `run.concurrency` tasks.
async fn measured<S, F, Fut>(run: &Run, warm_up: usize, state: (Arc<S>, Arc<Payload>), op: F) -> Measurement
where
    S: Send + Sync + 'static,
    F: Fn(Arc<S>, Arc<Payload>, usize) -> Fut + Copy + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    in_tasks(run.concurrency, warm_up, (state.0.clone(), state.1.clone()), op).await;
    let window = Window::open(run.server_pid);
    in_tasks(run.concurrency, run.ops, state, op).await;
    window.close(run.ops)
}

/// Runs `ops` calls of `op` from `tasks` tasks, each making its share one after the other.
async fn in_tasks<S, F, Fut>(tasks: usize, ops: usize, state: (Arc<S>, Arc<Payload>), op: F)
where
    S: Send + Sync + 'static,
    F: Fn(Arc<S>, Arc<Payload>, usize) -> Fut + Copy + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    let handles: Vec<_> = (0..tasks)
        .map(|task| {
            let (state, payload) = (state.0.clone(), state.1.clone());
            let share = share(ops, tasks, task);
            tokio::spawn(async move {
                for _ in 0..share {
                    op(state.clone(), payload.clone(), task).await;
                }
            })
        })
        .collect();
    for handle in handles {
        handle.await.expect("the task ends");
    }
}

/// Task `task`'s share of `ops` split over `tasks`.
fn share(ops: usize, tasks: usize, task: usize) -> usize {
    ops / tasks + usize::from(task < ops % tasks)
}

/// A measured window: wall time, and the CPU time of this process and of the server.
struct Window {
    started: Instant,
    cpu: Duration,
    server: Option<(u32, Duration)>,
}

impl Window {
    fn open(server_pid: Option<u32>) -> Self {
        Self {
            server: server_pid.and_then(|pid| Some((pid, usage::process_cpu(pid)?))),
            cpu: usage::own_cpu(),
            started: Instant::now(),
        }
    }

    fn close(self, ops: usize) -> Measurement {
        let wall = self.started.elapsed();
        let cpu = usage::own_cpu() - self.cpu;
        let server = self
            .server
            .and_then(|(pid, before)| Some(usage::process_cpu(pid)?.saturating_sub(before)));
        Measurement {
            ops: ops as u64,
            wall_secs: wall.as_secs_f64(),
            cpu_secs: cpu.as_secs_f64(),
            server_cpu_secs: server.map(|d| d.as_secs_f64()),
            max_rss_kib: usage::own_max_rss_kib(),
            allocs_per_op: None,
        }
    }
}
