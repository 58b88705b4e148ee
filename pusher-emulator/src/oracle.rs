//! The signature checks of the emulator, written from the protocol text alone: a REST request's
//! signature (PROTOCOL §2), a channel authorization (§6), a user authentication (§7), and the
//! signature of a webhook (§8).
//!
//! # Why this is not pusher-core's signing
//!
//! This module is an independent oracle. It deliberately does not call `pusher_core::signing` or
//! `pusher_core::auth`: it builds every string to sign itself and computes every digest with the
//! `hmac`, `sha2`, `md-5` and `hex` crates directly. If it used the library's own functions, a bug
//! in them (a wrong sort, a missing parameter, a digest in the wrong case) would be made the same
//! way by the signer and by the checker, and the checker would accept it. Kept apart, the
//! library's requests and auth strings are judged by a second reading of the protocol.
//!
//! The emulator checks everything it receives with it, and signs the webhooks it sends with it;
//! the adapter test server (`pusher-test-support`) checks every request an adapter sends with
//! it. The unit tests here, and `tests/oracle.rs` with the public test vectors, hold it to the
//! protocol.
//!
//! # What a REST request must carry
//!
//! [`check_request`] accepts a request when, in this order:
//!
//! 1. its query is valid percent-encoded UTF-8 and names no parameter twice (keys are compared
//!    lower-cased, as they are signed);
//! 2. `auth_key` is the app's key;
//! 3. `auth_version` is `1.0`;
//! 4. `auth_timestamp` is Unix seconds within [`TIMESTAMP_WINDOW_SECS`] of `now`;
//! 5. `body_md5`, required with a body, is the lowercase hex MD5 of the body (on an empty body it
//!    may be left out, or be the MD5 of the empty body, PROTOCOL §5);
//! 6. `auth_signature` is the lowercase hex HMAC-SHA256, under the app's secret, of
//!    `METHOD\nPATH\nQUERY`, where the query is every other parameter, keys lower-cased, sorted,
//!    joined `k=v` with `&` and not percent-encoded, and the path is percent-decoded (a signature
//!    over the path as sent is accepted too). It is compared in constant time.
//!
//! ```
//! use pusher_emulator::oracle::{App, RestRequest, Refusal, check_request};
//!
//! let app = App { key: "278d425bdf160c739803", secret: "7ad3773142a6692b25b8" };
//! let body = br#"{"name":"foo","channels":["project-3"],"data":"{\"some\":\"data\"}"}"#;
//! let query = "auth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=1.0\
//!              &body_md5=ec365a775a4cd0599faeb73354201b6f\
//!              &auth_signature=da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c";
//! let request = RestRequest { method: "POST", path: "/apps/3/events", query: Some(query), body };
//! assert!(check_request(app, &request, 1353088179).is_ok());
//!
//! let tampered = RestRequest { body: b"{}", ..request };
//! assert!(matches!(
//!     check_request(app, &tampered, 1353088179),
//!     Err(Refusal::BodyMd5Mismatch { .. })
//! ));
//! ```

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use md5::{Digest, Md5};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The only signing scheme accepted, as `auth_version`.
pub const AUTH_VERSION: &str = "1.0";

/// How far `auth_timestamp` may be from the server's clock, in seconds.
pub const TIMESTAMP_WINDOW_SECS: u64 = 600;

/// An app's credentials, as the checks know them. `Debug` shows the key, never the secret.
#[derive(Clone, Copy)]
pub struct App<'a> {
    /// The app key: `auth_key`, and the `KEY:` of an auth string.
    pub key: &'a str,
    /// The app secret, the HMAC key of every signature.
    pub secret: &'a str,
}

