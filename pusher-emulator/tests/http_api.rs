//! The HTTP API: every strict check refuses with the right status, and pusher-core's requests
//! are accepted and answered in the shape pusher-core parses.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Signed, call, now, raw_request, replace_param, send};
use pusher_core::api::{
    BatchEvent, ChannelAttribute, EventData, GetChannel, GetPresenceUsers, ListChannels, Operation,
    RequestContext, TerminateUserConnections, Trigger, TriggerBatch,
};
use pusher_core::signing::{SigningInput, body_md5, hmac_sha256_hex, sign_request, string_to_sign};
use pusher_emulator::client::plain_http;
use pusher_emulator::{Emulator, fuzzing};
use serde_json::json;

fn trigger_body(channels: &[String], data: &str) -> Vec<u8> {
    json!({"name": "e", "channels": channels, "data": data})
        .to_string()
        .into_bytes()
}

fn one_channel() -> Vec<u8> {
    trigger_body(&["news".to_owned()], "{}")
}

#[tokio::test]
async fn a_timestamp_outside_600_seconds_is_401() {
    let emulator = Emulator::start().await.unwrap();
    for (offset, ok) in [(-601i64, false), (700, false), (-590, true), (590, true)] {
        let mut signed = Signed::post("/events", one_channel());
        signed.timestamp = now().checked_add_signed(offset).unwrap();
        let reply = send(signed.request(&emulator)).await;
        if ok {
            assert_eq!(reply.status, 200, "offset {offset}: {reply:?}");
        } else {
            assert_eq!(reply.status, 401, "offset {offset}: {reply:?}");
            assert!(reply.body.contains("Timestamp expired"), "{reply:?}");
            assert!(reply.content_type.starts_with("text/plain"), "{reply:?}");
        }
    }
    // Not a number at all.
    let signed = Signed::post("/events", one_channel());
    let query = replace_param(&signed.query(&emulator), "auth_timestamp", "yesterday");
    let reply = send(signed.request_with_query(&emulator, &query)).await;
    assert_eq!(reply.status, 401, "{reply:?}");
    assert_eq!(
        reply.body, "auth_timestamp \"yesterday\" is not Unix seconds\n",
        "{reply:?}"
    );
}

#[tokio::test]
async fn a_wrong_body_md5_is_401() {
    let emulator = Emulator::start().await.unwrap();
    let signed = Signed::post("/events", one_channel());
    let query = replace_param(&signed.query(&emulator), "body_md5", &body_md5(b"something else"));
    let reply = send(signed.request_with_query(&emulator, &query)).await;
    assert_eq!(reply.status, 401, "{reply:?}");
    assert!(reply.body.contains("body_md5"), "{reply:?}");

    // Signed for one body, sent with another.
    let query = signed.query(&emulator);
    let mut other = Signed::post("/events", trigger_body(&["other".to_owned()], "{}"));
    other.timestamp = signed.timestamp;
    let reply = send(other.request_with_query(&emulator, &query)).await;
    assert_eq!(reply.status, 401, "{reply:?}");
    assert!(reply.body.contains("body_md5"), "{reply:?}");
}

#[tokio::test]
async fn body_md5_is_required_with_a_body() {
    let emulator = Emulator::start().await.unwrap();
    // A correctly signed request that leaves body_md5 out although it has a body.
    let body = one_channel();
    let ts = now().to_string();
    let path = format!("/apps/{}/events", emulator.app_id());
    let params = vec![
        ("auth_key".to_owned(), emulator.key().to_owned()),
        ("auth_timestamp".to_owned(), ts.clone()),
        ("auth_version".to_owned(), "1.0".to_owned()),
    ];
    let signature = hmac_sha256_hex(
        emulator.secret().as_bytes(),
        string_to_sign("POST", &path, &params).as_bytes(),
    );
    let query = format!(
        "auth_key={}&auth_timestamp={ts}&auth_version=1.0&auth_signature={signature}",
        emulator.key()
    );
    let reply = send(raw_request(&emulator, "POST", &format!("{path}?{query}"), body)).await;
    assert_eq!(reply.status, 401, "{reply:?}");
    assert!(reply.body.contains("Missing body_md5"), "{reply:?}");
}

