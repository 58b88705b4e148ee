//! Helpers shared by the integration tests: each checks what the library made with the crypto
//! crates directly, never through the library's own signing or encryption.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failure
#![allow(dead_code)] // each test file uses some of them

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use crypto_secretbox::aead::{Aead, KeyInit as _};
use crypto_secretbox::{Nonce, XSalsa20Poly1305};
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

/// Opens the envelope `{"nonce", "ciphertext"}` of an encrypted channel's data as PROTOCOL §9
/// says: the key is SHA-256 of the channel name then the master key, the box XSalsa20-Poly1305.
/// Returns the plaintext as text.
pub(crate) fn open_envelope(channel: &str, master_key: &[u8; 32], envelope: &str) -> String {
    let key: [u8; 32] = Sha256::new()
        .chain_update(channel.as_bytes())
        .chain_update(master_key)
        .finalize()
        .into();
    let envelope: serde_json::Value = serde_json::from_str(envelope).expect("the envelope is JSON");
    let field = |name: &str| {
        BASE64
            .decode(envelope[name].as_str().expect("a string field"))
            .expect("base64")
    };
    let nonce = field("nonce");
    assert_eq!(nonce.len(), 24, "the nonce of {envelope}");
    let plaintext = XSalsa20Poly1305::new(&key.into())
        .decrypt(Nonce::from_slice(&nonce), field("ciphertext").as_slice())
        .expect("the envelope opens with the channel's key");
    String::from_utf8(plaintext).expect("UTF-8 plaintext")
}

/// Lowercase hex HMAC-SHA256 of `message` under `secret`, with the `hmac` crate directly: never
/// through the library's signing, which the tests check against it.
pub(crate) fn hmac_sha256_hex(secret: &str, message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}
