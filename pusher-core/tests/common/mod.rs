//! Helpers shared by the integration tests.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failure

use std::collections::BTreeMap;

use hmac::{Hmac, KeyInit, Mac};
use md5::{Digest, Md5};
use sha2::Sha256;

/// The query, percent-decoded, as a map.
pub(crate) fn query(request: &http::Request<Vec<u8>>) -> BTreeMap<String, String> {
    request
        .uri()
        .query()
        .unwrap_or_default()
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').expect("k=v");
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8()
                    .expect("utf-8")
                    .into_owned()
            };
            (decode(k), decode(v))
        })
        .collect()
}

/// Recomputes the signature from the request alone, independently of the library's signer, and
/// checks the `auth_` parameters against `key`, `secret` and `timestamp`.
pub(crate) fn verify_signature(request: &http::Request<Vec<u8>>, key: &str, secret: &str, timestamp: u64) {
    let mut params = query(request);
    let signature = params.remove("auth_signature").expect("auth_signature");
    assert_eq!(params["auth_key"], key);
    assert_eq!(params["auth_timestamp"], timestamp.to_string());
    assert_eq!(params["auth_version"], "1.0");
    let body = request.body();
    if body.is_empty() {
        assert!(!params.contains_key("body_md5"), "body_md5 on an empty body");
    } else {
        assert_eq!(params["body_md5"], hex::encode(Md5::digest(body)));
    }
    let joined: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let path = percent_encoding::percent_decode_str(request.uri().path())
        .decode_utf8()
        .expect("utf-8 path");
    let to_sign = format!("{}\n{}\n{}", request.method(), path, joined.join("&"));
    assert_eq!(
        signature,
        hmac_sha256_hex(secret, &to_sign),
        "signature of {to_sign:?}"
    );
}

/// Lowercase hex HMAC-SHA256 of `message` under `secret`, with the `hmac` crate directly: never
/// through the library's signing, which the tests check against it.
pub(crate) fn hmac_sha256_hex(secret: &str, message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}
