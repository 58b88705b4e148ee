//! Starting, inspecting and stopping the emulator: the library handle and the binary.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{QUIET, WAIT, call, connect, join_presence, now};
use pusher_core::Config;
use pusher_core::api::{EventData, ListChannels, Operation, RequestContext, Trigger};
use pusher_emulator::client::plain_http;
use pusher_emulator::{Emulator, ReceivedEvent, StartError, WaitTimeout};
use serde_json::json;

fn trigger(channel: &str, event: &str, data: &str) -> Trigger {
    Trigger::new(
        [channel.parse().unwrap()],
        event.parse().unwrap(),
        EventData::encoded(data),
    )
}

/// `operation`'s request for `emulator`, signed now.
fn signed_now(emulator: &Emulator, operation: &impl Operation) -> http::Request<Vec<u8>> {
    operation
        .build_request(&emulator.config(), &RequestContext::new(now()))
        .unwrap()
}

/// Sends `trigger` from another task a moment from now; the task gives the response.
fn send_soon(emulator: &Emulator, trigger: &Trigger) -> tokio::task::JoinHandle<http::Response<Vec<u8>>> {
    let request = signed_now(emulator, trigger);
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        plain_http::send_request(request).await.unwrap()
    })
}

/// Waits with [`Emulator::wait_for_blocking`] for an event that another thread triggers a moment
/// after the wait began, with a blocking exchange that must answer 200 `{}`.
fn wait_blocking_for_sent(
    emulator: &Emulator,
    channel: &str,
    name: &str,
    data: &str,
) -> Result<ReceivedEvent, WaitTimeout> {
    let request = signed_now(emulator, &trigger(channel, name, data));
    std::thread::scope(|scope| {
        let waiter = scope.spawn(|| emulator.wait_for_blocking(channel, name, WAIT));
        std::thread::sleep(Duration::from_millis(100));
        let (status, body) = send_blocking(&request);
        assert_eq!((status, body.as_str()), (200, "{}"));
        waiter.join().unwrap()
    })
}

