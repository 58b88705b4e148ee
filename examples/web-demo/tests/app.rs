//! The demo's routes, called as a browser and a Pusher server call them, against the emulator.

#![allow(clippy::unwrap_used)] // test code: a panic is a failure

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use pusher::Pusher;
use pusher::serde_json::{Value, json};
use pusher_emulator::Emulator;
use pusher_web_demo::access::{ENCRYPTED_ROOM, ROOM};
use pusher_web_demo::{App, CHANNEL_AUTH_PATH, USER_AUTH_PATH, WEBHOOK_PATH};
use tower::ServiceExt;

const WAIT: Duration = Duration::from_secs(5);
const MASTER_KEY: [u8; 32] = [7; 32];

/// An emulator, and the demo app using it (with no local pusher-js).
async fn setup() -> (Emulator, App) {
    let emulator = Emulator::start().await.unwrap();
    let pusher = Pusher::builder_from_url(&emulator.pusher_url())
        .encryption_master_key(MASTER_KEY)
        .build()
        .unwrap();
    (emulator, App::new(pusher, "/nonexistent/pusher.js"))
}

/// A request as the page sends it: from `user` (none when `None`), with a body of `content_type`.
fn request(method: &str, path: &str, user: Option<&str>, content_type: &str, body: &str) -> Request<Body> {
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", content_type);
    if let Some(user) = user {
        request = request.header("x-demo-user", user);
    }
    request.body(Body::from(body.to_owned())).unwrap()
}

/// The app's answer to `request`: status, `Location` header and body.
async fn call(app: &App, request: Request<Body>) -> (StatusCode, Option<String>, String) {
    let response = app.router().oneshot(request).await.unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, location, String::from_utf8(body.to_vec()).unwrap())
}

async fn channel_auth(app: &App, user: Option<&str>, channel: &str) -> (StatusCode, String) {
    let form = format!("socket_id=123.456&channel_name={channel}");
    let form_type = "application/x-www-form-urlencoded";
    let (status, _, body) = call(app, request("POST", CHANNEL_AUTH_PATH, user, form_type, &form)).await;
    (status, body)
}

