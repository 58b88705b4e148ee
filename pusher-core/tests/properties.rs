//! Properties over generated input: every valid call signs verifiably, and no input string makes a
//! public function panic.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failure

use std::time::Duration;

use proptest::prelude::*;
use pusher_core::api::{
    BatchEvent, ChannelAttribute, EventData, GetChannel, GetPresenceUsers, ListChannels, Operation,
    RequestContext, TerminateUserConnections, Trigger, TriggerBatch,
};
use pusher_core::response::{ResponseError, ResponseErrorKind};
use pusher_core::webhook::WebhookVerifier;
use pusher_core::{
    ChannelName, Config, EventName, MasterKey, NONCE_LEN, RandomError, SocketId, UserId, auth, encryption,
};

mod common;

/// The bodies as serde_json writes them, to hold the library's own writing to.
mod reference {
    use serde::Serialize;

    #[derive(Serialize)]
    pub(crate) struct Trigger<'a> {
        pub(crate) name: &'a str,
        pub(crate) channels: &'a [String],
        pub(crate) data: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub(crate) socket_id: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub(crate) info: Option<&'a str>,
    }

    #[derive(Serialize)]
    pub(crate) struct BatchItem<'a> {
        pub(crate) channel: &'a str,
        pub(crate) name: &'a str,
        pub(crate) data: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub(crate) socket_id: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub(crate) info: Option<&'a str>,
    }

    #[derive(Serialize)]
    pub(crate) struct Batch<'a> {
        pub(crate) batch: Vec<BatchItem<'a>>,
    }
}

