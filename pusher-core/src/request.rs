//! Turning a call's method, path, parameters and body into a signed `http::Request`.

use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::uri::PathAndQuery;
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use crate::api::RequestError;
use crate::config::{Config, Endpoint};
use crate::signing::{PathPieces, push_signed_query};

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

/// `path` as a request carries it: the bytes a path cannot carry as they are (`#`, `?`, `%`,
/// spaces, ...) percent-encoded. The signature is made over the path before encoding.
///
/// ```
/// let path = "/apps/1/channels/#server-to-user-ada";
/// assert_eq!(pusher_core::request::encode_path(path).to_string(), "/apps/1/channels/%23server-to-user-ada");
/// ```
pub fn encode_path(path: &str) -> impl std::fmt::Display + '_ {
    utf8_percent_encode(path, PATH)
}

/// The path `/apps/{app_id}` followed by `suffix`, as the pieces [`Unsigned::path`] takes:
/// `app_path!(config, "/channels/", name)`.
macro_rules! app_path {
    ($config:expr $(, $suffix:expr)*) => {
        ["/apps/", $config.app_id() $(, $suffix)*]
    };
}
pub(crate) use app_path;

/// One unsigned request: what the signature covers.
pub(crate) struct Unsigned<'a> {
    pub(crate) method: http::Method,
    pub(crate) endpoint: &'a Endpoint,
    /// The unencoded path, in pieces that are written one after the other (`["/apps/", id,
    /// "/events"]`), so that it is never assembled on its own.
    pub(crate) path: &'a [&'a str],
    pub(crate) params: &'a [(&'a str, &'a str)],
    pub(crate) body: Vec<u8>,
}

impl Unsigned<'_> {
    /// Signs the request with `config`'s credentials at `timestamp` and builds it.
    ///
    /// The path and query are written once, into the one string the URI keeps; the scheme and
    /// the authority are the endpoint's, made when the configuration was.
    pub(crate) fn sign(
        self,
        config: &Config,
        timestamp: u64,
    ) -> Result<http::Request<Vec<u8>>, RequestError> {
        let path_len: usize = self.path.iter().map(|piece| piece.len()).sum();
        let params_len: usize = self.params.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
        // The added parameters and the signature take about 200 bytes besides the key.
        let mut path_and_query = String::with_capacity(path_len + params_len + config.key().len() + 200);
        for piece in self.path {
            path_and_query.extend(utf8_percent_encode(piece, PATH));
        }
        path_and_query.push('?');
        push_signed_query(
            &mut path_and_query,
            config.key(),
            config.secret(),
            &PathPieces {
                method: self.method.as_str(),
                path: self.path,
                params: self.params,
                body: &self.body,
                timestamp,
            },
        );
        let mut uri = http::uri::Parts::default();
        uri.scheme = Some(self.endpoint.uri_scheme());
        uri.authority = Some(self.endpoint.authority().clone());
        uri.path_and_query =
            Some(PathAndQuery::try_from(path_and_query).map_err(|e| RequestError::Uri(e.into()))?);
        let uri = http::Uri::from_parts(uri).map_err(|e| RequestError::Uri(e.into()))?;

        let content_type = (self.method == http::Method::POST).then_some(CONTENT_TYPE);
        let mut request = http::Request::new(self.body);
        *request.method_mut() = self.method;
        *request.uri_mut() = uri;
        let headers = request.headers_mut();
        headers.insert(
            HeaderName::from_static(LIBRARY_HEADER),
            HeaderValue::from_static(LIBRARY_NAME_VERSION),
        );
        if let Some(content_type) = content_type {
            headers.insert(content_type, HeaderValue::from_static("application/json"));
        }
        Ok(request)
    }
}
