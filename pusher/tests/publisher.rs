//! The publisher against the emulator: every event delivered once and in order per channel,
//! backpressure, refusals, a server that dies, flush, close and drop.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failure

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use pusher::publisher::{DeliveryError, PublishError, Publisher, PublisherBuildError};
use pusher::pusher_reqwest::ReqwestClient;
use pusher::{AsyncHttpClient, Config, ResponseErrorKind};
use pusher_core::http_client::ResponseFuture;
use pusher_emulator::{Emulator, Subscriber};
use serde_json::json;
use tokio::sync::Semaphore;

/// An HTTP client over reqwest that counts the requests it sends, and sends each only when the
/// gate lets it (the gate is open unless a test closes it).
#[derive(Clone)]
struct Counting {
    client: ReqwestClient,
    requests: Arc<AtomicUsize>,
    gate: Arc<Semaphore>,
}

impl Counting {
    fn new() -> Self {
        Self {
            client: ReqwestClient::new(),
            requests: Arc::new(AtomicUsize::new(0)),
            gate: Arc::new(Semaphore::new(Semaphore::MAX_PERMITS)),
        }
    }

    /// A client whose requests wait until the test adds permits to the gate.
    fn gated() -> Self {
        Self {
            gate: Arc::new(Semaphore::new(0)),
            ..Self::new()
        }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

impl AsyncHttpClient for Counting {
    type Future<'a> = ResponseFuture<'a>;

    fn send(&self, request: http::Request<Vec<u8>>) -> ResponseFuture<'_> {
        Box::pin(async move {
            if let Ok(permit) = self.gate.acquire().await {
                permit.forget();
            }
            self.requests.fetch_add(1, Ordering::SeqCst);
            self.client.send(request).await
        })
    }
}

fn pusher_with<C>(config: Config, http: C) -> pusher_core::Pusher<C> {
    pusher_core::Pusher::new(config, http)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_thousand_events_from_several_tasks_arrive_once_each_in_order_per_channel() {
    const TASKS: usize = 8;
    const PER_TASK: usize = 2_500;
    const CHANNELS: usize = 4;
    let emulator = Emulator::builder()
        .max_events(TASKS * PER_TASK)
        .start()
        .await
        .unwrap();
    let channels: Vec<String> = (0..CHANNELS).map(|c| format!("orders-{c}")).collect();
    let mut browser = Subscriber::connect(&emulator.ws_url()).await.unwrap();
    for channel in &channels {
        browser.subscribe(channel).await.unwrap();
    }
    let http = Counting::new();
    let publisher = Publisher::new(pusher_with(emulator.config(), http.clone())).unwrap();

    let tasks: Vec<_> = (0..TASKS)
        .map(|task| {
            let publisher = publisher.clone();
            let channels = channels.clone();
            tokio::spawn(async move {
                let mut receipts = Vec::with_capacity(PER_TASK);
                for n in 0..PER_TASK {
                    let channel = &channels[n % CHANNELS];
                    let data = json!({"task": task, "n": n});
                    receipts.push(publisher.publish([channel], "numbered", &data).await.unwrap());
                }
                for receipt in receipts {
                    receipt.await.unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    publisher.close().await;

    // Every event once, and each task's events on each channel in the order it published them.
    let mut last: HashMap<(String, u64), i64> = HashMap::new();
    let mut seen = 0;
    while seen < TASKS * PER_TASK {
        let message = browser
            .next_event(Duration::from_secs(10))
            .await
            .unwrap_or_else(|| panic!("only {seen} events arrived"));
        if message.event != "numbered" {
            continue;
        }
        let data = message.data_json().unwrap();
        let channel = message.channel.unwrap();
        let (task, n) = (data["task"].as_u64().unwrap(), data["n"].as_i64().unwrap());
        // Task t sent n on channel n % CHANNELS: on each channel, its events come CHANNELS apart.
        let expected = match last.insert((channel.clone(), task), n) {
            Some(previous) => previous + CHANNELS as i64,
            None => n % CHANNELS as i64,
        };
        assert_eq!(n, expected, "task {task} on {channel}");
        seen += 1;
    }
    assert!(
        browser.next_event(Duration::from_millis(200)).await.is_none(),
        "an event arrived twice"
    );
    let received = emulator.events();
    assert_eq!(received.len(), TASKS * PER_TASK);
    assert!(received.iter().all(|e| e.batch));
    // Batched: far fewer requests than events.
    assert!(
        http.requests() * 5 <= TASKS * PER_TASK,
        "{} requests",
        http.requests()
    );
}

#[tokio::test]
async fn a_full_queue_makes_publish_wait_and_try_publish_say_full() {
    let emulator = Emulator::start().await.unwrap();
    let http = Counting::gated();
    let publisher = Publisher::builder()
        .queue_capacity(3)
        .build(pusher_with(emulator.config(), http.clone()))
        .unwrap();
    let receipts: Vec<_> = (0..3)
        .map(|n| publisher.try_publish(["a"], "e", &n).unwrap())
        .collect();
    assert!(matches!(
        publisher.try_publish(["a"], "e", &3),
        Err(PublishError::Full)
    ));
    // An invalid event is refused before it asks for room.
    assert!(matches!(
        publisher.try_publish(["a b"], "e", &3),
        Err(PublishError::Invalid(_))
    ));

    let waiting = publisher.publish(["a"], "e", &3);
    let mut waiting = std::pin::pin!(waiting);
    assert!(
        futures_lite::future::poll_once(&mut waiting).await.is_none(),
        "publish waits for room"
    );

    http.gate.add_permits(1_000);
    for receipt in receipts {
        receipt.await.unwrap();
    }
    waiting.await.unwrap().await.unwrap();
    assert_eq!(emulator.events().len(), 4);
}

#[tokio::test]
async fn while_the_queue_is_full_room_comes_back_in_chunks() {
    let emulator = Emulator::start().await.unwrap();
    let http = Counting::gated();
    // Room comes back an eighth of the capacity at a time while the queue is full: 20 events.
    let publisher = Publisher::builder()
        .queue_capacity(160)
        .max_in_flight(2)
        .build(pusher_with(emulator.config(), http.clone()))
        .unwrap();
    let mut receipts: Vec<_> = (0..160)
        .map(|n| publisher.try_publish([format!("c{}", n % 2)], "e", &n).unwrap())
        .collect();
    assert!(matches!(
        publisher.try_publish(["a"], "e", &0),
        Err(PublishError::Full)
    ));
    let (mut first_c0, mut first_c1) = (receipts.remove(0), receipts.remove(0));

    // One of the two batches in flight is answered: its 10 events are owed, not given back yet,
    // while the other request is in flight.
    http.gate.add_permits(1);
    let other = tokio::select! {
        answered = &mut first_c0 => { answered.unwrap(); first_c1 }
        answered = &mut first_c1 => { answered.unwrap(); first_c0 }
    };
    assert!(matches!(
        publisher.try_publish(["a"], "e", &0),
        Err(PublishError::Full)
    ));

    // The other one is answered: 20 owed, given back at once.
    http.gate.add_permits(1);
    other.await.unwrap();
    let more: Vec<_> = (0..20)
        .map(|n| publisher.try_publish(["a"], "e", &n).unwrap())
        .collect();
    assert!(matches!(
        publisher.try_publish(["a"], "e", &0),
        Err(PublishError::Full)
    ));

    http.gate.add_permits(1_000);
    for receipt in receipts.into_iter().chain(more) {
        receipt.await.unwrap();
    }
    assert_eq!(emulator.events().len(), 180);
    // Nothing in flight: all the room is back.
    for n in 0..160 {
        drop(publisher.try_publish(["a"], "e", &n).unwrap());
    }
    publisher.close().await;
}

#[tokio::test]
async fn a_refused_batch_fails_each_of_its_events_with_the_servers_error() {
    let emulator = Emulator::start().await.unwrap();
    let forged = Config::builder(emulator.app_id(), emulator.key(), "wrong-secret")
        .host("127.0.0.1")
        .scheme(pusher::Scheme::Http)
        .port(emulator.port())
        .build()
        .unwrap();
    let publisher = Publisher::new(pusher_with(forged, ReqwestClient::new())).unwrap();
    let mut receipts = Vec::new();
    for n in 0..25 {
        receipts.push(publisher.publish(["a"], "e", &n).await.unwrap());
    }
    for receipt in receipts {
        let error = receipt.await.unwrap_err();
        let kind = error.error().and_then(|e| e.as_response()).map(|r| r.kind());
        assert_eq!(kind, Some(ResponseErrorKind::Unauthorized), "{error}");
    }
    assert_eq!(emulator.events().len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_dies_mid_run_leaves_no_event_hanging() {
    const BEFORE: usize = 1_000;
    const WHILE_STOPPING: usize = 3_000;
    const AFTER: usize = 1_000;
    let emulator = Emulator::start().await.unwrap();
    let pusher = pusher::Pusher::builder_from_url(&emulator.pusher_url())
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let publisher = Publisher::new(pusher).unwrap();
    let publish = |range: std::ops::Range<usize>| {
        let publisher = publisher.clone();
        async move {
            let mut receipts = Vec::with_capacity(range.len());
            for n in range {
                receipts.push(
                    publisher
                        .publish([format!("c{}", n % 16)], "e", &n)
                        .await
                        .unwrap(),
                );
            }
            receipts
        }
    };
    let before = publish(0..BEFORE).await;
    publisher.flush().await;
    // The server stops (its connections close) while events keep coming, and stays stopped.
    let stopping = tokio::task::spawn_blocking(move || emulator.stop());
    let during = publish(BEFORE..BEFORE + WHILE_STOPPING).await;
    stopping.await.unwrap();
    let after = publish(BEFORE + WHILE_STOPPING..BEFORE + WHILE_STOPPING + AFTER).await;

    // Each request ends within its 2 s deadline: only a hang takes a minute.
    let outcome = |receipt| async move {
        match tokio::time::timeout(Duration::from_secs(60), receipt).await {
            Ok(Ok(())) => true,
            Ok(Err(DeliveryError::Failed(_))) => false,
            Ok(Err(e)) => panic!("{e}"),
            Err(_) => panic!("an event hung"),
        }
    };
    for receipt in before {
        assert!(outcome(receipt).await, "sent before the server stopped");
    }
    for receipt in during {
        outcome(receipt).await;
    }
    for receipt in after {
        assert!(!outcome(receipt).await, "sent after the server stopped");
    }
}

#[tokio::test]
async fn an_event_on_several_channels_goes_as_one_trigger_and_encrypted_ones_alone_encrypted() {
    let emulator = Emulator::builder()
        .encryption_master_key_base64("MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=")
        .start()
        .await
        .unwrap();
    let http = Counting::new();
    let publisher = Publisher::new(pusher_with(emulator.config(), http.clone())).unwrap();
    let several = publisher.publish(["a", "b", "c"], "several", &1).await.unwrap();
    let secret = publisher
        .publish(["private-encrypted-x"], "secret", &json!({"pin": 1234}))
        .await
        .unwrap();
    let excluded = publisher
        .publish_excluding(["a"], "not-to-me", &2, "123.456")
        .await
        .unwrap();
    several.await.unwrap();
    secret.await.unwrap();
    excluded.await.unwrap();
    publisher.flush().await;

    let events = emulator.events();
    let on = |name: &str| events.iter().filter(|e| e.name == name).collect::<Vec<_>>();
    let several = on("several");
    assert_eq!(several.len(), 3);
    assert!(several.iter().all(|e| !e.batch), "one trigger, not a batch");
    let secret = on("secret");
    assert_eq!(secret.len(), 1);
    assert!(
        !secret[0].data.contains("1234"),
        "sent encrypted: {}",
        secret[0].data
    );
    let config = emulator.config();
    let plain = pusher::encryption::decrypt(
        "private-encrypted-x",
        config.master_key().unwrap(),
        &secret[0].data,
    );
    assert_eq!(plain.unwrap(), r#"{"pin":1234}"#);
    assert_eq!(on("not-to-me")[0].socket_id.as_deref(), Some("123.456"));
}

#[tokio::test]
async fn an_invalid_event_is_an_error_at_once_and_nothing_is_queued() {
    let emulator = Emulator::start().await.unwrap();
    let config = Config::builder(emulator.app_id(), emulator.key(), emulator.secret())
        .max_payload_bytes(100)
        .build()
        .unwrap();
    let publisher = Publisher::new(pusher_with(config, Counting::new())).unwrap();
    for error in [
        publisher.publish(["no spaces"], "e", &1).await.unwrap_err(),
        publisher.publish(["a"], "e", &"x".repeat(200)).await.unwrap_err(),
        publisher.publish(Vec::<&str>::new(), "e", &1).await.unwrap_err(),
        publisher
            .publish(["private-encrypted-a"], "e", &1)
            .await
            .unwrap_err(),
        publisher
            .publish_excluding(["a"], "e", &1, "1.2:evil")
            .await
            .unwrap_err(),
    ] {
        assert!(matches!(error, PublishError::Invalid(_)), "{error}");
    }
    publisher.flush().await;
    assert!(emulator.events().is_empty());
}

#[tokio::test]
async fn flush_waits_for_what_was_queued_and_close_stops_every_handle() {
    let emulator = Emulator::start().await.unwrap();
    let publisher = Publisher::builder()
        .linger(Duration::from_secs(3600))
        .build(pusher_with(emulator.config(), Counting::new()))
        .unwrap();
    let other = publisher.clone();
    let receipt = publisher.publish(["a"], "before-flush", &1).await.unwrap();
    // A partial batch would linger an hour; the flush sends it now.
    publisher.flush().await;
    assert_eq!(emulator.events().len(), 1);
    receipt.await.unwrap();

    let last = other.publish(["a"], "before-close", &2).await.unwrap();
    publisher.close().await;
    last.await.unwrap();
    assert_eq!(emulator.events().len(), 2);
    assert!(other.is_closed());
    assert!(matches!(
        other.publish(["a"], "e", &3).await,
        Err(PublishError::Closed)
    ));
    assert!(matches!(
        other.try_publish(["a"], "e", &3),
        Err(PublishError::Closed)
    ));
    other.flush().await;
    other.close().await;
}

#[tokio::test]
async fn dropping_every_handle_still_sends_what_was_queued() {
    let emulator = Emulator::start().await.unwrap();
    let publisher = Publisher::new(pusher_with(emulator.config(), Counting::new())).unwrap();
    let mut receipts = Vec::new();
    for n in 0..50 {
        receipts.push(publisher.publish(["a"], "e", &n).await.unwrap());
    }
    drop(publisher);
    for receipt in receipts {
        receipt.await.unwrap();
    }
    assert_eq!(emulator.events().len(), 50);
}

#[test]
fn a_runtime_that_shuts_down_fails_the_unsent_events_as_stopped() {
    let emulator = Emulator::start_blocking().unwrap();
    let http = Counting::gated();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (publisher, receipt) = runtime.block_on(async {
        let publisher = Publisher::new(pusher_with(emulator.config(), http)).unwrap();
        let receipt = publisher.publish(["a"], "e", &1).await.unwrap();
        (publisher, receipt)
    });
    drop(runtime);
    assert!(matches!(receipt.wait_blocking(), Err(DeliveryError::Stopped)));
    assert!(matches!(
        publisher.try_publish(["a"], "e", &2),
        Err(PublishError::Closed)
    ));
    assert!(emulator.events().is_empty());
}

#[test]
fn blocking_code_publishes_through_a_runtime_it_owns() {
    let emulator = Emulator::start_blocking().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let publisher = {
        let _inside = runtime.enter();
        Publisher::new(pusher_with(emulator.config(), Counting::new())).unwrap()
    };
    let receipts: Vec<_> = (0..20)
        .map(|n| publisher.publish_blocking(["a"], "e", &n).unwrap())
        .collect();
    for receipt in receipts {
        receipt.wait_blocking().unwrap();
    }
    assert_eq!(emulator.events().len(), 20);
}

#[tokio::test]
async fn settings_are_checked() {
    let emulator = Emulator::start().await.unwrap();
    let build = |builder: pusher::publisher::PublisherBuilder| {
        builder
            .build(pusher_with(emulator.config(), Counting::new()))
            .unwrap_err()
    };
    assert_eq!(
        build(Publisher::builder().max_batch(11)),
        PublisherBuildError::BatchSize {
            max_batch: 11,
            limit: 10
        }
    );
    assert_eq!(
        build(Publisher::builder().max_batch(0)),
        PublisherBuildError::BatchSize {
            max_batch: 0,
            limit: 10
        }
    );
    assert_eq!(
        build(Publisher::builder().max_in_flight(0)),
        PublisherBuildError::Zero("max_in_flight")
    );
    assert_eq!(
        build(Publisher::builder().queue_capacity(0)),
        PublisherBuildError::Zero("queue_capacity")
    );
}

#[test]
fn a_publisher_needs_a_runtime() {
    let config = Config::new("1", "key", "secret").unwrap();
    let error = Publisher::new(pusher_with(config, Counting::new())).unwrap_err();
    assert_eq!(error, PublisherBuildError::NoRuntime);
    assert!(error.to_string().contains("Tokio runtime"), "{error}");
}