/// Pusher accepts the MD5 of the empty body on a GET, and the Python library (3.x) sends it on
/// every GET: it is accepted, and signed like any other parameter.
#[tokio::test]
async fn body_md5_of_the_empty_body_is_accepted_on_a_get() {
    let emulator = Emulator::start().await.unwrap();
    let empty_md5 = "d41d8cd98f00b204e9800998ecf8427e";
    assert_eq!(body_md5(b""), empty_md5);
    let signed = Signed::get("/channels").param("body_md5", empty_md5);
    let reply = send(signed.request(&emulator)).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.json(), json!({"channels": {}}));

    // Signed, so it cannot be added after signing...
    let unsigned = Signed::get("/channels");
    let query = format!("{}&body_md5={empty_md5}", unsigned.query(&emulator));
    let reply = send(unsigned.request_with_query(&emulator, &query)).await;
    assert_eq!(reply.status, 401, "{reply:?}");
    assert!(reply.body.contains("Invalid signature"), "{reply:?}");

    // ...and any other value is refused, however well signed.
    let signed = Signed::get("/channels").param("body_md5", &body_md5(b"{}"));
    let reply = send(signed.request(&emulator)).await;
    assert_eq!(reply.status, 401, "{reply:?}");
    assert!(reply.body.contains("empty body"), "{reply:?}");
    assert!(reply.body.contains(empty_md5), "{reply:?}");
}

#[tokio::test]
async fn a_bad_signature_is_401() {
    let emulator = Emulator::start().await.unwrap();
    let signed = Signed::post("/events", one_channel());
    let query = replace_param(&signed.query(&emulator), "auth_signature", &"0".repeat(64));
    let reply = send(signed.request_with_query(&emulator, &query)).await;
    assert_eq!(reply.status, 401, "{reply:?}");
    assert!(reply.body.contains("Invalid signature"), "{reply:?}");
    assert!(
        reply.body.contains("POST\\n/apps/"),
        "the string to sign is shown: {reply:?}"
    );

    // Signed with another secret.
    let other = Emulator::builder()
        .app_id(emulator.app_id())
        .key(emulator.key())
        .secret("not-the-secret")
        .start()
        .await
        .unwrap();
    let query = signed.query(&other);
    let reply = send(signed.request_with_query(&emulator, &query)).await;
    assert_eq!(reply.status, 401, "{reply:?}");
    assert!(reply.body.starts_with("Invalid signature: "), "{reply:?}");

    // A parameter changed after signing: the string to sign shown holds the value received.
    let signed = Signed::get("/channels").param("filter_by_prefix", "presence-");
    let query = replace_param(&signed.query(&emulator), "filter_by_prefix", "private-");
    let reply = send(signed.request_with_query(&emulator, &query)).await;
    assert_eq!(reply.status, 401, "{reply:?}");
    assert!(reply.body.starts_with("Invalid signature: "), "{reply:?}");
    assert!(reply.body.contains("filter_by_prefix=private-"), "{reply:?}");

    // The upper-case form of the right signature is not the signature.
    let query = signed.query(&emulator);
    let (head, sig) = query.rsplit_once("auth_signature=").unwrap();
    let upper = format!("{head}auth_signature={}", sig.to_uppercase());
    let reply = send(signed.request_with_query(&emulator, &upper)).await;
    assert_eq!(reply.status, 401, "{reply:?}");
    assert!(
        reply.body.starts_with("Invalid signature: ") && reply.body.contains(&sig.to_uppercase()),
        "{reply:?}"
    );
}

#[tokio::test]
async fn the_key_version_and_auth_parameters_are_checked() {
    let emulator = Emulator::start().await.unwrap();
    let signed = Signed::post("/events", one_channel());
    let query = signed.query(&emulator);
    for (param, value, needle) in [
        ("auth_key", "someone-else", "auth_key"),
        ("auth_version", "2.0", "auth_version"),
    ] {
        let reply = send(signed.request_with_query(&emulator, &replace_param(&query, param, value))).await;
        assert_eq!(reply.status, 401, "{param}: {reply:?}");
        assert!(reply.body.contains(needle), "{reply:?}");
    }
    let reply = send(raw_request(
        &emulator,
        "GET",
        &format!("/apps/{}/channels", emulator.app_id()),
        Vec::new(),
    ))
    .await;
    assert_eq!(reply.status, 401, "{reply:?}");
    assert!(reply.body.contains("Missing auth_key"), "{reply:?}");
    // The same parameter twice is a bad request.
    let reply = send(signed.request_with_query(&emulator, &format!("{query}&auth_key=x"))).await;
    assert_eq!(reply.status, 400, "{reply:?}");
    assert_eq!(
        reply.body, "Query parameter \"auth_key\" is given more than once\n",
        "{reply:?}"
    );
}

