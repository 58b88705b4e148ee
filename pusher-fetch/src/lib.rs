//! JavaScript `fetch` adapter for the Pusher Channels HTTP API client: the library where Rust is
//! compiled to `wasm32-unknown-unknown` and the host gives it a `fetch` and no sockets — an edge
//! function (Cloudflare Workers, Deno, Vercel Edge), a browser, Node.js.
//!
//! [`FetchClient`] implements [`pusher_core::AsyncHttpClient`] over the host's `fetch`;
//! [`HostClock`] (`Date.now()`) and [`HostRandom`] (`crypto.getRandomValues`) give the core its
//! time and encryption nonces, which it cannot read from an operating system there. [`pusher`]
//! puts the three together:
//!
//! ```no_run
//! use pusher_core::Config;
//!
//! # async fn handler(pusher_url: &str) -> Result<(), Box<dyn std::error::Error>> {
//! let pusher = pusher_fetch::pusher(Config::from_url(pusher_url)?);
//! pusher.trigger(["orders"], "created", &serde_json::json!({"id": 42})).await?;
//! # Ok(())
//! # }
//! ```
//!
//! and [`read_request`] turns the `Request` a handler receives into an `http::Request`, for
//! [`verify_webhook`](pusher_core::Pusher::verify_webhook).
//!
//! # Why a fetch client, and not reqwest
//!
//! reqwest has a fetch backend on `wasm32`, but its client there has other settings than on a
//! native target (a timeout per request only, no connect timeout, no redirect policy), and a
//! non-`Send` future that the shared adapter code does not take; building `pusher-reqwest` for
//! both would put two clients behind `cfg`s in one crate. It also brings `url` and its Unicode
//! tables (`idna`) into the `.wasm`, which an edge function pays for at every cold start. The
//! host's `fetch` takes about a hundred lines over `wasm-bindgen`'s own crates, so that is what
//! this crate is.
//!
//! # Defaults
//!
//! [`FetchClient::new`] and [`FetchClient::builder`] start from the core's [`HttpOptions`]:
//!
//! - a whole-request deadline of 5 s ([`HttpOptions::DEFAULT_TIMEOUT`]) through
//!   `AbortSignal.timeout`, which covers connecting, the response head and the body
//!   (`fetch` has no separate connect timeout: `connect_timeout` is not used);
//! - a response body cap of 8 MiB ([`HttpOptions::DEFAULT_MAX_RESPONSE_BODY`]): the body is read
//!   chunk by chunk and the call fails with
//!   [`TransportErrorKind::BodyTooLarge`](pusher_core::TransportErrorKind) as soon as it goes over
//!   (at once when `Content-Length` already says so);
//! - redirects are not followed (`redirect: "manual"`), so a 3xx comes back as a response.
//!
//! # Errors
//!
//! Failures are [`TransportError`]s saying what JavaScript said: `Timeout` when the deadline
//! aborted the call, `Connect` when `fetch` rejected with a `TypeError` (the network failed:
//! refused, DNS, TLS), `BodyTooLarge` over the cap, `Other` for anything else. The mapping is in
//! `src/error.rs`.
//!
//! # Where it runs
//!
//! On `wasm32-unknown-unknown` under a JavaScript host with `fetch`, `AbortSignal.timeout` and
//! Web Crypto: every edge runtime, current browsers, and Node.js 20 (where CI runs the example in
//! `edge-example/` against the emulator). On other targets the crate compiles, so that a workspace
//! holding it builds, but any call into JavaScript panics, as every `wasm-bindgen` import does
//! there. The futures are not `Send`: a WebAssembly host runs them on one thread.

mod error;
mod host;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use pusher_core::http_client::{CappedBody, RequestTarget, adapter_client};
use pusher_core::{AsyncHttpClient, BuildHttpClient, Config, HttpOptions, TransportError};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

pub use host::{HostClock, HostRandom};

/// The generic client over [`FetchClient`].
pub type Pusher = pusher_core::Pusher<FetchClient>;

/// A client for `config` over the host's `fetch`, [`HostClock`] and [`HostRandom`], with the
/// [defaults](crate#defaults).
///
/// # Panics
///
/// When the host has no global `fetch` (see [`FetchClient::new`]).
pub fn pusher(config: Config) -> Pusher {
    Pusher::with_sources(config, FetchClient::new(), HostClock, HostRandom)
}

