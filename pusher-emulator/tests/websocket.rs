//! The WebSocket protocol: connection, subscriptions and their auth, presence, client events,
//! user sign-in, and delivery of events triggered over the HTTP API.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::{QUIET, WAIT, call, connect, join_presence, presence_auth, private_auth, user_auth};
use futures_util::{SinkExt, StreamExt};
use pusher_core::api::{
    BatchEvent, ChannelAttribute, EventData, GetChannel, GetPresenceUsers, ListChannels,
    TerminateUserConnections, Trigger, TriggerBatch,
};
use pusher_core::{Pusher, TransportError, TransportErrorKind};
use pusher_emulator::client::plain_http;
use pusher_emulator::client::subscriber::{CloseInfo, Message};
use pusher_emulator::{Emulator, Subscriber, SubscriberError};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message as WsMessage;

fn trigger(channels: &[&str], event: &str, data: &str) -> Trigger {
    Trigger::new(
        channels.iter().map(|c| c.parse().unwrap()),
        event.parse().unwrap(),
        EventData::encoded(data),
    )
}

/// Opens a raw WebSocket and returns it with its first message as JSON.
async fn raw(
    url: &str,
) -> (
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    Value,
) {
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let first = tokio::time::timeout(WAIT, ws.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let first: Value = serde_json::from_str(first.to_text().unwrap()).unwrap();
    (ws, first)
}

/// Reads frames until the close frame, returning its code.
async fn close_code<S>(ws: &mut tokio_tungstenite::WebSocketStream<S>) -> Option<u16>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let read = async {
        while let Some(Ok(message)) = ws.next().await {
            if let WsMessage::Close(frame) = message {
                return frame.map(|f| u16::from(f.code));
            }
        }
        None
    };
    tokio::time::timeout(WAIT, read).await.unwrap()
}

#[tokio::test]
async fn connection_established_carries_a_string_data_with_socket_id_and_activity_timeout() {
    let emulator = Emulator::start().await.unwrap();
    let (_ws, first) = raw(&emulator.ws_url()).await;
    assert_eq!(first["event"], "pusher:connection_established");
    let data = first["data"].as_str().expect("data is a JSON string");
    let data: Value = serde_json::from_str(data).unwrap();
    assert_eq!(data["activity_timeout"], 120);
    let socket_id = data["socket_id"].as_str().unwrap();
    assert!(socket_id.parse::<pusher_core::SocketId>().is_ok(), "{socket_id}");

    let a = connect(&emulator).await;
    let b = connect(&emulator).await;
    assert_ne!(a.socket_id(), b.socket_id());
    assert_eq!(a.activity_timeout(), Some(120));
    assert_eq!(emulator.connection_count(), 3);
}

#[tokio::test]
async fn an_unknown_key_gets_4001_and_a_missing_protocol_4007() {
    let emulator = Emulator::start().await.unwrap();
    let url = format!("ws://{}/app/wrong-key?protocol=7", emulator.addr());
    match Subscriber::connect(&url).await {
        Err(SubscriberError::Server {
            code: Some(4001),
            message,
        }) => assert!(message.contains("wrong-key")),
        other => panic!("expected pusher:error 4001, got {other:?}"),
    }
    let (mut ws, first) = raw(&url).await;
    assert_eq!(first["event"], "pusher:error");
    assert_eq!(close_code(&mut ws).await, Some(4001));

    for query in ["", "?protocol=1", "?protocol=x"] {
        let url = format!("ws://{}/app/{}{query}", emulator.addr(), emulator.key());
        let (mut ws, first) = raw(&url).await;
        assert_eq!(first["event"], "pusher:error", "{query}");
        assert_eq!(close_code(&mut ws).await, Some(4007), "{query}");
    }
    assert_eq!(emulator.connection_count(), 0);
}

