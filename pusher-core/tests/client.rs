//! The generic client over closures, blocking and async: every call, every error kind, typed results.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failure

use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use pusher_core::api::{BatchEvent, ChannelAttribute, EventData};
use pusher_core::auth::AuthError;
use pusher_core::webhook::WebhookError;
use pusher_core::{
    Blocking, Config, Error, NONCE_LEN, Pusher, RandomError, RequestError, ResponseErrorKind, TransportError,
    TransportErrorKind, TriggerOptions, ValueKind,
};
use serde_json::json;

mod common;

type Request = http::Request<Vec<u8>>;
type Response = http::Response<Vec<u8>>;
type Requests = Arc<Mutex<Vec<Request>>>;

/// Polls a future that never waits (the closures below answer at once).
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the test future waited"),
    }
}

/// The encryption master key of [`config`]; its base64 is what the configuration is given.
const MASTER_KEY: [u8; 32] = *b"OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5";

fn config() -> Config {
    Config::builder("7", "key", "secret")
        .encryption_master_key_base64("T1RrNU9UazVPVGs1T1RrNU9UazVPVGs1T1RrNU9UazU=")
        .build()
        .unwrap()
}

fn respond(status: u16, body: &str) -> Response {
    http::Response::builder()
        .status(status)
        .body(body.as_bytes().to_vec())
        .unwrap()
}

#[allow(clippy::type_complexity)] // an opaque closure type cannot be named
/// A blocking client that records requests and answers with `status` and `body`.
fn recording(
    status: u16,
    body: &'static str,
) -> (
    Pusher<Blocking<impl Fn(Request) -> Result<Response, TransportError> + Clone>>,
    Requests,
) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let http = move |request: Request| {
        log.lock().unwrap().push(request);
        Ok(respond(status, body))
    };
    let pusher = Pusher::new(config(), Blocking(http))
        .with_clock(|| Duration::from_secs(1_600_000_000))
        .with_nonces(|| -> Result<[u8; NONCE_LEN], RandomError> { Ok([1; NONCE_LEN]) });
    (pusher, seen)
}

#[test]
fn the_injected_clock_signs_the_request() {
    let (pusher, seen) = recording(200, "{}");
    pusher.trigger(["a"], "e", &json!({"k": "v"})).unwrap();
    let request = &seen.lock().unwrap()[0];
    assert!(
        request
            .uri()
            .query()
            .unwrap()
            .contains("auth_timestamp=1600000000")
    );
    assert_eq!(request.uri().host(), Some("api-mt1.pusher.com"));
}

#[test]
fn blocking_calls_reach_the_right_endpoints() {
    let (pusher, seen) = recording(200, r#"{"occupied":true,"channels":{},"users":[]}"#);
    pusher.trigger(["a", "b"], "e", &json!(1)).unwrap();
    pusher
        .trigger_with(
            "a",
            "e",
            &EventData::encoded("raw"),
            TriggerOptions::new().socket_id("1.2"),
        )
        .unwrap();
    pusher
        .trigger_batch([BatchEvent::new(
            "a".parse().unwrap(),
            "e".parse().unwrap(),
            EventData::encoded("x"),
        )])
        .unwrap();
    pusher.send_to_user("u1", "e", &"hi").unwrap();
    pusher
        .channel("presence-a", &[ChannelAttribute::UserCount])
        .unwrap();
    pusher.channels(Some("presence-"), &[]).unwrap();
    pusher.presence_users("presence-a").unwrap();
    pusher.terminate_user_connections("u1").unwrap();
    let paths: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|r| format!("{} {}", r.method(), r.uri().path()))
        .collect();
    assert_eq!(
        paths,
        [
            "POST /apps/7/events",
            "POST /apps/7/events",
            "POST /apps/7/batch_events",
            "POST /apps/7/events",
            "GET /apps/7/channels/presence-a",
            "GET /apps/7/channels",
            "GET /apps/7/channels/presence-a/users",
            "POST /apps/7/users/u1/terminate_connections",
        ]
    );
    let bodies: Vec<serde_json::Value> = seen.lock().unwrap()[..4]
        .iter()
        .map(|r| serde_json::from_slice(r.body()).unwrap())
        .collect();
    assert_eq!(bodies[1]["socket_id"], "1.2");
    assert_eq!(bodies[1]["data"], "raw");
    assert_eq!(bodies[3]["channels"], json!(["#server-to-user-u1"]));
    assert_eq!(bodies[3]["data"], "\"hi\"");
}

