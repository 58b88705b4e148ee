//! Every response parser: each API call's `Operation::parse_response` (PROTOCOL §3, §5), and
//! `encryption::decrypt` (PROTOCOL §9).
//!
//! Three forms of input:
//!
//! - `Response`: a status and a body, read by every call's parser. A refusal must keep its status
//!   and body and be of the status's kind. A success either reads, and then what was read
//!   serializes and reads back the same; or is `InvalidBody`; or is the refusal its body holds
//!   (PROTOCOL §5). Seeds: four zero bytes, the status as two bytes little-endian (an invalid
//!   status, like 0, reads as 200), then the body.
//! - `Envelope`: an arbitrary event `data` decrypted for the channel of the public encryption test
//!   vector. Seeds: the bytes `56 55 55 55`, then the envelope.
//! - `RoundTrip`: arbitrary plaintext sealed for an arbitrary channel under an arbitrary master
//!   key must decrypt to itself there, and nowhere else.

#![no_main]

use std::fmt::Debug;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use pusher_core::api::{
    BatchEvent, EventData, GetChannel, GetPresenceUsers, ListChannels, Notification, Operation,
    TerminateUserConnections, Trigger, TriggerBatch,
};
use pusher_core::encryption::{self, DecryptError};
use pusher_core::response::ResponseErrorKind;
use pusher_core::{ChannelName, EventName, MasterKey, NONCE_LEN, UserId};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The channel and master key of the public encryption test vector
/// (`pusher-core/tests/vectors/vectors.json`).
const VECTOR_CHANNEL: &str = "pvUPIk0YG6MnxCEMIUUVFrbDmQwbhICXUcy";
const VECTOR_MASTER_KEY_BASE64: &str = "T1RrNU9UazVPVGs1T1RrNU9UazVPVGs1T1RrNU9UazU=";

#[derive(Arbitrary, Debug)]
enum Input<'a> {
    Response {
        status: u16,
        body: &'a [u8],
    },
    Envelope(&'a str),
    RoundTrip {
        master_key: [u8; 32],
        nonce: [u8; NONCE_LEN],
        other_channel: &'a str,
        channel: &'a str,
        plaintext: &'a [u8],
    },
}

fuzz_target!(|input: Input<'_>| match input {
    Input::Response { status, body } => {
        let status = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK);
        check_every_parser(status, body);
    }
    Input::Envelope(envelope) => {
        let key = MasterKey::from_base64(VECTOR_MASTER_KEY_BASE64).expect("the vector's key is valid");
        // Any answer but a panic; an error prints.
        if let Err(e) = encryption::decrypt(VECTOR_CHANNEL, &key, envelope) {
            let _ = e.to_string();
        }
    }
    Input::RoundTrip {
        master_key,
        nonce,
        other_channel,
        channel,
        plaintext,
    } => {
        let key = MasterKey::from_bytes(&master_key).expect("32 bytes");
        let envelope = encryption::encrypt(channel, &key, &nonce, plaintext);
        let expected = String::from_utf8(plaintext.to_vec()).map_err(|_| DecryptError::NotUtf8);
        assert_eq!(encryption::decrypt(channel, &key, &envelope), expected);
        if other_channel != channel {
            assert_eq!(
                encryption::decrypt(other_channel, &key, &envelope),
                Err(DecryptError::Open),
                "sealed for {channel:?}, opened for {other_channel:?}"
            );
        }
    }
});

/// Reads `status` and `body` with the parser of every call.
fn check_every_parser(status: http::StatusCode, body: &[u8]) {
    let channel = || ChannelName::try_from("presence-fuzz").expect("a valid channel name");
    let event = || EventName::try_from("fuzz-event").expect("a valid event name");
    let data = || EventData::encoded("{}");
    let user = || UserId::try_from("fuzz-user").expect("a valid user id");
    check_parser(&Trigger::new([channel()], event(), data()), status, body);
    check_parser(
        &TriggerBatch::new([BatchEvent::new(channel(), event(), data())]),
        status,
        body,
    );
    check_parser(&ListChannels::new(), status, body);
    check_parser(&GetChannel::new(channel()), status, body);
    check_parser(&GetPresenceUsers::new(channel()), status, body);
    check_parser(&TerminateUserConnections::new(user()), status, body);
    let notification = Notification::new(["fuzz-interest"])
        .expect("a valid interest")
        .fcm(serde_json::json!({}));
    check_parser(&notification, status, body);
}

fn check_parser<O>(operation: &O, status: http::StatusCode, body: &[u8])
where
    O: Operation,
    O::Output: Serialize + DeserializeOwned + Debug,
{
    let response = |status, body: &[u8]| {
        http::Response::builder()
            .status(status)
            .body(body.to_vec())
            .expect("a valid status and a body make a response")
    };
    match operation.parse_response(response(status, body)) {
        Ok(output) => {
            assert!(status.is_success(), "HTTP {status} read as a success: {output:?}");
            // What was read is all there is to it: it serializes and reads back the same, but for
            // the last bits of a float (serde_json reads floats to within an ulp or so, unless its
            // `float_roundtrip` feature is on).
            let json = serde_json::to_string(&output).expect("a parsed response serializes");
            let again = operation
                .parse_response(response(http::StatusCode::OK, json.as_bytes()))
                .unwrap_or_else(|e| panic!("{output:?} serialized as {json} does not read back: {e}"));
            let value =
                |output: &O::Output| serde_json::to_value(output).expect("a parsed response serializes");
            assert!(
                same_json(&value(&again), &value(&output)),
                "{output:?} serialized as {json} reads back as {again:?}"
            );
        }
        Err(e) => {
            assert_eq!(e.body(), body, "the refusal does not keep the body");
            if !status.is_success() {
                assert_eq!(e.kind(), ResponseErrorKind::from_status(status));
                assert_eq!(e.status(), status);
            } else if e.kind() == ResponseErrorKind::InvalidBody {
                assert_eq!(e.status(), status);
            } else {
                assert!(
                    is_refusal_in_body(body),
                    "HTTP {status} read as {:?} but its body holds no refusal",
                    e.kind()
                );
            }
            let _ = e.to_string();
        }
    }
}

/// Whether `body` is a refusal sent with a success status, as soketi sends them (PROTOCOL §5): an
/// object with a string `error` and an integer `code` of 400 or more.
fn is_refusal_in_body(body: &[u8]) -> bool {
    let Ok(object) = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(body) else {
        return false;
    };
    object.get("error").is_some_and(serde_json::Value::is_string)
        && object
            .get("code")
            .and_then(serde_json::Value::as_u64)
            .is_some_and(|code| code >= 400)
}

/// Whether two JSON values are equal, floats to within a relative 1e-15.
fn same_json(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(a), Value::Number(b)) if a.is_f64() || b.is_f64() => {
            let (a, b) = (a.as_f64().unwrap_or(f64::NAN), b.as_f64().unwrap_or(f64::NAN));
            a == b || (a - b).abs() <= a.abs().max(b.abs()) * 1e-15
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same_json(a, b))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, a)| b.get(key).is_some_and(|b| same_json(a, b)))
        }
        (a, b) => a == b,
    }
}