#[tokio::test]
async fn an_unknown_app_or_path_is_404() {
    let emulator = Emulator::start().await.unwrap();
    let other_app = (emulator.app_id().parse::<u64>().unwrap() + 1).to_string();
    let other = Emulator::builder()
        .app_id(other_app.clone())
        .key(emulator.key())
        .secret(emulator.secret())
        .start()
        .await
        .unwrap();
    // Correctly signed for another app id, sent to this emulator.
    let signed = Signed::post("/events", one_channel());
    let query = signed.query(&other);
    let reply = send(raw_request(
        &emulator,
        "POST",
        &format!("/apps/{other_app}/events?{query}"),
        one_channel(),
    ))
    .await;
    assert_eq!(reply.status, 404, "{reply:?}");
    assert!(reply.body.contains("Unknown app"), "{reply:?}");

    for target in [
        "/",
        "/apps",
        "/nothing/here",
        &format!("/apps/{}/nope", emulator.app_id()),
    ] {
        let reply = send(raw_request(&emulator, "GET", target, Vec::new())).await;
        assert_eq!(reply.status, 404, "{target}: {reply:?}");
        assert_eq!(reply.body, format!("Not found: {target}\n"), "{reply:?}");
    }
    let reply = send(raw_request(
        &emulator,
        "GET",
        &format!("/apps/{}/events", emulator.app_id()),
        Vec::new(),
    ))
    .await;
    assert_eq!(reply.status, 405, "{reply:?}");
    assert!(reply.body.contains("takes POST, not GET"), "{reply:?}");
}

