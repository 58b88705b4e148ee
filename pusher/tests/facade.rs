//! The facade's ready-made clients, end to end against the emulator: the aliases the features
//! select, their constructors and the settings the builder passes down to the HTTP stack.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failure

use std::net::TcpListener;
use std::time::{Duration, Instant};

use pusher::{Error, TransportErrorKind};
use pusher_emulator::Emulator;

#[cfg(any(feature = "reqwest", feature = "isahc"))]
#[tokio::test]
async fn async_client_triggers_and_queries() {
    use pusher::ResponseErrorKind;
    use pusher::api::ChannelAttribute;
    use pusher_emulator::Subscriber;

    let emulator = Emulator::start().await.unwrap();
    let pusher = pusher::Pusher::from_url(&emulator.pusher_url()).unwrap();
    let mut browser = Subscriber::connect(&emulator.ws_url()).await.unwrap();
    browser.subscribe("facade").await.unwrap();

    pusher
        .trigger(["facade"], "hello", &serde_json::json!({"n": 1}))
        .await
        .unwrap();
    let event = browser
        .expect_event("facade", "hello", Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(event.data.as_deref(), Some(r#"{"n":1}"#));
    let state = pusher
        .channel("facade", &[ChannelAttribute::SubscriptionCount])
        .await
        .unwrap();
    assert!(state.occupied);
    assert_eq!(state.subscription_count, Some(1));

    // A wrong secret is refused by the server, and the status reaches the caller.
    let forged = pusher::Pusher::builder(emulator.app_id(), emulator.key(), "wrong-secret")
        .host("127.0.0.1")
        .scheme(pusher::Scheme::Http)
        .port(emulator.port())
        .build()
        .unwrap();
    let e = forged.trigger(["facade"], "forged", &1).await.unwrap_err();
    assert_eq!(
        e.as_response().map(|r| r.kind()),
        Some(ResponseErrorKind::Unauthorized),
        "{e}"
    );
}

/// A server that accepts connections and never answers.
fn silent_server() -> (TcpListener, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    (listener, port)
}

#[cfg(any(feature = "reqwest", feature = "isahc"))]
#[tokio::test]
async fn builder_timeout_reaches_the_http_stack() {
    let (_listener, port) = silent_server();
    let pusher = pusher::Pusher::builder("1", "key", "secret")
        .host("127.0.0.1")
        .scheme(pusher::Scheme::Http)
        .port(port)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let e = pusher.trigger(["c"], "e", &1).await.unwrap_err();
    assert!(
        matches!(&e, Error::Transport(t) if t.kind() == TransportErrorKind::Timeout),
        "{e:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[cfg(any(
    feature = "ureq",
    all(feature = "reqwest", feature = "blocking"),
    feature = "isahc"
))]
#[test]
fn blocking_client_triggers_and_times_out() {
    let emulator = Emulator::start_blocking().unwrap();
    let pusher = pusher::blocking::Pusher::from_url(&emulator.pusher_url()).unwrap();
    pusher.trigger(["blocking"], "hello", &"text").unwrap();
    let received = emulator
        .wait_for_blocking("blocking", "hello", Duration::from_secs(5))
        .unwrap();
    assert_eq!(received.data, "\"text\"");

    let (_listener, port) = silent_server();
    let slow = pusher::blocking::Pusher::builder("1", "key", "secret")
        .host("127.0.0.1")
        .scheme(pusher::Scheme::Http)
        .port(port)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let e = slow.trigger(["c"], "e", &1).unwrap_err();
    assert!(
        matches!(&e, Error::Transport(t) if t.kind() == TransportErrorKind::Timeout),
        "{e:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}
