//! Webhook verification and parsing: `WebhookVerifier::verify` and `verify_headers` (PROTOCOL §8).
//!
//! The verifier knows two credentials (a rotation) and the master key. Three forms of input:
//!
//! - `Signed`: an arbitrary body, signed with the configured secret and checked at its own
//!   `time_ms`, so that parsing is always reached. Seeds: four zero bytes, then a body.
//! - `Headers`: arbitrary key and signature headers, body and clock. What `verify` answers is
//!   predicted from the headers alone up to the signature check, and `verify_headers` must answer
//!   the same for the same header values.
//! - `Events`: a body assembled from structured events, among them events sealed for
//!   `private-encrypted-` channels with the master key: each must decrypt to its plaintext, and a
//!   tampered one must be refused.
//!
//! Past the signature, `verify` must answer what `parse` answers, refusing a body whose `time_ms`
//! is outside the window around now.
//!
//! Signatures are made by the emulator's oracle, not by the library under test.

#![no_main]

use std::time::Duration;

use arbitrary::Arbitrary;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use libfuzzer_sys::fuzz_target;
use pusher_core::encryption;
use pusher_core::webhook::{
    DEFAULT_MAX_AGE, KEY_HEADER, SIGNATURE_HEADER, Webhook, WebhookError, WebhookEvent, WebhookVerifier,
};
use pusher_emulator::oracle::webhook_signature;
use pusher_fuzz::{KEY, NONCE, SECRET, config, master_key};
use serde_json::json;

/// The second credential the verifier accepts.
const ROTATED_KEY: &str = "fuzz-rotated-key";
const ROTATED_SECRET: &str = "fuzz-rotated-secret";

#[derive(Arbitrary, Debug)]
enum Input<'a> {
    Signed(&'a [u8]),
    Headers {
        key: Header<'a>,
        signature: Signature<'a>,
        now_ms: u64,
        body: &'a [u8],
    },
    Events {
        time_ms: u64,
        /// How far from `time_ms` the clock reads.
        skew_ms: i32,
        events: Vec<Event<'a>>,
    },
}

/// The `X-Pusher-Key` header.
#[derive(Arbitrary, Debug)]
enum Header<'a> {
    Configured,
    Rotated,
    Missing,
    Other(&'a str),
}

/// The `X-Pusher-Signature` header.
#[derive(Arbitrary, Debug)]
enum Signature<'a> {
    /// The body's HMAC under the configured or the rotated secret, in either case, maybe padded
    /// with whitespace.
    OfBody {
        rotated_secret: bool,
        uppercase: bool,
        padded: bool,
    },
    Missing,
    Other(&'a str),
}

#[derive(Arbitrary, Debug)]
enum Event<'a> {
    Channel {
        name: ChannelEventName,
        channel: &'a str,
    },
    Member {
        added: bool,
        channel: &'a str,
        user_id: &'a str,
    },
    SubscriptionCount {
        channel: &'a str,
        count: u64,
    },
    /// A client event as sent on the wire: on a `private-encrypted-` channel its data must be an
    /// envelope that opens, or the webhook is refused.
    Client {
        channel: &'a str,
        event: &'a str,
        data: &'a str,
        socket_id: Option<&'a str>,
        user_id: Option<&'a str>,
    },
    /// A client event on `private-encrypted-{channel}`, its plaintext sealed with the master key;
    /// with `tamper`, one bit of the sealed bytes flipped.
    Sealed {
        channel: &'a str,
        event: &'a str,
        plaintext: &'a str,
        tamper: Option<u16>,
    },
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum ChannelEventName {
    Occupied,
    Vacated,
    CacheMiss,
}

fuzz_target!(|input: Input<'_>| {
    let verifier = WebhookVerifier::new(&config(true)).additional_credentials(ROTATED_KEY, ROTATED_SECRET);
    match input {
        Input::Signed(body) => {
            let signature = webhook_signature(SECRET, body);
            // At the body's own time when it has one, so that most valid bodies verify.
            let time_ms = serde_json::from_slice::<serde_json::Value>(body)
                .ok()
                .and_then(|v| v.get("time_ms")?.as_u64())
                .unwrap_or(0);
            let now = Duration::from_millis(time_ms);
            let verified = verifier.verify(Some(KEY), Some(&signature), body, now);
            check_past_signature(&verifier, body, now, &verified);
        }
        Input::Headers {
            key,
            signature,
            now_ms,
            body,
        } => check_headers(&verifier, &key, &signature, body, Duration::from_millis(now_ms)),
        Input::Events {
            time_ms,
            skew_ms,
            events,
        } => check_events(&verifier, time_ms, skew_ms, &events),
    }
});

