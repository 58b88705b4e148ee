//! [isahc] (libcurl) adapter for the Pusher Channels HTTP API client.
//!
//! [`IsahcClient`] implements both [`pusher_core::HttpClient`] (blocking) and
//! [`pusher_core::AsyncHttpClient`] over one [`isahc::HttpClient`]. Each call moves one
//! `http::Request<Vec<u8>>` to the server and brings back its `http::Response<Vec<u8>>` — status,
//! headers and raw body — whatever the status: a 404 or a 503 is a response, which the core turns
//! into its error, not a transport failure. No API logic lives here.
//!
//! isahc drives curl on a background thread of its own, so the async client works with any
//! executor (Tokio, async-std, smol, `futures::executor`, ...) and needs no runtime of its own.
//!
//! ```no_run
//! use std::time::Duration;
//!
//! use pusher_core::{AsyncHttpClient, HttpClient};
//! use pusher_isahc::IsahcClient;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let client = IsahcClient::builder()
//!     .timeout(Duration::from_secs(10))
//!     .max_response_body(1024 * 1024)
//!     .build()?;
//!
//! let url = "https://api-mt1.pusher.com/apps/1/channels";
//! // Blocking...
//! let response = HttpClient::send(&client, http::Request::get(url).body(Vec::new())?)?;
//! println!("{}", response.status());
//! // ...or async, with the same client.
//! let response = futures_lite::future::block_on(AsyncHttpClient::send(
//!     &client,
//!     http::Request::get(url).body(Vec::new())?,
//! ))?;
//! println!("{}", response.status());
//! # Ok(())
//! # }
//! ```
//!
//! It also implements [`pusher_core::BuildHttpClient`], so the core's `PusherBuilder` can make it
//! from its own timeout and body-cap settings, as `Pusher<IsahcClient>` (async) or
//! `Pusher<Blocking<IsahcClient>>`.
//!
//! # Defaults
//!
//! [`IsahcClient::new`] and [`IsahcClient::builder`] start from:
//!
//! - a whole-request timeout of 5 s ([`HttpOptions::DEFAULT_TIMEOUT`]), curl's `CURLOPT_TIMEOUT`:
//!   connect, request, response head and body;
//! - a connect timeout of 5 s ([`HttpOptions::DEFAULT_CONNECT_TIMEOUT`]);
//! - a response body cap of 8 MiB ([`HttpOptions::DEFAULT_MAX_RESPONSE_BODY`]): the body is read
//!   incrementally and the call fails with
//!   [`TransportErrorKind::BodyTooLarge`](pusher_core::TransportErrorKind) as soon as it goes over
//!   (at once when `Content-Length` already says so); dropping the body aborts the transfer, so a
//!   huge or endless body never costs more than the cap in memory;
//! - redirects are not followed (a 3xx is a response), no automatic decompression (no
//!   `Accept-Encoding` is added and bodies arrive as sent), and no `Expect: 100-continue` round trip
//!   before request bodies.
//!
//! Clones share one client — one curl agent thread and connection cache — so clone freely.
//!
//! # TLS: curl with OpenSSL, curl built from source
//!
//! isahc's default TLS (`rustls-tls`) goes through curl's rustls backend, `rustls-ffi`, which pins an
//! exact rustls version; in a workspace that also uses reqwest or ureq that would hold every other
//! rustls user back to it (or fail to resolve). This crate therefore uses isahc with
//! `default-features = false` and the features:
//!
//! - `native-tls`: curl's OpenSSL backend, linked to the system OpenSSL through `openssl-sys`
//!   (building needs the OpenSSL development files, e.g. `libssl-dev`, and `pkg-config`), trusting
//!   the platform's roots (the CA file and directory the `openssl-probe` crate finds, or those
//!   `SSL_CERT_FILE` and `SSL_CERT_DIR` name when set);
//! - `static-curl`: curl itself is built from the source bundled in `curl-sys` and linked statically,
//!   so neither libcurl nor its development headers need to be installed, and every machine runs the
//!   same curl. A C compiler is needed at build time.
//!
//! HTTP/2 (isahc's `http2`, which builds nghttp2) is off: the Pusher HTTP API is plain HTTP/1.1
//! request/response.
//!
//! # Errors
//!
//! Failures are [`pusher_core::TransportError`]s with the isahc error as their source: `Timeout`
//! when a timeout fired, `Connect` when no connection could be made (refused, DNS, TLS), `BodyTooLarge`
//! over the cap, `Other` for anything else (reset, malformed HTTP).
//!
//! A failed TLS handshake also says why ([`TransportError::tls_failure`],
//! [`TransportError::is_certificate_error`]), from curl's code, and the message says it first.
//! isahc keeps curl's code but not curl's message, so a server that does not speak TLS is, to it,
//! a handshake that failed:
//!
//! ```text
//! connecting to 127.0.0.1:6001 failed: the server's certificate was not trusted: [60] SSL peer certificate or SSH remote key was not OK
//! connecting to 127.0.0.1:6001 failed: the TLS handshake failed (if the server speaks plain HTTP on that port, the URL must be http://): [35] SSL connect error
//! ```
//!
//! The mapping is in `src/error.rs`.
//!
//! # Bring your own client
//!
//! `IsahcClient::from(client)` wraps an `isahc::HttpClient` you configured (proxy, certificates,
//! ...). Its settings are used as they are: keep isahc's default redirect policy (none) for 3xx to
//! come back as responses, and disable `automatic_decompression` for bodies to arrive as sent. The
//! body cap is the default; change it with [`IsahcClient::with_max_response_body`].
//!
//! A private or company CA, instead of the platform's roots:
//!
//! ```no_run
//! use std::time::Duration;
//!
//! use pusher_isahc::{IsahcClient, isahc};
//! use isahc::config::Configurable;
//! use isahc::tls::{TlsConfig, TrustStore};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let roots = TrustStore::builder()
//!     .certificate_from_pem(std::fs::read("company-ca.pem")?)
//!     .build();
//! let client = IsahcClient::from(
//!     isahc::HttpClient::builder()
//!         .tls_config(TlsConfig::builder().trust_store(roots).build())
//!         .timeout(Duration::from_secs(5))
//!         .automatic_decompression(false)
//!         .build()?,
//! );
//! # Ok(()) }
//! ```
//!
//! # Features
//!
//! - `tracing`: a `DEBUG` span `pusher_http_request` per request with `method`, `path` (the URI
//!   path only: never the query string, which carries the signature), `status`, `duration_ms`, and
//!   `error` (the failure's kind) when the call fails. No header value is ever recorded. Note that
//!   isahc itself (target `isahc`) records the full URI, query included, in its own `DEBUG` spans,
//!   and curl's wire log at `TRACE` (target `isahc::wire`) holds headers; filter those targets
//!   below `DEBUG` (e.g. `isahc=info`) wherever request logs are kept.

