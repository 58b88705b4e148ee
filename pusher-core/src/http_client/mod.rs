//! The HTTP seam: what an HTTP stack must do for the generic client, and the stack-independent
//! pieces every HTTP client adapter shares.
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
//!
//! | piece | where |
//! |---|---|
//! | the traits, and [`Blocking`] which marks a blocking client | here |
//! | the settings every adapter honours, and the builder that makes a client from them | [`options`]: [`HttpOptions`], [`BuildHttpClient`], [`HttpClientBuilder`] |
//! | what an adapter raises, and why a TLS handshake failed | [`error`]: [`TransportError`], [`TransportErrorKind`], [`TlsFailure`] |
//! | reading a response body under the cap, the `Content-Length` check | [`body`]: [`CappedBody`] |
//! | an adapter's client type with its common constructors | [`adapter_client!`](crate::http_client::adapter_client) |
//! | the `tracing` span of one request (feature `tracing`) | [`traced!`](crate::http_client::traced), `trace` |

mod adapter;
pub mod body;
pub mod error;
pub mod options;
mod tls;
#[cfg(feature = "tracing")]
#[cfg_attr(docsrs, doc(cfg(feature = "tracing")))]
pub mod trace;
mod traced;

use std::future::Future;
use std::pin::Pin;

pub use body::CappedBody;
pub use error::{RequestTarget, TlsFailure, TransportError, TransportErrorKind};
pub use options::{BuildHttpClient, HttpClientBuilder, HttpOptions};

#[doc(inline)]
pub use crate::__pusher_adapter_client as adapter_client;
#[doc(inline)]
pub use crate::__pusher_traced as traced;
#[doc(inline)]
pub use crate::__pusher_traced_async as traced_async;

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

/// The future of an adapter's [`AsyncHttpClient::send`]: boxed, and `Send` so that the generic
/// client's futures can move between threads.
pub type ResponseFuture<'a> =
    Pin<Box<dyn Future<Output = Result<http::Response<Vec<u8>>, TransportError>> + Send + 'a>>;

/// Marks an [`HttpClient`] as the blocking client of a [`Pusher`](crate::Pusher):
/// `Pusher<Blocking<C>>`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Blocking<C>(pub C);

impl<C: BuildHttpClient> BuildHttpClient for Blocking<C> {
    fn build_http_client(options: &HttpOptions) -> Result<Self, TransportError> {
        C::build_http_client(options).map(Blocking)
    }
}
