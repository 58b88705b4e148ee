//! [reqwest] adapter for the Pusher Channels HTTP API client.
//!
//! [`ReqwestClient`] implements [`pusher_core::AsyncHttpClient`] over a [`reqwest::Client`]; with the
//! `blocking` feature, [`blocking::ReqwestClient`] implements [`pusher_core::HttpClient`] over a
//! [`reqwest::blocking::Client`]. Each moves one `http::Request<Vec<u8>>` to the server and brings
//! back its `http::Response<Vec<u8>>` — status, headers and raw body — whatever the status: a 404 or
//! a 503 is a response, which the core turns into its error, not a transport failure. No API logic
//! lives here.
//!
//! ```
//! use std::time::Duration;
//!
//! use pusher_core::AsyncHttpClient;
//! use pusher_reqwest::ReqwestClient;
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let client = ReqwestClient::builder()
//!     .timeout(Duration::from_secs(10))
//!     .max_response_body(1024 * 1024)
//!     .build()?;
//!
//! let request = http::Request::get("https://api-mt1.pusher.com/apps/1/channels").body(Vec::new())?;
//! let response = client.send(request).await?;
//! println!("{} {:?}", response.status(), String::from_utf8_lossy(response.body()));
//! # Ok(())
//! # }
//! ```
//!
//! Each client also implements [`pusher_core::BuildHttpClient`], so the core's `PusherBuilder` can
//! make it from its own timeout and body-cap settings: `Pusher<ReqwestClient>` (async) or
//! `Pusher<Blocking<blocking::ReqwestClient>>`.
//!
//! # Defaults
//!
//! [`ReqwestClient::new`] and [`ReqwestClient::builder`] start from:
//!
//! - a whole-request timeout of 5 s ([`DEFAULT_TIMEOUT`]), covering connect, request, response
//!   head and body;
//! - a connect timeout of 5 s ([`DEFAULT_CONNECT_TIMEOUT`]);
//! - a response body cap of 8 MiB ([`DEFAULT_MAX_RESPONSE_BODY`]): the body is read piece by piece
//!   and the call fails with [`TransportErrorKind::BodyTooLarge`](pusher_core::TransportErrorKind)
//!   as soon as it goes over (at once when `Content-Length` already says so), so a huge or endless
//!   body never costs more than the cap in memory;
//! - redirects are not followed: a 3xx comes back as a response like any other status.
//!
//! Clones share one connection pool (a `reqwest::Client` is a handle), so clone freely.
//!
//! # Errors
//!
//! Failures are [`pusher_core::TransportError`]s with the reqwest error as their source:
//! `Timeout` when a timeout fired, `Connect` when no connection could be made (refused, DNS, TLS
//! handshake), `BodyTooLarge` over the cap, `Other` for anything else (reset, malformed HTTP).
//!
//! # Bring your own client
//!
//! `ReqwestClient::from(client)` wraps a `reqwest::Client` you configured (proxies, root
//! certificates, ...). Its settings are used as they are — its timeouts, and its redirect policy, so
//! disable redirects on it (`redirect(reqwest::redirect::Policy::none())`) to keep every status a
//! response. The body cap is the default; change it with [`ReqwestClient::with_max_response_body`].
//!
//! # Features
//!
//! - `rustls` (default): TLS through rustls, reqwest's `rustls` feature.
//! - `native-tls`: TLS through the platform library (OpenSSL on Linux), reqwest's `native-tls`
//!   feature. To use it alone, turn off the default features. With both on, reqwest uses native-tls.
//! - `blocking`: [`blocking::ReqwestClient`].
//! - `tracing`: a `DEBUG` span `pusher_http_request` per request with `method`, `path` (the URI
//!   path only: never the query string, which carries the signature), `status`, `duration_ms`, and
//!   `error` (the failure's kind) when the call fails. No header value is ever recorded.
//!
//! reqwest is used with `default-features = false`: nothing else of reqwest (HTTP/2, charset
//! decoding, system proxy discovery) is switched on. With neither TLS feature only `http://` URLs
//! work.

mod common;

#[cfg(feature = "blocking")]
pub mod blocking;

use std::future::Future;
use std::pin::Pin;

use pusher_core::{AsyncHttpClient, BuildHttpClient, HttpClientBuilder, HttpOptions, TransportError};

pub use common::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BODY, DEFAULT_TIMEOUT};

