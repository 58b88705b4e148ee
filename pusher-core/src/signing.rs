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
        for (key, value) in &self.params {
            push_pair(&mut query, key, value);
        }
        push_pair(&mut query, "auth_signature", &self.signature);
        query
    }
}

fn push_pair(query: &mut String, key: &str, value: &str) {
    if !query.is_empty() {
        query.push('&');
    }
    query.extend(utf8_percent_encode(key, QUERY_VALUE));
    query.push('=');
    query.extend(utf8_percent_encode(value, QUERY_VALUE));
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
    #[allow(clippy::expect_used)]
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length"); // invariant

    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// `METHOD\npath\nquery` for parameters already lower-cased and sorted.
pub fn string_to_sign(method: &str, path: &str, sorted_params: &[(String, String)]) -> String {
    let mut s = String::with_capacity(method.len() + path.len() + 2 + sorted_params.len() * 24);
    s.push_str(&method.to_ascii_uppercase());
    s.push('\n');
    s.push_str(path);
    s.push('\n');
    for (i, (key, value)) in sorted_params.iter().enumerate() {
        if i > 0 {
            s.push('&');
        }
        s.push_str(key);
        s.push('=');
        s.push_str(value);
    }
    s
}

/// Signs a request: adds `auth_key`, `auth_timestamp`, `auth_version` and (for a non-empty body)
/// `body_md5`, sorts by lower-cased key and computes `auth_signature`.
pub fn sign_request(key: &str, secret: &str, input: &SigningInput<'_>) -> SignedQuery {
    let body_md5 = (!input.body.is_empty()).then(|| body_md5(input.body));
    let mut params: Vec<(String, String)> = Vec::with_capacity(input.params.len() + 4);
    params.extend(
        input
            .params
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), (*v).to_owned())),
    );
    params.push(("auth_key".to_owned(), key.to_owned()));
    params.push(("auth_timestamp".to_owned(), input.timestamp.to_string()));
    params.push(("auth_version".to_owned(), AUTH_VERSION.to_owned()));
    if let Some(md5) = &body_md5 {
        params.push(("body_md5".to_owned(), md5.clone()));
    }
    params.sort();
    let string_to_sign = string_to_sign(input.method, input.path, &params);
    let signature = hmac_sha256_hex(secret.as_bytes(), string_to_sign.as_bytes());
    SignedQuery {
        params,
        body_md5,
        string_to_sign,
        signature,
    }
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