adapter_client! {
    /// An asynchronous HTTP client for the Pusher API over the host's `fetch` function.
    ///
    /// Cheap to clone. `FetchClient::from(function)` wraps another function of `fetch`'s shape
    /// (a service binding's `fetch`, an instrumented one), called with the global object as `this`.
    pub struct FetchClient(fetch: js_sys::Function);
}

impl FetchClient {
    /// A client over the global `fetch`, with the [defaults](crate#defaults).
    ///
    /// # Panics
    ///
    /// When the host has no global `fetch` function; use [`builder`](Self::builder) to get that
    /// as an error instead.
    #[allow(clippy::expect_used)] // documented, as the other adapters' `new`
    pub fn new() -> Self {
        Self::builder()
            .build()
            .expect("the host has no global `fetch` function")
    }
}

impl BuildHttpClient for FetchClient {
    /// A client over the global `fetch` with the options' deadline and body cap: what
    /// [`FetchClient::builder`]'s `build` and the core's `PusherBuilder` call.
    ///
    /// # Errors
    ///
    /// A [`TransportError`] of kind `Other` when the host has no global `fetch` function.
    fn build_http_client(options: &HttpOptions) -> Result<Self, TransportError> {
        let fetch = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("fetch"))
            .ok()
            .and_then(|fetch| fetch.dyn_into::<js_sys::Function>().ok())
            .ok_or_else(|| error::unexpected("a global `fetch` function"))?;
        Ok(Self::configured(fetch, options))
    }
}

/// The future of [`FetchClient`]'s [`send`](AsyncHttpClient::send): boxed, and not `Send`, as
/// JavaScript values stay on the one thread of their host.
pub type FetchFuture<'a> =
    Pin<Box<dyn Future<Output = Result<http::Response<Vec<u8>>, TransportError>> + 'a>>;

impl AsyncHttpClient for FetchClient {
    type Future<'a>
        = FetchFuture<'a>
    where
        Self: 'a;

    fn send(&self, request: http::Request<Vec<u8>>) -> Self::Future<'_> {
        let target = RequestTarget::of(&request);
        Box::pin(async move {
            self.exchange(request)
                .await
                .map_err(|error| error.with_target(target).with_timeout(self.timeout))
        })
    }
}

impl FetchClient {
    async fn exchange(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        let method = request.method().clone();
        let request = fetch_request(request, self.timeout)?;
        let pending = self
            .fetch
            .call1(&js_sys::global(), &request)
            .map_err(error::fetching)?;
        let response: web_sys::Response = JsFuture::from(js_sys::Promise::resolve(&pending))
            .await
            .map_err(error::fetching)?
            .dyn_into()
            .map_err(|_| error::unexpected("a `Response` from `fetch`"))?;
        let status = http::StatusCode::from_u16(response.status()).map_err(|_| {
            // A browser answers a redirect it did not follow with an opaque status 0.
            error::unexpected("an HTTP status (a redirect, which is not followed?)")
        })?;
        let headers = http_headers(&response.headers())?;
        let body = read_body(
            response.body(),
            CappedBody::new(self.max_response_body, &method, &headers)?,
        )
        .await?;
        let mut response = http::Response::new(body);
        *response.status_mut() = status;
        *response.headers_mut() = headers;
        Ok(response)
    }
}

/// The `Request` `fetch` sends for `request`, aborted after `timeout` when there is one.
fn fetch_request(
    request: http::Request<Vec<u8>>,
    timeout: Option<Duration>,
) -> Result<web_sys::Request, TransportError> {
    let (parts, body) = request.into_parts();
    let headers = web_sys::Headers::new().map_err(|e| error::other("creating the headers", e))?;
    for (name, value) in &parts.headers {
        let value = value
            .to_str()
            .map_err(|_| error::unexpected(&format!("a visible-ASCII value for header {name}")))?;
        headers
            .append(name.as_str(), value)
            .map_err(|e| error::other(&format!("setting header {name}"), e))?;
    }
    let init = web_sys::RequestInit::new();
    init.set_method(parts.method.as_str());
    init.set_headers(&headers);
    init.set_redirect(web_sys::RequestRedirect::Manual);
    if !body.is_empty() {
        init.set_body(&js_sys::Uint8Array::from(body.as_slice()));
    }
    if let Some(timeout) = timeout {
        let millis = u32::try_from(timeout.as_millis()).unwrap_or(u32::MAX);
        init.set_signal(Some(&web_sys::AbortSignal::timeout_with_u32(millis)));
    }
    web_sys::Request::new_with_str_and_init(&parts.uri.to_string(), &init)
        .map_err(|e| error::other("creating the request", e))
}