impl fmt::Debug for App<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("App")
            .field("key", &self.key)
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// A REST request as it arrived: what [`check_request`] judges.
#[derive(Debug, Clone, Copy)]
pub struct RestRequest<'a> {
    /// The method, as sent (`GET`, `POST`).
    pub method: &'a str,
    /// The path as sent, percent-encoded, starting with `/`.
    pub path: &'a str,
    /// The query as sent, percent-encoded, without the `?`.
    pub query: Option<&'a str>,
    /// The exact body bytes.
    pub body: &'a [u8],
}

/// Why a REST request is refused. [`Display`](fmt::Display) gives the text the emulator answers
/// with; [`is_bad_request`](Refusal::is_bad_request) says whether that is a 400 rather than a 401.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// The path is not valid percent-encoded UTF-8 (400).
    MalformedPath,
    /// The query is not valid percent-encoded UTF-8 (400).
    MalformedQuery,
    /// A query parameter is given twice, keys compared lower-cased (400).
    DuplicateParam {
        /// The parameter, lower-cased.
        key: String,
    },
    /// A parameter every request must carry is missing.
    MissingParam {
        /// `auth_key`, `auth_version`, `auth_timestamp` or `auth_signature`.
        name: &'static str,
    },
    /// `auth_key` is not the app's key.
    UnknownKey {
        /// The key given.
        given: String,
    },
    /// `auth_version` is not `1.0`.
    UnsupportedVersion {
        /// The version given.
        given: String,
    },
    /// `auth_timestamp` is not Unix seconds.
    InvalidTimestamp {
        /// The timestamp given.
        given: String,
    },
    /// `auth_timestamp` is more than [`TIMESTAMP_WINDOW_SECS`] from the server's clock.
    TimestampExpired {
        /// The timestamp given.
        given: u64,
        /// The server's clock.
        now: u64,
    },
    /// A request with a body carries no `body_md5`.
    MissingBodyMd5,
    /// `body_md5` is not the MD5 of the body.
    BodyMd5Mismatch {
        /// The `body_md5` given.
        given: String,
        /// The lowercase hex MD5 of the body received.
        actual: String,
        /// Whether the body received is empty.
        empty_body: bool,
    },
    /// `auth_signature` is not the HMAC of the string to sign under the app's secret.
    SignatureMismatch {
        /// The string the signature must cover (for the decoded path).
        string_to_sign: String,
        /// The signature given.
        given: String,
    },
}

impl Refusal {
    /// Whether the request is malformed (400) rather than unauthenticated (401).
    pub fn is_bad_request(&self) -> bool {
        matches!(
            self,
            Refusal::MalformedPath | Refusal::MalformedQuery | Refusal::DuplicateParam { .. }
        )
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::MalformedPath => f.write_str("The path is not valid percent-encoded UTF-8"),
            Refusal::MalformedQuery => f.write_str("The query is not valid percent-encoded UTF-8"),
            Refusal::DuplicateParam { key } => {
                write!(f, "Query parameter {key:?} is given more than once")
            }
            Refusal::MissingParam { name } => write!(f, "Missing {name} in the query"),
            Refusal::UnknownKey { given } => {
                write!(f, "Unknown auth_key {given:?}: not this app's key")
            }
            Refusal::UnsupportedVersion { given } => {
                write!(
                    f,
                    "Unsupported auth_version {given:?}: must be \"{AUTH_VERSION}\""
                )
            }
            Refusal::InvalidTimestamp { given } => {
                write!(f, "auth_timestamp {given:?} is not Unix seconds")
            }
            Refusal::TimestampExpired { given, now } => write!(
                f,
                "Timestamp expired: auth_timestamp {given} is not within {TIMESTAMP_WINDOW_SECS} s \
                 of the server's time {now}"
            ),
            Refusal::MissingBodyMd5 => f.write_str("Missing body_md5: required for a request with a body"),
            Refusal::BodyMd5Mismatch {
                given,
                actual,
                empty_body,
            } => {
                let which = if *empty_body { "empty body" } else { "body" };
                write!(f, "Invalid body_md5 {given:?}: the {which}'s MD5 is {actual:?}")
            }
            Refusal::SignatureMismatch {
                string_to_sign,
                given,
            } => write!(
                f,
                "Invalid signature: expected the lowercase hex HMAC-SHA256 of {string_to_sign:?} \
                 under the app's secret, got {given:?}"
            ),
        }
    }
}

