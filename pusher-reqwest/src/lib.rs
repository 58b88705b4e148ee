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
//! - a whole-request timeout of 5 s ([`HttpOptions::DEFAULT_TIMEOUT`]), covering connect, request,
//!   response head and body;
//! - a connect timeout of 5 s ([`HttpOptions::DEFAULT_CONNECT_TIMEOUT`]);
//! - a response body cap of 8 MiB ([`HttpOptions::DEFAULT_MAX_RESPONSE_BODY`]): the body is read
//!   piece by piece and the call fails with
//!   [`TransportErrorKind::BodyTooLarge`](pusher_core::TransportErrorKind) as soon as it goes over
//!   (at once when `Content-Length` already says so), so a huge or endless body never costs more
//!   than the cap in memory;
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
//! A failed TLS handshake also says why ([`TransportError::tls_failure`],
//! [`TransportError::is_certificate_error`]), read from the TLS library's error in reqwest's source
//! chain — rustls's, or OpenSSL's under `native-tls` on Linux and the BSDs (the macOS and Windows
//! libraries' errors stay plain `Connect` errors) — and the message says it first:
//!
//! ```text
//! connecting to 127.0.0.1:6001 failed: the server's certificate was not trusted: invalid peer certificate: UnknownIssuer
//! connecting to 127.0.0.1:6001 failed: the TLS handshake failed: the server did not answer in TLS (if it speaks plain HTTP, the URL must be http://): received corrupt message of type InvalidContentType
//! ```
//!
//! The mapping is in `src/error.rs`.
//!
//! # Bring your own client
//!
//! `ReqwestClient::from(client)` wraps a `reqwest::Client` you configured (proxies, root
//! certificates, ...). Its settings are used as they are — its timeouts, and its redirect policy, so
//! disable redirects on it (`redirect(reqwest::redirect::Policy::none())`) to keep every status a
//! response. The body cap is the default; change it with [`ReqwestClient::with_max_response_body`].
//!
//! A private or company CA, on top of the platform's roots:
//!
//! ```no_run
//! # #[cfg(any(feature = "rustls", feature = "native-tls"))]
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//!
//! use pusher_reqwest::{ReqwestClient, reqwest};
//!
//! let ca = reqwest::Certificate::from_pem(&std::fs::read("company-ca.pem")?)?;
//! let client = ReqwestClient::from(
//!     reqwest::Client::builder()
//!         .tls_certs_merge([ca])
//!         .timeout(Duration::from_secs(5))
//!         .redirect(reqwest::redirect::Policy::none())
//!         .build()?,
//! );
//! # Ok(()) }
//! # #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
//! # fn main() {}
//! ```
//!
//! # Features
//!
//! - `rustls` (default): TLS through rustls, reqwest's `rustls` feature, trusting the platform's
//!   roots through rustls-platform-verifier (the system's store on macOS, Windows and Android; on
//!   Linux the system's CA files, or those `SSL_CERT_FILE` and `SSL_CERT_DIR` name when set).
//! - `native-tls`: TLS through the platform library (OpenSSL on Linux), reqwest's `native-tls`
//!   feature, trusting that library's roots (OpenSSL's default CA file and directory, or
//!   `SSL_CERT_FILE` and `SSL_CERT_DIR`). To use it alone, turn off the default features. With both
//!   on, reqwest uses native-tls unless a client picks rustls (`tls_backend_rustls`).
//! - `blocking`: [`blocking::ReqwestClient`].
//! - `tracing`: a `DEBUG` span `pusher_http_request` per request with `method`, `path` (the URI
//!   path only: never the query string, which carries the signature), `status`, `duration_ms`, and
//!   `error` (the failure's kind) when the call fails. No header value is ever recorded.
//!
//! reqwest is used with `default-features = false`: nothing else of reqwest (HTTP/2, charset
//! decoding, system proxy discovery) is switched on. With neither TLS feature only `http://` URLs
//! work.

#[cfg(feature = "blocking")]
pub mod blocking;
mod error;
mod url;

/// The reqwest crate, to configure a client of your own (proxies, certificates) without a
/// dependency of your own on it.
pub use reqwest;

use pusher_core::http_client::{CappedBody, adapter_client};
use pusher_core::{BuildHttpClient, HttpOptions, TransportError};

adapter_client! {
    /// An asynchronous HTTP client for the Pusher API over [`reqwest::Client`].
    ///
    /// Cheap to clone: clones share one connection pool. Needs a Tokio runtime to run its futures.
    pub struct ReqwestClient(inner: reqwest::Client);
    impl AsyncHttpClient by exchange;
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
}

/// Applies the options to a reqwest client builder, async or blocking (their settings have the
/// same names): the timeouts, and no redirects, so that a 3xx comes back as a response.
macro_rules! configured {
    ($builder:expr, $options:expr) => {
        $builder
            .timeout($options.timeout)
            .connect_timeout($options.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
    };
}
#[cfg(feature = "blocking")]
pub(crate) use configured;

/// Turns an `http::Request<Vec<u8>>` into a reqwest request, async or blocking (`$request_type`),
/// its URL made by [`url::of`] rather than by printing and parsing the whole URI again (as
/// reqwest's own `TryFrom` does). Evaluates to the request, or returns the error.
macro_rules! into_reqwest {
    ($request:expr, $request_type:ty) => {{
        let (parts, body) = $request.into_parts();
        let mut request = <$request_type>::new(parts.method, $crate::url::of(&parts.uri)?);
        *request.headers_mut() = parts.headers;
        *request.version_mut() = parts.version;
        *request.body_mut() = Some(body.into());
        request
    }};
}
#[cfg(feature = "blocking")]
pub(crate) use into_reqwest;

impl BuildHttpClient for ReqwestClient {
    /// A client with the options' timeouts and body cap, not following redirects: what
    /// [`ReqwestClient::builder`]'s `build` and the core's `PusherBuilder` call.
    ///
    /// # Errors
    ///
    /// A [`TransportError`] of kind `Other` (with reqwest's error as source) when reqwest cannot
    /// build its client, e.g. when the TLS backend fails to initialize.
    fn build_http_client(options: &HttpOptions) -> Result<Self, TransportError> {
        let inner = configured!(reqwest::Client::builder(), options)
            .build()
            .map_err(error::building)?;
        Ok(Self::configured(inner, options))
    }
}

impl ReqwestClient {
    async fn exchange(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        let method = request.method().clone();
        let request = into_reqwest!(request, reqwest::Request);
        let mut response = self.inner.execute(request).await.map_err(error::from_reqwest)?;
        let headers = std::mem::take(response.headers_mut());
        let mut body = CappedBody::new(self.max_response_body, &method, &headers)?;
        while let Some(chunk) = response.chunk().await.map_err(error::from_reqwest)? {
            body.push(&chunk)?;
        }
        Ok(into_http_response(
            response.status(),
            response.version(),
            headers,
            body.into_bytes(),
        ))
    }
}

/// A reqwest response's head (async or blocking) with its body read.
pub(crate) fn into_http_response(
    status: http::StatusCode,
    version: http::Version,
    headers: http::HeaderMap,
    body: Vec<u8>,
) -> http::Response<Vec<u8>> {
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    *response.version_mut() = version;
    *response.headers_mut() = headers;
    response
}