#[tokio::test]
async fn an_oversized_payload_is_413_and_the_ceiling_is_configurable() {
    let emulator = Emulator::start().await.unwrap();
    let reply = send(
        Signed::post("/events", trigger_body(&["news".to_owned()], &"x".repeat(10_241))).request(&emulator),
    )
    .await;
    assert_eq!(reply.status, 413, "{reply:?}");
    assert!(reply.body.contains("10241"), "{reply:?}");
    let reply = send(
        Signed::post("/events", trigger_body(&["news".to_owned()], &"x".repeat(10_240))).request(&emulator),
    )
    .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    // Multi-byte characters count as bytes.
    let reply = send(
        Signed::post("/events", trigger_body(&["news".to_owned()], &"é".repeat(5_121))).request(&emulator),
    )
    .await;
    assert_eq!(reply.status, 413, "{reply:?}");

    let big = Emulator::builder()
        .max_payload_bytes(20_000)
        .start()
        .await
        .unwrap();
    assert_eq!(big.config().max_payload_bytes(), 20_000);
    let trigger = Trigger::new(
        ["news".parse().unwrap()],
        "e".parse().unwrap(),
        EventData::encoded("y".repeat(15_000)),
    );
    let reply = call(&big, &trigger).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    let reply =
        send(Signed::post("/events", trigger_body(&["news".to_owned()], &"x".repeat(20_001))).request(&big))
            .await;
    assert_eq!(reply.status, 413, "{reply:?}");
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_413() {
    let emulator = Emulator::start().await.unwrap();
    let body = vec![b' '; pusher_emulator::MAX_BODY_BYTES + 1];
    let reply = send(raw_request(
        &emulator,
        "POST",
        &format!("/apps/{}/events", emulator.app_id()),
        body,
    ))
    .await;
    assert_eq!(reply.status, 413, "{reply:?}");
}

#[tokio::test]
async fn more_than_100_channels_is_400() {
    let emulator = Emulator::start().await.unwrap();
    let channels: Vec<String> = (0..101).map(|i| format!("c{i}")).collect();
    let reply = send(Signed::post("/events", trigger_body(&channels, "{}")).request(&emulator)).await;
    assert_eq!(reply.status, 400, "{reply:?}");
    assert!(reply.body.contains("Too many channels"), "{reply:?}");
    let reply = send(Signed::post("/events", trigger_body(&channels[..100], "{}")).request(&emulator)).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(emulator.events().len(), 100);
    let reply = send(Signed::post("/events", trigger_body(&[], "{}")).request(&emulator)).await;
    assert_eq!(reply.status, 400, "{reply:?}");
    assert!(reply.body.contains("No channel given"), "{reply:?}");
}

#[tokio::test]
async fn an_invalid_channel_or_event_name_is_400() {
    let emulator = Emulator::start().await.unwrap();
    let long = "a".repeat(201);
    for bad in ["a b", "a:b", "#other", "#server-to-user-", "é", long.as_str(), ""] {
        let reply =
            send(Signed::post("/events", trigger_body(&[bad.to_owned()], "{}")).request(&emulator)).await;
        assert_eq!(reply.status, 400, "{bad:?}: {reply:?}");
        assert!(reply.body.contains("channel name"), "{reply:?}");
    }
    let ok = "a".repeat(200);
    let reply = send(
        Signed::post(
            "/events",
            trigger_body(&[ok, "#server-to-user-u1".to_owned()], "{}"),
        )
        .request(&emulator),
    )
    .await;
    assert_eq!(reply.status, 200, "{reply:?}");

    let body = json!({"name": "é".repeat(201), "channel": "news", "data": ""}).to_string();
    let reply = send(Signed::post("/events", body).request(&emulator)).await;
    assert_eq!(reply.status, 400, "{reply:?}");
    assert!(
        reply
            .body
            .contains("Event name must be 1 to 200 characters, got 201"),
        "{reply:?}"
    );
    let body = json!({"name": "é".repeat(200), "channel": "news", "data": ""}).to_string();
    let reply = send(Signed::post("/events", body).request(&emulator)).await;
    assert_eq!(reply.status, 200, "{reply:?}");

    let reply = send(Signed::get("/channels/a%20b").request(&emulator)).await;
    assert_eq!(reply.status, 400, "{reply:?}");
    assert!(reply.body.starts_with("Invalid channel name"), "{reply:?}");
}

#[tokio::test]
async fn malformed_trigger_bodies_are_400() {
    let emulator = Emulator::start().await.unwrap();
    // 12 bytes: a nonce of the wrong size.
    let short_nonce = "AAAAAAAAAAAAAAAA";
    for (body, needle) in [
        ("not json".to_owned(), "not valid JSON"),
        ("[]".to_owned(), "JSON object"),
        (json!({"name": "e", "channels": ["a"], "data": {"x": 1}}).to_string(), "\"data\" must be a string"),
        (json!({"name": "e", "channels": ["a"]}).to_string(), "Missing \"data\""),
        (json!({"channels": ["a"], "data": ""}).to_string(), "Missing event"),
        (json!({"name": "e", "data": ""}).to_string(), "Missing \"channels\""),
        (json!({"name": "e", "channels": "a", "data": ""}).to_string(), "array of strings"),
        (json!({"name": "e", "channels": ["a"], "channel": "b", "data": ""}).to_string(), "not both"),
        (json!({"name": "e", "channels": ["a"], "data": "", "socket_id": "1.1:x"}).to_string(), "socket_id"),
        (json!({"name": "e", "channels": ["a"], "data": "", "info": "user_count"}).to_string(), "presence"),
        (json!({"name": "e", "channels": ["a"], "data": "", "info": "users"}).to_string(), "Unknown info"),
        (
            json!({"name": "e", "channels": ["private-encrypted-a", "b"], "data": ""}).to_string(),
            "must be the only channel",
        ),
        (
            json!({"name": "e", "channels": ["private-encrypted-a"], "data": "{\"plain\":1}"}).to_string(),
            "nonce",
        ),
        (
            json!({"name": "e", "channels": ["private-encrypted-a"], "data": json!({"nonce": short_nonce, "ciphertext": "A".repeat(32)}).to_string()}).to_string(),
            "nonce of 12 bytes",
        ),
    ] {
        let reply = send(Signed::post("/events", body.clone()).request(&emulator)).await;
        assert_eq!(reply.status, 400, "{body}: {reply:?}");
        assert!(reply.body.contains(needle), "{body}: expected {needle:?} in {reply:?}");
    }
    assert!(emulator.events().is_empty(), "nothing refused was recorded");
}

#[tokio::test]
async fn batch_limits_are_enforced() {
    let emulator = Emulator::start().await.unwrap();
    let item = |channel: &str| json!({"channel": channel, "name": "e", "data": "{}"});
    let batch = |items: Vec<serde_json::Value>| json!({ "batch": items }).to_string();
    let reply =
        send(Signed::post("/batch_events", batch((0..11).map(|_| item("a")).collect())).request(&emulator))
            .await;
    assert_eq!(reply.status, 400, "{reply:?}");
    assert!(reply.body.contains("1 to 10"), "{reply:?}");
    let reply = send(Signed::post("/batch_events", batch(vec![])).request(&emulator)).await;
    assert_eq!(reply.status, 400, "{reply:?}");
    assert!(reply.body.contains("1 to 10 events, 0 given"), "{reply:?}");
    let reply =
        send(Signed::post("/batch_events", batch(vec![item("a"), item("b c")])).request(&emulator)).await;
    assert_eq!(reply.status, 400, "{reply:?}");
    assert!(
        reply.body.starts_with("batch[1]: Invalid channel name"),
        "{reply:?}"
    );
    assert!(reply.body.starts_with("batch[1]:"), "{reply:?}");
    let big = json!({"channel": "a", "name": "e", "data": "x".repeat(10_241)});
    let reply = send(Signed::post("/batch_events", batch(vec![item("a"), big])).request(&emulator)).await;
    assert_eq!(reply.status, 413, "{reply:?}");
    assert!(emulator.events().is_empty(), "a refused batch records nothing");
    let reply =
        send(Signed::post("/batch_events", batch((0..10).map(|_| item("a")).collect())).request(&emulator))
            .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.json(), json!({}));
}

