//! The HTTP seam: what an HTTP stack must do for the generic client.
//!
//! Both traits move one `http::Request<Vec<u8>>` to the server and bring back its
//! `http::Response<Vec<u8>>`, whatever the status: a 404 or a 500 is a response, not a
//! [`TransportError`]. Closures implement them, so a test or an unusual runtime needs no adapter crate:
//!
//! ```
//! use pusher_core::{HttpClient, TransportError};
//!
//! let client = |request: http::Request<Vec<u8>>| -> Result<http::Response<Vec<u8>>, TransportError> {
//!     assert_eq!(request.method(), http::Method::POST);
//!     Ok(http::Response::new(b"{}".to_vec()))
//! };
//! let response = client.send(http::Request::post("http://127.0.0.1/").body(Vec::new()).unwrap()).unwrap();
//! assert_eq!(response.body(), b"{}");
//! ```

use std::future::Future;

use crate::error::TransportError;

/// A blocking HTTP client.
pub trait HttpClient {
    /// Sends `request` and returns the server's response, whatever its status.
    fn send(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError>;
}

impl<F> HttpClient for F
where
    F: Fn(http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError>,
{
    fn send(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError> {
        self(request)
    }
}

/// An asynchronous HTTP client.
///
/// The future is an associated type so that its `Send`-ness shows through: the generic client's
/// futures are `Send` exactly when this one is.
pub trait AsyncHttpClient {
    /// The future [`send`](AsyncHttpClient::send) returns.
    type Future<'a>: Future<Output = Result<http::Response<Vec<u8>>, TransportError>>
    where
        Self: 'a;

    /// Sends `request` and resolves to the server's response, whatever its status.
    fn send(&self, request: http::Request<Vec<u8>>) -> Self::Future<'_>;
}

impl<F, Fut> AsyncHttpClient for F
where
    F: Fn(http::Request<Vec<u8>>) -> Fut,
    Fut: Future<Output = Result<http::Response<Vec<u8>>, TransportError>>,
{
    type Future<'a>
        = Fut
    where
        Self: 'a;

    fn send(&self, request: http::Request<Vec<u8>>) -> Self::Future<'_> {
        self(request)
    }
}

/// The settings every HTTP client adapter honours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpOptions {
    /// The whole request's deadline (default 5 s).
    pub timeout: std::time::Duration,
    /// The connection's deadline (default 5 s).
    pub connect_timeout: std::time::Duration,
    /// The largest response body read; a larger one is a
    /// [`BodyTooLarge`](crate::TransportErrorKind::BodyTooLarge) error (default 8 MiB).
    pub max_response_body: usize,
}

impl HttpOptions {
    /// The default request timeout: 5 seconds.
    pub const DEFAULT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);
    /// The default connect timeout: 5 seconds.
    pub const DEFAULT_CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);
    /// The default response body cap: 8 MiB.
    pub const DEFAULT_MAX_RESPONSE_BODY: usize = 8 * 1024 * 1024;
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            timeout: Self::DEFAULT_TIMEOUT,
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            max_response_body: Self::DEFAULT_MAX_RESPONSE_BODY,
        }
    }
}

/// An HTTP client that can be made from [`HttpOptions`]: what lets
/// [`PusherBuilder`](crate::PusherBuilder) make the client itself.
pub trait BuildHttpClient: Sized {
    /// Makes a client honouring `options`.
    fn build_http_client(options: &HttpOptions) -> Result<Self, TransportError>;
}

impl<C: BuildHttpClient> BuildHttpClient for crate::Blocking<C> {
    fn build_http_client(options: &HttpOptions) -> Result<Self, TransportError> {
        C::build_http_client(options).map(crate::Blocking)
    }
}