fn check_headers(
    verifier: &WebhookVerifier,
    key: &Header<'_>,
    signature: &Signature<'_>,
    body: &[u8],
    now: Duration,
) {
    let key = match key {
        Header::Configured => Some(KEY),
        Header::Rotated => Some(ROTATED_KEY),
        Header::Missing => None,
        Header::Other(key) => Some(*key),
    };
    let signature = match signature {
        Signature::OfBody {
            rotated_secret,
            uppercase,
            padded,
        } => {
            let secret = if *rotated_secret { ROTATED_SECRET } else { SECRET };
            let hex = webhook_signature(secret, body);
            let hex = if *uppercase { hex.to_ascii_uppercase() } else { hex };
            Some(if *padded { format!(" {hex}\t") } else { hex })
        }
        Signature::Missing => None,
        Signature::Other(signature) => Some((*signature).to_owned()),
    };
    let signature = signature.as_deref();
    let verified = verifier.verify(key, signature, body, now);

    // Up to the signature, the answer follows from the headers alone.
    let refusal = match (key, signature) {
        (None, _) => Some("missing or unreadable header X-Pusher-Key".to_owned()),
        (_, None) => Some("missing or unreadable header X-Pusher-Signature".to_owned()),
        (Some(key), Some(signature)) => {
            let signature = signature.trim();
            let secret = match key {
                KEY => Some(SECRET),
                ROTATED_KEY => Some(ROTATED_SECRET),
                _ => None,
            };
            if signature.len() != 64 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
                Some(WebhookError::MalformedSignature.to_string())
            } else if let Some(secret) = secret {
                let expected = webhook_signature(secret, body);
                (!signature.eq_ignore_ascii_case(&expected))
                    .then(|| WebhookError::SignatureMismatch.to_string())
            } else {
                Some(WebhookError::UnknownKey(key.to_owned()).to_string())
            }
        }
    };
    match refusal {
        Some(refusal) => match &verified {
            Err(e) => assert_eq!(e.to_string(), refusal),
            Ok(webhook) => panic!("accepted, expected {refusal:?}: {webhook:?}"),
        },
        None => check_past_signature(verifier, body, now, &verified),
    }

    // The same header values through a header map: the same answer. A value that is not visible
    // ASCII reads as missing.
    let mut headers = http::HeaderMap::new();
    for (name, value) in [(KEY_HEADER, key), (SIGNATURE_HEADER, signature)] {
        if let Some(value) = value {
            match http::HeaderValue::from_bytes(value.as_bytes()) {
                Ok(value) => {
                    headers.insert(name, value);
                }
                // Not a header value at all (control characters): nothing to compare.
                Err(_) => return,
            }
        }
    }
    let readable = |value: &&str| value.bytes().all(|b| b == b'\t' || (b' '..=b'~').contains(&b));
    let expected = verifier.verify(key.filter(readable), signature.filter(readable), body, now);
    let through_headers = verifier.verify_headers(&headers, body, now);
    assert_eq!(
        format!("{through_headers:?}"),
        format!("{expected:?}"),
        "verify_headers and verify disagree"
    );
}

/// Once the signature matches: `verify` answers what `parse` answers, and refuses a stale body.
fn check_past_signature(
    verifier: &WebhookVerifier,
    body: &[u8],
    now: Duration,
    verified: &Result<Webhook, WebhookError>,
) {
    let now_ms = u64::try_from(now.as_millis()).unwrap_or(u64::MAX);
    let window_ms = u64::try_from(DEFAULT_MAX_AGE.as_millis()).unwrap_or(u64::MAX);
    match (verifier.parse(body), verified) {
        (Ok(parsed), Ok(verified)) => {
            assert_eq!(&parsed, verified);
            assert!(
                parsed.time_ms.abs_diff(now_ms) <= window_ms,
                "a stale webhook verified"
            );
        }
        (
            Ok(parsed),
            Err(WebhookError::Stale {
                time_ms,
                age_ms,
                window_ms: refused_window,
            }),
        ) => {
            assert_eq!(*time_ms, parsed.time_ms);
            assert_eq!(*age_ms, parsed.time_ms.abs_diff(now_ms));
            assert_eq!(*refused_window, window_ms);
            assert!(age_ms > refused_window, "a fresh webhook refused as stale");
        }
        (Err(parsed), Err(verified)) => {
            assert!(
                matches!(
                    parsed,
                    WebhookError::InvalidBody(_) | WebhookError::Decrypt { .. }
                ),
                "{parsed:?}"
            );
            assert_eq!(parsed.to_string(), verified.to_string());
        }
        (parsed, verified) => panic!("parse answered {parsed:?} but verify answered {verified:?}"),
    }
    if let Err(e) = verified {
        // Every refusal prints.
        let _ = e.to_string();
    }
}

