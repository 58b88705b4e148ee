//! Every REST call's request (method, URL, headers, body), every limit checked before sending, and
//! every call's parser.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failure

use pusher_core::api::{
    BatchEvent, ChannelAttribute, EventData, GetChannel, GetPresenceUsers, ListChannels, Notification,
    Operation, RequestContext, TerminateUserConnections, Trigger, TriggerBatch, WebhookLevel,
};
use pusher_core::{
    ChannelName, Config, MasterKey, NONCE_LEN, RandomError, RequestError, ResponseError, ResponseErrorKind,
    Scheme, UserId, encryption,
};
use serde_json::{Value, json};

mod common;
use common::{query, verify_signature};

const TS: u64 = 1_700_000_000;
const MASTER: [u8; 32] = [7u8; 32];

fn config() -> Config {
    Config::builder("42", "app-key", "app-secret")
        .host("127.0.0.1")
        .scheme(Scheme::Http)
        .port(6001)
        .encryption_master_key(MasterKey::from_bytes(&MASTER).unwrap())
        .build()
        .unwrap()
}

fn fixed_nonce() -> Result<[u8; NONCE_LEN], RandomError> {
    Ok([9u8; NONCE_LEN])
}

fn build<O: Operation>(op: &O) -> Result<http::Request<Vec<u8>>, RequestError> {
    op.build_request(&config(), &RequestContext::new(TS).with_nonces(&fixed_nonce))
}

fn ch(name: &str) -> ChannelName {
    name.parse().unwrap()
}

fn data(v: Value) -> EventData {
    EventData::json(&v).unwrap()
}

fn body_json(request: &http::Request<Vec<u8>>) -> Value {
    serde_json::from_slice(request.body()).unwrap()
}

fn assert_headers(request: &http::Request<Vec<u8>>) {
    let library = request.headers()["x-pusher-library"].to_str().unwrap();
    assert_eq!(library, format!("pusher-core {}", env!("CARGO_PKG_VERSION")));
    if request.method() == http::Method::POST {
        assert_eq!(request.headers()["content-type"], "application/json");
    } else {
        assert!(request.headers().get("content-type").is_none());
    }
}

#[test]
fn trigger_request() {
    let op = Trigger::new(
        [ch("a"), ch("b")],
        "my-event".parse().unwrap(),
        data(json!({"x": [1, "é"]})),
    )
    .socket_id("123.456".parse().unwrap())
    .info([ChannelAttribute::SubscriptionCount, ChannelAttribute::UserCount]);
    let request = build(&op).unwrap();
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(request.uri().scheme_str(), Some("http"));
    assert_eq!(request.uri().authority().unwrap(), "127.0.0.1:6001");
    assert_eq!(request.uri().path(), "/apps/42/events");
    assert_headers(&request);
    verify_signature(&request, "app-key", "app-secret", TS);
    assert_eq!(
        std::str::from_utf8(request.body()).unwrap(),
        r#"{"name":"my-event","channels":["a","b"],"data":"{\"x\":[1,\"é\"]}","socket_id":"123.456","info":"user_count,subscription_count"}"#
    );
}

#[test]
fn data_is_never_encoded_twice() {
    let pre = r#"{"already":"json"}"#;
    let request = build(&Trigger::new(
        [ch("a")],
        "e".parse().unwrap(),
        EventData::encoded(pre),
    ))
    .unwrap();
    assert_eq!(body_json(&request)["data"], pre);
    let request = build(&Trigger::new(
        [ch("a")],
        "e".parse().unwrap(),
        data(json!("text")),
    ))
    .unwrap();
    assert_eq!(body_json(&request)["data"], "\"text\"");
}

#[test]
fn send_to_user_targets_the_user_channel() {
    let user: UserId = "u-1".parse().unwrap();
    let request = build(&Trigger::send_to_user(
        &user,
        "e".parse().unwrap(),
        data(json!(1)),
    ))
    .unwrap();
    assert_eq!(body_json(&request)["channels"], json!(["#server-to-user-u-1"]));
}