/// An asynchronous HTTP client for the Pusher API over [`reqwest::Client`].
///
/// Cheap to clone: clones share one connection pool. Needs a Tokio runtime to run its futures.
#[derive(Debug, Clone)]
pub struct ReqwestClient {
    inner: reqwest::Client,
    max_response_body: usize,
}

impl ReqwestClient {
    /// A client with the [defaults](crate#defaults).
    ///
    /// # Panics
    ///
    /// If the TLS backend cannot be initialized (as [`reqwest::Client::new`]); use
    /// [`builder`](Self::builder) to get that as an error instead.
    #[allow(clippy::expect_used)] // documented, as reqwest::Client::new
    pub fn new() -> Self {
        Self::builder()
            .build()
            .expect("the reqwest client could not be built (TLS backend initialization failed)")
    }

    /// A builder starting from the [defaults](crate#defaults); its `build` fails as
    /// [`build_http_client`](BuildHttpClient::build_http_client) does.
    pub fn builder() -> HttpClientBuilder<ReqwestClient> {
        HttpClientBuilder::new()
    }

    /// Sets the response body cap, in bytes.
    #[must_use]
    pub fn with_max_response_body(mut self, max_response_body: usize) -> Self {
        self.max_response_body = max_response_body;
        self
    }

    /// The response body cap, in bytes.
    pub fn max_response_body(&self) -> usize {
        self.max_response_body
    }

    /// The wrapped `reqwest::Client`.
    pub fn inner(&self) -> &reqwest::Client {
        &self.inner
    }
}

impl Default for ReqwestClient {
    /// As [`ReqwestClient::new`].
    fn default() -> Self {
        Self::new()
    }
}

impl From<reqwest::Client> for ReqwestClient {
    /// Wraps a client configured elsewhere, with the default body cap; see
    /// [Bring your own client](crate#bring-your-own-client).
    fn from(inner: reqwest::Client) -> Self {
        ReqwestClient {
            inner,
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
        }
    }
}

impl BuildHttpClient for ReqwestClient {
    /// A client with the options' timeouts and body cap, not following redirects: what
    /// [`ReqwestClient::builder`]'s `build` and the core's `PusherBuilder` call.
    ///
    /// # Errors
    ///
    /// A [`TransportError`] of kind `Other` (with reqwest's error as source) when reqwest cannot
    /// build its client, e.g. when the TLS backend fails to initialize.
    fn build_http_client(options: &HttpOptions) -> Result<Self, TransportError> {
        let inner = reqwest::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| TransportError::new(pusher_core::TransportErrorKind::Other, e))?;
        Ok(ReqwestClient {
            inner,
            max_response_body: options.max_response_body,
        })
    }
}

/// The future of [`ReqwestClient::send`](AsyncHttpClient::send).
pub type ResponseFuture<'a> =
    Pin<Box<dyn Future<Output = Result<http::Response<Vec<u8>>, TransportError>> + Send + 'a>>;

impl AsyncHttpClient for ReqwestClient {
    type Future<'a>
        = ResponseFuture<'a>
    where
        Self: 'a;

    fn send(&self, request: http::Request<Vec<u8>>) -> Self::Future<'_> {
        #[cfg(feature = "tracing")]
        {
            use pusher_core::http_client::trace::tracing::Instrument;
            let span = common::request_span(&request);
            let record_span = span.clone();
            let started = std::time::Instant::now();
            Box::pin(
                async move {
                    let outcome = exchange(&self.inner, self.max_response_body, request).await;
                    common::record_outcome(&record_span, started, &outcome);
                    outcome
                }
                .instrument(span),
            )
        }
        #[cfg(not(feature = "tracing"))]
        {
            Box::pin(exchange(&self.inner, self.max_response_body, request))
        }
    }
}

async fn exchange(
    client: &reqwest::Client,
    limit: usize,
    request: http::Request<Vec<u8>>,
) -> Result<http::Response<Vec<u8>>, TransportError> {
    let request = reqwest::Request::try_from(request).map_err(common::from_reqwest)?;
    let mut response = client.execute(request).await.map_err(common::from_reqwest)?;
    if common::announced_too_large(response.content_length(), limit) {
        return Err(TransportError::body_too_large(limit));
    }
    let status = response.status();
    let version = response.version();
    let headers = std::mem::take(response.headers_mut());
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(common::from_reqwest)? {
        if chunk.len() > limit - body.len() {
            return Err(TransportError::body_too_large(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(common::into_http_response(status, version, headers, body))
}
