//! Turning a call's method, path, parameters and body into a signed `http::Request`.

use http::header::{CONTENT_TYPE, HeaderValue};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use crate::api::RequestError;
use crate::config::{Config, Endpoint};
use crate::signing::{SigningInput, sign_request};

/// The library identification header (PROTOCOL §2.5).
pub const LIBRARY_HEADER: &str = "x-pusher-library";

/// The value of [`LIBRARY_HEADER`]: this crate's name and version.
pub const LIBRARY_NAME_VERSION: &str = concat!(env!("CARGO_PKG_NAME"), " ", env!("CARGO_PKG_VERSION"));

/// Bytes a path segment cannot carry as they are (a channel named `#server-to-user-…` holds `#`).
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// `/apps/{app_id}{suffix}`.
pub(crate) fn app_path(config: &Config, suffix: &str) -> String {
    format!("/apps/{}{suffix}", config.app_id())
}

/// One unsigned request: what the signature covers.
pub(crate) struct Unsigned<'a> {
    pub(crate) method: http::Method,
    pub(crate) endpoint: &'a Endpoint,
    /// The unencoded path.
    pub(crate) path: String,
    pub(crate) params: &'a [(&'a str, &'a str)],
    pub(crate) body: Vec<u8>,
}

impl Unsigned<'_> {
    /// Signs the request with `config`'s credentials at `timestamp` and builds it.
    pub(crate) fn sign(
        self,
        config: &Config,
        timestamp: u64,
    ) -> Result<http::Request<Vec<u8>>, RequestError> {
        let signed = sign_request(
            config.key(),
            config.secret(),
            &SigningInput {
                method: self.method.as_str(),
                path: &self.path,
                params: self.params,
                body: &self.body,
                timestamp,
            },
        );
        let uri = format!(
            "{}{}?{}",
            self.endpoint.base_url(),
            utf8_percent_encode(&self.path, PATH),
            signed.to_query_string()
        );
        let mut builder = http::Request::builder()
            .method(self.method.clone())
            .uri(uri)
            .header(LIBRARY_HEADER, HeaderValue::from_static(LIBRARY_NAME_VERSION));
        if self.method == http::Method::POST {
            builder = builder.header(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        builder.body(self.body).map_err(RequestError::Uri)
    }
}
