//! The push notification call (PROTOCOL §10) over real HTTP: pusher-core's requests are accepted
//! with `202` and a `publishId` and kept for inspection; the signature, the route and the body
//! are checked, and every refusal says what was wrong.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failure

mod common;

use common::{Reply, now, raw_request, send, signed_query};
use pusher_core::api::{Notification, Operation, RequestContext, WebhookLevel};
use pusher_core::{Config, Scheme};
use pusher_emulator::Emulator;
use serde_json::{Value, json};

/// `notification` built by pusher-core as `config` makes it, and sent.
async fn notify_as(config: &Config, notification: &Notification) -> Reply {
    let request = notification
        .build_request(config, &RequestContext::new(now()))
        .unwrap();
    send(request).await
}

/// `method path` with `body`, signed by hand with the app's credentials: for bodies pusher-core
/// refuses to build.
fn signed(emulator: &Emulator, method: &'static str, path: &str, body: &[u8]) -> http::Request<Vec<u8>> {
    let query = signed_query(emulator, method, path, &[], body, now());
    raw_request(emulator, method, &format!("{path}?{query}"), body.to_vec())
}

fn notifications_path(emulator: &Emulator) -> String {
    format!("/server_api/v1/apps/{}/notifications", emulator.app_id())
}

#[tokio::test]
async fn a_notification_from_pusher_core_is_accepted_and_kept() {
    let emulator = Emulator::start().await.unwrap();
    let apns = json!({"aps": {"alert": {"title": "Donuts", "body": "are ready"}}});
    let fcm = json!({"notification": {"title": "Donuts"}});
    let notification = Notification::new(["donuts", "kitchen-2"])
        .unwrap()
        .apns(apns.clone())
        .fcm(fcm.clone())
        .webhook_url("https://example.com/push-hook")
        .webhook_level(WebhookLevel::Debug);
    let reply = notify_as(&emulator.config(), &notification).await;
    assert_eq!(reply.status, 202, "{reply:?}");
    assert_eq!(reply.content_type, "application/json", "{reply:?}");
    assert_eq!(reply.body, r#"{"publishId":"pubid-1"}"#);

    let reply = notify_as(
        &emulator.config(),
        &Notification::new(["second"]).unwrap().gcm(json!({"data": {}})),
    )
    .await;
    assert_eq!(reply.body, r#"{"publishId":"pubid-2"}"#, "{reply:?}");

    let received = emulator.notifications();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].publish_id, "pubid-1");
    assert_eq!(received[0].interests, ["donuts", "kitchen-2"]);
    assert_eq!(
        received[0].payload,
        json!({
            "interests": ["donuts", "kitchen-2"],
            "apns": apns,
            "fcm": fcm,
            "webhook_url": "https://example.com/push-hook",
            "webhook_level": "DEBUG",
        })
    );
    assert_eq!(received[0].platform("apns"), Some(&apns));
    assert_eq!(received[0].platform("gcm"), None);
    assert_eq!(received[1].interests, ["second"]);
    assert_eq!(received[1].platform("gcm"), Some(&json!({"data": {}})));
    // Nothing of it is an event.
    assert!(emulator.events().is_empty());

    emulator.clear_notifications();
    assert!(emulator.notifications().is_empty());
}