#[test]
fn trigger_on_an_encrypted_channel_sends_the_envelope() {
    let op = Trigger::new(
        [ch("private-encrypted-x")],
        "e".parse().unwrap(),
        data(json!({"secret": 1})),
    );
    let request = build(&op).unwrap();
    let sent = body_json(&request)["data"].as_str().unwrap().to_owned();
    let envelope: Value = serde_json::from_str(&sent).unwrap();
    assert_eq!(envelope["nonce"], "CQkJ".repeat(8)); // 24 bytes of 0x09
    let master = MasterKey::from_bytes(&MASTER).unwrap();
    assert_eq!(
        encryption::decrypt("private-encrypted-x", &master, &sent).unwrap(),
        r#"{"secret":1}"#
    );
    // Opened as the protocol says, apart from the library's own decryption.
    assert_eq!(
        common::open_envelope("private-encrypted-x", &MASTER, &sent),
        r#"{"secret":1}"#
    );
}

#[test]
fn batch_request() {
    let op = TriggerBatch::new([
        BatchEvent::new(ch("a"), "e1".parse().unwrap(), data(json!(1))),
        BatchEvent::new(ch("presence-b"), "e2".parse().unwrap(), EventData::encoded("raw"))
            .socket_id("1.2".parse().unwrap())
            .info([ChannelAttribute::UserCount]),
        BatchEvent::new(ch("private-encrypted-c"), "e3".parse().unwrap(), data(json!("s"))),
    ]);
    let request = build(&op).unwrap();
    assert_eq!(request.uri().path(), "/apps/42/batch_events");
    assert_headers(&request);
    verify_signature(&request, "app-key", "app-secret", TS);
    let body = body_json(&request);
    assert_eq!(
        body["batch"][0],
        json!({"channel": "a", "name": "e1", "data": "1"})
    );
    assert_eq!(
        body["batch"][1],
        json!({"channel": "presence-b", "name": "e2", "data": "raw", "socket_id": "1.2", "info": "user_count"})
    );
    let master = MasterKey::from_bytes(&MASTER).unwrap();
    let sealed = body["batch"][2]["data"].as_str().unwrap();
    assert_eq!(
        encryption::decrypt("private-encrypted-c", &master, sealed).unwrap(),
        "\"s\""
    );
    assert_eq!(
        common::open_envelope("private-encrypted-c", &MASTER, sealed),
        "\"s\""
    );
}

#[test]
fn channel_queries() {
    let request = build(&ListChannels::new()).unwrap();
    assert_eq!(request.method(), http::Method::GET);
    assert_eq!(request.uri().path(), "/apps/42/channels");
    assert!(request.body().is_empty());
    assert_headers(&request);
    verify_signature(&request, "app-key", "app-secret", TS);

    let request = build(
        &ListChannels::new()
            .prefix("presence-")
            .info([ChannelAttribute::UserCount]),
    )
    .unwrap();
    let q = query(&request);
    assert_eq!(q["filter_by_prefix"], "presence-");
    assert_eq!(q["info"], "user_count");
    verify_signature(&request, "app-key", "app-secret", TS);

    let request = build(
        &GetChannel::new(ch("presence-r"))
            .with_user_count()
            .with_subscription_count(),
    )
    .unwrap();
    assert_eq!(request.uri().path(), "/apps/42/channels/presence-r");
    assert!(
        request
            .uri()
            .query()
            .unwrap()
            .contains("info=user_count%2Csubscription_count"),
        "{}",
        request.uri()
    );
    verify_signature(&request, "app-key", "app-secret", TS);

    let request = build(&GetPresenceUsers::new(ch("presence-r"))).unwrap();
    assert_eq!(request.uri().path(), "/apps/42/channels/presence-r/users");
    verify_signature(&request, "app-key", "app-secret", TS);

    // A name with `#` is encoded in the URL and signed unencoded.
    let request = build(&GetChannel::new(ch("#server-to-user-7"))).unwrap();
    assert_eq!(request.uri().path(), "/apps/42/channels/%23server-to-user-7");
    verify_signature(&request, "app-key", "app-secret", TS);
}