/// Sends a request with a blocking HTTP/1.1 exchange over a plain socket.
fn send_blocking(request: &http::Request<Vec<u8>>) -> (u16, String) {
    let uri = request.uri();
    let mut stream = TcpStream::connect(uri.authority().unwrap().as_str()).unwrap();
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
        request.method(),
        uri.path_and_query().unwrap(),
        uri.authority().unwrap(),
        request.body().len()
    );
    for (name, value) in request.headers() {
        head.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(request.body()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response.split_once("\r\n\r\n").unwrap().1.to_owned();
    (status, body)
}

#[tokio::test]
async fn the_handle_gives_urls_and_a_config_that_agree() {
    let emulator = Emulator::start().await.unwrap();
    let from_url = Config::from_url(&emulator.pusher_url()).unwrap();
    let config = emulator.config();
    for c in [&from_url, &config] {
        assert_eq!(c.app_id(), emulator.app_id());
        assert_eq!(c.key(), emulator.key());
        assert_eq!(c.api_endpoint().base_url(), emulator.http_url());
    }
    assert!(emulator.app_id().bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(
        emulator.ws_url(),
        format!(
            "ws://127.0.0.1:{}/app/{}?protocol=7",
            emulator.port(),
            emulator.key()
        )
    );
    // Requests signed from PUSHER_URL alone are accepted.
    let request = ListChannels::new()
        .build_request(&from_url, &RequestContext::new(now()))
        .unwrap();
    assert_eq!(common::send(request).await.status, 200);

    // Two emulators never share credentials or ports.
    let other = Emulator::start().await.unwrap();
    assert_ne!(other.port(), emulator.port());
    assert_ne!(other.key(), emulator.key());
    assert_ne!(other.secret(), emulator.secret());

    // A secret that needs escaping in the URL still round-trips.
    let odd = Emulator::builder().secret("s/e:c@r%t").start().await.unwrap();
    let request = ListChannels::new()
        .build_request(
            &Config::from_url(&odd.pusher_url()).unwrap(),
            &RequestContext::new(now()),
        )
        .unwrap();
    assert_eq!(common::send(request).await.status, 200);
}

#[tokio::test]
async fn inspection_shows_received_events_and_live_channels() {
    let emulator = Emulator::start().await.unwrap();
    assert!(emulator.events().is_empty());
    let mut s = connect(&emulator).await;
    join_presence(&emulator, &mut s, "presence-room", "u1").await;
    s.subscribe("news").await.unwrap();

    let t = trigger("news", "headline", "\"extra\"").socket_id(s.socket_id().parse().unwrap());
    assert_eq!(call(&emulator, &t).await.status, 200);
    let events = emulator.events();
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(
        (e.channel.as_str(), e.name.as_str(), e.data.as_str()),
        ("news", "headline", "\"extra\"")
    );
    assert_eq!(e.socket_id.as_deref(), Some(s.socket_id()));
    assert!(!e.batch);

    let channels = emulator.channels();
    let names: Vec<&str> = channels.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["news", "presence-room"]);
    let room = emulator.channel("presence-room").unwrap();
    assert_eq!(room.user_count, Some(1));
    assert_eq!(room.members[0].user_id, "u1");
    assert_eq!(room.members[0].user_info, Some(json!({"name": "u1"})));
    assert_eq!(emulator.channel("news").unwrap().user_count, None);
    assert!(emulator.channel("nobody-here").is_none());

    emulator.clear_events();
    assert!(emulator.events().is_empty());
}

#[tokio::test]
async fn wait_for_event_sees_past_and_future_events_and_times_out_helpfully() {
    let emulator = Emulator::start().await.unwrap();
    assert_eq!(call(&emulator, &trigger("a", "early", "1")).await.status, 200);
    // Already received.
    let early = emulator.wait_for("a", "early", QUIET).await.unwrap();
    assert_eq!(early.data, "1");

    // Arriving later, from another task.
    let sender = send_soon(&emulator, &trigger("b", "late", "{\"n\":2}"));
    let started = Instant::now();
    let late = emulator
        .wait_for_event(|e| e.name == "late" && e.data.contains("\"n\":2"), WAIT)
        .await
        .unwrap();
    assert_eq!(late.channel, "b");
    assert!(started.elapsed() < WAIT);
    assert_eq!(sender.await.unwrap().status(), 200);

    // Never arriving: the error lists what did arrive.
    let error = emulator.wait_for("a", "never", QUIET).await.unwrap_err();
    assert_eq!(error.received().len(), 2);
    let text = error.to_string();
    assert!(
        text.contains("\"never\"") && text.contains("\"early\" on \"a\""),
        "{text}"
    );
}

#[tokio::test]
async fn the_event_log_is_bounded_and_says_how_many_it_dropped() {
    let emulator = Emulator::builder().max_events(3).start().await.unwrap();
    let names =
        |emulator: &Emulator| -> Vec<String> { emulator.events().iter().map(|e| e.name.clone()).collect() };
    for i in 0..5 {
        let reply = call(&emulator, &trigger("log", &format!("e{i}"), "1")).await;
        assert_eq!(reply.status, 200);
    }
    assert_eq!(names(&emulator), ["e2", "e3", "e4"]);
    assert_eq!(emulator.events().dropped(), 2);

    // A trigger on four channels is four events.
    let four = Trigger::new(
        ["a", "b", "c", "d"].map(|c| c.parse().unwrap()),
        "wide".parse().unwrap(),
        EventData::encoded("1"),
    );
    assert_eq!(call(&emulator, &four).await.status, 200);
    let events = emulator.events();
    let channels: Vec<&str> = events.iter().map(|e| e.channel.as_str()).collect();
    assert_eq!((channels, events.dropped()), (vec!["b", "c", "d"], 6));

    // A wait still sees what arrives after the log is full...
    let sender = send_soon(&emulator, &trigger("log", "late", "2"));
    let late = emulator.wait_for("log", "late", WAIT).await.unwrap();
    assert_eq!(late.data, "2");
    assert_eq!(sender.await.unwrap().status(), 200);
    // ...from blocking code too...
    let later = wait_blocking_for_sent(&emulator, "log", "later", "3");
    assert_eq!(later.unwrap().data, "3");
    // ...and a wait that gives up says how many were dropped.
    let error = emulator.wait_for("log", "e0", QUIET).await.unwrap_err();
    assert_eq!((error.received().len(), error.received().dropped()), (3, 8));
    let text = error.to_string();
    assert!(text.contains("8 older ones dropped"), "{text}");

    emulator.clear_events();
    assert_eq!((emulator.events().len(), emulator.events().dropped()), (0, 0));
}

#[test]
fn the_blocking_api_works_without_any_runtime() {
    let emulator = Emulator::start_blocking().unwrap();
    let waiter = wait_blocking_for_sent(&emulator, "plain", "threaded", "[true]");
    assert_eq!(waiter.unwrap().data, "[true]");
    let error = emulator
        .wait_for_event_blocking(|e| e.channel == "elsewhere", QUIET)
        .unwrap_err();
    assert_eq!(error.received().len(), 1);
    // Refusals work the same way from blocking code.
    let stale = trigger("plain", "e", "1")
        .build_request(&emulator.config(), &RequestContext::new(now() - 3600))
        .unwrap();
    assert_eq!(send_blocking(&stale).0, 401);
}

#[tokio::test]
async fn dropping_the_handle_stops_the_server_and_closes_connections() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    let mut s = connect(&emulator).await;
    s.subscribe("news").await.unwrap();
    drop(emulator);
    // The port is closed by the time drop returns.
    let refused = TcpStream::connect(addr).expect_err("the port still accepts connections");
    assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused, "{refused}");
    assert!(s.wait_closed(WAIT).await);
    assert_eq!(s.close_info().map(|c| c.code), Some(4200));

    let emulator = Emulator::start_blocking().unwrap();
    let addr = emulator.addr();
    emulator.stop();
    let refused = TcpStream::connect(addr).expect_err("the port still accepts connections");
    assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused, "{refused}");
}