#[tokio::test]
async fn the_signature_and_the_app_are_checked() {
    let emulator = Emulator::start().await.unwrap();
    let notification = Notification::new(["donuts"]).unwrap().fcm(json!({}));
    let config = |app_id: &str, key: &str, secret: &str| {
        Config::builder(app_id, key, secret)
            .notify_host("127.0.0.1")
            .notify_scheme(Scheme::Http)
            .notify_port(emulator.port())
            .build()
            .unwrap()
    };

    let reply = notify_as(
        &config(emulator.app_id(), emulator.key(), "wrong-secret"),
        &notification,
    )
    .await;
    assert_eq!(reply.status, 401, "{reply:?}");
    assert!(reply.body.starts_with("Invalid signature"), "{reply:?}");
    assert!(reply.content_type.starts_with("text/plain"), "{reply:?}");

    let reply = notify_as(
        &config(emulator.app_id(), "wrong-key", emulator.secret()),
        &notification,
    )
    .await;
    assert_eq!(reply.status, 401, "{reply:?}");
    assert!(reply.body.starts_with("Unknown auth_key"), "{reply:?}");

    let other_app = format!("{}0", emulator.app_id());
    let reply = notify_as(
        &config(&other_app, emulator.key(), emulator.secret()),
        &notification,
    )
    .await;
    assert_eq!(reply.status, 404, "{reply:?}");
    assert_eq!(reply.body, format!("Unknown app id {other_app:?}\n"));

    // The same credentials, built by hand, are accepted: only the wrong one was refused.
    let reply = notify_as(
        &config(emulator.app_id(), emulator.key(), emulator.secret()),
        &notification,
    )
    .await;
    assert_eq!(reply.status, 202, "{reply:?}");
    assert_eq!(emulator.notifications().len(), 1);
}

#[tokio::test]
async fn only_the_push_path_takes_a_notification() {
    let emulator = Emulator::start().await.unwrap();
    let body = json!({"interests": ["donuts"], "fcm": {}})
        .to_string()
        .into_bytes();
    let app = emulator.app_id().to_owned();

    let reply = send(signed(&emulator, "GET", &notifications_path(&emulator), b"")).await;
    assert_eq!(reply.status, 405, "{reply:?}");

    for path in [
        format!("/apps/{app}/notifications"),
        format!("/server_api/v1/apps/{app}/events"),
        format!("/server_api/v2/apps/{app}/notifications"),
        format!("/server_api/v1/apps/{app}/notifications/extra"),
    ] {
        let reply = send(signed(&emulator, "POST", &path, &body)).await;
        assert_eq!(reply.status, 404, "{path}: {reply:?}");
        assert_eq!(reply.body, format!("Not found: {path}\n"));
    }
    assert!(emulator.notifications().is_empty());
}

#[tokio::test]
async fn a_body_breaking_the_rules_is_400_and_says_why() {
    let emulator = Emulator::start().await.unwrap();
    let path = notifications_path(&emulator);
    let eleven: Vec<String> = (0..11).map(|i| format!("i{i}")).collect();
    let cases: [(Value, &str); 7] = [
        (
            json!({"fcm": {}}),
            "Missing \"interests\": the interests to notify",
        ),
        (
            json!({"interests": eleven, "fcm": {}}),
            "A notification names 1 to 10 interests, 11 given",
        ),
        (
            json!({"interests": [], "fcm": {}}),
            "A notification names 1 to 10 interests, 0 given",
        ),
        (
            json!({"interests": ["ok", "not ok"], "fcm": {}}),
            "interests[1]: \"not ok\" is not a valid interest: it must be 1 to 164 characters of A-Z a-z 0-9 - _ = @ , . ;",
        ),
        (
            json!({"interests": ["donuts"]}),
            "No payload: a notification needs at least one of \"apns\", \"gcm\" and \"fcm\"",
        ),
        (
            json!({"interests": ["donuts"], "apns": "Donuts!"}),
            "\"apns\" must be a JSON object: the apns payload",
        ),
        (
            json!({"interests": ["donuts"], "gcm": {}, "webhook_level": "ALL"}),
            "\"webhook_level\" must be \"INFO\" or \"DEBUG\", got \"ALL\"",
        ),
    ];
    for (body, says) in cases {
        let reply = send(signed(&emulator, "POST", &path, body.to_string().as_bytes())).await;
        assert_eq!(reply.status, 400, "{body}: {reply:?}");
        assert_eq!(reply.body, format!("{says}\n"), "{body}");
        assert!(reply.content_type.starts_with("text/plain"), "{reply:?}");
    }
    let reply = send(signed(&emulator, "POST", &path, b"not json")).await;
    assert_eq!(reply.status, 400, "{reply:?}");
    assert!(
        reply.body.starts_with("The request body is not valid JSON"),
        "{reply:?}"
    );
    assert!(emulator.notifications().is_empty(), "a refusal is not kept");
}