#[test]
fn invalid_input_never_reaches_the_server() {
    let (pusher, seen) = recording(200, "{}");
    let cases: Vec<Result<(), Error>> = vec![
        pusher.trigger(["bad channel"], "e", &1).map(drop),
        pusher.trigger(["a"], "", &1).map(drop),
        pusher
            .trigger_with("a", "e", &1, TriggerOptions::new().socket_id("1.1:evil"))
            .map(drop),
        pusher.send_to_user("bad user", "e", &1).map(drop),
        pusher.channel("", &[]).map(drop),
        pusher.presence_users("a b").map(drop),
        pusher.terminate_user_connections("").map(drop),
        pusher.trigger(["a", "private-encrypted-b"], "e", &1).map(drop),
    ];
    for result in cases {
        assert!(matches!(result, Err(Error::Request(_))), "{result:?}");
    }
    assert!(seen.lock().unwrap().is_empty());
}

#[test]
fn every_error_status_keeps_status_and_body() {
    // Which kind each status names is response.rs's to test; here the client passes it through.
    for status in [400, 401, 403, 404, 413, 429, 500, 502, 409] {
        let kind = ResponseErrorKind::from_status(http::StatusCode::from_u16(status).unwrap());
        let http = move |_: Request| -> Result<Response, TransportError> {
            Ok(respond(status, "plain text reason"))
        };
        let pusher = Pusher::new(config(), Blocking(http));
        let e = pusher.trigger(["a"], "e", &1).unwrap_err();
        let response = e.as_response().unwrap_or_else(|| panic!("{status}: {e}"));
        assert_eq!(response.kind(), kind, "{status}");
        assert_eq!(e.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(response.body_text(), "plain text reason");
    }
}

#[test]
fn a_refusal_in_a_success_body_fails_every_call_with_the_status_it_names() {
    // How soketi refuses a wrong secret: HTTP 200 and the real code in the body.
    let (pusher, seen) = recording(200, r#"{"error":"The secret authentication failed","code":401}"#);
    let results: Vec<Result<(), Error>> = vec![
        pusher.trigger(["a"], "e", &1).map(drop),
        pusher
            .trigger_batch([BatchEvent::new(
                "a".parse().unwrap(),
                "e".parse().unwrap(),
                EventData::encoded("x"),
            )])
            .map(drop),
        pusher.channels(None, &[]).map(drop),
        pusher.channel("a", &[]).map(drop),
        pusher.presence_users("presence-a").map(drop),
        pusher.terminate_user_connections("u1").map(drop),
    ];
    assert_eq!(seen.lock().unwrap().len(), results.len());
    for result in results {
        let e = result.unwrap_err();
        assert_eq!(e.status(), Some(http::StatusCode::UNAUTHORIZED), "{e}");
        let response = e.as_response().unwrap();
        assert_eq!(response.kind(), ResponseErrorKind::Unauthorized);
        assert_eq!(response.code_in_body(), Some(401));
        assert_eq!(response.http_status(), http::StatusCode::OK);
        assert_eq!(
            e.to_string(),
            "authentication failed (code 401 in the body of an HTTP 200 OK answer): \
             The secret authentication failed"
        );
    }
}

#[test]
fn a_success_with_an_unexpected_body_is_a_typed_error() {
    let (pusher, _) = recording(200, "<html>proxy page</html>");
    let e = pusher.channel("a", &[]).unwrap_err();
    assert_eq!(e.as_response().unwrap().kind(), ResponseErrorKind::InvalidBody);
}

#[test]
fn transport_errors_pass_through_with_their_source() {
    let http = |_: Request| -> Result<Response, TransportError> {
        Err(TransportError::new(TransportErrorKind::Timeout, "deadline"))
    };
    let e = Pusher::new(config(), Blocking(http))
        .trigger(["a"], "e", &1)
        .unwrap_err();
    match e {
        Error::Transport(t) => {
            assert!(t.is_timeout());
            assert_eq!(std::error::Error::source(&t).unwrap().to_string(), "deadline");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn typed_results() {
    let (pusher, _) = recording(
        200,
        r#"{"channels":{"a":{"user_count":2,"subscription_count":3},"b":{}}}"#,
    );
    let r = pusher.trigger(["a", "b"], "e", &1).unwrap();
    assert_eq!(r.channels["a"].user_count, Some(2));
    assert_eq!(r.channels["a"].subscription_count, Some(3));
    assert_eq!(r.channels["b"].user_count, None);
    let r = pusher.channels(None, &[]).unwrap();
    assert_eq!(r.channels.len(), 2);

    let (pusher, _) = recording(200, r#"{"batch":[{"user_count":1},{}]}"#);
    let r = pusher
        .trigger_batch([BatchEvent::new(
            "a".parse().unwrap(),
            "e".parse().unwrap(),
            EventData::encoded("x"),
        )])
        .unwrap();
    assert_eq!(r.batch.len(), 2);
    assert_eq!(r.batch[0].user_count, Some(1));

    let (pusher, _) = recording(200, r#"{"occupied":true,"user_count":4}"#);
    let state = pusher
        .channel("presence-a", &[ChannelAttribute::UserCount])
        .unwrap();
    assert!(state.occupied);
    assert_eq!(state.user_count, Some(4));

    let (pusher, _) = recording(200, r#"{"users":[{"id":"1"},{"id":"2"}]}"#);
    let users = pusher.presence_users("presence-a").unwrap();
    assert_eq!(
        users.users.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(),
        ["1", "2"]
    );

    // An empty success body is an empty result, for calls whose result may be empty.
    let (pusher, _) = recording(202, "");
    assert!(pusher.trigger(["a"], "e", &1).unwrap().channels.is_empty());
    assert!(pusher.terminate_user_connections("u").is_ok());
}

/// A trigger on an encrypted channel through the client sends an envelope sealed under the
/// injected nonce, which opens, as PROTOCOL §9 says, to the data given.
#[test]
fn the_injected_nonce_encrypts() {
    let (pusher, seen) = recording(200, "{}");
    pusher
        .trigger(["private-encrypted-a"], "e", &json!({"m": 1}))
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(seen.lock().unwrap()[0].body()).unwrap();
    let sent = body["data"].as_str().unwrap();
    let envelope: serde_json::Value = serde_json::from_str(sent).unwrap();
    assert_eq!(envelope["nonce"], "AQEB".repeat(8)); // 24 bytes of 0x01
    assert_eq!(
        common::open_envelope("private-encrypted-a", &MASTER_KEY, sent),
        r#"{"m":1}"#
    );
}

#[test]
fn auth_and_webhooks_through_the_client() {
    let (pusher, _) = recording(200, "{}");
    let auth = pusher.authorize_channel("1.2", "private-encrypted-a").unwrap();
    assert!(auth.shared_secret.is_some());
    let auth = pusher
        .authorize_presence_channel("1.2", "presence-a", "u1", &json!({"n": 1}))
        .unwrap();
    assert_eq!(
        auth.channel_data.as_deref(),
        Some(r#"{"user_id":"u1","user_info":{"n":1}}"#)
    );
    let auth = pusher
        .authorize_presence_channel("1.2", "presence-a", "u1", &())
        .unwrap();
    assert_eq!(auth.channel_data.as_deref(), Some(r#"{"user_id":"u1"}"#));
    let e = pusher.authorize_channel("1.2:x", "private-a").unwrap_err();
    assert!(
        matches!(&e, AuthError::Invalid(invalid) if invalid.kind() == ValueKind::SocketId),
        "{e}"
    );
    let user = pusher.authenticate_user("1.2", &json!({"id": "u1"})).unwrap();
    assert_eq!(user.user_data, r#"{"id":"u1"}"#);

    let body = br#"{"time_ms":1600000000000,"events":[{"name":"channel_occupied","channel":"a"}]}"#;
    let mut headers = http::HeaderMap::new();
    headers.insert("x-pusher-key", "key".parse().unwrap());
    let signature = common::hmac_sha256_hex("secret", std::str::from_utf8(body).unwrap());
    headers.insert("x-pusher-signature", signature.parse().unwrap());
    assert_eq!(pusher.verify_webhook(&headers, body).unwrap().events.len(), 1);
    let mut request = http::Request::new(body.to_vec());
    *request.headers_mut() = headers.clone();
    assert_eq!(pusher.verify_webhook_request(&request).unwrap().events.len(), 1);
    assert_eq!(
        pusher
            .verify_webhook_parts("key", &signature, body)
            .unwrap()
            .events
            .len(),
        1
    );
    let e = pusher.verify_webhook_parts("key", &signature, b"{}").unwrap_err();
    assert!(matches!(e, WebhookError::SignatureMismatch), "{e}");
    // The client's clock decides staleness.
    let late = pusher.clone().with_clock(|| Duration::from_secs(1_600_000_301));
    let e = late.verify_webhook(&headers, body).unwrap_err();
    assert!(
        matches!(
            e,
            WebhookError::Stale {
                time_ms: 1_600_000_000_000,
                age_ms: 301_000,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn async_client_runs_the_same_calls() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let http = move |request: Request| {
        log.lock().unwrap().push(request.uri().path().to_owned());
        std::future::ready(Ok::<_, TransportError>(respond(200, r#"{"occupied":false}"#)))
    };
    let pusher = Pusher::new(config(), http);
    block_on(pusher.trigger(["a"], "e", &1)).unwrap();
    let state = block_on(pusher.channel("a", &[])).unwrap();
    assert!(!state.occupied);
    block_on(pusher.terminate_user_connections("u")).unwrap();
    let e = block_on(pusher.trigger(["a"; 101], "e", &1)).unwrap_err();
    assert!(matches!(e, Error::Request(RequestError::TooManyChannels { .. })));
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "/apps/7/events",
            "/apps/7/channels/a",
            "/apps/7/users/u/terminate_connections"
        ]
    );
}

#[test]
fn async_futures_are_send_when_the_client_is() {
    fn assert_send<T: Send>(_: &T) {}
    let http = |_: Request| std::future::ready(Ok::<_, TransportError>(respond(200, "{}")));
    let pusher = Pusher::new(config(), http);
    let future = pusher.trigger(["a"], "e", &1);
    assert_send(&future);
    assert!(block_on(future).is_ok());
}

#[test]
fn clients_are_clone_send_sync() {
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    assert_traits::<Pusher<Blocking<fn(Request) -> Result<Response, TransportError>>>>();
}

/// A client that remembers the options it was built with.
#[derive(Debug, Clone, PartialEq)]
struct Recorded(pusher_core::HttpOptions);

impl pusher_core::BuildHttpClient for Recorded {
    fn build_http_client(options: &pusher_core::HttpOptions) -> Result<Self, TransportError> {
        Ok(Recorded(*options))
    }
}

impl pusher_core::HttpClient for Recorded {
    fn send(&self, _: Request) -> Result<Response, TransportError> {
        Ok(respond(200, "{}"))
    }
}

#[test]
fn builder_passes_every_setting() {
    let pusher = Pusher::<Recorded>::builder("5", "k", "s")
        .cluster("eu")
        .timeout(Duration::from_millis(1500))
        .connect_timeout(Duration::from_millis(700))
        .max_response_body(1024)
        .max_payload_bytes(20_000)
        .encryption_master_key_base64("T1RrNU9UazVPVGs1T1RrNU9UazVPVGs1T1RrNU9UazU=")
        .build()
        .unwrap();
    let options = pusher.http_client().0;
    assert_eq!(options.timeout, Duration::from_millis(1500));
    assert_eq!(options.connect_timeout, Duration::from_millis(700));
    assert_eq!(options.max_response_body, 1024);
    assert_eq!(pusher.config().api_endpoint().host(), "api-eu.pusher.com");
    assert_eq!(pusher.config().max_payload_bytes(), 20_000);
    assert!(pusher.config().master_key().is_some());

    let defaults = Pusher::<Recorded>::from_credentials("5", "k", "s", "ap1").unwrap();
    assert_eq!(defaults.http_client().0, pusher_core::HttpOptions::default());
    assert_eq!(defaults.http_client().0.timeout, Duration::from_secs(5));
    assert_eq!(defaults.http_client().0.max_response_body, 8 * 1024 * 1024);
    assert_eq!(defaults.config().api_endpoint().host(), "api-ap1.pusher.com");

    let given = Recorded(pusher_core::HttpOptions::default());
    let pusher = Pusher::builder("5", "k", "s")
        .timeout(Duration::from_secs(99))
        .http_client(given.clone())
        .build()
        .unwrap();
    assert_eq!(pusher.http_client(), &given);
}

#[test]
fn builder_errors() {
    let e = Pusher::<Recorded>::from_url("http://k:TOPSECRET@h/nope").unwrap_err();
    assert!(matches!(e, pusher_core::BuildError::Config(_)), "{e}");
    assert!(!e.to_string().contains("TOPSECRET"));
    let e = Pusher::<Recorded>::builder("x", "k", "s").build().unwrap_err();
    assert!(matches!(e, pusher_core::BuildError::Config(_)), "{e}");
    let pusher = Pusher::<Recorded>::from_url("http://k:s@127.0.0.1:9/apps/3").unwrap();
    assert_eq!(pusher.config().app_id(), "3");
}

/// Runs in a child process with its own environment: the parent's is never changed.
#[test]
fn from_env_reads_pusher_url() {
    const CHILD: &str = "PUSHER_CORE_FROM_ENV_CHILD";
    if let Some(expect) = std::env::var_os(CHILD) {
        match Pusher::<Recorded>::from_env() {
            Ok(pusher) => assert_eq!(pusher.config().app_id(), expect.to_str().unwrap()),
            Err(e) => {
                assert!(
                    matches!(e, pusher_core::BuildError::MissingEnv("PUSHER_URL")),
                    "{e}"
                );
                assert_eq!(expect, "missing");
            }
        }
        return;
    }
    let run = |url: Option<&str>, expect: &str| {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap());
        child
            .args(["--exact", "from_env_reads_pusher_url", "--test-threads=1"])
            .env(CHILD, expect);
        match url {
            Some(url) => child.env(pusher_core::PUSHER_URL_ENV, url),
            None => child.env_remove(pusher_core::PUSHER_URL_ENV),
        };
        let output = child.output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stdout)
        );
        assert!(String::from_utf8_lossy(&output.stdout).contains("1 passed"));
    };
    run(Some("https://k:s@example.com/apps/12"), "12");
    run(None, "missing");
}

#[test]
fn one_channel_is_a_plain_string_and_options_come_in_one_call() {
    let (pusher, seen) = recording(200, r#"{"channels":{"presence-a":{"user_count":3}}}"#);
    pusher.trigger("news", "e", &1).unwrap();
    pusher.trigger(String::from("news"), "e", &1).unwrap();
    pusher.trigger(vec!["a", "b"], "e", &1).unwrap();
    let answer = pusher
        .trigger_with(
            "presence-a",
            "e",
            &1,
            TriggerOptions::new()
                .socket_id("1.2")
                .info([ChannelAttribute::UserCount]),
        )
        .unwrap();
    assert_eq!(answer.channels["presence-a"].user_count, Some(3));
    let bodies: Vec<serde_json::Value> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|r| serde_json::from_slice(r.body()).unwrap())
        .collect();
    assert_eq!(bodies[0]["channels"], json!(["news"]));
    assert_eq!(bodies[2]["channels"], json!(["a", "b"]));
    assert_eq!(bodies[3]["socket_id"], "1.2");
    assert_eq!(bodies[3]["info"], "user_count");
}

#[test]
fn a_batch_from_plain_strings_names_its_bad_event() {
    let (pusher, seen) = recording(200, "{}");
    pusher
        .trigger_batch([("a", "e", &json!(1)), ("b", "f", &json!(2))])
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(seen.lock().unwrap()[0].body()).unwrap();
    assert_eq!(body["batch"][1]["channel"], "b");
    let error = pusher
        .trigger_batch([("a", "e", &1), ("b", "e", &2), ("bad channel", "e", &3)])
        .unwrap_err();
    assert!(
        matches!(error, Error::Request(RequestError::InBatch { index: 2, .. })),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("event 2 of the batch: invalid channel name"),
        "{error}"
    );
    assert_eq!(seen.lock().unwrap().len(), 1, "nothing sent for the bad batch");
}

#[test]
fn the_auth_endpoints_answer_pusher_js_in_one_call() {
    let (pusher, _) = recording(200, "{}");
    let user = pusher_core::auth::UserData::new("ada".parse().unwrap())
        .user_info(&json!({"name": "Ada"}))
        .unwrap();
    let allowed = |channel: &pusher_core::ChannelName| channel.as_str() != "private-admin";
    let response = pusher.channel_auth_endpoint(b"socket_id=1.2&channel_name=presence-room", &user, allowed);
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let answer: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
    assert_eq!(
        answer["channel_data"],
        r#"{"user_id":"ada","user_info":{"name":"Ada"}}"#
    );
    assert!(answer["auth"].as_str().unwrap().starts_with("key:"));

    let response = pusher.channel_auth_endpoint(b"socket_id=1.2&channel_name=private-admin", &user, allowed);
    assert_eq!(response.status(), 403);
    assert_eq!(
        String::from_utf8_lossy(response.body()),
        "user ada may not subscribe to private-admin"
    );
    let response = pusher.channel_auth_endpoint(b"channel_name=private-a", &user, allowed);
    assert_eq!(response.status(), 400);
    assert_eq!(
        String::from_utf8_lossy(response.body()),
        "the auth request has no socket_id"
    );
    let response = pusher.channel_auth_endpoint(b"socket_id=1.2&channel_name=news", &user, allowed);
    assert_eq!(response.status(), 403, "a public channel is not authorized");

    let response = pusher.user_auth_endpoint(b"socket_id=1.2", &user);
    assert_eq!(response.status(), 200);
    let answer: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
    assert_eq!(answer["user_data"], r#"{"id":"ada","user_info":{"name":"Ada"}}"#);
    assert_eq!(pusher.user_auth_endpoint(b"", &user).status(), 400);
}