#[tokio::test]
async fn every_pusher_core_call_is_accepted_and_parses() {
    let emulator = Emulator::start().await.unwrap();
    let config = emulator.config();
    let context = RequestContext::new(now());

    let trigger = Trigger::new(
        ["presence-room".parse().unwrap(), "news".parse().unwrap()],
        "e".parse().unwrap(),
        EventData::json(&json!({"a": 1})).unwrap(),
    )
    .info([ChannelAttribute::SubscriptionCount]);
    let reply = call(&emulator, &trigger).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(
        reply.json(),
        json!({"channels": {"presence-room": {"subscription_count": 0}, "news": {"subscription_count": 0}}})
    );

    let batch = TriggerBatch::new([
        BatchEvent::new(
            "a".parse().unwrap(),
            "e".parse().unwrap(),
            EventData::encoded("1"),
        ),
        BatchEvent::new(
            "presence-b".parse().unwrap(),
            "e".parse().unwrap(),
            EventData::encoded("2"),
        )
        .info([ChannelAttribute::UserCount]),
    ]);
    let request = batch.build_request(&config, &context).unwrap();
    let response = plain_http::send_request(request).await.unwrap();
    let parsed = batch.parse_response(response).unwrap();
    assert_eq!(parsed.batch.len(), 2);
    assert_eq!(parsed.batch[1].user_count, Some(0));
    assert_eq!(parsed.batch[0].user_count, None);

    let list = ListChannels::new()
        .prefix("presence-")
        .info([ChannelAttribute::UserCount]);
    let response = plain_http::send_request(list.build_request(&config, &context).unwrap())
        .await
        .unwrap();
    assert!(list.parse_response(response).unwrap().channels.is_empty());

    let get = GetChannel::new("presence-room".parse().unwrap())
        .with_user_count()
        .with_subscription_count();
    let response = plain_http::send_request(get.build_request(&config, &context).unwrap())
        .await
        .unwrap();
    let state = get.parse_response(response).unwrap();
    assert!(!state.occupied);
    assert_eq!((state.user_count, state.subscription_count), (Some(0), Some(0)));

    let users = GetPresenceUsers::new("presence-room".parse().unwrap());
    let response = plain_http::send_request(users.build_request(&config, &context).unwrap())
        .await
        .unwrap();
    assert!(users.parse_response(response).unwrap().users.is_empty());

    let terminate = TerminateUserConnections::new("u1".parse().unwrap());
    let reply = call(&emulator, &terminate).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.json(), json!({}));

    // A channel named #server-to-user-… travels percent-encoded in the path and is signed raw.
    let get = GetChannel::new("#server-to-user-u1".parse().unwrap());
    let reply = call(&emulator, &get).await;
    assert_eq!(reply.status, 200, "{reply:?}");

    // Attributes only for the right channels.
    let reply = call(
        &emulator,
        &GetChannel::new("news".parse().unwrap()).with_user_count(),
    )
    .await;
    assert_eq!(reply.status, 400, "{reply:?}");
    assert!(reply.body.contains("only for presence channels"), "{reply:?}");
    let reply = call(&emulator, &GetPresenceUsers::new("news".parse().unwrap())).await;
    assert_eq!(reply.status, 400, "{reply:?}");
    assert!(
        reply.body.contains("only listed for presence channels"),
        "{reply:?}"
    );
    let reply = call(
        &emulator,
        &ListChannels::new().info([ChannelAttribute::UserCount]),
    )
    .await;
    assert_eq!(reply.status, 400, "{reply:?}");
    assert!(
        reply
            .body
            .contains("only allowed with filter_by_prefix=presence-"),
        "{reply:?}"
    );
}