#[test]
fn terminate_request() {
    let request = build(&TerminateUserConnections::new("user-9".parse().unwrap())).unwrap();
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(
        request.uri().path(),
        "/apps/42/users/user-9/terminate_connections"
    );
    assert_eq!(request.body(), b"{}");
    assert_headers(&request);
    verify_signature(&request, "app-key", "app-secret", TS);
}

#[test]
fn notify_request_goes_to_the_notify_host() {
    let op = Notification::new(["donuts"])
        .unwrap()
        .fcm(json!({"notification": {"title": "hi"}}))
        .webhook_url("https://example.com/hook")
        .webhook_level(WebhookLevel::Debug);
    let request = build(&op).unwrap();
    assert_eq!(
        request.uri().authority().unwrap(),
        pusher_core::config::DEFAULT_NOTIFY_HOST
    );
    assert_eq!(request.uri().scheme_str(), Some("https"));
    assert_eq!(request.uri().path(), "/server_api/v1/apps/42/notifications");
    verify_signature(&request, "app-key", "app-secret", TS);
    assert_eq!(
        body_json(&request),
        json!({"interests": ["donuts"], "fcm": {"notification": {"title": "hi"}},
               "webhook_url": "https://example.com/hook", "webhook_level": "DEBUG"})
    );
    let local = Config::builder("42", "app-key", "app-secret")
        .notify_host("127.0.0.1")
        .notify_scheme(Scheme::Http)
        .notify_port(9000)
        .build()
        .unwrap();
    let request = op.build_request(&local, &RequestContext::new(TS)).unwrap();
    assert_eq!(request.uri().authority().unwrap(), "127.0.0.1:9000");
}

// ---- limits: each is a typed error and no request is built ----

#[test]
fn no_channels() {
    let e = build(&Trigger::new([], "e".parse().unwrap(), data(json!(1)))).unwrap_err();
    assert!(matches!(e, RequestError::NoChannels), "{e}");
}

#[test]
fn at_most_100_channels() {
    let channels = |n: usize| (0..n).map(|i| ch(&format!("c{i}"))).collect::<Vec<_>>();
    assert!(build(&Trigger::new(channels(100), "e".parse().unwrap(), data(json!(1)))).is_ok());
    let e = build(&Trigger::new(channels(101), "e".parse().unwrap(), data(json!(1)))).unwrap_err();
    assert!(
        matches!(e, RequestError::TooManyChannels { count: 101, max: 100 }),
        "{e}"
    );
    assert!(e.to_string().contains("101"), "{e}");
}

#[test]
fn batch_of_1_to_10_events() {
    let events = |n: usize| {
        (0..n).map(|i| BatchEvent::new(ch(&format!("c{i}")), "e".parse().unwrap(), data(json!(i))))
    };
    assert!(build(&TriggerBatch::new(events(10))).is_ok());
    let e = build(&TriggerBatch::new(events(11))).unwrap_err();
    assert!(
        matches!(e, RequestError::TooManyEvents { count: 11, max: 10 }),
        "{e}"
    );
    let e = build(&TriggerBatch::new(events(0))).unwrap_err();
    assert!(matches!(e, RequestError::NoEvents), "{e}");
    // A dedicated cluster's configuration allows more.
    let dedicated = Config::builder("42", "app-key", "app-secret")
        .max_batch_events(20)
        .build()
        .unwrap();
    let batch = TriggerBatch::new(events(20));
    assert!(batch.build_request(&dedicated, &RequestContext::new(TS)).is_ok());
    let e = TriggerBatch::new(events(21))
        .build_request(&dedicated, &RequestContext::new(TS))
        .unwrap_err();
    assert!(
        matches!(e, RequestError::TooManyEvents { count: 21, max: 20 }),
        "{e}"
    );
}