impl std::error::Error for Refusal {}

/// Decodes a query as a server reads it: keys lower-cased, keys and values percent-decoded (`+`
/// is a space, as in forms), in the order sent. A key given twice is refused.
pub fn parse_query(query: Option<&str>) -> Result<Vec<(String, String)>, Refusal> {
    let decode = |s: &str| {
        let s = s.replace('+', " ");
        percent_encoding::percent_decode_str(&s)
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| Refusal::MalformedQuery)
    };
    let mut params: Vec<(String, String)> = Vec::new();
    for pair in query.unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(key)?.to_ascii_lowercase();
        if params.iter().any(|(k, _)| *k == key) {
            return Err(Refusal::DuplicateParam { key });
        }
        params.push((key, decode(value)?));
    }
    Ok(params)
}

/// Checks a REST request's credentials and signature (PROTOCOL §2) against `app`, at `now` (Unix
/// seconds). Returns the query as [`parse_query`] reads it, for the call to use.
pub fn check_request(
    app: App<'_>,
    request: &RestRequest<'_>,
    now: u64,
) -> Result<Vec<(String, String)>, Refusal> {
    let decoded_path = percent_encoding::percent_decode_str(request.path)
        .decode_utf8()
        .map_err(|_| Refusal::MalformedPath)?;
    let params = parse_query(request.query)?;
    check_params(app, request, &decoded_path, &params, now)?;
    Ok(params)
}

fn check_params(
    app: App<'_>,
    request: &RestRequest<'_>,
    decoded_path: &str,
    params: &[(String, String)],
    now: u64,
) -> Result<(), Refusal> {
    let get = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let require = |name: &'static str| get(name).ok_or(Refusal::MissingParam { name });
    let key = require("auth_key")?;
    if key != app.key {
        return Err(Refusal::UnknownKey {
            given: key.to_owned(),
        });
    }
    let version = require("auth_version")?;
    if version != AUTH_VERSION {
        return Err(Refusal::UnsupportedVersion {
            given: version.to_owned(),
        });
    }
    let timestamp = require("auth_timestamp")?;
    let timestamp: u64 = timestamp.parse().map_err(|_| Refusal::InvalidTimestamp {
        given: timestamp.to_owned(),
    })?;
    if timestamp.abs_diff(now) > TIMESTAMP_WINDOW_SECS {
        return Err(Refusal::TimestampExpired {
            given: timestamp,
            now,
        });
    }
    match get("body_md5") {
        None if !request.body.is_empty() => return Err(Refusal::MissingBodyMd5),
        None => {}
        Some(given) => {
            let actual = hex::encode(Md5::digest(request.body));
            if given != actual {
                return Err(Refusal::BodyMd5Mismatch {
                    given: given.to_owned(),
                    actual,
                    empty_body: request.body.is_empty(),
                });
            }
        }
    }
    let given = require("auth_signature")?;
    let mut signed: Vec<(&str, &str)> = params
        .iter()
        .filter(|(k, _)| k != "auth_signature")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    signed.sort_unstable();
    let signs = |path: &str| {
        let to_sign = rest_string_to_sign(request.method, path, &signed);
        same_hex(&hmac_sha256_hex(app.secret, to_sign.as_bytes()), given)
    };
    // The path is signed unencoded; a signature over the path as sent is accepted too.
    if signs(decoded_path) || (request.path != decoded_path && signs(request.path)) {
        return Ok(());
    }
    Err(Refusal::SignatureMismatch {
        string_to_sign: rest_string_to_sign(request.method, decoded_path, &signed),
        given: given.to_owned(),
    })
}