#[tokio::test]
async fn a_trigger_reaches_every_subscriber_with_the_exact_data() {
    let emulator = Emulator::start().await.unwrap();
    let mut a = connect(&emulator).await;
    let mut b = connect(&emulator).await;
    let mut elsewhere = connect(&emulator).await;
    a.subscribe("orders").await.unwrap();
    b.subscribe("orders").await.unwrap();
    elsewhere.subscribe("other").await.unwrap();
    // Already-encoded data with escapes and non-ASCII must arrive byte for byte.
    let data = r#"{"text":"h\u00e9llo \"quoted\" é","n":[1,2.50]}"#;
    let reply = call(&emulator, &trigger(&["orders"], "created", data)).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.json(), json!({}));
    for subscriber in [&mut a, &mut b] {
        let event = subscriber.expect_event("orders", "created", WAIT).await.unwrap();
        assert_eq!(event.data.as_deref(), Some(data));
    }
    assert_eq!(elsewhere.next_event(QUIET).await, None);
    let received = emulator.events();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].data, data);
}

#[tokio::test]
async fn the_socket_id_of_a_trigger_is_excluded() {
    let emulator = Emulator::start().await.unwrap();
    let mut sender = connect(&emulator).await;
    let mut other = connect(&emulator).await;
    sender.subscribe("chat").await.unwrap();
    other.subscribe("chat").await.unwrap();
    let t = trigger(&["chat"], "message", "\"hi\"").socket_id(sender.socket_id().parse().unwrap());
    assert_eq!(call(&emulator, &t).await.status, 200);
    other.expect_event("chat", "message", WAIT).await.unwrap();
    assert_eq!(
        sender.next_event(QUIET).await,
        None,
        "the excluded socket got the event"
    );
    assert_eq!(
        emulator.events()[0].socket_id.as_deref(),
        Some(sender.socket_id())
    );
}

#[tokio::test]
async fn a_batch_reaches_each_events_channel() {
    let emulator = Emulator::start().await.unwrap();
    let mut s = connect(&emulator).await;
    s.subscribe("a").await.unwrap();
    s.subscribe("b").await.unwrap();
    let batch = TriggerBatch::new([
        BatchEvent::new(
            "a".parse().unwrap(),
            "one".parse().unwrap(),
            EventData::encoded("1"),
        ),
        BatchEvent::new(
            "b".parse().unwrap(),
            "two".parse().unwrap(),
            EventData::encoded("2"),
        )
        .socket_id("1.1".parse().unwrap())
        .info([ChannelAttribute::SubscriptionCount]),
    ]);
    let reply = call(&emulator, &batch).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.json(), json!({"batch": [{}, {"subscription_count": 1}]}));
    let first = s.next_event(WAIT).await.unwrap();
    let second = s.next_event(WAIT).await.unwrap();
    assert_eq!(
        (
            first.event.as_str(),
            first.channel.as_deref(),
            first.data.as_deref()
        ),
        ("one", Some("a"), Some("1"))
    );
    assert_eq!(
        (
            second.event.as_str(),
            second.channel.as_deref(),
            second.data.as_deref()
        ),
        ("two", Some("b"), Some("2"))
    );
    assert!(emulator.events().iter().all(|e| e.batch));
}