fn check_events(verifier: &WebhookVerifier, time_ms: u64, skew_ms: i32, events: &[Event<'_>]) {
    let key = master_key();
    let mut json_events = Vec::new();
    let mut expected = Vec::new();
    // The channel of the first event whose data does not decrypt: the webhook is refused for it.
    let mut undecryptable = None;
    for event in events {
        let (json, parsed) = match *event {
            Event::Channel { name, channel } => {
                let (wire, parsed) = match name {
                    ChannelEventName::Occupied => (
                        "channel_occupied",
                        WebhookEvent::ChannelOccupied {
                            channel: channel.to_owned(),
                        },
                    ),
                    ChannelEventName::Vacated => (
                        "channel_vacated",
                        WebhookEvent::ChannelVacated {
                            channel: channel.to_owned(),
                        },
                    ),
                    ChannelEventName::CacheMiss => (
                        "cache_miss",
                        WebhookEvent::CacheMiss {
                            channel: channel.to_owned(),
                        },
                    ),
                };
                (json!({"name": wire, "channel": channel}), parsed)
            }
            Event::Member {
                added,
                channel,
                user_id,
            } => {
                let (channel, user_id) = (channel.to_owned(), user_id.to_owned());
                let json = json!({
                    "name": if added { "member_added" } else { "member_removed" },
                    "channel": channel,
                    "user_id": user_id,
                });
                let parsed = if added {
                    WebhookEvent::MemberAdded { channel, user_id }
                } else {
                    WebhookEvent::MemberRemoved { channel, user_id }
                };
                (json, parsed)
            }
            Event::SubscriptionCount { channel, count } => (
                json!({"name": "subscription_count", "channel": channel, "subscription_count": count}),
                WebhookEvent::SubscriptionCount {
                    channel: channel.to_owned(),
                    subscription_count: count,
                },
            ),
            Event::Client {
                channel,
                event,
                data,
                socket_id,
                user_id,
            } => {
                let json = json!({"name": "client_event", "channel": channel, "event": event,
                    "data": data, "socket_id": socket_id, "user_id": user_id});
                let data = if channel.starts_with("private-encrypted-") {
                    match encryption::decrypt(channel, &key, data) {
                        Ok(plaintext) => plaintext,
                        Err(_) => {
                            undecryptable.get_or_insert_with(|| channel.to_owned());
                            String::new()
                        }
                    }
                } else {
                    data.to_owned()
                };
                let parsed = WebhookEvent::ClientEvent {
                    channel: channel.to_owned(),
                    event: event.to_owned(),
                    data,
                    socket_id: socket_id.map(str::to_owned),
                    user_id: user_id.map(str::to_owned),
                };
                (json, parsed)
            }
            Event::Sealed {
                channel,
                event,
                plaintext,
                tamper,
            } => {
                let channel = format!("private-encrypted-{channel}");
                let mut envelope = encryption::encrypt(&channel, &key, &NONCE, plaintext.as_bytes());
                if let Some(bit) = tamper {
                    envelope = flip_bit(&envelope, bit);
                    undecryptable.get_or_insert_with(|| channel.clone());
                }
                let json =
                    json!({"name": "client_event", "channel": channel, "event": event, "data": envelope});
                let parsed = WebhookEvent::ClientEvent {
                    channel,
                    event: event.to_owned(),
                    data: plaintext.to_owned(),
                    socket_id: None,
                    user_id: None,
                };
                (json, parsed)
            }
        };
        json_events.push(json);
        expected.push(parsed);
    }

    let body = json!({"time_ms": time_ms, "events": json_events}).to_string();
    let signature = webhook_signature(SECRET, body.as_bytes());
    let now_ms = time_ms.saturating_add_signed(i64::from(skew_ms));
    let now = Duration::from_millis(now_ms);
    let verified = verifier.verify(Some(KEY), Some(&signature), body.as_bytes(), now);
    let fresh = time_ms.abs_diff(now_ms) <= u64::try_from(DEFAULT_MAX_AGE.as_millis()).unwrap_or(u64::MAX);
    match (verified, undecryptable) {
        (Err(WebhookError::Decrypt { channel, .. }), Some(expected_channel)) => {
            assert_eq!(channel, expected_channel)
        }
        (result, Some(channel)) => {
            panic!("data on {channel:?} does not decrypt, but verify answered {result:?}")
        }
        (Ok(webhook), None) => {
            assert!(fresh, "a stale webhook verified");
            assert_eq!(webhook.time_ms, time_ms);
            assert_eq!(webhook.events, expected);
        }
        (Err(WebhookError::Stale { .. }), None) => assert!(!fresh, "a fresh webhook refused as stale"),
        (Err(e), None) => panic!("a well-formed webhook refused: {e:?}\nbody: {body}"),
    }
}

/// The envelope with one bit of its sealed bytes flipped (the bit picked by `bit`).
fn flip_bit(envelope: &str, bit: u16) -> String {
    let mut fields: serde_json::Value = serde_json::from_str(envelope).expect("an envelope is JSON");
    let ciphertext = fields["ciphertext"]
        .as_str()
        .expect("an envelope has a ciphertext");
    let mut sealed = BASE64.decode(ciphertext).expect("the ciphertext is base64");
    let bit = usize::from(bit) % (sealed.len() * 8);
    sealed[bit / 8] ^= 1 << (bit % 8);
    fields["ciphertext"] = BASE64.encode(sealed).into();
    fields.to_string()
}