/// The fuzzing entry answers as the server does: the same requests get the same statuses from it
/// and from a server with its credentials, and what no HTTP parser would pass is a 400.
#[tokio::test]
async fn the_fuzzing_entry_answers_as_the_server_does() {
    let server = Emulator::builder()
        .app_id(fuzzing::APP_ID)
        .key(fuzzing::KEY)
        .secret(fuzzing::SECRET)
        .start()
        .await
        .unwrap();
    let events = format!("/apps/{}/events", fuzzing::APP_ID);
    let body = one_channel();
    let signed = |path: &str, method: &str, body: &[u8]| {
        let query = sign_request(
            fuzzing::KEY,
            fuzzing::SECRET,
            &SigningInput {
                method,
                path,
                params: &[],
                body,
                timestamp: now(),
            },
        )
        .to_query_string();
        format!("{path}?{query}")
    };
    let trigger = signed(&events, "POST", &body);
    let channels = signed(&format!("/apps/{}/channels", fuzzing::APP_ID), "GET", b"");
    let cases: [(&str, &str, &[u8], u16); 9] = [
        ("POST", &trigger, &body, 200),
        ("GET", &channels, b"", 200),
        // Signed for another body.
        (
            "POST",
            &trigger,
            b"{\"name\":\"e\",\"channel\":\"x\",\"data\":\"\"}",
            401,
        ),
        ("POST", &events, &body, 401),
        ("GET", &events, b"", 405),
        ("POST", "/apps/2/events", &body, 404),
        ("GET", "/", b"", 404),
        ("GET", "/apps/%FF/channels", b"", 400),
        (
            "POST",
            &signed(&events, "POST", b"\xff\x00not json"),
            b"\xff\x00not json",
            400,
        ),
    ];
    for (method, target, body, status) in cases {
        let fuzzed = fuzzing::http_api(method, target, body);
        assert_eq!(fuzzed, status, "{method} {target}");
        let served = send(raw_request(&server, method, target, body.to_vec())).await;
        assert_eq!(served.status, status, "{method} {target}: {served:?}");
    }

    // What an HTTP parser refuses, and garbage of every kind: a 400 or another refusal, no panic.
    assert_eq!(fuzzing::http_api("P OST", &trigger, &body), 400);
    assert_eq!(fuzzing::http_api("GET", "/apps/1/channels\n", b""), 400);
    for (method, target, body) in [
        ("", "", &b""[..]),
        (
            "POST",
            "/apps/1/batch_events?auth_key=%",
            b"{\"batch\": [[[[[]]]]]}",
        ),
        ("GET", "/apps/1/channels/%23server-to-user-?info=user_count", b""),
        ("POST", "//apps//1//events", &[0xff; 64]),
        ("DELETE", "/apps/1/users/../terminate_connections", b"{}"),
    ] {
        let status = fuzzing::http_api(method, target, body);
        assert!((400..500).contains(&status), "{method} {target}: {status}");
    }
}