#[test]
fn payload_limit_is_measured_as_sent() {
    // 10,240 bytes of data as sent: a JSON string of 10,238 characters plus its quotes.
    let at_limit = data(json!("x".repeat(10_238)));
    assert!(build(&Trigger::new([ch("a")], "e".parse().unwrap(), at_limit.clone())).is_ok());
    let over = data(json!("x".repeat(10_239)));
    let e = build(&Trigger::new([ch("a")], "e".parse().unwrap(), over.clone())).unwrap_err();
    assert!(
        matches!(
            e,
            RequestError::PayloadTooLarge {
                size: 10_241,
                max: 10_240,
                ..
            }
        ),
        "{e}"
    );
    // Encryption grows the data: what fits in the clear does not fit sealed.
    let e = build(&Trigger::new(
        [ch("private-encrypted-a")],
        "e".parse().unwrap(),
        at_limit,
    ))
    .unwrap_err();
    assert!(
        matches!(e, RequestError::PayloadTooLarge { max: 10_240, .. }),
        "{e}"
    );
    // In a batch, each event is measured.
    let e = build(&TriggerBatch::new([
        BatchEvent::new(ch("a"), "e".parse().unwrap(), data(json!(1))),
        BatchEvent::new(ch("b"), "e".parse().unwrap(), over.clone()),
    ]))
    .unwrap_err();
    assert!(
        matches!(&e, RequestError::PayloadTooLarge { channel, .. } if channel == "b"),
        "{e}"
    );
    // The ceiling is configurable for dedicated clusters.
    let big = Config::builder("1", "k", "s")
        .max_payload_bytes(20_000)
        .build()
        .unwrap();
    let op = Trigger::new([ch("a")], "e".parse().unwrap(), over);
    assert!(op.build_request(&big, &RequestContext::new(TS)).is_ok());
}

#[test]
fn encrypted_channel_must_be_alone() {
    let op = Trigger::new(
        [ch("a"), ch("private-encrypted-b")],
        "e".parse().unwrap(),
        data(json!(1)),
    );
    let e = build(&op).unwrap_err();
    assert!(
        matches!(&e, RequestError::EncryptedChannelNotAlone { channel, count: 2 } if channel == "private-encrypted-b"),
        "{e}"
    );
}

#[test]
fn encrypted_channel_needs_a_master_key_and_a_nonce() {
    let op = Trigger::new([ch("private-encrypted-b")], "e".parse().unwrap(), data(json!(1)));
    let plain = Config::new("1", "k", "s").unwrap();
    let e = op.build_request(&plain, &RequestContext::new(TS)).unwrap_err();
    assert!(matches!(e, RequestError::NoMasterKey { .. }), "{e}");
    let e = op.build_request(&config(), &RequestContext::new(TS)).unwrap_err();
    assert!(matches!(e, RequestError::Random(_)), "{e}");
}

#[test]
fn notification_limits() {
    let e = build(&Notification::new(Vec::<String>::new()).unwrap().fcm(json!({}))).unwrap_err();
    assert!(
        matches!(e, RequestError::InterestCount { count: 0, max: 10 }),
        "{e}"
    );
    let many = (0..11).map(|i| format!("i{i}"));
    let e = build(&Notification::new(many).unwrap().fcm(json!({}))).unwrap_err();
    assert!(matches!(e, RequestError::InterestCount { count: 11, .. }), "{e}");
    let e = build(&Notification::new(["a"]).unwrap()).unwrap_err();
    assert!(matches!(e, RequestError::NoPlatform), "{e}");
    let e = Notification::new(["bad interest"]).unwrap_err();
    assert_eq!(e.kind(), pusher_core::ValueKind::Interest);
    let e = Notification::new(["x".repeat(165)]).unwrap_err();
    assert_eq!(e.kind(), pusher_core::ValueKind::Interest, "{e}");
}

#[test]
fn unserializable_data_is_an_error() {
    let mut map = std::collections::HashMap::new();
    map.insert(vec![1u8], 1); // a map with non-string keys cannot be JSON
    let e = EventData::json(&map).unwrap_err();
    assert!(matches!(e, RequestError::Serialize(_)), "{e}");
}

/// Data whose serialization makes event data itself, as a wrapper type might.
struct Nested(Value);