#[tokio::test]
async fn subscriptions_are_authorized_as_the_access_decision_says() {
    let (_emulator, app) = setup().await;
    let (status, body) = channel_auth(&app, Some("ada"), ROOM).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let answer: Value = pusher::serde_json::from_str(&body).unwrap();
    assert_eq!(answer["channel_data"], r#"{"user_id":"ada"}"#);
    let (status, body) = channel_auth(&app, Some("ada"), ENCRYPTED_ROOM).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("shared_secret"), "{body}");
    assert_eq!(
        channel_auth(&app, Some("ada"), "private-user-ada").await.0,
        StatusCode::OK
    );

    let (status, body) = channel_auth(&app, Some("ada"), "private-user-bob").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body, "user ada may not subscribe to private-user-bob");
    assert_eq!(channel_auth(&app, None, ROOM).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        channel_auth(&app, Some("a b"), ROOM).await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        channel_auth(&app, Some("ada"), "bad%ZZ").await.0,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn users_are_signed_in_as_themselves() {
    let (_emulator, app) = setup().await;
    let form_type = "application/x-www-form-urlencoded";
    let sign_in = request("POST", USER_AUTH_PATH, Some("ada"), form_type, "socket_id=1.2");
    let (status, _, body) = call(&app, sign_in).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let answer: Value = pusher::serde_json::from_str(&body).unwrap();
    assert_eq!(answer["user_data"], r#"{"id":"ada"}"#);
    let anonymous = request("POST", USER_AUTH_PATH, None, form_type, "socket_id=1.2");
    assert_eq!(call(&app, anonymous).await.0, StatusCode::UNAUTHORIZED);
}

/// A webhook as `emulator` would send it, signed with `secret` by the emulator's oracle (not by
/// the library the app verifies it with).
fn webhook(emulator: &Emulator, secret: &str, events: Value) -> Request<Body> {
    let now_ms = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis();
    let body = json!({"time_ms": now_ms, "events": events}).to_string();
    let signature = pusher_emulator::oracle::webhook_signature(secret, body.as_bytes());
    Request::post(WEBHOOK_PATH)
        .header("x-pusher-key", emulator.key())
        .header("x-pusher-signature", signature)
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn only_verified_webhooks_are_kept_and_shown_to_the_room() {
    let (emulator, app) = setup().await;
    let joined = json!([{"name": "member_added", "channel": ROOM, "user_id": "bob"}]);
    let forged = webhook(&emulator, "not-the-secret", joined.clone());
    let (status, _, body) = call(&app, forged).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, "webhook signature does not match the body");
    assert!(app.activity_log().all().is_empty());

    let (status, _, _) = call(&app, webhook(&emulator, emulator.secret(), joined)).await;
    assert_eq!(status, StatusCode::OK);
    let kept = call(&app, request("GET", "/webhooks", None, "text/plain", ""))
        .await
        .2;
    let kept: Value = pusher::serde_json::from_str(&kept).unwrap();
    assert_eq!(
        kept,
        json!([{"event": "member_added", "channel": ROOM, "user_id": "bob"}])
    );
    let shown = emulator.wait_for(ROOM, "activity", WAIT).await.unwrap();
    assert_eq!(
        shown.data,
        r#"{"event":"member_added","channel":"presence-room","user_id":"bob"}"#
    );
}

async fn send(app: &App, user: &str, message: Value) -> (StatusCode, String) {
    let post = request(
        "POST",
        "/messages",
        Some(user),
        "application/json",
        &message.to_string(),
    );
    let (status, _, body) = call(app, post).await;
    (status, body)
}

#[tokio::test]
async fn messages_are_sent_to_the_channel_encrypted_where_it_is() {
    let (emulator, app) = setup().await;
    let (status, body) = send(
        &app,
        "ada",
        json!({"channel": ROOM, "text": " hello ", "socket_id": "1.2"}),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let sent = emulator.wait_for(ROOM, "message", WAIT).await.unwrap();
    assert_eq!(sent.data, r#"{"from":"ada","text":"hello"}"#);
    assert_eq!(sent.socket_id.as_deref(), Some("1.2"));

    let secret = json!({"channel": ENCRYPTED_ROOM, "text": "a secret"});
    assert_eq!(send(&app, "ada", secret).await.0, StatusCode::NO_CONTENT);
    let sent = emulator.wait_for(ENCRYPTED_ROOM, "message", WAIT).await.unwrap();
    assert!(
        sent.data.contains("ciphertext") && !sent.data.contains("a secret"),
        "{}",
        sent.data
    );

    let to_bob = json!({"channel": "private-user-bob", "text": "hi"});
    assert_eq!(send(&app, "ada", to_bob).await.0, StatusCode::NO_CONTENT);
    emulator
        .wait_for("private-user-bob", "message", WAIT)
        .await
        .unwrap();
}

#[tokio::test]
async fn messages_that_cannot_be_sent_are_refused_saying_why() {
    let (_emulator, app) = setup().await;
    let cases = [
        (
            json!({"channel": "presence-other", "text": "hi"}),
            StatusCode::FORBIDDEN,
            "cannot go to",
        ),
        (
            json!({"channel": ROOM, "text": "  "}),
            StatusCode::BAD_REQUEST,
            "1 to 500 characters",
        ),
        (
            json!({"channel": ROOM, "text": "x".repeat(501)}),
            StatusCode::BAD_REQUEST,
            "1 to 500",
        ),
        (
            json!({"channel": ROOM, "text": "hi", "socket_id": "1.2:x"}),
            StatusCode::BAD_REQUEST,
            "socket",
        ),
        (json!({"text": "hi"}), StatusCode::UNPROCESSABLE_ENTITY, "channel"),
    ];
    for (message, expected, why) in cases {
        let (status, body) = send(&app, "ada", message.clone()).await;
        assert_eq!(status, expected, "{message}: {body}");
        assert!(body.contains(why), "{message}: {body}");
    }
}

#[tokio::test]
async fn the_page_gets_pusher_js_and_the_way_to_the_server() {
    let (emulator, app) = setup().await;
    let (status, location, _) = call(&app, request("GET", "/pusher.js", None, "text/plain", "")).await;
    assert_eq!(status, StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(location.as_deref(), Some(pusher_web_demo::page::PUSHER_JS_CDN));

    let local = std::env::temp_dir().join(format!("web-demo-pusher-{}.js", std::process::id()));
    std::fs::write(&local, "window.Pusher = function () {};").unwrap();
    let with_local = App::new(app.pusher().clone(), &local);
    let (status, _, body) = call(&with_local, request("GET", "/pusher.js", None, "text/plain", "")).await;
    std::fs::remove_file(&local).unwrap();
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, "window.Pusher = function () {};")
    );

    let config = call(&app, request("GET", "/config", None, "text/plain", ""))
        .await
        .2;
    let config: Value = pusher::serde_json::from_str(&config).unwrap();
    assert_eq!(config["key"], emulator.key());
    assert_eq!(config["options"]["wsPort"], emulator.port());
    let (status, _, page) = call(&app, request("GET", "/", None, "text/plain", "")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"<script src="/pusher.js">"#));
}