/// `METHOD\nPATH\nk=v&k=v` for parameters already lower-cased and sorted.
fn rest_string_to_sign(method: &str, path: &str, sorted: &[(&str, &str)]) -> String {
    let query: Vec<String> = sorted.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{method}\n{path}\n{}", query.join("&"))
}

/// Why a channel authorization or a user authentication is refused. [`Display`](fmt::Display)
/// gives the text the emulator sends back.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthRefusal {
    /// The auth string is not `KEY:SIGNATURE`.
    Malformed {
        /// The auth string given.
        auth: String,
    },
    /// The key of the auth string is not the app's key.
    UnknownKey {
        /// The key given.
        given: String,
    },
    /// The signature is not the HMAC of the string to sign under the app's secret.
    SignatureMismatch {
        /// The string the signature must cover.
        string_to_sign: String,
        /// The signature given.
        given: String,
    },
}

impl fmt::Display for AuthRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthRefusal::Malformed { auth } => {
                write!(f, "Invalid auth {auth:?}: expected KEY:SIGNATURE")
            }
            AuthRefusal::UnknownKey { given } => {
                write!(f, "Invalid key {given:?} in auth: not this app's key")
            }
            AuthRefusal::SignatureMismatch {
                string_to_sign,
                given,
            } => write!(
                f,
                "Invalid signature: expected the HMAC-SHA256 hex digest of {string_to_sign:?}, got \
                 {given:?}"
            ),
        }
    }
}

impl std::error::Error for AuthRefusal {}

/// Checks a channel authorization (PROTOCOL §6): `auth` must be `KEY:` and the lowercase hex
/// HMAC-SHA256 of `SOCKET_ID:CHANNEL`, or `SOCKET_ID:CHANNEL:CHANNEL_DATA` for a presence
/// channel.
pub fn check_channel_auth(
    app: App<'_>,
    socket_id: &str,
    channel: &str,
    channel_data: Option<&str>,
    auth: &str,
) -> Result<(), AuthRefusal> {
    let to_sign = match channel_data {
        Some(data) => format!("{socket_id}:{channel}:{data}"),
        None => format!("{socket_id}:{channel}"),
    };
    check_auth(app, &to_sign, auth)
}

/// Checks a user authentication (PROTOCOL §7): `auth` must be `KEY:` and the lowercase hex
/// HMAC-SHA256 of `SOCKET_ID::user::USER_DATA`.
pub fn check_user_auth(
    app: App<'_>,
    socket_id: &str,
    user_data: &str,
    auth: &str,
) -> Result<(), AuthRefusal> {
    check_auth(app, &format!("{socket_id}::user::{user_data}"), auth)
}

fn check_auth(app: App<'_>, to_sign: &str, auth: &str) -> Result<(), AuthRefusal> {
    let (key, signature) = auth.split_once(':').ok_or_else(|| AuthRefusal::Malformed {
        auth: auth.to_owned(),
    })?;
    if key != app.key {
        return Err(AuthRefusal::UnknownKey {
            given: key.to_owned(),
        });
    }
    if !same_hex(&hmac_sha256_hex(app.secret, to_sign.as_bytes()), signature) {
        return Err(AuthRefusal::SignatureMismatch {
            string_to_sign: to_sign.to_owned(),
            given: signature.to_owned(),
        });
    }
    Ok(())
}

/// The `X-Pusher-Signature` of a webhook (PROTOCOL §8): the lowercase hex HMAC-SHA256 of the raw
/// body under the app's secret.
pub fn webhook_signature(secret: &str, body: &[u8]) -> String {
    hmac_sha256_hex(secret, body)
}

/// Lowercase hex HMAC-SHA256 of `message` under `secret`.
fn hmac_sha256_hex(secret: &str, message: &[u8]) -> String {
    // HMAC takes a key of any length: a long one is hashed, a short one padded (RFC 2104), so
    // this never fails; an empty MAC would only make every check refuse.
    match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(message);
            hex::encode(mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    }
}

