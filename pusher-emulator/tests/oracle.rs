//! The oracle against the public test vectors (pusher-core's `tests/vectors/vectors.json`): it
//! accepts every vector's signature, and what it says a signature must cover is the vector's
//! string to sign, byte for byte.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use pusher_emulator::oracle::{
    App, AuthRefusal, Refusal, RestRequest, check_channel_auth, check_request, check_user_auth,
    webhook_signature,
};
use serde_json::Value;

fn cases(group: &str) -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../pusher-core/tests/vectors/vectors.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let vectors: Value = serde_json::from_str(&text).expect("vectors.json parses");
    let cases = vectors[group].as_array().expect("group is an array").clone();
    assert!(!cases.is_empty(), "no {group} cases");
    cases
}

fn s<'a>(case: &'a Value, field: &str) -> &'a str {
    case[field]
        .as_str()
        .unwrap_or_else(|| panic!("{}: {field} missing", case["name"]))
}

fn app(case: &Value) -> App<'_> {
    App {
        key: s(case, "key"),
        secret: s(case, "secret"),
    }
}

/// The vector's request as a client sends it: every parameter, values percent-encoded, then
/// `signature` as `auth_signature`.
fn query(case: &Value, signature: &str) -> String {
    let timestamp = case["auth_timestamp"].as_u64().unwrap().to_string();
    let mut params: Vec<(&str, &str)> = case["params"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str().unwrap()))
        .collect();
    params.extend([
        ("auth_key", s(case, "key")),
        ("auth_timestamp", timestamp.as_str()),
        ("auth_version", "1.0"),
    ]);
    if let Some(md5) = case["body_md5"].as_str() {
        params.push(("body_md5", md5));
    }
    params.push(("auth_signature", signature));
    let pairs: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", utf8_percent_encode(v, NON_ALPHANUMERIC)))
        .collect();
    pairs.join("&")
}

#[test]
fn every_rest_vector_is_accepted_and_its_string_to_sign_is_the_oracles() {
    for case in cases("rest_signing") {
        let name = s(&case, "name");
        let now = case["auth_timestamp"].as_u64().unwrap();
        let signed = query(&case, s(&case, "auth_signature"));
        let request = RestRequest {
            method: s(&case, "method"),
            path: s(&case, "path"),
            query: Some(&signed),
            body: s(&case, "body").as_bytes(),
        };
        let params = check_request(app(&case), &request, now).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            params
                .iter()
                .find(|(k, _)| k == "auth_signature")
                .map(|(_, v)| v.as_str()),
            Some(s(&case, "auth_signature")),
            "{name}"
        );

        let zeros = "0".repeat(64);
        let forged = query(&case, &zeros);
        let refusal = check_request(
            app(&case),
            &RestRequest {
                query: Some(&forged),
                ..request
            },
            now,
        )
        .unwrap_err();
        assert_eq!(
            refusal,
            Refusal::SignatureMismatch {
                string_to_sign: s(&case, "string_to_sign").to_owned(),
                given: zeros,
            },
            "{name}"
        );

        // Eleven minutes later, the same request is stale.
        assert!(
            matches!(
                check_request(app(&case), &request, now + 660),
                Err(Refusal::TimestampExpired { .. })
            ),
            "{name}"
        );
    }
}

#[test]
fn every_channel_auth_vector_is_accepted_and_covers_its_string_to_sign() {
    for case in cases("channel_auth") {
        let name = s(&case, "name");
        let (socket_id, channel) = (s(&case, "socket_id"), s(&case, "channel"));
        let data = case["channel_data"].as_str();
        let auth = s(&case, "auth");
        assert_eq!(
            check_channel_auth(app(&case), socket_id, channel, data, auth),
            Ok(()),
            "{name}"
        );
        let key = s(&case, "key");
        let forged = format!("{key}:{}", "0".repeat(64));
        assert_eq!(
            check_channel_auth(app(&case), socket_id, channel, data, &forged),
            Err(AuthRefusal::SignatureMismatch {
                string_to_sign: s(&case, "string_to_sign").to_owned(),
                given: "0".repeat(64),
            }),
            "{name}"
        );
    }
}

#[test]
fn every_user_auth_vector_is_accepted_and_covers_its_string_to_sign() {
    for case in cases("user_auth") {
        let name = s(&case, "name");
        let (socket_id, user_data) = (s(&case, "socket_id"), s(&case, "user_data"));
        assert_eq!(
            check_user_auth(app(&case), socket_id, user_data, s(&case, "auth")),
            Ok(()),
            "{name}"
        );
        let forged = format!("{}:{}", s(&case, "key"), "f".repeat(64));
        assert_eq!(
            check_user_auth(app(&case), socket_id, user_data, &forged),
            Err(AuthRefusal::SignatureMismatch {
                string_to_sign: s(&case, "string_to_sign").to_owned(),
                given: "f".repeat(64),
            }),
            "{name}"
        );
    }
}

#[test]
fn every_webhook_vector_is_signed_as_the_oracle_signs() {
    for case in cases("webhook") {
        assert_eq!(
            webhook_signature(s(&case, "secret"), s(&case, "body").as_bytes()),
            s(&case, "x_pusher_signature"),
            "{}",
            case["name"]
        );
    }
}
