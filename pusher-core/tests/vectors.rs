//! The public test vectors (`tests/vectors/vectors.json`, a copy of the spec's), every case, every
//! intermediate step checked on its own.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failure

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use pusher_core::api::{EventData, Operation, RequestContext, Trigger};
use pusher_core::auth::{
    AuthError, PresenceMember, authenticate_user, authorize_channel, authorize_presence_channel,
    channel_string_to_sign, user_string_to_sign,
};
use pusher_core::signing::{SigningInput, body_md5, sign_request};
use pusher_core::webhook::{WebhookError, WebhookVerifier};
use pusher_core::{ChannelName, Config, MasterKey, SocketId, encryption};
use serde_json::Value;

fn vectors() -> Value {
    serde_json::from_str(include_str!("vectors/vectors.json")).expect("vectors.json parses")
}

fn cases(group: &str) -> Vec<Value> {
    let cases = vectors()[group].as_array().expect("group is an array").clone();
    assert!(!cases.is_empty(), "no {group} cases");
    cases
}

fn s<'a>(case: &'a Value, field: &str) -> &'a str {
    case[field]
        .as_str()
        .unwrap_or_else(|| panic!("{}: {field} missing", case["name"]))
}

fn config(case: &Value) -> Config {
    let mut builder = Config::builder("1", s(case, "key"), s(case, "secret"));
    if let Some(key) = case["encryption_master_key_base64"].as_str() {
        builder = builder.encryption_master_key_base64(key);
    }
    builder.build().expect("vector config")
}

#[test]
fn rest_signing_every_step() {
    for case in cases("rest_signing") {
        let name = s(&case, "name");
        let params: Vec<(&str, &str)> = case["params"]
            .as_object()
            .expect("params")
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str().expect("string param")))
            .collect();
        let body = s(&case, "body").as_bytes();
        let signed = sign_request(
            s(&case, "key"),
            s(&case, "secret"),
            &SigningInput {
                method: s(&case, "method"),
                path: s(&case, "path"),
                params: &params,
                body,
                timestamp: case["auth_timestamp"].as_u64().expect("timestamp"),
            },
        );
        match case["body_md5"].as_str() {
            Some(md5) => {
                assert_eq!(body_md5(body), md5, "{name}: body_md5");
                assert_eq!(signed.body_md5(), Some(md5), "{name}: body_md5 param");
            }
            None => assert_eq!(signed.body_md5(), None, "{name}: no body_md5 for an empty body"),
        }
        assert_eq!(
            signed.string_to_sign(),
            s(&case, "string_to_sign"),
            "{name}: string to sign"
        );
        assert_eq!(
            signed.signature(),
            s(&case, "auth_signature"),
            "{name}: signature"
        );
    }
}

/// The API reference's trigger, built by the real request builder: the body is byte-exact and the
/// signature matches.
#[test]
fn rest_signing_trigger_through_the_request_builder() {
    let case = cases("rest_signing")
        .into_iter()
        .find(|c| c["name"] == "api-reference-trigger")
        .expect("trigger vector");
    let config = Config::builder("3", s(&case, "key"), s(&case, "secret"))
        .build()
        .unwrap();
    let trigger = Trigger::new(
        ["project-3".parse().unwrap()],
        "foo".parse().unwrap(),
        EventData::json(&serde_json::json!({"some": "data"})).unwrap(),
    );
    let request = trigger
        .build_request(
            &config,
            &RequestContext::new(case["auth_timestamp"].as_u64().unwrap()),
        )
        .unwrap();
    assert_eq!(request.body(), s(&case, "body").as_bytes());
    assert_eq!(request.uri().path(), s(&case, "path"));
    let query = request.uri().query().unwrap();
    assert!(
        query.ends_with(&format!("auth_signature={}", s(&case, "auth_signature"))),
        "{query}"
    );
}