#[tokio::test]
async fn private_channel_auth_is_checked() {
    let emulator = common::start().await;
    let forger = Emulator::builder().key(emulator.key()).start().await.unwrap();
    let mut s = connect(&emulator).await;
    let sid = s.socket_id().to_owned();

    let rejected = |result: Result<_, SubscriberError>| match result {
        Err(SubscriberError::SubscriptionRejected { data, .. }) => {
            let data: Value = serde_json::from_str(&data.unwrap()).unwrap();
            assert_eq!(data["type"], "AuthError", "{data}");
            assert_eq!(data["status"], 401, "{data}");
            data["error"].as_str().unwrap().to_owned()
        }
        other => panic!("expected a subscription_error, got {other:?}"),
    };
    // Signed with the right key but another secret.
    let forged = private_auth(&forger, &sid, "private-a");
    rejected(s.subscribe_with_auth("private-a", &forged, None).await);
    // No auth, auth for another socket, for another channel, with another key.
    let error = rejected(s.subscribe("private-a").await);
    assert!(error.contains("Auth info required"), "{error}");
    rejected(
        s.subscribe_with_auth("private-a", &private_auth(&emulator, "1.1", "private-a"), None)
            .await,
    );
    rejected(
        s.subscribe_with_auth("private-a", &private_auth(&emulator, &sid, "private-b"), None)
            .await,
    );
    let right = private_auth(&emulator, &sid, "private-a");
    let other_key = right.replacen(emulator.key(), "other", 1);
    rejected(s.subscribe_with_auth("private-a", &other_key, None).await);
    assert!(emulator.channel("private-a").is_none());

    s.subscribe_with_auth("private-a", &right, None).await.unwrap();
    let encrypted = private_auth(&emulator, &sid, "private-encrypted-a");
    s.subscribe_with_auth("private-encrypted-a", &encrypted, None)
        .await
        .unwrap();
    assert_eq!(emulator.channel("private-a").unwrap().subscription_count, 1);

    // An invalid name is refused too.
    match s.subscribe("bad name").await {
        Err(SubscriberError::SubscriptionRejected { .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn presence_lists_members_and_announces_distinct_users() {
    let emulator = Emulator::start().await.unwrap();
    let room = "presence-room";
    let mut alice = connect(&emulator).await;
    let joined = join_presence(&emulator, &mut alice, room, "alice").await;
    let presence = joined.presence.unwrap();
    assert_eq!(
        (presence.ids.clone(), presence.count),
        (vec!["alice".to_owned()], 1)
    );
    assert_eq!(presence.hash["alice"], json!({"name": "alice"}));

    let mut bob = connect(&emulator).await;
    let presence = join_presence(&emulator, &mut bob, room, "bob")
        .await
        .presence
        .unwrap();
    assert_eq!(presence.ids, vec!["alice".to_owned(), "bob".to_owned()]);
    assert_eq!(presence.count, 2);
    let added = alice
        .expect_event(room, "pusher_internal:member_added", WAIT)
        .await
        .unwrap();
    assert_eq!(
        added.data_json().unwrap(),
        json!({"user_id": "bob", "user_info": {"name": "bob"}})
    );

    // Bob's second connection is the same user: no member_added, and it counts once.
    let mut bob2 = connect(&emulator).await;
    let presence = join_presence(&emulator, &mut bob2, room, "bob")
        .await
        .presence
        .unwrap();
    assert_eq!(presence.count, 2);
    let snapshot = emulator.channel(room).unwrap();
    assert_eq!((snapshot.subscription_count, snapshot.user_count), (3, Some(2)));
    bob2.close().await;
    assert_eq!(
        alice.next_event(QUIET).await,
        None,
        "no member event for a second connection"
    );

    bob.unsubscribe(room).await.unwrap();
    let removed = alice
        .expect_event(room, "pusher_internal:member_removed", WAIT)
        .await
        .unwrap();
    assert_eq!(removed.data_json().unwrap(), json!({"user_id": "bob"}));

    // channel_data changed after signing is refused.
    let mut mallory = connect(&emulator).await;
    let (auth, _) = presence_auth(&emulator, mallory.socket_id(), room, "mallory", json!({}));
    let forged = json!({"user_id": "alice", "user_info": {"admin": true}}).to_string();
    match mallory.subscribe_with_auth(room, &auth, Some(&forged)).await {
        Err(SubscriberError::SubscriptionRejected { .. }) => {}
        other => panic!("{other:?}"),
    }
    match mallory.subscribe_with_auth(room, &auth, None).await {
        Err(SubscriberError::SubscriptionRejected { .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn channel_endpoints_reflect_live_connections() {
    let emulator = Emulator::start().await.unwrap();
    let get = |name: &str| GetChannel::new(name.parse().unwrap()).with_subscription_count();
    assert_eq!(
        call(&emulator, &get("news")).await.json(),
        json!({"occupied": false, "subscription_count": 0})
    );

    let mut a = connect(&emulator).await;
    let mut b = connect(&emulator).await;
    a.subscribe("news").await.unwrap();
    b.subscribe("news").await.unwrap();
    join_presence(&emulator, &mut a, "presence-room", "u1").await;
    join_presence(&emulator, &mut b, "presence-room", "u1").await;
    let mut c = connect(&emulator).await;
    join_presence(&emulator, &mut c, "presence-room", "u2").await;

    assert_eq!(
        call(&emulator, &get("news")).await.json(),
        json!({"occupied": true, "subscription_count": 2})
    );
    let room = GetChannel::new("presence-room".parse().unwrap())
        .with_user_count()
        .with_subscription_count();
    assert_eq!(
        call(&emulator, &room).await.json(),
        json!({"occupied": true, "user_count": 2, "subscription_count": 3})
    );
    let users = call(
        &emulator,
        &GetPresenceUsers::new("presence-room".parse().unwrap()),
    )
    .await;
    assert_eq!(users.json(), json!({"users": [{"id": "u1"}, {"id": "u2"}]}));
    let all = call(&emulator, &ListChannels::new()).await;
    assert_eq!(all.json(), json!({"channels": {"news": {}, "presence-room": {}}}));
    let presence = ListChannels::new()
        .prefix("presence-")
        .info([ChannelAttribute::UserCount]);
    assert_eq!(
        call(&emulator, &presence).await.json(),
        json!({"channels": {"presence-room": {"user_count": 2}}})
    );
    let info = trigger(&["presence-room"], "e", "{}")
        .info([ChannelAttribute::UserCount, ChannelAttribute::SubscriptionCount]);
    assert_eq!(
        call(&emulator, &info).await.json(),
        json!({"channels": {"presence-room": {"user_count": 2, "subscription_count": 3}}})
    );

    a.unsubscribe("news").await.unwrap();
    b.close().await;
    // The unsubscribe and the close are processed asynchronously: poll briefly.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let news = call(&emulator, &get("news")).await.json();
        if news == json!({"occupied": false, "subscription_count": 0}) {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "still {news}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(call(&emulator, &room).await.json()["subscription_count"], 2);
}

#[tokio::test]
async fn client_events_reach_the_other_subscribers_only() {
    let emulator = common::start().await;
    let mut alice = connect(&emulator).await;
    let mut bob = connect(&emulator).await;
    for s in [&mut alice, &mut bob] {
        let auth = private_auth(&emulator, s.socket_id(), "private-chat");
        s.subscribe_with_auth("private-chat", &auth, None).await.unwrap();
    }
    alice
        .send_client_event("private-chat", "client-typing", "{\"on\":true}")
        .await
        .unwrap();
    let typing = bob
        .expect_event("private-chat", "client-typing", WAIT)
        .await
        .unwrap();
    assert_eq!(typing.data.as_deref(), Some("{\"on\":true}"));
    assert_eq!(typing.user_id, None);
    assert_eq!(
        alice.next_event(QUIET).await,
        None,
        "client events are not echoed"
    );

    // An object as data (pusher-js sends objects) arrives as its JSON text.
    alice
        .send_raw(r#"{"event":"client-move","channel":"private-chat","data":{"x":1}}"#)
        .await
        .unwrap();
    let moved = bob
        .expect_event("private-chat", "client-move", WAIT)
        .await
        .unwrap();
    assert_eq!(moved.data.as_deref(), Some(r#"{"x":1}"#));
    alice
        .send_client_event("private-chat", "client-move", &json!({"y": 2}))
        .await
        .unwrap();
    let moved = bob
        .expect_event("private-chat", "client-move", WAIT)
        .await
        .unwrap();
    assert_eq!(moved.data.as_deref(), Some(r#"{"y":2}"#));

    // On presence channels the sender's user id comes along.
    join_presence(&emulator, &mut alice, "presence-room", "alice").await;
    join_presence(&emulator, &mut bob, "presence-room", "bob").await;
    alice
        .send_client_event("presence-room", "client-hi", "1")
        .await
        .unwrap();
    let hi = bob
        .expect_event("presence-room", "client-hi", WAIT)
        .await
        .unwrap();
    assert_eq!(hi.user_id.as_deref(), Some("alice"));

    // Refused: public channel, unsubscribed channel, encrypted channel.
    alice.subscribe("public").await.unwrap();
    bob.subscribe("public").await.unwrap();
    let auth = private_auth(&emulator, alice.socket_id(), "private-encrypted-x");
    alice
        .subscribe_with_auth("private-encrypted-x", &auth, None)
        .await
        .unwrap();
    for channel in ["public", "private-elsewhere", "private-encrypted-x"] {
        alice.send_client_event(channel, "client-x", "1").await.unwrap();
        let error = alice.expect_event_named("pusher:error").await;
        assert!(error.data.unwrap().contains("Client event rejected"), "{channel}");
    }
    assert_eq!(
        bob.next_event(QUIET).await,
        None,
        "a refused client event was relayed"
    );

    let strict = Emulator::builder().client_events(false).start().await.unwrap();
    let mut s = connect(&strict).await;
    let auth = private_auth(&strict, s.socket_id(), "private-a");
    s.subscribe_with_auth("private-a", &auth, None).await.unwrap();
    s.send_client_event("private-a", "client-x", "1").await.unwrap();
    let error = s.expect_event_named("pusher:error").await;
    assert!(error.data.unwrap().contains("not enabled"));
}

/// Waits for a channel-less event by name.
trait ExpectNamed {
    async fn expect_event_named(&mut self, event: &str) -> Message;
}

impl ExpectNamed for Subscriber {
    async fn expect_event_named(&mut self, event: &str) -> Message {
        loop {
            let message = self.next_event(WAIT).await.expect("an event");
            if message.event == event {
                return message;
            }
        }
    }
}

#[tokio::test]
async fn signin_send_to_user_and_terminate_connections() {
    let emulator = Emulator::start().await.unwrap();
    let mut u1a = connect(&emulator).await;
    let mut u1b = connect(&emulator).await;
    let mut u2 = connect(&emulator).await;
    for (s, user) in [(&mut u1a, "u1"), (&mut u1b, "u1"), (&mut u2, "u2")] {
        let (auth, user_data) = user_auth(&emulator, s.socket_id(), user);
        s.signin(&auth, &user_data).await.unwrap();
    }
    let send_to_u1 = Trigger::send_to_user(
        &"u1".parse().unwrap(),
        "note".parse().unwrap(),
        EventData::encoded("\"x\""),
    );
    assert_eq!(call(&emulator, &send_to_u1).await.status, 200);
    for s in [&mut u1a, &mut u1b] {
        let note = s.expect_event("#server-to-user-u1", "note", WAIT).await.unwrap();
        assert_eq!(note.data.as_deref(), Some("\"x\""));
    }
    assert_eq!(u2.next_event(QUIET).await, None);
    let excluded = send_to_u1.clone().socket_id(u1a.socket_id().parse().unwrap());
    assert_eq!(call(&emulator, &excluded).await.status, 200);
    u1b.expect_event("#server-to-user-u1", "note", WAIT)
        .await
        .unwrap();
    assert_eq!(u1a.next_event(QUIET).await, None);

    let reply = call(&emulator, &TerminateUserConnections::new("u1".parse().unwrap())).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    for s in [&mut u1a, &mut u1b] {
        assert!(s.wait_closed(WAIT).await, "u1's connection stays open");
        assert_eq!(s.close_info().map(|c| c.code), Some(4009));
        let error = s.next_event(QUIET).await.unwrap();
        assert_eq!(error.event, "pusher:error");
        assert_eq!(error.data_json().unwrap()["code"], 4009);
    }
    assert!(
        !u2.wait_closed(QUIET).await,
        "another user's connection was closed"
    );
    u2.ping().await.unwrap();
    assert_eq!(u2.next_event(WAIT).await.unwrap().event, "pusher:pong");

    // A forged sign-in is refused and the connection closed.
    let forger = Emulator::builder().key(emulator.key()).start().await.unwrap();
    let mut mallory = connect(&emulator).await;
    let (auth, user_data) = user_auth(&forger, mallory.socket_id(), "u2");
    match mallory.signin(&auth, &user_data).await {
        Err(SubscriberError::Server { code: Some(4009), .. }) => {}
        other => panic!("{other:?}"),
    }
    assert!(mallory.wait_closed(WAIT).await);
    // Nobody can subscribe to another user's channel.
    let mut eve = connect(&emulator).await;
    match eve.subscribe("#server-to-user-u2").await {
        Err(SubscriberError::SubscriptionRejected { .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn hostile_frames_do_not_take_the_server_down() {
    let emulator = Emulator::start().await.unwrap();
    let mut s = connect(&emulator).await;
    for junk in [
        "not json",
        "[]",
        "{}",
        r#"{"event":5}"#,
        r#"{"event":"pusher:subscribe"}"#,
        r#"{"event":"pusher:subscribe","data":7}"#,
        r#"{"event":"pusher:subscribe","data":"{\"channel\":"}"#,
        r#"{"event":"pusher:unsubscribe","data":[]}"#,
        r#"{"event":"client-x"}"#,
        r#"{"event":"something"}"#,
    ] {
        s.send_raw(junk).await.unwrap();
        let reply = s
            .next_event(WAIT)
            .await
            .unwrap_or_else(|| panic!("no answer to {junk}"));
        assert_eq!(reply.event, "pusher:error", "{junk}");
    }
    s.subscribe("still-works").await.unwrap();
    // A malformed sign-in is refused with 4009 and closes that connection.
    let mut t = connect(&emulator).await;
    t.send_raw(r#"{"event":"pusher:signin","data":{}}"#)
        .await
        .unwrap();
    assert!(t.wait_closed(WAIT).await);
    assert_eq!(t.close_info().map(|c| c.code), Some(4009));

    // A frame over 64 KiB closes that connection with 1009, and only that one.
    let (mut ws, _) = raw(&emulator.ws_url()).await;
    let huge = format!(r#"{{"event":"pusher:ping","data":"{}"}}"#, "x".repeat(70 * 1024));
    let _ = ws.send(WsMessage::text(huge)).await;
    assert_eq!(close_code(&mut ws).await, Some(1009));
    // Binary frames are answered with an error.
    let (mut ws, _) = raw(&emulator.ws_url()).await;
    ws.send(WsMessage::binary(vec![0u8, 159, 146, 150]))
        .await
        .unwrap();
    let reply = tokio::time::timeout(WAIT, ws.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(reply.to_text().unwrap().contains("pusher:error"));

    s.ping().await.unwrap();
    assert_eq!(s.next_event(WAIT).await.unwrap().event, "pusher:pong");
    assert_eq!(
        call(&emulator, &trigger(&["still-works"], "e", "1")).await.status,
        200
    );
    s.expect_event("still-works", "e", WAIT).await.unwrap();

    // A plain HTTP request to the WebSocket path is refused, not served.
    let reply = common::send(common::raw_request(&emulator, "GET", "/app/key", Vec::new())).await;
    assert_eq!(reply.status, 400);
}

#[tokio::test]
async fn idle_connections_get_a_server_ping() {
    let emulator = Emulator::builder()
        .activity_timeout(Duration::from_secs(1))
        .start()
        .await
        .unwrap();
    let (mut ws, first) = raw(&emulator.ws_url()).await;
    let mut s = connect(&emulator).await;
    let data: Value = serde_json::from_str(first["data"].as_str().unwrap()).unwrap();
    assert_eq!(data["activity_timeout"], 1);
    let ping = tokio::time::timeout(Duration::from_secs(3), ws.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let ping: Value = serde_json::from_str(ping.to_text().unwrap()).unwrap();
    assert_eq!(ping["event"], "pusher:ping");
    // The subscriber (idle as long) answers the ping by itself, shows nothing, and stays connected.
    assert_eq!(s.next_event(Duration::from_millis(500)).await, None);
    s.subscribe("alive").await.unwrap();
    assert_eq!(s.close_info(), None::<&CloseInfo>);
}

/// An encrypted trigger sent through the client (`Pusher::trigger`) reaches the emulator and the
/// subscriber as an envelope; opened as PROTOCOL §9 says (the key is SHA-256 of the channel name
/// then the master key, which the authorization's `shared_secret` must be), it is the data sent.
#[tokio::test]
async fn an_encrypted_trigger_arrives_as_an_envelope_that_decrypts() {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD as BASE64;
    use crypto_secretbox::aead::{Aead, KeyInit};
    use crypto_secretbox::{Nonce, XSalsa20Poly1305};
    use sha2::{Digest, Sha256};

    let emulator = common::start().await;
    let config = emulator.config();
    let mut s = connect(&emulator).await;
    let channel = "private-encrypted-vault";
    let auth = pusher_core::auth::authorize_channel(
        &config,
        &s.socket_id().parse().unwrap(),
        &channel.parse().unwrap(),
    )
    .unwrap();
    s.subscribe_with_auth(channel, &auth.auth, None).await.unwrap();

    let http = |request| async move {
        plain_http::send_request(request)
            .await
            .map_err(|e| TransportError::new(TransportErrorKind::Other, e.to_string()))
    };
    let pusher = Pusher::new(config, http);
    pusher
        .trigger([channel], "secret", &json!({"pin": 1234}))
        .await
        .unwrap();

    let event = s.expect_event(channel, "secret", WAIT).await.unwrap();
    let sent = event.data.unwrap();
    assert!(!sent.contains("1234"), "{sent}");
    let received = emulator.wait_for(channel, "secret", WAIT).await.unwrap();
    assert_eq!(
        received.data, sent,
        "the subscriber gets what the emulator received"
    );

    let master = BASE64.decode(common::MASTER_KEY).unwrap();
    let key: [u8; 32] = Sha256::new()
        .chain_update(channel.as_bytes())
        .chain_update(&master)
        .finalize()
        .into();
    assert_eq!(auth.shared_secret, Some(BASE64.encode(key)));
    let envelope: Value = serde_json::from_str(&sent).unwrap();
    let field = |name: &str| BASE64.decode(envelope[name].as_str().unwrap()).unwrap();
    let nonce = field("nonce");
    assert_eq!(nonce.len(), 24, "{envelope}");
    let plaintext = XSalsa20Poly1305::new(&key.into())
        .decrypt(Nonce::from_slice(&nonce), field("ciphertext").as_slice())
        .expect("the envelope opens with the channel's key");
    assert_eq!(String::from_utf8(plaintext).unwrap(), r#"{"pin":1234}"#);
}

/// A subscriber that stops reading is closed with 4100 once its queue is full, after the
/// messages queued before: the server does not hold its messages without end, nor drop them
/// silently.
#[tokio::test]
async fn a_subscriber_that_does_not_read_is_closed_when_its_queue_is_full() {
    let emulator = Emulator::builder()
        .max_payload_bytes(900_000)
        .max_events(1)
        .start()
        .await
        .unwrap();
    let mut s = connect(&emulator).await;
    s.subscribe("flood").await.unwrap();
    // More than the queue's bound and what the sockets buffer on the way.
    let data = "x".repeat(900_000);
    let needed = pusher_emulator::MAX_QUEUED_WS_BYTES / data.len() + 48;
    for _ in 0..needed {
        let reply = call(&emulator, &trigger(&["flood"], "e", &data)).await;
        assert_eq!(reply.status, 200, "{reply:?}");
    }
    assert!(s.wait_closed(Duration::from_secs(30)).await);
    assert_eq!(s.close_info().map(|c| c.code), Some(4100));
    let mut received = Vec::new();
    while let Some(message) = s.next_event(Duration::ZERO).await {
        received.push(message);
    }
    let (last, events) = received.split_last().unwrap();
    assert_eq!(last.event, "pusher:error", "{last:?}");
    assert_eq!(last.data_json().unwrap()["code"], 4100, "{last:?}");
    assert!(events.len() < needed, "{} of {needed} arrived", events.len());
    assert!(
        events
            .iter()
            .all(|m| m.event == "e" && m.data.as_deref() == Some(data.as_str())),
        "only whole events before the error"
    );
}