/// A JavaScript `Headers` as an `http::HeaderMap`.
fn http_headers(headers: &web_sys::Headers) -> Result<http::HeaderMap, TransportError> {
    let entries = js_sys::try_iter(headers)
        .ok()
        .flatten()
        .ok_or_else(|| error::unexpected("iterable headers"))?;
    let mut map = http::HeaderMap::new();
    for entry in entries {
        let entry: js_sys::Array = entry
            .map_err(|e| error::other("reading the headers", e))?
            .dyn_into()
            .map_err(|_| error::unexpected("a [name, value] header entry"))?;
        let (Some(name), Some(value)) = (entry.get(0).as_string(), entry.get(1).as_string()) else {
            return Err(error::unexpected("a header name and value as strings"));
        };
        let name = http::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| error::unexpected(&format!("a valid header name, not {name:?}")))?;
        let value = http::HeaderValue::from_str(&value)
            .map_err(|_| error::unexpected(&format!("a valid value for header {name}")))?;
        map.append(name, value);
    }
    Ok(map)
}

/// Reads a body stream (none is an empty body) chunk by chunk into `body`, stopping as soon as it
/// goes over the cap.
async fn read_body(
    stream: Option<web_sys::ReadableStream>,
    mut body: CappedBody,
) -> Result<Vec<u8>, TransportError> {
    let Some(stream) = stream else {
        return Ok(body.into_bytes());
    };
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    loop {
        let chunk: web_sys::ReadableStreamReadResult = JsFuture::from(reader.read())
            .await
            .map_err(error::reading)?
            .unchecked_into();
        if chunk.get_done().unwrap_or(false) {
            return Ok(body.into_bytes());
        }
        let bytes: js_sys::Uint8Array = chunk
            .get_value()
            .dyn_into()
            .map_err(|_| error::unexpected("the body as bytes"))?;
        if let Err(over) = body.push(&bytes.to_vec()) {
            // Stop the download; the error is the cap, whatever cancelling says.
            let _cancelled = reader.cancel();
            return Err(over);
        }
    }
}

/// Reads a request the host handed to a handler (a Worker's `fetch` event, say) into an
/// `http::Request`: method, URL, headers, and the body up to `max_body` bytes. What
/// [`verify_webhook`](pusher_core::Pusher::verify_webhook) takes:
///
/// ```no_run
/// # async fn handle(pusher: pusher_fetch::Pusher, request: web_sys::Request) -> Result<(), Box<dyn std::error::Error>> {
/// let request = pusher_fetch::read_request(&request, 64 * 1024).await?;
/// let webhook = pusher.verify_webhook(request.headers(), request.body())?;
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// [`BodyTooLarge`](pusher_core::TransportErrorKind::BodyTooLarge) when the body is over
/// `max_body` bytes; `Other` when the request cannot be read (a method, URL or header `http`
/// refuses, a body already read).
pub async fn read_request(
    request: &web_sys::Request,
    max_body: usize,
) -> Result<http::Request<Vec<u8>>, TransportError> {
    if request.body_used() {
        return Err(error::unexpected("a request whose body was not read yet"));
    }
    let method = http::Method::from_bytes(request.method().as_bytes())
        .map_err(|_| error::unexpected("a valid request method"))?;
    let headers = http_headers(&request.headers())?;
    let body = read_body(request.body(), CappedBody::new(max_body, &method, &headers)?).await?;
    let mut http_request = http::Request::new(body);
    *http_request.method_mut() = method;
    *http_request.uri_mut() = request
        .url()
        .parse()
        .map_err(|_| error::unexpected("a valid request URL"))?;
    *http_request.headers_mut() = headers;
    Ok(http_request)
}

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