impl serde::Serialize for Nested {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let inner = EventData::json(&self.0).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(inner.as_str())
    }
}

#[test]
fn data_is_serialized_exactly_even_when_serializing_makes_data() {
    let big = "x".repeat(70_000);
    assert_eq!(
        EventData::json(&json!({"big": big})).unwrap().as_str().len(),
        70_010
    );
    // After a large value, a small one is not padded or mixed with the earlier one.
    assert_eq!(EventData::json(&json!([1, 2])).unwrap().as_str(), "[1,2]");
    let nested = EventData::json(&[Nested(json!({"a": 1})), Nested(json!("b"))]).unwrap();
    assert_eq!(nested.as_str(), r#"["{\"a\":1}","\"b\""]"#);
    assert_eq!(EventData::json("after").unwrap().as_str(), r#""after""#);
}

// ---- parsers: every call reads its answer the same way ----

type Parser = Box<dyn Fn(http::Response<Vec<u8>>) -> Result<(), ResponseError>>;

/// Every call's parser with the answer it reads on success, the output dropped.
fn parsers() -> Vec<(&'static str, Parser, &'static str)> {
    fn parser<O: Operation + 'static>(op: O) -> Parser {
        Box::new(move |response| op.parse_response(response).map(drop))
    }
    let event = || "e".parse().unwrap();
    vec![
        (
            "trigger",
            parser(Trigger::new([ch("a")], event(), data(json!(1)))),
            "{}",
        ),
        (
            "batch",
            parser(TriggerBatch::new([BatchEvent::new(
                ch("a"),
                event(),
                data(json!(1)),
            )])),
            "{}",
        ),
        (
            "channels",
            parser(ListChannels::new()),
            r#"{"channels":{"a":{}}}"#,
        ),
        (
            "channel",
            parser(GetChannel::new(ch("a"))),
            r#"{"occupied":true}"#,
        ),
        (
            "presence users",
            parser(GetPresenceUsers::new(ch("presence-a"))),
            r#"{"users":[{"id":"u"}]}"#,
        ),
        (
            "terminate",
            parser(TerminateUserConnections::new("u".parse().unwrap())),
            "{}",
        ),
        (
            "notify",
            parser(Notification::new(["i"]).unwrap().fcm(json!({}))),
            r#"{"publishId":"p"}"#,
        ),
    ]
}

fn answer(status: u16, body: &str) -> http::Response<Vec<u8>> {
    http::Response::builder()
        .status(status)
        .body(body.as_bytes().to_vec())
        .unwrap()
}

#[test]
fn every_parser_reads_its_answer() {
    for (call, parse, success) in parsers() {
        assert!(parse(answer(200, success)).is_ok(), "{call}");
    }
}

#[test]
fn every_parser_refuses_an_answer_that_is_not_a_json_object() {
    for (call, parse, _) in parsers() {
        for body in ["[]", "[{}]", "1", "null", "\"{}\"", "true"] {
            let e = parse(answer(200, body)).unwrap_err();
            assert_eq!(e.kind(), ResponseErrorKind::InvalidBody, "{call}: {body}");
            assert_eq!(e.body(), body.as_bytes(), "{call}");
        }
    }
}

#[test]
fn every_parser_reads_a_refusal_in_a_success_body() {
    // What soketi answers to a wrong secret and to an unknown app id.
    let refusals = [
        (
            r#"{"error":"The secret authentication failed","code":401}"#,
            ResponseErrorKind::Unauthorized,
        ),
        (
            r#"{"error":"The app 999999 could not be found.","code":404}"#,
            ResponseErrorKind::NotFound,
        ),
    ];
    for (call, parse, _) in parsers() {
        for (body, kind) in refusals {
            let e = parse(answer(200, body)).unwrap_err();
            assert_eq!(e.kind(), kind, "{call}: {body}");
            assert_eq!(Some(u64::from(e.status().as_u16())), e.code_in_body(), "{call}");
            assert_eq!(e.http_status(), 200, "{call}");
        }
    }
}