#[test]
fn channel_auth_every_step() {
    for case in cases("channel_auth") {
        let name = s(&case, "name");
        let config = config(&case);
        let socket_id: SocketId = s(&case, "socket_id").parse().unwrap();
        let channel: ChannelName = s(&case, "channel").parse().unwrap();
        let channel_data = case["channel_data"].as_str();
        assert_eq!(
            channel_string_to_sign(&socket_id, &channel, channel_data),
            s(&case, "string_to_sign"),
            "{name}: string to sign"
        );
        let expected_auth = s(&case, "auth");
        if let Some(channel_data) = channel_data {
            // The member is rebuilt from the vector's JSON: our serialization must reproduce it.
            let data: Value = serde_json::from_str(channel_data).unwrap();
            let member = PresenceMember::new(data["user_id"].as_str().unwrap().parse().unwrap())
                .user_info(&data["user_info"])
                .unwrap();
            let auth = authorize_presence_channel(&config, &socket_id, &channel, &member).unwrap();
            assert_eq!(
                auth.channel_data.as_deref(),
                Some(channel_data),
                "{name}: channel_data"
            );
            assert_eq!(auth.auth, expected_auth, "{name}: auth");
        } else if channel.is_private() {
            let auth = authorize_channel(&config, &socket_id, &channel).unwrap();
            assert_eq!(auth.auth, expected_auth, "{name}: auth");
            assert_eq!(
                auth.shared_secret.as_deref(),
                case["shared_secret_base64"].as_str(),
                "{name}: shared secret"
            );
        } else {
            // A public channel (the every-character case): only the signature itself applies.
            let signature = pusher_core::signing::hmac_sha256_hex(
                s(&case, "secret").as_bytes(),
                s(&case, "string_to_sign").as_bytes(),
            );
            assert_eq!(
                format!("{}:{signature}", s(&case, "key")),
                expected_auth,
                "{name}: auth"
            );
            let e = authorize_channel(&config, &socket_id, &channel).unwrap_err();
            assert!(
                matches!(&e, AuthError::NotAuthorizable(c) if c == channel.as_str()),
                "{name}: {e}"
            );
        }
    }
}

#[test]
fn user_auth_every_step() {
    for case in cases("user_auth") {
        let name = s(&case, "name");
        let socket_id: SocketId = s(&case, "socket_id").parse().unwrap();
        let user_data = s(&case, "user_data");
        assert_eq!(
            user_string_to_sign(&socket_id, user_data),
            s(&case, "string_to_sign"),
            "{name}: string to sign"
        );
        // Pre-encoded JSON, so that its key order is the vector's.
        let raw: &serde_json::value::RawValue = serde_json::from_str(user_data).unwrap();
        let auth = authenticate_user(&config(&case), &socket_id, raw).unwrap();
        assert_eq!(auth.user_data, user_data, "{name}: user_data");
        assert_eq!(auth.auth, s(&case, "auth"), "{name}: auth");
    }
}

#[test]
fn webhook_signatures_verify_and_tampering_fails() {
    for case in cases("webhook") {
        let name = s(&case, "name");
        let body = s(&case, "body").as_bytes();
        let verifier = WebhookVerifier::new(&config(&case));
        let time_ms: u64 = serde_json::from_slice::<Value>(body).unwrap()["time_ms"]
            .as_u64()
            .unwrap();
        let now = std::time::Duration::from_millis(time_ms + 1_000);
        let signature = s(&case, "x_pusher_signature");
        let webhook = verifier
            .verify(Some(s(&case, "key")), Some(signature), body, now)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(webhook.time_ms, time_ms);
        let mut tampered = body.to_vec();
        tampered[10] ^= 1;
        let e = verifier
            .verify(Some(s(&case, "key")), Some(signature), &tampered, now)
            .unwrap_err();
        assert!(matches!(e, WebhookError::SignatureMismatch), "{name}: {e}");
    }
}

#[test]
fn encryption_every_step() {
    for case in cases("encryption") {
        let name = s(&case, "name");
        let channel = s(&case, "channel");
        let master = MasterKey::from_base64(s(&case, "encryption_master_key_base64")).unwrap();
        let key = encryption::channel_key(channel, &master);
        assert_eq!(
            hex::encode(key),
            s(&case, "shared_secret_hex"),
            "{name}: shared secret"
        );
        let nonce: [u8; 24] = BASE64
            .decode(s(&case, "nonce_base64"))
            .unwrap()
            .try_into()
            .unwrap();
        let plaintext = s(&case, "plaintext");
        let sealed = encryption::seal(&key, &nonce, plaintext.as_bytes());
        assert_eq!(
            BASE64.encode(&sealed),
            s(&case, "ciphertext_base64"),
            "{name}: ciphertext"
        );
        assert_eq!(
            encryption::open(&key, &nonce, &sealed).unwrap(),
            plaintext.as_bytes()
        );
        let envelope = encryption::encrypt(channel, &master, &nonce, plaintext.as_bytes());
        let parsed: Value = serde_json::from_str(&envelope).unwrap();
        assert_eq!(parsed["nonce"], s(&case, "nonce_base64"));
        assert_eq!(parsed["ciphertext"], s(&case, "ciphertext_base64"));
        assert_eq!(
            encryption::decrypt(channel, &master, &envelope).unwrap(),
            plaintext
        );
    }
}
