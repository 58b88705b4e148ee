//! The blocking client (feature `blocking`), over [`reqwest::blocking::Client`].
//!
//! Same behaviour and [defaults](crate#defaults) as the async [`crate::ReqwestClient`]. reqwest's
//! blocking client runs its own background runtime thread: build and use it outside any async
//! runtime (reqwest panics when a blocking client is built or dropped inside one).
//!
//! ```no_run
//! use pusher_core::HttpClient;
//! use pusher_reqwest::blocking::ReqwestClient;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let client = ReqwestClient::new();
//! let request = http::Request::get("https://api-mt1.pusher.com/apps/1/channels").body(Vec::new())?;
//! let response = client.send(request)?;
//! println!("{}", response.status());
//! # Ok(())
//! # }
//! ```

use std::io::Read;

use pusher_core::{BuildHttpClient, HttpClient, HttpClientBuilder, HttpOptions, TransportError};

use crate::common::{self, DEFAULT_MAX_RESPONSE_BODY};

/// A blocking HTTP client for the Pusher API over [`reqwest::blocking::Client`].
///
/// Cheap to clone: clones share one connection pool and background thread.
#[derive(Debug, Clone)]
pub struct ReqwestClient {
    inner: reqwest::blocking::Client,
    max_response_body: usize,
}

impl ReqwestClient {
    /// A client with the [defaults](crate#defaults).
    ///
    /// # Panics
    ///
    /// If the TLS backend cannot be initialized, or when called inside an async runtime (as
    /// [`reqwest::blocking::Client::new`]); use [`builder`](Self::builder) to get the former as an
    /// error instead.
    #[allow(clippy::expect_used)] // documented, as reqwest::blocking::Client::new
    pub fn new() -> Self {
        Self::builder()
            .build()
            .expect("the reqwest client could not be built (TLS backend initialization failed)")
    }

    /// A builder starting from the [defaults](crate#defaults); its `build` fails and panics as
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

    /// The wrapped `reqwest::blocking::Client`.
    pub fn inner(&self) -> &reqwest::blocking::Client {
        &self.inner
    }
}

impl Default for ReqwestClient {
    /// As [`ReqwestClient::new`].
    fn default() -> Self {
        Self::new()
    }
}

impl From<reqwest::blocking::Client> for ReqwestClient {
    /// Wraps a client configured elsewhere, with the default body cap; see
    /// [Bring your own client](crate#bring-your-own-client).
    fn from(inner: reqwest::blocking::Client) -> Self {
        ReqwestClient {
            inner,
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
        }
    }
}

impl BuildHttpClient for ReqwestClient {
    /// A client with the options' timeouts and body cap, not following redirects: what
    /// [`ReqwestClient::builder`]'s `build` and the core's `PusherBuilder` call (as
    /// `Pusher<Blocking<ReqwestClient>>`).
    ///
    /// # Errors
    ///
    /// A [`TransportError`] of kind `Other` (with reqwest's error as source) when reqwest cannot
    /// build its client, e.g. when the TLS backend fails to initialize.
    ///
    /// # Panics
    ///
    /// When called inside an async runtime (reqwest's blocking client starts its own).
    fn build_http_client(options: &HttpOptions) -> Result<Self, TransportError> {
        let inner = reqwest::blocking::Client::builder()
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

impl HttpClient for ReqwestClient {
    fn send(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError> {
        #[cfg(feature = "tracing")]
        {
            let span = common::request_span(&request);
            let started = std::time::Instant::now();
            let outcome = span.in_scope(|| exchange(&self.inner, self.max_response_body, request));
            common::record_outcome(&span, started, &outcome);
            outcome
        }
        #[cfg(not(feature = "tracing"))]
        {
            exchange(&self.inner, self.max_response_body, request)
        }
    }
}

fn exchange(
    client: &reqwest::blocking::Client,
    limit: usize,
    request: http::Request<Vec<u8>>,
) -> Result<http::Response<Vec<u8>>, TransportError> {
    let request = reqwest::blocking::Request::try_from(request).map_err(common::from_reqwest)?;
    let mut response = client.execute(request).map_err(common::from_reqwest)?;
    if common::announced_too_large(response.content_length(), limit) {
        return Err(TransportError::body_too_large(limit));
    }
    let status = response.status();
    let version = response.version();
    let headers = std::mem::take(response.headers_mut());
    let mut body = Vec::new();
    // One byte past the cap tells "exactly the cap" from "over it" without reading further.
    response
        .by_ref()
        .take((limit as u64).saturating_add(1))
        .read_to_end(&mut body)
        .map_err(common::from_io)?;
    if body.len() > limit {
        return Err(TransportError::body_too_large(limit));
    }
    Ok(common::into_http_response(status, version, headers, body))
}
