//! Request signing, auth_version 1.0 (PROTOCOL §2): a pure function of its inputs.
//!
//! Every intermediate step is public so it can be checked on its own:
//!
//! ```
//! use pusher_core::signing::{sign_request, SigningInput};
//!
//! let signed = sign_request("278d425bdf160c739803", "7ad3773142a6692b25b8", &SigningInput {
//!     method: "POST",
//!     path: "/apps/3/events",
//!     params: &[],
//!     body: br#"{"name":"foo","channels":["project-3"],"data":"{\"some\":\"data\"}"}"#,
//!     timestamp: 1353088179,
//! });
//! assert_eq!(signed.body_md5(), Some("ec365a775a4cd0599faeb73354201b6f"));
//! assert_eq!(signed.signature(), "da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c");
//! ```

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use hmac::{Hmac, KeyInit, Mac};
use md5::{Digest, Md5};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::Sha256;

/// The signing scheme's version, sent as `auth_version`.
pub const AUTH_VERSION: &str = "1.0";

/// Bytes left as they are in a URL query: the unreserved set of RFC 3986.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// What a request signature covers.
#[derive(Debug, Clone, Copy)]
pub struct SigningInput<'a> {
    /// The HTTP method (upper-cased when signed).
    pub method: &'a str,
    /// The path, including `/apps/{app_id}`, unencoded.
    pub path: &'a str,
    /// The call's own query parameters (without any `auth_` parameter), unencoded.
    pub params: &'a [(&'a str, &'a str)],
    /// The exact body bytes (empty for GET).
    pub body: &'a [u8],
    /// Unix seconds, sent as `auth_timestamp`.
    pub timestamp: u64,
}

/// A signed query: the parameters, the string that was signed and the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedQuery {
    params: Vec<(String, String)>,
    body_md5: Option<String>,
    string_to_sign: String,
    signature: String,
}

impl SignedQuery {
    /// Every parameter except `auth_signature`: keys lower-cased, sorted by key.
    pub fn params(&self) -> &[(String, String)] {
        &self.params
    }

    /// The `body_md5` parameter, present only for a non-empty body.
    pub fn body_md5(&self) -> Option<&str> {
        self.body_md5.as_deref()
    }

    /// `METHOD\npath\nquery`, the exact string the HMAC covers.
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }

    /// `auth_signature`: lowercase hex HMAC-SHA256 of the string to sign.
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// The query for the URL: every parameter then `auth_signature`, values percent-encoded.
    pub fn to_query_string(&self) -> String {
        let mut query = String::with_capacity(self.string_to_sign.len() + 96);
        let params = self.params.iter().map(|(k, v)| (k.as_str(), v.as_str()));
        push_query(&mut query, params, &self.signature);
        query
    }
}

/// Appends `k=v&...&auth_signature=...` to `query`, values percent-encoded (PROTOCOL §2.4).
fn push_query<'a>(query: &mut String, params: impl Iterator<Item = (&'a str, &'a str)>, signature: &'a str) {
    for (i, (key, value)) in params.chain([("auth_signature", signature)]).enumerate() {
        if i > 0 {
            query.push('&');
        }
        query.extend(utf8_percent_encode(key, QUERY_VALUE));
        query.push('=');
        query.extend(utf8_percent_encode(value, QUERY_VALUE));
    }
}

/// Lowercase hex MD5 of `body`.
pub fn body_md5(body: &[u8]) -> String {
    hex::encode(Md5::digest(body))
}

/// Lowercase hex HMAC-SHA256 of `message` under `secret`.
pub fn hmac_sha256_hex(secret: &[u8], message: &[u8]) -> String {
    hex::encode(hmac_sha256(secret, message))
}

/// HMAC-SHA256 of `message` under `secret`.
pub(crate) fn hmac_sha256(secret: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = hmac(secret);
    mac.update(message);
    mac.finalize().into_bytes().into()
}

fn hmac(secret: &[u8]) -> Hmac<Sha256> {
    #[allow(clippy::expect_used)]
    Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length") // invariant
}