mod error;

/// The isahc crate, to configure a client of your own (proxy, TLS roots) without a dependency of
/// your own on it.
pub use isahc;

use futures_lite::AsyncReadExt;
use isahc::config::{Configurable, ExpectContinue, RedirectPolicy};
use pusher_core::http_client::{CappedBody, adapter_client};
use pusher_core::{BuildHttpClient, HttpOptions, TransportError};

adapter_client! {
    /// A blocking and asynchronous HTTP client for the Pusher API over [`isahc::HttpClient`].
    ///
    /// Cheap to clone: clones share one curl agent and connection cache.
    pub struct IsahcClient(inner: isahc::HttpClient);
    impl HttpClient by exchange_blocking;
    impl AsyncHttpClient by exchange_async;
}

impl IsahcClient {
    /// A client with the [defaults](crate#defaults).
    ///
    /// # Panics
    ///
    /// If curl cannot be initialized or its agent thread cannot start (as
    /// [`isahc::HttpClient::new`]); use [`builder`](Self::builder) to get that as an error instead.
    #[allow(clippy::expect_used)] // documented, as isahc::HttpClient::new
    pub fn new() -> Self {
        Self::builder()
            .build()
            .expect("the isahc client could not be built (curl initialization failed)")
    }
}

impl BuildHttpClient for IsahcClient {
    /// A client with the options' timeouts and body cap, no redirects, no automatic decompression
    /// and no `Expect: 100-continue`: what [`IsahcClient::builder`]'s `build` and the core's
    /// `PusherBuilder` call (as `Pusher<IsahcClient>` or `Pusher<Blocking<IsahcClient>>`).
    ///
    /// # Errors
    ///
    /// A [`TransportError`] of kind `Other` (with isahc's error as source) when curl cannot be
    /// initialized or the agent thread cannot start.
    fn build_http_client(options: &HttpOptions) -> Result<Self, TransportError> {
        let inner = isahc::HttpClient::builder()
            .timeout(options.timeout)
            .connect_timeout(options.connect_timeout)
            .redirect_policy(RedirectPolicy::None)
            .automatic_decompression(false)
            .expect_continue(ExpectContinue::disabled())
            .build()
            .map_err(error::building)?;
        Ok(Self::configured(inner, options))
    }
}

impl IsahcClient {
    fn exchange_blocking(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        let method = request.method().clone();
        let (parts, body) = self.inner.send(request).map_err(error::from_isahc)?.into_parts();
        let body = CappedBody::new(self.max_response_body, &method, &parts.headers)?
            .read_to_end(body, error::from_io)?;
        Ok(http::Response::from_parts(parts, body))
    }

    async fn exchange_async(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        let method = request.method().clone();
        let response = self.inner.send_async(request).await.map_err(error::from_isahc)?;
        let (parts, mut body) = response.into_parts();
        let mut capped = CappedBody::new(self.max_response_body, &method, &parts.headers)?;
        let mut chunk = vec![0; 16 * 1024];
        loop {
            let read = body.read(&mut chunk).await.map_err(error::from_io)?;
            if read == 0 {
                break;
            }
            capped.push(&chunk[..read])?;
        }
        Ok(http::Response::from_parts(parts, capped.into_bytes()))
    }
}
