//! The `tracing` span of one HTTP request, for HTTP client adapters (feature `tracing`).
//!
//! Every adapter records a request the same way: a `DEBUG` span `pusher_http_request` with
//! `method`, `path` (the URI path only: never the query string, which carries the signature),
//! `status`, `duration_ms`, and `error` (the failure's kind) when the call fails, plus a `DEBUG`
//! event `response received` or `request failed` inside it. No header value is ever recorded.
//!
//! [`request_span!`] and [`record_outcome!`] are macros rather than functions so that the span
//! and its events take the target of the module that expands them: an adapter's spans stay under
//! its own crate name (`pusher_ureq`, ...), where log filters expect them. Most adapters need
//! neither: [`traced!`](crate::http_client::traced) and
//! [`traced_async!`](crate::http_client::traced_async) wrap a whole exchange in them.
//!
//! ```
//! use pusher_core::TransportError;
//!
//! fn send(request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError> {
//!     let span = pusher_core::http_client::trace::request_span!(&request);
//!     let started = std::time::Instant::now();
//!     let outcome = span.in_scope(|| Ok(http::Response::new(Vec::new())));
//!     pusher_core::http_client::trace::record_outcome!(&span, started, &outcome);
//!     outcome
//! }
//! # send(http::Request::new(Vec::new())).unwrap();
//! ```

/// The `tracing` crate the macros expand to: adapters can use it (e.g. `tracing::Instrument`)
/// without depending on `tracing` themselves.
pub use tracing;

#[doc(inline)]
pub use crate::__pusher_record_outcome as record_outcome;
#[doc(inline)]
pub use crate::__pusher_request_span as request_span;

/// The request's span: `request_span!(&request)`, with `request` an
/// `&http::Request<Vec<u8>>`, is a `tracing::Span` named `pusher_http_request` at `DEBUG`, with
/// `method` and `path` set, and `status`, `duration_ms` and `error` left for
/// [`record_outcome!`]. Its target is the calling module.
#[doc(hidden)]
#[macro_export]
macro_rules! __pusher_request_span {
    ($request:expr $(,)?) => {{
        let request: &$crate::http_client::trace::Request = $request;
        $crate::http_client::trace::tracing::debug_span!(
            "pusher_http_request",
            method = %request.method(),
            path = request.uri().path(),
            status = $crate::http_client::trace::tracing::field::Empty,
            duration_ms = $crate::http_client::trace::tracing::field::Empty,
            error = $crate::http_client::trace::tracing::field::Empty,
        )
    }};
}

/// Records the request's outcome on its span: `record_outcome!(&span, started, &outcome)`, with
/// `span` the [`request_span!`], `started` the `std::time::Instant` the request began and
/// `outcome` the `&Result<http::Response<Vec<u8>>, TransportError>` it ended with. Sets
/// `duration_ms`, then `status` and the event `response received`, or `error` (the
/// [`TransportErrorKind`](crate::TransportErrorKind)) and the event `request failed`.
#[doc(hidden)]
#[macro_export]
macro_rules! __pusher_record_outcome {
    ($span:expr, $started:expr, $outcome:expr $(,)?) => {{
        let span: &$crate::http_client::trace::tracing::Span = $span;
        let outcome: &$crate::http_client::trace::Outcome = $outcome;
        span.record("duration_ms", $crate::http_client::trace::duration_ms($started));
        span.in_scope(|| match outcome {
            ::core::result::Result::Ok(response) => {
                span.record("status", response.status().as_u16());
                $crate::http_client::trace::tracing::debug!("response received");
            }
            ::core::result::Result::Err(error) => {
                span.record(
                    "error",
                    $crate::http_client::trace::tracing::field::display(error.kind()),
                );
                $crate::http_client::trace::tracing::debug!("request failed");
            }
        });
    }};
}

/// The request [`request_span!`] takes.
pub type Request = http::Request<Vec<u8>>;

/// The outcome [`record_outcome!`] takes.
pub type Outcome = Result<http::Response<Vec<u8>>, crate::TransportError>;

/// Milliseconds since `started`, saturating: the span's `duration_ms`.
pub fn duration_ms(started: std::time::Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}