/// Whether `given` is exactly `expected`, compared in constant time so that the time a refusal
/// takes says nothing about how much of a signature was right. `expected` is never empty.
fn same_hex(expected: &str, given: &str) -> bool {
    !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

    use super::*;

    const APP: App<'static> = App {
        key: "the-key",
        secret: "the-secret",
    };
    const NOW: u64 = 1_700_000_000;

    /// A request signed by hand, step by step from PROTOCOL §2: `params` are the call's own.
    fn sign(method: &str, path: &str, params: &[(&str, &str)], body: &[u8], timestamp: u64) -> String {
        let timestamp = timestamp.to_string();
        let md5 = hex::encode(Md5::digest(body));
        let mut all: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), (*v).to_owned()))
            .collect();
        all.push(("auth_key".into(), APP.key.into()));
        all.push(("auth_timestamp".into(), timestamp));
        all.push(("auth_version".into(), "1.0".into()));
        if !body.is_empty() {
            all.push(("body_md5".into(), md5));
        }
        all.sort();
        let query: Vec<String> = all.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut mac = Hmac::<Sha256>::new_from_slice(APP.secret.as_bytes()).unwrap();
        mac.update(format!("{method}\n{path}\n{}", query.join("&")).as_bytes());
        let signature = hex::encode(mac.finalize().into_bytes());
        let encoded: Vec<String> = all
            .iter()
            .map(|(k, v)| format!("{k}={}", v.replace(',', "%2C").replace('#', "%23")))
            .collect();
        format!("{}&auth_signature={signature}", encoded.join("&"))
    }

    fn check(method: &str, path: &str, query: &str, body: &[u8]) -> Result<Vec<(String, String)>, Refusal> {
        let request = RestRequest {
            method,
            path,
            query: Some(query),
            body,
        };
        check_request(APP, &request, NOW)
    }

    /// `query` with `key`'s value replaced, or with `key=value` added when it is absent.
    fn with(query: &str, key: &str, value: &str) -> String {
        let mut found = false;
        let mut pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if k == key => {
                    found = true;
                    format!("{k}={value}")
                }
                _ => pair.to_owned(),
            })
            .collect();
        if !found {
            pairs.push(format!("{key}={value}"));
        }
        pairs.join("&")
    }

    fn without(query: &str, key: &str) -> String {
        query
            .split('&')
            .filter(|pair| pair.split_once('=').map(|(k, _)| k) != Some(key))
            .collect::<Vec<_>>()
            .join("&")
    }

    #[test]
    fn a_well_signed_request_is_accepted_and_its_query_returned() {
        let body = br#"{"name":"e","channels":["a"],"data":"{}"}"#;
        let query = sign("POST", "/apps/1/events", &[], body, NOW);
        let params = check("POST", "/apps/1/events", &query, body).unwrap();
        assert_eq!(params.len(), 5, "{params:?}");
        let query = sign(
            "GET",
            "/apps/1/channels",
            &[
                ("filter_by_prefix", "#a b"),
                ("info", "user_count,subscription_count"),
            ],
            b"",
            NOW,
        );
        let params = check("GET", "/apps/1/channels", &query, b"").unwrap();
        assert!(
            params.contains(&("filter_by_prefix".into(), "#a b".into())),
            "{params:?}"
        );
        // The order on the wire does not matter: the signed query is sorted.
        let reversed: Vec<&str> = query.split('&').rev().collect();
        let reversed = reversed.join("&");
        assert!(reversed.starts_with("auth_signature="), "{reversed}");
        assert_eq!(
            check("GET", "/apps/1/channels", &reversed, b"").map(|p| p.len()),
            Ok(6)
        );
        assert!(
            params.contains(&("info".into(), "user_count,subscription_count".into())),
            "{params:?}"
        );
    }

    #[test]
    fn a_wrong_signature_is_refused() {
        let query = sign("GET", "/apps/1/channels", &[], b"", NOW);
        let Err(Refusal::SignatureMismatch {
            string_to_sign,
            given,
        }) = check(
            "GET",
            "/apps/1/channels",
            &with(&query, "auth_signature", &"0".repeat(64)),
            b"",
        )
        else {
            panic!("a zero signature must be refused as a mismatch");
        };
        assert_eq!(given, "0".repeat(64));
        assert_eq!(
            string_to_sign,
            format!("GET\n/apps/1/channels\nauth_key=the-key&auth_timestamp={NOW}&auth_version=1.0")
        );
        let right = query.rsplit_once('=').unwrap().1;
        for wrong in [
            right.to_uppercase(),
            right[..63].to_owned(),
            format!("{right}0"),
            String::new(),
        ] {
            let tampered = with(&query, "auth_signature", &wrong);
            assert!(
                matches!(
                    check("GET", "/apps/1/channels", &tampered, b""),
                    Err(Refusal::SignatureMismatch { .. })
                ),
                "{wrong:?}"
            );
        }
        // Right for another method, path or secret.
        for (method, path) in [("POST", "/apps/1/channels"), ("GET", "/apps/2/channels")] {
            assert!(matches!(
                check(method, path, &query, b""),
                Err(Refusal::SignatureMismatch { .. })
            ));
        }
        let other = App {
            secret: "another-secret",
            ..APP
        };
        let request = RestRequest {
            method: "GET",
            path: "/apps/1/channels",
            query: Some(&query),
            body: b"",
        };
        assert!(check_request(APP, &request, NOW).is_ok());
        assert!(matches!(
            check_request(other, &request, NOW),
            Err(Refusal::SignatureMismatch { .. })
        ));
        // A parameter added or changed after signing.
        let added = format!("{query}&info=user_count");
        assert!(matches!(
            check("GET", "/apps/1/channels", &added, b""),
            Err(Refusal::SignatureMismatch { .. })
        ));
    }

    #[test]
    fn every_auth_parameter_is_required_and_given_once() {
        let body = b"{}";
        let query = sign("POST", "/apps/1/events", &[], body, NOW);
        for name in ["auth_key", "auth_version", "auth_timestamp", "auth_signature"] {
            assert_eq!(
                check("POST", "/apps/1/events", &without(&query, name), body),
                Err(Refusal::MissingParam { name }),
                "{name}"
            );
        }
        for name in ["auth_key", "auth_signature", "body_md5"] {
            let twice = format!("{query}&{name}=x");
            assert_eq!(
                check("POST", "/apps/1/events", &twice, body),
                Err(Refusal::DuplicateParam { key: name.to_owned() }),
                "{name}"
            );
        }
        // Keys are compared lower-cased: AUTH_KEY is auth_key given again.
        let twice = format!("{query}&AUTH_KEY=the-key");
        assert_eq!(
            check("POST", "/apps/1/events", &twice, body),
            Err(Refusal::DuplicateParam {
                key: "auth_key".to_owned()
            })
        );
    }

    #[test]
    fn the_key_and_version_must_be_the_apps_and_1_0() {
        let query = sign("GET", "/apps/1/channels", &[], b"", NOW);
        assert_eq!(
            check(
                "GET",
                "/apps/1/channels",
                &with(&query, "auth_key", "other-key"),
                b""
            ),
            Err(Refusal::UnknownKey {
                given: "other-key".to_owned()
            })
        );
        for version in ["2.0", "1", "1.0 ", ""] {
            let tampered = with(&query, "auth_version", &version.replace(' ', "+"));
            assert_eq!(
                check("GET", "/apps/1/channels", &tampered, b""),
                Err(Refusal::UnsupportedVersion {
                    given: version.to_owned()
                }),
                "{version:?}"
            );
        }
    }

    #[test]
    fn the_timestamp_must_be_within_the_window() {
        for (offset, accepted) in [(-600i64, true), (600, true), (-601, false), (601, false)] {
            let timestamp = NOW.checked_add_signed(offset).unwrap();
            let query = sign("GET", "/apps/1/channels", &[], b"", timestamp);
            let result = check("GET", "/apps/1/channels", &query, b"");
            if accepted {
                assert!(result.is_ok(), "{offset}: {result:?}");
            } else {
                assert_eq!(
                    result,
                    Err(Refusal::TimestampExpired {
                        given: timestamp,
                        now: NOW
                    }),
                    "{offset}"
                );
            }
        }
        let query = sign("GET", "/apps/1/channels", &[], b"", NOW);
        assert_eq!(
            check(
                "GET",
                "/apps/1/channels",
                &with(&query, "auth_timestamp", "-5"),
                b""
            ),
            Err(Refusal::InvalidTimestamp {
                given: "-5".to_owned()
            })
        );
    }

    #[test]
    fn body_md5_must_be_the_bodys() {
        let body = b"{\"a\":1}";
        let query = sign("POST", "/apps/1/events", &[], body, NOW);
        assert_eq!(
            check("POST", "/apps/1/events", &query, b"{\"a\":2}"),
            Err(Refusal::BodyMd5Mismatch {
                given: hex::encode(Md5::digest(body)),
                actual: hex::encode(Md5::digest(b"{\"a\":2}")),
                empty_body: false,
            })
        );
        // Left out with a body, even under a signature that covers its absence.
        let unsigned_md5 = sign("POST", "/apps/1/events", &[], b"", NOW);
        assert_eq!(
            check("POST", "/apps/1/events", &unsigned_md5, body),
            Err(Refusal::MissingBodyMd5)
        );
        // On an empty body: optional, and then the MD5 of the empty body, signed.
        let empty_md5 = "d41d8cd98f00b204e9800998ecf8427e";
        let query = sign("GET", "/apps/1/channels", &[("body_md5", empty_md5)], b"", NOW);
        assert!(check("GET", "/apps/1/channels", &query, b"").is_ok());
        let query = sign("GET", "/apps/1/channels", &[("body_md5", "abc")], b"", NOW);
        let refusal = check("GET", "/apps/1/channels", &query, b"").unwrap_err();
        assert_eq!(
            refusal,
            Refusal::BodyMd5Mismatch {
                given: "abc".to_owned(),
                actual: empty_md5.to_owned(),
                empty_body: true,
            }
        );
        assert_eq!(
            refusal.to_string(),
            format!("Invalid body_md5 \"abc\": the empty body's MD5 is \"{empty_md5}\"")
        );
    }

    #[test]
    fn keys_are_signed_lower_cased() {
        // A key sent in upper case is read, and signed, lower-cased...
        let query = sign("GET", "/apps/1/channels", &[("info", "user_count")], b"", NOW);
        let upper = query.replace("info=", "INFO=");
        let params = check("GET", "/apps/1/channels", &upper, b"").unwrap();
        assert!(
            params.contains(&("info".into(), "user_count".into())),
            "{params:?}"
        );
        // ...so a signature over the key as sent, not lower-cased, is refused.
        let timestamp = NOW.to_string();
        let to_sign = format!(
            "GET\n/apps/1/channels\nINFO=user_count&auth_key=the-key&auth_timestamp={timestamp}\
             &auth_version=1.0"
        );
        let signature = hmac_sha256_hex(APP.secret, to_sign.as_bytes());
        let query = format!(
            "INFO=user_count&auth_key=the-key&auth_timestamp={timestamp}&auth_version=1.0\
             &auth_signature={signature}"
        );
        assert!(matches!(
            check("GET", "/apps/1/channels", &query, b""),
            Err(Refusal::SignatureMismatch { .. })
        ));
    }

    #[test]
    fn the_path_is_signed_decoded_or_as_sent() {
        let query = sign("GET", "/apps/1/channels/#a", &[], b"", NOW);
        assert!(check("GET", "/apps/1/channels/%23a", &query, b"").is_ok());
        let query = sign("GET", "/apps/1/channels/%23a", &[], b"", NOW);
        assert!(check("GET", "/apps/1/channels/%23a", &query, b"").is_ok());
        assert_eq!(
            check("GET", "/apps/1/channels/%FF", &query, b""),
            Err(Refusal::MalformedPath)
        );
    }

    #[test]
    fn queries_are_decoded_and_refused_when_malformed() {
        let q = parse_query(Some(
            "Info=user_count%2Csubscription_count&filter_by_prefix=%23a+b&x",
        ))
        .unwrap();
        assert_eq!(
            q,
            vec![
                ("info".to_owned(), "user_count,subscription_count".to_owned()),
                ("filter_by_prefix".to_owned(), "#a b".to_owned()),
                ("x".to_owned(), String::new()),
            ]
        );
        assert_eq!(
            parse_query(Some("a=1&A=2")),
            Err(Refusal::DuplicateParam { key: "a".to_owned() })
        );
        assert_eq!(parse_query(Some("a=%FF")), Err(Refusal::MalformedQuery));
        assert_eq!(parse_query(None), Ok(Vec::new()));
        assert!(Refusal::MalformedQuery.is_bad_request());
        assert!(!Refusal::MissingBodyMd5.is_bad_request());
    }

    #[test]
    fn channel_and_user_auth() {
        let sign = |to_sign: &str| format!("the-key:{}", hmac_sha256_hex(APP.secret, to_sign.as_bytes()));
        let private = sign("1.2:private-a");
        assert_eq!(
            check_channel_auth(APP, "1.2", "private-a", None, &private),
            Ok(())
        );
        let data = r#"{"user_id":"u"}"#;
        let presence = sign(&format!("1.2:presence-a:{data}"));
        assert_eq!(
            check_channel_auth(APP, "1.2", "presence-a", Some(data), &presence),
            Ok(())
        );
        let user = sign(&format!("1.2::user::{data}"));
        assert_eq!(check_user_auth(APP, "1.2", data, &user), Ok(()));

        // Signed for another socket, channel, data, or as the other kind of auth.
        for refused in [
            check_channel_auth(APP, "1.3", "private-a", None, &private),
            check_channel_auth(APP, "1.2", "private-b", None, &private),
            check_channel_auth(APP, "1.2", "presence-a", Some("{}"), &presence),
            check_channel_auth(APP, "1.2", "presence-a", None, &presence),
            check_user_auth(APP, "1.2", data, &presence),
            check_user_auth(
                APP,
                "1.2",
                data,
                &user.to_uppercase().replace("THE-KEY", "the-key"),
            ),
        ] {
            assert!(
                matches!(refused, Err(AuthRefusal::SignatureMismatch { .. })),
                "{refused:?}"
            );
        }
        assert_eq!(
            check_channel_auth(
                APP,
                "1.2",
                "private-a",
                None,
                &private.replace("the-key", "other")
            ),
            Err(AuthRefusal::UnknownKey {
                given: "other".to_owned()
            })
        );
        assert_eq!(
            check_channel_auth(APP, "1.2", "private-a", None, "no-colon"),
            Err(AuthRefusal::Malformed {
                auth: "no-colon".to_owned()
            })
        );
        let other = App {
            secret: "another",
            ..APP
        };
        assert!(matches!(
            check_channel_auth(other, "1.2", "private-a", None, &private),
            Err(AuthRefusal::SignatureMismatch { .. })
        ));
    }

    #[test]
    fn the_secret_never_shows() {
        assert_eq!(
            format!("{APP:?}"),
            "App { key: \"the-key\", secret: \"[redacted]\" }"
        );
    }
}