/// Builds one call's request.
type Builder = Box<dyn Fn(&Config, &RequestContext<'_>) -> http::Request<Vec<u8>>>;

const NAME: &str = "[A-Za-z0-9_=@,.;-]{1,200}";

fn config(key: &str, secret: &str) -> Config {
    Config::builder("99", key, secret)
        .encryption_master_key(MasterKey::from_bytes(&[5u8; 32]).expect("32 bytes"))
        .build()
        .expect("valid config")
}

fn nonce() -> Result<[u8; NONCE_LEN], RandomError> {
    Ok([3u8; NONCE_LEN])
}

/// A call's parsed result without its value: what a refusal is, or that it was none.
fn outcome<T>(result: Result<T, ResponseError>) -> Result<(), ResponseError> {
    result.map(drop)
}

fn operations(channels: Vec<String>, event: String, data: String, socket: Option<String>) -> Vec<Builder> {
    let channels: Vec<ChannelName> = channels
        .iter()
        .map(|c| c.parse().expect("valid channel"))
        .collect();
    let event: EventName = event.parse().expect("valid event");
    let data = EventData::encoded(data);
    let socket: Option<SocketId> = socket.map(|s| s.parse().expect("valid socket id"));
    let first = channels[0].clone();
    let mut trigger = Trigger::new(channels.clone(), event.clone(), data.clone());
    let mut batch_event = BatchEvent::new(first.clone(), event, data);
    if let Some(socket) = socket {
        trigger = trigger.socket_id(socket.clone());
        batch_event = batch_event.socket_id(socket);
    }
    let batch = TriggerBatch::new([batch_event]);
    let prefix = first.as_str().chars().take(3).collect::<String>();
    let user: UserId = first
        .as_str()
        .parse()
        .unwrap_or_else(|_| "u".parse().expect("valid"));
    fn boxed<O: Operation + 'static>(op: O) -> Builder {
        Box::new(move |c, ctx| op.build_request(c, ctx).expect("a valid call builds"))
    }
    vec![
        boxed(trigger),
        boxed(batch),
        boxed(ListChannels::new().prefix(prefix)),
        boxed(GetChannel::new(first.clone()).with_user_count()),
        boxed(GetPresenceUsers::new(first)),
        boxed(TerminateUserConnections::new(user)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_valid_call_signs_verifiably(
        key in "[ -~]{1,40}",
        secret in "\\PC{1,40}",
        channels in prop::collection::vec(NAME, 1..5),
        event in "\\PC{1,50}",
        data in "\\PC{0,300}",
        socket in prop::option::of("[0-9]{1,10}\\.[0-9]{1,10}"),
        timestamp in 0u64..4_000_000_000,
    ) {
        let config = config(&key, &secret);
        let context = RequestContext::new(timestamp).with_nonces(&nonce);
        for op in operations(channels.clone(), event.clone(), data.clone(), socket.clone()) {
            let request = op(&config, &context);
            common::verify_signature(&request, &key, &secret, timestamp);
        }
    }

    #[test]
    fn bodies_are_what_serde_json_writes(
        channels in prop::collection::vec(NAME, 1..5),
        event in "[\\x00-\\x7f]{1,40}|\\PC{1,40}",
        data in "[\\x00-\\x7f]{0,200}|\\PC{0,200}",
        socket in prop::option::of("[0-9]{1,10}\\.[0-9]{1,10}"),
        info in any::<bool>(),
    ) {
        prop_assume!(channels.iter().all(|c| !c.starts_with("private-encrypted-")));
        let Ok(name) = EventName::try_from(event.as_str()) else {
            return Ok(());
        };
        let names: Vec<ChannelName> = channels.iter().map(|c| c.parse().unwrap()).collect();
        let socket_id: Option<SocketId> = socket.as_ref().map(|s| s.parse().unwrap());
        let attributes: &[ChannelAttribute] = if info { &[ChannelAttribute::SubscriptionCount] } else { &[] };
        let mut trigger = Trigger::new(names.clone(), name.clone(), EventData::encoded(data.clone()))
            .info(attributes.iter().copied());
        let mut batch: Vec<BatchEvent> = names
            .iter()
            .map(|c| BatchEvent::new(c.clone(), name.clone(), EventData::encoded(data.clone())).info(attributes.iter().copied()))
            .collect();
        if let Some(socket_id) = &socket_id {
            trigger = trigger.socket_id(socket_id.clone());
            batch = batch.into_iter().map(|e| e.socket_id(socket_id.clone())).collect();
        }
        let info = info.then_some("subscription_count");
        let config = config("key", "secret");
        let context = RequestContext::new(1);

        let expected = serde_json::to_vec(&reference::Trigger {
            name: &event,
            channels: &channels,
            data: &data,
            socket_id: socket.as_deref(),
            info,
        }).unwrap();
        let request = trigger.build_request(&config, &context).unwrap();
        prop_assert_eq!(request.body(), &expected);

        let expected = serde_json::to_vec(&reference::Batch {
            batch: channels.iter().map(|channel| reference::BatchItem {
                channel,
                name: &event,
                data: &data,
                socket_id: socket.as_deref(),
                info,
            }).collect(),
        }).unwrap();
        let request = TriggerBatch::new(batch).build_request(&config, &context).unwrap();
        prop_assert_eq!(request.body(), &expected);
    }

    #[test]
    fn channel_auth_verifies_independently(
        socket in "[0-9]{1,10}\\.[0-9]{1,10}",
        channel in "private-[A-Za-z0-9_=@,.;-]{1,100}",
        secret in "\\PC{1,40}",
    ) {
        let config = config("k", &secret);
        let auth = auth::authorize_channel(&config, &socket.parse().expect("socket"), &channel.parse().expect("channel"))
            .expect("private channels authorize");
        // Recomputed with the hmac crate, not the library's signing.
        let expected = common::hmac_sha256_hex(&secret, &format!("{socket}:{channel}"));
        prop_assert_eq!(auth.auth, format!("k:{expected}"));
    }

    #[test]
    fn names_never_panic(s in "\\PC{0,300}", bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let lossy = String::from_utf8_lossy(&bytes).into_owned();
        for input in [&s, &lossy] {
            let _ = input.parse::<ChannelName>();
            let _ = input.parse::<EventName>();
            let _ = input.parse::<SocketId>();
            let _ = input.parse::<UserId>();
            let _ = Config::from_url(input);
            let _ = MasterKey::from_base64(input);
            let _ = pusher_core::api::Notification::new([input.clone()]);
        }
    }

    #[test]
    fn urls_never_panic_and_never_leak_the_secret(
        scheme in "(https?|ftp|)(://)?",
        key in "[^@/]{0,10}",
        escape in "(%[0-9a-fA-FzZ+]{0,2}){0,2}",
        host in "[^/]{0,20}",
        rest in "\\PC{0,30}",
    ) {
        let url = format!("{scheme}{key}:SECRETVALUE{escape}@{host}{rest}");
        if let Err(e) = Config::from_url(&url) {
            prop_assert!(!e.to_string().contains("SECRETVALUE"), "{}", e);
        }
    }

    #[test]
    fn webhooks_never_panic(
        key in prop::option::of("\\PC{0,20}"),
        signature in prop::option::of("[0-9a-fA-F]{0,70}|\\PC{0,70}"),
        body in prop::collection::vec(any::<u8>(), 0..400),
        json_body in "\\{\"time_ms\":[0-9]{1,15},\"events\":\\[(\\{\"name\":\"(client_event|member_added|channel_occupied|x)\"(,\"channel\":\"private-encrypted-a\")?(,\"data\":\"\\PC{0,20}\")?(,\"event\":\"e\")?(,\"user_id\":\"u\")?\\},?){0,3}\\]\\}",
        now in any::<u64>(),
    ) {
        let config = config("key", "secret");
        let verifier = WebhookVerifier::new(&config);
        let now = Duration::from_millis(now);
        let _ = verifier.verify(key.as_deref(), signature.as_deref(), &body, now);
        let _ = verifier.parse(&body);
        let _ = verifier.parse(json_body.as_bytes());
        let sig = common::hmac_sha256_hex("secret", &json_body);
        let _ = verifier.verify(Some("key"), Some(&sig), json_body.as_bytes(), now);
        let mut headers = http::HeaderMap::new();
        if let Some(Ok(value)) = key.as_deref().map(http::HeaderValue::from_str) {
            headers.insert("x-pusher-key", value);
        }
        if let Some(Ok(value)) = signature.as_deref().map(http::HeaderValue::from_str) {
            headers.insert("x-pusher-signature", value);
        }
        let _ = verifier.verify_headers(&headers, &body, now);
    }

    #[test]
    fn responses_never_panic_and_a_refusal_keeps_its_status(
        status in 100u16..1000,
        body in prop::collection::vec(any::<u8>(), 0..300),
        text in "\\PC{0,200}",
    ) {
        let channel: ChannelName = "presence-a".parse().expect("valid");
        let trigger = Trigger::new([channel.clone()], "e".parse().expect("valid"), EventData::encoded("x"));
        for body in [body.clone(), text.into_bytes()] {
            let response = || http::Response::builder().status(status).body(body.clone()).expect("valid status");
            let results = [
                outcome(trigger.parse_response(response())),
                outcome(TriggerBatch::new([]).parse_response(response())),
                outcome(ListChannels::new().parse_response(response())),
                outcome(GetChannel::new(channel.clone()).parse_response(response())),
                outcome(GetPresenceUsers::new(channel.clone()).parse_response(response())),
                outcome(TerminateUserConnections::new("u".parse().expect("valid")).parse_response(response())),
            ];
            let status = http::StatusCode::from_u16(status).expect("valid status");
            for (call, result) in results.into_iter().enumerate() {
                if status.is_success() {
                    // Whatever the body, an error of a success answer says it came as one.
                    if let Err(e) = result {
                        prop_assert_eq!(e.http_status(), status, "call {}", call);
                    }
                    continue;
                }
                // Any other status is a refusal carrying that status, its kind, and the body.
                let e = match result {
                    Ok(()) => return Err(TestCaseError::fail(format!("call {call}: HTTP {status} parsed as a success"))),
                    Err(e) => e,
                };
                prop_assert_eq!(e.status(), status, "call {}", call);
                prop_assert_eq!(e.http_status(), status, "call {}", call);
                prop_assert_eq!(e.kind(), ResponseErrorKind::from_status(status), "call {}", call);
                prop_assert_eq!(e.body(), body.as_slice(), "call {}", call);
            }
        }
    }

    #[test]
    fn decryption_never_panics(envelope in "\\PC{0,200}", nonce_len in 0usize..40, ciphertext in prop::collection::vec(any::<u8>(), 0..100)) {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD;
        let master = MasterKey::from_bytes(&[1u8; 32]).expect("32 bytes");
        let _ = encryption::decrypt("private-encrypted-a", &master, &envelope);
        let built = serde_json::json!({"nonce": b64.encode(vec![0u8; nonce_len]), "ciphertext": b64.encode(&ciphertext)});
        // A nonce of the wrong length is named; random bytes under a right one do not open.
        let expected = if nonce_len == NONCE_LEN {
            encryption::DecryptError::Open
        } else {
            encryption::DecryptError::InvalidNonce(nonce_len)
        };
        prop_assert_eq!(encryption::decrypt("private-encrypted-a", &master, &built.to_string()), Err(expected));
    }

    #[test]
    fn user_auth_never_panics(value in "\\PC{0,100}") {
        let config = config("k", "s");
        let socket: SocketId = "1.1".parse().expect("valid");
        let _ = auth::authenticate_user(&config, &socket, &serde_json::json!({"id": value}));
        if let Ok(raw) = serde_json::from_str::<&serde_json::value::RawValue>(&value) {
            let _ = auth::authenticate_user(&config, &socket, raw);
        }
    }
}