/// Where the string to sign is written: a `String` to show it, or the HMAC to sign it without
/// ever holding it.
trait Sink {
    fn put(&mut self, piece: &str);
}

impl Sink for String {
    fn put(&mut self, piece: &str) {
        self.push_str(piece);
    }
}

impl Sink for Hmac<Sha256> {
    fn put(&mut self, piece: &str) {
        self.update(piece.as_bytes());
    }
}

/// Writes `METHOD\npath\nk=v&k=v` (PROTOCOL §2.2) to `sink`, the path given in pieces.
fn write_string_to_sign<'a>(
    sink: &mut impl Sink,
    method: &str,
    path: &[&str],
    params: impl Iterator<Item = (&'a str, &'a str)>,
) {
    if method.bytes().any(|b| b.is_ascii_lowercase()) {
        sink.put(&method.to_ascii_uppercase());
    } else {
        sink.put(method);
    }
    sink.put("\n");
    for piece in path {
        sink.put(piece);
    }
    sink.put("\n");
    for (i, (key, value)) in params.enumerate() {
        if i > 0 {
            sink.put("&");
        }
        sink.put(key);
        sink.put("=");
        sink.put(value);
    }
}

/// `METHOD\npath\nquery` for parameters already lower-cased and sorted.
pub fn string_to_sign(method: &str, path: &str, sorted_params: &[(String, String)]) -> String {
    let mut s = String::with_capacity(method.len() + path.len() + 2 + sorted_params.len() * 24);
    let params = sorted_params.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    write_string_to_sign(&mut s, method, &[path], params);
    s
}

/// A short string kept on the stack: a timestamp's digits, or a digest in hex.
struct Ascii<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> Ascii<N> {
    fn empty() -> Self {
        Self {
            bytes: [0; N],
            len: 0,
        }
    }

    fn as_str(&self) -> &str {
        // Invariant: `bytes[..len]` only ever holds whole `&str`s (see `write_str`) and hex digits.
        #[allow(clippy::expect_used)]
        std::str::from_utf8(&self.bytes[..self.len]).expect("whole strings make UTF-8")
    }
}

impl<const N: usize> fmt::Write for Ascii<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let room = self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?;
        room.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// `n` in decimal: `u64::MAX` has 20 digits, so it always fits.
fn decimal(n: u64) -> Ascii<20> {
    let mut digits = Ascii::empty();
    let _ = write!(digits, "{n}");
    digits
}

/// `digest` in lowercase hex, `N` being twice the digest's length (else the string is empty).
fn lower_hex<const N: usize>(digest: &[u8]) -> Ascii<N> {
    let mut hex = Ascii::empty();
    if hex::encode_to_slice(digest, &mut hex.bytes).is_ok() {
        hex.len = N;
    }
    hex
}

/// A request's parameters as they are signed: the call's own, keys lower-cased and sorted by key
/// then value, and the ones the signature adds (PROTOCOL §2.1, §2.2).
struct Params<'a> {
    own: Vec<(Cow<'a, str>, &'a str)>,
    key: &'a str,
    timestamp: Ascii<20>,
    body_md5: Option<Ascii<32>>,
}

impl<'a> Params<'a> {
    fn new(key: &'a str, own: &[(&'a str, &'a str)], body: &[u8], timestamp: u64) -> Self {
        let mut own: Vec<(Cow<'a, str>, &'a str)> = own
            .iter()
            .map(|&(key, value)| {
                let key = if key.bytes().any(|b| b.is_ascii_uppercase()) {
                    Cow::Owned(key.to_ascii_lowercase())
                } else {
                    Cow::Borrowed(key)
                };
                (key, value)
            })
            .collect();
        own.sort();
        Self {
            own,
            key,
            timestamp: decimal(timestamp),
            body_md5: (!body.is_empty()).then(|| lower_hex(&Md5::digest(body))),
        }
    }

