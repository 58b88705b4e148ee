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
