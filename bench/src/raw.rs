//! The baseline: a signed trigger built directly with serde_json, md-5, hmac and sha2, the way an
//! application without this library would write it (PROTOCOL §2, §3).

use hmac::{Hmac, KeyInit, Mac};
use md5::{Digest, Md5};
use serde::Serialize;
use sha2::Sha256;

use crate::fixture::{APP_ID, EVENT, KEY, SECRET};

/// The headers every trigger carries.
pub const HEADERS: [(&str, &str); 2] = [("content-type", "application/json"), ("x-pusher-library", "raw")];

/// A trigger's body and signed path and query, ready for any HTTP client.
#[derive(Debug)]
pub struct SignedTrigger {
    /// The JSON body.
    pub body: Vec<u8>,
    /// `/apps/{id}/events?auth_key=...&auth_signature=...`.
    pub path_and_query: String,
}

#[derive(Serialize)]
struct Body<'a> {
    name: &'a str,
    channels: [&'a str; 1],
    data: &'a str,
}

impl SignedTrigger {
    /// The URL to send it to, on the server at `base` (`http://host:port`).
    pub fn url(&self, base: &str) -> String {
        format!("{base}{}", self.path_and_query)
    }
}

/// Serializes `payload`, builds the body and signs it at `timestamp`.
pub fn signed_trigger(channel: &str, payload: &impl Serialize, timestamp: u64) -> SignedTrigger {
    let data = serde_json::to_string(payload).expect("the payload serializes");
    let body = serde_json::to_vec(&Body {
        name: EVENT,
        channels: [channel],
        data: &data,
    })
    .expect("the body serializes");
    let body_md5 = hex::encode(Md5::digest(&body));
    let path = format!("/apps/{APP_ID}/events");
    let query = format!("auth_key={KEY}&auth_timestamp={timestamp}&auth_version=1.0&body_md5={body_md5}");
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).expect("HMAC takes any key");
    mac.update(format!("POST\n{path}\n{query}").as_bytes());
    let signature = hex::encode(mac.finalize().into_bytes());
    SignedTrigger {
        body,
        path_and_query: format!("{path}?{query}&auth_signature={signature}"),
    }
}

/// The signed trigger as an `http::Request` to `base` (`http://host:port`).
pub fn http_request(base: &str, signed: SignedTrigger) -> http::Request<Vec<u8>> {
    let mut request = http::Request::builder()
        .method(http::Method::POST)
        .uri(signed.url(base));
    for (name, value) in HEADERS {
        request = request.header(name, value);
    }
    request.body(signed.body).expect("a valid request")
}