    /// Every parameter but `auth_signature`, in signing order: the call's own merged with the
    /// added ones, which are in order already.
    fn sorted(&self) -> impl Iterator<Item = (&str, &str)> + Clone {
        let added = [
            ("auth_key", self.key),
            ("auth_timestamp", self.timestamp.as_str()),
            ("auth_version", AUTH_VERSION),
            ("body_md5", self.body_md5.as_ref().map_or("", Ascii::as_str)),
        ];
        let added_len = if self.body_md5.is_some() { 4 } else { 3 };
        let mut added = added.into_iter().take(added_len).peekable();
        let mut own = self.own.iter().map(|(k, v)| (k.as_ref(), *v)).peekable();
        std::iter::from_fn(move || match (own.peek(), added.peek()) {
            (Some(o), Some(a)) if a < o => added.next(),
            (Some(_), _) => own.next(),
            (None, _) => added.next(),
        })
    }
}

/// Signs a request: adds `auth_key`, `auth_timestamp`, `auth_version` and (for a non-empty body)
/// `body_md5`, sorts by lower-cased key and computes `auth_signature`.
pub fn sign_request(key: &str, secret: &str, input: &SigningInput<'_>) -> SignedQuery {
    let signed = Params::new(key, input.params, input.body, input.timestamp);
    let params: Vec<(String, String)> = signed
        .sorted()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let string_to_sign = string_to_sign(input.method, input.path, &params);
    let signature = hmac_sha256_hex(secret.as_bytes(), string_to_sign.as_bytes());
    SignedQuery {
        params,
        body_md5: signed.body_md5.as_ref().map(|md5| md5.as_str().to_owned()),
        string_to_sign,
        signature,
    }
}

/// What [`push_signed_query`] signs: a [`SigningInput`] whose path comes in pieces, written one
/// after the other, so that it need not be assembled first.
pub(crate) struct PathPieces<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a [&'a str],
    pub(crate) params: &'a [(&'a str, &'a str)],
    pub(crate) body: &'a [u8],
    pub(crate) timestamp: u64,
}

/// Signs a request as [`sign_request`] does and appends its query to `query`: every parameter,
/// values percent-encoded, then `auth_signature`. Nothing else is kept: the string to sign goes
/// straight into the HMAC.
pub(crate) fn push_signed_query(query: &mut String, key: &str, secret: &str, input: &PathPieces<'_>) {
    let params = Params::new(key, input.params, input.body, input.timestamp);
    let mut mac = hmac(secret.as_bytes());
    write_string_to_sign(&mut mac, input.method, input.path, params.sorted());
    let signature: Ascii<64> = lower_hex(&mac.finalize().into_bytes());
    push_query(query, params.sorted(), signature.as_str());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_percent_encoded_but_signed_raw() {
        let signed = sign_request(
            "k",
            "s",
            &SigningInput {
                method: "get",
                path: "/apps/1/channels",
                params: &[
                    ("Info", "user_count,subscription_count"),
                    ("filter_by_prefix", "#a b"),
                ],
                body: b"",
                timestamp: 5,
            },
        );
        assert_eq!(
            signed.string_to_sign(),
            "GET\n/apps/1/channels\nauth_key=k&auth_timestamp=5&auth_version=1.0&filter_by_prefix=#a b\
             &info=user_count,subscription_count"
        );
        let query = signed.to_query_string();
        assert!(query.contains("filter_by_prefix=%23a%20b"), "{query}");
        assert!(query.contains("info=user_count%2Csubscription_count"), "{query}");
        assert!(
            query.ends_with(&format!("&auth_signature={}", signed.signature())),
            "{query}"
        );
        assert_eq!(signed.body_md5(), None);
        assert!(!query.contains("body_md5"));
    }

    #[test]
    fn body_md5_only_for_a_non_empty_body() {
        let input = |body: &'static [u8]| SigningInput {
            method: "POST",
            path: "/p",
            params: &[],
            body,
            timestamp: 1,
        };
        assert_eq!(sign_request("k", "s", &input(b"")).body_md5(), None);
        let signed = sign_request("k", "s", &input(b"{}"));
        assert_eq!(signed.body_md5(), Some("99914b932bd37a50b983c5e7c90ae93b"));
        assert!(
            signed
                .string_to_sign()
                .ends_with("&body_md5=99914b932bd37a50b983c5e7c90ae93b")
        );
    }
}