#[tokio::test]
async fn the_builder_checks_its_settings_and_fixes_what_it_is_given() {
    for (builder, needle) in [
        (Emulator::builder().app_id("app1"), "app id"),
        (Emulator::builder().app_id(""), "app id"),
        (Emulator::builder().key("a:b"), "key"),
        (Emulator::builder().secret(""), "secret"),
        (Emulator::builder().max_payload_bytes(0), "max_payload_bytes"),
        (Emulator::builder().max_events(0), "max_events"),
        (Emulator::builder().threads(0), "threads"),
        (Emulator::builder().webhook_url("https://example.com/"), "http://"),
        (Emulator::builder().encryption_master_key_base64("c2hvcnQ="), "32"),
        (
            Emulator::builder().activity_timeout(Duration::from_millis(10)),
            "activity_timeout",
        ),
    ] {
        match builder.start().await {
            Err(StartError::InvalidSetting(why)) => assert!(why.contains(needle), "{why}"),
            other => panic!("expected InvalidSetting({needle}), got {other:?}"),
        }
    }
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let fixed = Emulator::builder()
        .port(port)
        .app_id("123")
        .key("fixed-key")
        .secret("fixed-secret")
        .start()
        .await
        .unwrap();
    assert_eq!(
        fixed.pusher_url(),
        format!("http://fixed-key:fixed-secret@127.0.0.1:{port}/apps/123")
    );
    match Emulator::builder().port(port).start().await {
        Err(e @ StartError::Bind { .. }) => assert!(e.to_string().contains(&port.to_string())),
        other => panic!("expected a bind error, got {other:?}"),
    }
}

#[tokio::test]
async fn one_thread_or_several_serve_the_same() {
    for threads in [1, 3] {
        let emulator = Emulator::builder().threads(threads).start().await.unwrap();
        let reply = call(&emulator, &trigger("threads", "e", "1")).await;
        assert_eq!(reply.status, 200, "{threads} threads: {}", reply.body);
        emulator.wait_for("threads", "e", WAIT).await.unwrap();
    }
}

#[tokio::test]
async fn debug_output_shows_neither_the_secret_nor_the_master_key() {
    let secret = "do-not-print-this-secret";
    let builder = Emulator::builder()
        .secret(secret)
        .encryption_master_key_base64(common::MASTER_KEY);
    let shown = format!("{builder:?}");
    assert!(!shown.contains(secret), "{shown}");
    assert!(!shown.contains(common::MASTER_KEY), "{shown}");
    assert!(shown.contains("[redacted]"), "{shown}");

    let emulator = builder.start().await.unwrap();
    let shown = format!("{emulator:?}");
    assert!(!shown.contains(secret), "{shown}");
    assert!(!shown.contains(common::MASTER_KEY), "{shown}");
}

#[test]
fn the_binary_prints_pusher_url_serves_and_stops_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pusher-emulator"))
        .args(["--app-id", "77", "--quiet"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    for _ in 0..7 {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        lines.push(line.trim_end().to_owned());
    }
    let url = lines[0]
        .strip_prefix("PUSHER_URL=")
        .unwrap_or_else(|| panic!("{lines:?}"));
    let config = Config::from_url(url).unwrap();
    assert_eq!(config.app_id(), "77");
    assert!(lines[1].starts_with("PUSHER_WS_URL=ws://127.0.0.1:"), "{lines:?}");
    assert!(lines.contains(&"PUSHER_APP_ID=77".to_owned()), "{lines:?}");
    let request = ListChannels::new()
        .build_request(&config, &RequestContext::new(now()))
        .unwrap();
    assert_eq!(send_blocking(&request), (200, "{\"channels\":{}}".to_owned()));

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + WAIT;
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(Instant::now() < deadline, "the binary ignored SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "{exit:?}");
    let port = config.api_endpoint().port();
    let refused = TcpStream::connect(("127.0.0.1", port)).expect_err("the port still accepts connections");
    assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused, "{refused}");

    let help = Command::new(env!("CARGO_BIN_EXE_pusher-emulator"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(help.status.success());
    assert!(String::from_utf8(help.stdout).unwrap().contains("--webhook-url"));
    let bad = Command::new(env!("CARGO_BIN_EXE_pusher-emulator"))
        .arg("--bogus")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
