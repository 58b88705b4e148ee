//! What the fuzz targets in `fuzz_targets/` share: the app they sign for, the fixed time and
//! nonce they build requests with, and a check of a signed request made the way a server makes
//! it, from the URI on the wire.
//!
//! The check does not use `pusher_core::signing`, so that a request the core builds is checked by
//! code that does not share its assumptions: the shape of the query is checked here, and the
//! signature and `body_md5` by `pusher_emulator::oracle`, the emulator's checker written from
//! PROTOCOL §2 on the crypto crates directly.

use std::collections::BTreeMap;

use percent_encoding::percent_decode_str;
use pusher_core::{Config, MasterKey, NONCE_LEN, RandomError};
use pusher_emulator::oracle;

/// The app id the targets sign for.
pub const APP_ID: &str = "4242";

/// The app key the targets sign with.
pub const KEY: &str = "fuzz-key";

/// The app secret the targets sign with.
pub const SECRET: &str = "fuzz-secret";

/// The encryption master key the targets configure, as raw bytes.
pub const MASTER_KEY: [u8; 32] = *b"fuzz-master-key-of-32-bytes-long";

/// The `auth_timestamp` of every request the targets build.
pub const TIMESTAMP: u64 = 1_700_000_000;

/// The nonce every encryption of the targets uses: fixed, so that a failing input replays.
pub const NONCE: [u8; NONCE_LEN] = [7; NONCE_LEN];

/// The nonce source that always answers [`NONCE`].
pub fn fixed_nonce() -> Result<[u8; NONCE_LEN], RandomError> {
    Ok(NONCE)
}

/// [`MASTER_KEY`] as the core takes it.
pub fn master_key() -> MasterKey {
    MasterKey::from_bytes(&MASTER_KEY).expect("MASTER_KEY is 32 bytes")
}

/// The configuration of [`APP_ID`], [`KEY`] and [`SECRET`] on the default host, with or without
/// [`MASTER_KEY`].
pub fn config(with_master_key: bool) -> Config {
    let builder = Config::builder(APP_ID, KEY, SECRET);
    let builder = if with_master_key {
        builder.encryption_master_key(master_key())
    } else {
        builder
    };
    builder.build().expect("the fixed configuration is valid")
}

/// What a server reads from a signed request: the decoded path and the call's own parameters
/// (every `auth_*` and `body_md5` parameter checked and removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The percent-decoded path.
    pub path: String,
    /// The call's parameters, percent-decoded, by key.
    pub params: BTreeMap<String, String>,
}

/// Checks `request` as a server does (PROTOCOL §2), and panics saying what is wrong.
///
/// The URI must print and parse back to itself; the query must carry `auth_key` = `key`,
/// `auth_timestamp` = `timestamp`, `auth_version` = `1.0`, `body_md5` exactly when the body is not
/// empty, each key once, keys in lower case; and the emulator's oracle must accept it, at
/// `timestamp`, for `key` and `secret`: `auth_signature` the HMAC-SHA256 under `secret` of
/// `METHOD\npath\nquery`, with the path and the query decoded and the query sorted by key, and
/// `body_md5` the body's.
pub fn check_signed(request: &http::Request<Vec<u8>>, key: &str, secret: &str, timestamp: u64) -> Received {
    let uri = request.uri();
    let printed = uri.to_string();
    let reparsed: http::Uri = printed
        .parse()
        .unwrap_or_else(|e| panic!("the request URI {printed:?} does not parse back: {e}"));
    assert_eq!(&reparsed, uri, "the request URI changes when printed and parsed");

    let path = decode(uri.path());
    let query = uri
        .query()
        .unwrap_or_else(|| panic!("the request URI {printed:?} has no query"));
    let mut params = BTreeMap::new();
    for pair in query.split('&') {
        let (name, value) = pair
            .split_once('=')
            .unwrap_or_else(|| panic!("query pair {pair:?} has no '='"));
        let (name, value) = (decode(name), decode(value));
        assert_eq!(
            name,
            name.to_ascii_lowercase(),
            "query key {name:?} is not lower case"
        );
        if let Some(previous) = params.insert(name.clone(), value) {
            panic!("query key {name:?} appears twice (first value {previous:?})");
        }
    }

    let checked = oracle::RestRequest {
        method: request.method().as_str(),
        path: uri.path(),
        query: Some(query),
        body: request.body(),
    };
    if let Err(refusal) = oracle::check_request(oracle::App { key, secret }, &checked, timestamp) {
        panic!("the emulator's oracle refuses {printed:?}: {refusal}");
    }
    assert!(
        params.remove("auth_signature").is_some(),
        "the query {query:?} carries no auth_signature"
    );

    assert_eq!(params.remove("auth_key").as_deref(), Some(key), "auth_key");
    assert_eq!(
        params.remove("auth_timestamp"),
        Some(timestamp.to_string()),
        "auth_timestamp"
    );
    assert_eq!(
        params.remove("auth_version").as_deref(),
        Some("1.0"),
        "auth_version"
    );
    // Its value is the oracle's to check: here, that it comes exactly with a body.
    assert_eq!(
        params.remove("body_md5").is_some(),
        !request.body().is_empty(),
        "body_md5 comes exactly with a body"
    );
    Received { path, params }
}

/// Percent-decodes a part of a URI the core built; it must decode to UTF-8.
fn decode(encoded: &str) -> String {
    percent_decode_str(encoded)
        .decode_utf8()
        .unwrap_or_else(|e| panic!("{encoded:?} does not percent-decode to UTF-8: {e}"))
        .into_owned()
}
