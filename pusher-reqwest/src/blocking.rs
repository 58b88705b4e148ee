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

use pusher_core::http_client::{CappedBody, adapter_client};
use pusher_core::{BuildHttpClient, HttpOptions, TransportError};

use crate::{configured, error, into_http_response, into_reqwest};

adapter_client! {
    /// A blocking HTTP client for the Pusher API over [`reqwest::blocking::Client`].
    ///
    /// Cheap to clone: clones share one connection pool and background thread.
    pub struct ReqwestClient(inner: reqwest::blocking::Client);
    impl HttpClient by exchange;
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
        let inner = configured!(reqwest::blocking::Client::builder(), options)
            .build()
            .map_err(error::building)?;
        Ok(Self::configured(inner, options))
    }
}

impl ReqwestClient {
    fn exchange(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError> {
        let method = request.method().clone();
        let mut request = into_reqwest!(request, reqwest::blocking::Request);
        // reqwest's blocking client applies its own timeout to each read of the body; a deadline
        // on the request bounds the whole call, body included.
        *request.timeout_mut() = self.timeout;
        let mut response = self.inner.execute(request).map_err(error::from_reqwest)?;
        let headers = std::mem::take(response.headers_mut());
        let (status, version) = (response.status(), response.version());
        let body = CappedBody::new(self.max_response_body, &method, &headers)?
            .read_to_end(response, error::from_io)?;
        Ok(into_http_response(status, version, headers, body))
    }
}
