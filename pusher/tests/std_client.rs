//! The std-only blocking client of the `bring_your_own_client` example: the core's generic client
//! over it triggers, batches and queries the emulator, and it reads what real servers send
//! (chunked bodies) and fails as a client should (refused, timed out, oversized, malformed, TLS).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failure

#[path = "../examples/bring_your_own_client/std_client.rs"]
mod std_client;

use std::time::{Duration, Instant};

use pusher::api::{BatchEvent, ChannelAttribute, EventData};
use pusher::pusher_core::Pusher;
use pusher::{Blocking, TransportError, TransportErrorKind};
use pusher_emulator::{Emulator, Subscriber};
use pusher_test_support::server::{Behavior, TestServer, dead_address};

const WAIT: Duration = Duration::from_secs(5);

fn get(url: &str) -> Result<http::Response<Vec<u8>>, TransportError> {
    std_client::send(http::Request::get(url).body(Vec::new()).unwrap())
}

#[test]
fn triggers_batches_and_queries_the_emulator() {
    let emulator = Emulator::start_blocking().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut browser = runtime.block_on(Subscriber::connect(&emulator.ws_url())).unwrap();
    runtime.block_on(browser.subscribe("std-news")).unwrap();
    let pusher = Pusher::new(emulator.config(), Blocking(std_client::send));

    pusher
        .trigger(["std-news"], "single", &serde_json::json!({"n": 1}))
        .unwrap();
    let single = emulator.wait_for_blocking("std-news", "single", WAIT).unwrap();
    assert_eq!(single.data, r#"{"n":1}"#);

    pusher
        .trigger_batch([
            BatchEvent::new(
                "std-news".parse().unwrap(),
                "first".parse().unwrap(),
                EventData::json(&2).unwrap(),
            ),
            BatchEvent::new(
                "std-other".parse().unwrap(),
                "second".parse().unwrap(),
                EventData::json(&3).unwrap(),
            ),
        ])
        .unwrap();
    let first = emulator.wait_for_blocking("std-news", "first", WAIT).unwrap();
    let second = emulator.wait_for_blocking("std-other", "second", WAIT).unwrap();
    assert!(first.batch && second.batch);
    assert_eq!((first.data.as_str(), second.data.as_str()), ("2", "3"));
    let seen = runtime
        .block_on(browser.expect_event("std-news", "first", WAIT))
        .unwrap();
    assert_eq!(seen.data.as_deref(), Some("2"));

    let state = pusher
        .channel("std-news", &[ChannelAttribute::SubscriptionCount])
        .unwrap();
    assert!(state.occupied);
    assert_eq!(state.subscription_count, Some(1));
    let listed = pusher.channels(None, &[]).unwrap();
    assert_eq!(listed.channels.keys().collect::<Vec<_>>(), ["std-news"]);
}

#[test]
fn a_refusal_is_the_servers_answer_not_a_transport_error() {
    let emulator = Emulator::start_blocking().unwrap();
    let forged = emulator.pusher_url().replace(emulator.secret(), "not-the-secret");
    let config = pusher::Config::from_url(&forged).unwrap();
    let pusher = Pusher::new(config, Blocking(std_client::send));
    let error = pusher.channel("std-news", &[]).unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401), "{error}");
}

#[test]
fn a_chunked_body_is_read_whole() {
    let server = TestServer::start(Behavior::Large {
        length: 64 * 1024,
        chunked: true,
    });
    let response = get(&server.signed_url("GET", "/big", &[], b"")).unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.body().len(), 64 * 1024);
    let request = server.last_request().unwrap();
    assert_eq!(request.header("connection"), Some("close"));
    assert_eq!(request.header("host"), Some(server.addr().to_string().as_str()));
}

#[test]
fn a_refused_connection_says_where() {
    let dead = dead_address();
    let error = get(&format!("http://{dead}/apps/1/channels?auth_signature=hidden")).unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Connect);
    let message = error.to_string();
    assert!(
        message.starts_with(&format!("connecting to {dead} failed: connection refused")),
        "{message}"
    );
    assert!(!message.contains("hidden"), "{message}");
}

#[test]
fn a_server_that_does_not_answer_times_out() {
    let server = TestServer::start(Behavior::Hang);
    let started = Instant::now();
    let error = get(&server.signed_url("GET", "/", &[], b"")).unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Timeout, "{error}");
    assert!(
        started.elapsed() < std_client::TIMEOUT * 2,
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_misbehaving_server_gets_the_error_it_earns_without_its_whole_body_read() {
    let cases = [
        (
            Behavior::HugeContentLength,
            TransportErrorKind::BodyTooLarge,
            "exceeds the limit",
        ),
        (
            Behavior::EndlessChunked,
            TransportErrorKind::BodyTooLarge,
            "exceeds the limit",
        ),
        (
            Behavior::Malformed,
            TransportErrorKind::Other,
            "malformed HTTP response",
        ),
        (
            Behavior::CloseMidResponse,
            TransportErrorKind::Other,
            "connection closed before",
        ),
    ];
    for (behavior, kind, words) in cases {
        let server = TestServer::start(behavior.clone());
        let error = get(&server.signed_url("GET", "/", &[], b"")).unwrap_err();
        assert_eq!(error.kind(), kind, "{behavior:?}: {error}");
        assert!(error.to_string().contains(words), "{behavior:?}: {error}");
        // The server counts what the kernel took from it, which includes what waits in the two
        // sockets' buffers once the client stops reading: bounded, but by the kernel's limits.
        let sent = server.bytes_streamed();
        let bound = std_client::MAX_BODY as u64 + socket_buffers();
        assert!(
            sent < bound,
            "{behavior:?}: {sent} bytes sent, at most {bound} expected"
        );
    }
}

/// The most a TCP connection's send and receive buffers can hold together, as Linux sets them
/// (`tcp_wmem` and `tcp_rmem` maxima); 64 MiB where they cannot be read.
fn socket_buffers() -> u64 {
    let max = |name: &str| -> Option<u64> {
        let text = std::fs::read_to_string(format!("/proc/sys/net/ipv4/{name}")).ok()?;
        text.split_whitespace().nth(2)?.parse().ok()
    };
    match (max("tcp_wmem"), max("tcp_rmem")) {
        (Some(send), Some(receive)) => send + receive,
        _ => 64 * 1024 * 1024,
    }
}

#[test]
fn https_is_refused_before_connecting() {
    let error = get("https://api-mt1.pusher.com/apps/1/channels").unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Other);
    assert!(error.to_string().contains("this client has no TLS"), "{error}");
}
