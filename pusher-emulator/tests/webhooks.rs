//! Webhooks: POSTed as the real service does and accepted by pusher-core's `WebhookVerifier`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::{WAIT, call, connect, join_presence, private_auth};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use pusher_core::api::{EventData, Trigger};
use pusher_core::webhook::{WebhookError, WebhookEvent, WebhookVerifier};
use pusher_emulator::Emulator;
use tokio::sync::mpsc;

/// A received webhook: its headers and raw body.
type Received = (http::HeaderMap, Vec<u8>);

/// A tiny HTTP server on 127.0.0.1 that answers `status` and hands every request over.
async fn listener(status: u16) -> (String, mpsc::UnboundedReceiver<Received>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/pusher/webhooks", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let tx = tx.clone();
            tokio::spawn(async move {
                let service =
                    hyper::service::service_fn(move |request: http::Request<hyper::body::Incoming>| {
                        let tx = tx.clone();
                        async move {
                            assert_eq!(request.method(), http::Method::POST);
                            assert_eq!(request.uri().path(), "/pusher/webhooks");
                            let (parts, body) = request.into_parts();
                            let body = body.collect().await.unwrap().to_bytes().to_vec();
                            let _ = tx.send((parts.headers, body));
                            let mut response = http::Response::new(Full::new(Bytes::new()));
                            *response.status_mut() = http::StatusCode::from_u16(status).unwrap();
                            Ok::<_, std::convert::Infallible>(response)
                        }
                    });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (url, rx)
}

fn now() -> Duration {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap()
}

/// Collects verified webhook events until `done` says enough.
async fn collect(
    rx: &mut mpsc::UnboundedReceiver<Received>,
    verifier: &WebhookVerifier,
    mut done: impl FnMut(&[WebhookEvent]) -> bool,
) -> Vec<WebhookEvent> {
    let mut events = Vec::new();
    while !done(&events) {
        let (headers, body) = tokio::time::timeout(WAIT, rx.recv())
            .await
            .unwrap_or_else(|_| panic!("webhooks stopped coming; got {events:?}"))
            .unwrap();
        assert_eq!(headers.get("content-type").unwrap(), "application/json");
        let webhook = verifier.verify_headers(&headers, &body, now()).unwrap();
        events.extend(webhook.events);
    }
    events
}

#[tokio::test]
async fn webhooks_are_signed_and_verified_by_pusher_core() {
    let (url, mut rx) = listener(200).await;
    let emulator = Emulator::builder().webhook_url(url).start().await.unwrap();
    let verifier = WebhookVerifier::new(&emulator.config());

    let mut alice = connect(&emulator).await;
    let mut bob = connect(&emulator).await;
    join_presence(&emulator, &mut alice, "presence-room", "alice").await;
    join_presence(&emulator, &mut bob, "presence-room", "bob").await;
    for s in [&mut alice, &mut bob] {
        let auth = private_auth(&emulator, s.socket_id(), "private-chat");
        s.subscribe_with_auth("private-chat", &auth, None).await.unwrap();
    }
    alice
        .send_client_event("private-chat", "client-wave", "{\"hand\":\"left\"}")
        .await
        .unwrap();
    let bob_socket = bob.socket_id().to_owned();
    bob.close().await;

    let events = collect(&mut rx, &verifier, |events| {
        events
            .iter()
            .filter(|e| matches!(e, WebhookEvent::MemberRemoved { .. }))
            .count()
            == 1
            && events
                .iter()
                .any(|e| matches!(e, WebhookEvent::ClientEvent { .. }))
    })
    .await;
    let occupied: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            WebhookEvent::ChannelOccupied { channel } => Some(channel.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(occupied, ["presence-room", "private-chat"], "{events:?}");
    let added: Vec<(&str, &str)> = events
        .iter()
        .filter_map(|e| match e {
            WebhookEvent::MemberAdded { channel, user_id } => Some((channel.as_str(), user_id.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(added, [("presence-room", "alice"), ("presence-room", "bob")]);
    let client = events
        .iter()
        .find_map(|e| match e {
            WebhookEvent::ClientEvent {
                channel,
                event,
                data,
                socket_id,
                ..
            } => Some((channel.clone(), event.clone(), data.clone(), socket_id.clone())),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        client,
        (
            "private-chat".to_owned(),
            "client-wave".to_owned(),
            "{\"hand\":\"left\"}".to_owned(),
            Some(alice.socket_id().to_owned())
        )
    );
    assert!(events.contains(&WebhookEvent::MemberRemoved {
        channel: "presence-room".to_owned(),
        user_id: "bob".to_owned()
    }));
    assert_ne!(alice.socket_id(), bob_socket);

    // The last one out vacates the channels.
    alice.close().await;
    let events = collect(&mut rx, &verifier, |events| {
        events
            .iter()
            .filter(|e| matches!(e, WebhookEvent::ChannelVacated { .. }))
            .count()
            == 2
    })
    .await;
    assert!(events.contains(&WebhookEvent::ChannelVacated {
        channel: "private-chat".to_owned()
    }));
    assert!(events.contains(&WebhookEvent::MemberRemoved {
        channel: "presence-room".to_owned(),
        user_id: "alice".to_owned()
    }));

    // The signature really is checked: another secret's verifier refuses the same bodies.
    let mut s = connect(&emulator).await;
    s.subscribe("news").await.unwrap();
    let (headers, body) = tokio::time::timeout(WAIT, rx.recv()).await.unwrap().unwrap();
    let wrong = pusher_core::Config::new(emulator.app_id(), emulator.key(), "wrong-secret").unwrap();
    let e = WebhookVerifier::new(&wrong)
        .verify_headers(&headers, &body, now())
        .unwrap_err();
    assert!(matches!(e, WebhookError::SignatureMismatch), "{e}");
    let webhook = verifier.verify_headers(&headers, &body, now()).unwrap();
    assert_eq!(
        webhook.events,
        [WebhookEvent::ChannelOccupied {
            channel: "news".to_owned()
        }]
    );
}

#[tokio::test]
async fn a_failing_webhook_endpoint_does_not_affect_the_server() {
    // One endpoint answers 500, another is not listening at all.
    let (url, mut rx) = listener(500).await;
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/", l.local_addr().unwrap())
    };
    for url in [url, closed] {
        let emulator = Emulator::builder().webhook_url(url).start().await.unwrap();
        let mut s = connect(&emulator).await;
        s.subscribe("news").await.unwrap();
        let t = Trigger::new(
            ["news".parse().unwrap()],
            "e".parse().unwrap(),
            EventData::encoded("1"),
        );
        assert_eq!(call(&emulator, &t).await.status, 200);
        s.expect_event("news", "e", WAIT).await.unwrap();
    }
    assert!(rx.recv().await.is_some(), "the failing endpoint was called");
}
