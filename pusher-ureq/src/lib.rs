//! [ureq] adapter for the Pusher Channels HTTP API client.
//!
//! [`UreqClient`] implements [`pusher_core::HttpClient`] (blocking) over a [`ureq::Agent`] (ureq 3).
//! It moves one `http::Request<Vec<u8>>` to the server and brings back its
//! `http::Response<Vec<u8>>` — status, headers and raw body — whatever the status: a 404 or a 503
//! is a response, which the core turns into its error, not a transport failure. No API logic lives
//! here. ureq needs no async runtime and has a small dependency tree.
//!
//! ```no_run
//! use std::time::Duration;
//!
//! use pusher_core::HttpClient;
//! use pusher_ureq::UreqClient;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let client = UreqClient::builder()
//!     .timeout(Duration::from_secs(10))
//!     .max_response_body(1024 * 1024)
//!     .build()?;
//!
//! let request = http::Request::get("https://api-mt1.pusher.com/apps/1/channels").body(Vec::new())?;
//! let response = client.send(request)?;
//! println!("{} {:?}", response.status(), String::from_utf8_lossy(response.body()));
//! # Ok(())
//! # }
//! ```
//!
//! It also implements [`pusher_core::BuildHttpClient`], so the core's `PusherBuilder` can make it
//! from its own timeout and body-cap settings, as `Pusher<Blocking<UreqClient>>`.
//!
//! # Defaults
//!
//! [`UreqClient::new`] and [`UreqClient::builder`] start from:
//!
//! - a whole-request timeout of 5 s ([`HttpOptions::DEFAULT_TIMEOUT`]), ureq's `timeout_global`:
//!   resolve, connect, send, response head and body;
//! - a connect timeout of 5 s ([`HttpOptions::DEFAULT_CONNECT_TIMEOUT`]);
//! - a response body cap of 8 MiB ([`HttpOptions::DEFAULT_MAX_RESPONSE_BODY`]): the body is read
//!   incrementally and the call fails with
//!   [`TransportErrorKind::BodyTooLarge`](pusher_core::TransportErrorKind) as soon as it goes over
//!   (at once when `Content-Length` already says so), so a huge or endless body never costs more
//!   than the cap in memory;
//! - 4xx and 5xx come back as responses (`http_status_as_error(false)`), every response header is
//!   kept, redirects are not followed (a 3xx is a response too), and any method may carry a body;
//! - TLS trusts the platform's roots (see [Features](#features)), not ureq's default, the webpki
//!   roots compiled into the program.
//!
//! Clones share one connection pool (a `ureq::Agent` is a handle), so clone freely.
//!
//! # Errors
//!
//! Failures are [`pusher_core::TransportError`]s with the ureq error as their source: `Timeout`
//! when a timeout fired, `Connect` when no connection could be made (refused, unreachable, DNS,
//! every TLS failure of the connection), `BodyTooLarge` over the cap, `Other` for anything else
//! (reset, malformed HTTP).
//!
//! A failed TLS handshake also says why ([`TransportError::tls_failure`],
//! [`TransportError::is_certificate_error`]), read from rustls's error, or from OpenSSL's under
//! `native-tls` on Linux and the BSDs (any other native-tls failure is a failed handshake), and the
//! message says it first; the source is then the TLS library's error:
//!
//! ```text
//! connecting to 127.0.0.1:6001 failed: the server's certificate was not trusted: invalid peer certificate: UnknownIssuer
//! connecting to 127.0.0.1:6001 failed: the TLS handshake failed: the server did not answer in TLS (if it speaks plain HTTP, the URL must be http://): received corrupt message of type InvalidContentType
//! ```
//!
//! The mapping is in `src/error.rs`.
//!
//! # Bring your own agent
//!
//! `UreqClient::from(agent)` wraps a `ureq::Agent` you configured (proxy, TLS, ...). Its settings
//! are used as they are, with one exception: if it turns 4xx/5xx into errors (ureq's default,
//! `http_status_as_error(true)`), every request is configured with `http_status_as_error(false)` so
//! that each status still comes back as a response. Its redirect policy is kept: set
//! `max_redirects(0)` on it for 3xx to come back as responses. The body cap is the default; change
//! it with [`UreqClient::with_max_response_body`]. Its roots are kept too: ureq's own default is
//! the webpki roots compiled into the program, not the platform's (see [Features](#features)).
//!
//! A private or company CA, as the only root:
//!
//! ```no_run
//! # #[cfg(feature = "rustls")]
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use std::time::Duration;
//!
//! use pusher_ureq::{UreqClient, ureq};
//! use ureq::tls::{Certificate, RootCerts, TlsConfig};
//!
//! let ca = Certificate::from_pem(&std::fs::read("company-ca.pem")?)?;
//! // With native-tls alone, add `.provider(ureq::tls::TlsProvider::NativeTls)`.
//! let tls = TlsConfig::builder().root_certs(RootCerts::Specific(Arc::new(vec![ca])));
//! let agent = ureq::Agent::config_builder()
//!     .tls_config(tls.build())
//!     .timeout_global(Some(Duration::from_secs(5)))
//!     .max_redirects(0)
//!     .build()
//!     .new_agent();
//! let client = UreqClient::from(agent);
//! # Ok(()) }
//! # #[cfg(not(feature = "rustls"))]
//! # fn main() {}
//! ```
//!
//! # Features
//!
//! - `rustls` (default): TLS through rustls (with the *ring* provider), ureq's `rustls` and
//!   `platform-verifier` features. Clients built here trust the platform's roots through
//!   rustls-platform-verifier (`RootCerts::PlatformVerifier`): the system's store on macOS, Windows
//!   and Android; on Linux the system's CA files, or those `SSL_CERT_FILE` and `SSL_CERT_DIR` name
//!   when set.
//! - `native-tls`: TLS through the platform library (OpenSSL on Linux), ureq's `native-tls` feature.
//!   Clients built here trust that library's own roots (`RootCerts::PlatformVerifier`: on Linux
//!   OpenSSL's default CA file and directory, or `SSL_CERT_FILE` and `SSL_CERT_DIR`). To use it
//!   alone, turn off the default features; clients built here then select ureq's native-tls
//!   provider. With both on, rustls is used.
//! - `tracing`: a `DEBUG` span `pusher_http_request` per request with `method`, `path` (the URI
//!   path only: never the query string, which carries the signature), `status`, `duration_ms`, and
//!   `error` (the failure's kind) when the call fails. No header value is ever recorded.
//!
//! With either TLS feature, a CA installed on the machine (a company's, a private one) is trusted, as with
//! `pusher-reqwest` and `pusher-isahc`. ureq's own default, which an agent of your own keeps, is
//! the webpki roots (Mozilla's, compiled in).
//!
//! ureq is used with `default-features = false`: in particular no `gzip`, so bodies arrive as sent.

mod error;

/// The ureq crate, to configure an agent of your own (proxy, TLS roots) without a dependency of
/// your own on it.
pub use ureq;

use pusher_core::http_client::{CappedBody, adapter_client};
use pusher_core::{BuildHttpClient, HttpOptions, TransportError};
use ureq::Agent;
#[cfg(all(feature = "native-tls", not(feature = "rustls")))]
use ureq::tls::TlsProvider;
#[cfg(any(feature = "rustls", feature = "native-tls"))]
use ureq::tls::{RootCerts, TlsConfig};

adapter_client! {
    /// A blocking HTTP client for the Pusher API over [`ureq::Agent`].
    ///
    /// Cheap to clone: clones share one connection pool.
    pub struct UreqClient(agent: Agent);
    impl HttpClient by exchange;
}

impl UreqClient {
    /// A client with the [defaults](crate#defaults).
    pub fn new() -> Self {
        let options = HttpOptions::default();
        Self::configured(agent(&options), &options)
    }
}

impl BuildHttpClient for UreqClient {
    /// A client with the options' timeouts and body cap: what [`UreqClient::builder`]'s `build`
    /// and the core's `PusherBuilder` call (as `Pusher<Blocking<UreqClient>>`).
    ///
    /// # Errors
    ///
    /// None today: building a ureq agent cannot fail (TLS is set up on first use). The `Result`
    /// is the trait's, the same for every adapter.
    fn build_http_client(options: &HttpOptions) -> Result<Self, TransportError> {
        Ok(Self::configured(agent(options), options))
    }
}

/// An agent with the options' timeouts that hands back every status as a response, follows no
/// redirect, and trusts the platform's roots.
fn agent(options: &HttpOptions) -> Agent {
    let config = Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .timeout_connect(Some(options.connect_timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .allow_non_standard_methods(true);
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    let config = config.tls_config(tls_config());
    config.build().new_agent()
}

/// The TLS the features select, trusting the platform's roots rather than ureq's default (the
/// webpki roots compiled in), as reqwest and isahc do: a server behind a company or private CA
/// installed on the machine works here too.
#[cfg(any(feature = "rustls", feature = "native-tls"))]
fn tls_config() -> TlsConfig {
    let tls = TlsConfig::builder().root_certs(RootCerts::PlatformVerifier);
    #[cfg(all(feature = "native-tls", not(feature = "rustls")))]
    let tls = tls.provider(TlsProvider::NativeTls);
    tls.build()
}

/// Methods that carry no body unless one is given: an empty body is sent as none at all (no
/// `Content-Length: 0`). Any other method with an empty body sends `Content-Length: 0`.
fn bodyless_when_empty(method: &http::Method) -> bool {
    matches!(
        *method,
        http::Method::GET
            | http::Method::HEAD
            | http::Method::DELETE
            | http::Method::OPTIONS
            | http::Method::TRACE
    )
}

impl UreqClient {
    fn exchange(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError> {
        let method = request.method().clone();
        let response = if request.body().is_empty() && bodyless_when_empty(&method) {
            let (parts, _) = request.into_parts();
            self.run(http::Request::from_parts(parts, ()))
        } else {
            self.run(request)
        }
        .map_err(error::from_ureq)?;
        let (parts, body) = response.into_parts();
        let body = CappedBody::new(self.max_response_body, &method, &parts.headers)?
            .read_to_end(body.into_reader(), error::from_io)?;
        Ok(http::Response::from_parts(parts, body))
    }

    /// Runs the request, telling an agent that turns 4xx/5xx into errors (ureq's default, kept by
    /// a user's agent) not to, so that every status comes back as a response.
    fn run<S: ureq::AsSendBody>(
        &self,
        request: http::Request<S>,
    ) -> Result<http::Response<ureq::Body>, ureq::Error> {
        let request = if self.agent.config().http_status_as_error() {
            self.agent
                .configure_request(request)
                .http_status_as_error(false)
                .build()
        } else {
            request
        };
        self.agent.run(request)
    }
}
