//! What the async and blocking clients share: defaults, error mapping, the body cap and tracing.

use std::io;
use std::time::Duration;

use pusher_core::{HttpOptions, TransportError, TransportErrorKind};

/// The default whole-request timeout: 5 seconds.
pub const DEFAULT_TIMEOUT: Duration = HttpOptions::DEFAULT_TIMEOUT;

/// The default connect timeout: 5 seconds.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = HttpOptions::DEFAULT_CONNECT_TIMEOUT;

/// The default response body cap: 8 MiB.
pub const DEFAULT_MAX_RESPONSE_BODY: usize = HttpOptions::DEFAULT_MAX_RESPONSE_BODY;

/// Whether a response that announces `content_length` bytes is over `limit` before any is read.
pub(crate) fn announced_too_large(content_length: Option<u64>, limit: usize) -> bool {
    content_length.is_some_and(|length| length > limit as u64)
}

pub(crate) fn from_reqwest(error: reqwest::Error) -> TransportError {
    let kind = if error.is_timeout() {
        TransportErrorKind::Timeout
    } else if error.is_connect() {
        TransportErrorKind::Connect
    } else {
        TransportErrorKind::Other
    };
    TransportError::new(kind, error)
}

/// An error reading a blocking body: reqwest's own error inside an `io::Error`, or a plain one.
#[cfg_attr(not(feature = "blocking"), allow(dead_code))]
pub(crate) fn from_io(error: io::Error) -> TransportError {
    if error.get_ref().is_some_and(|inner| inner.is::<reqwest::Error>()) {
        match error.into_inner().map(|inner| inner.downcast::<reqwest::Error>()) {
            Some(Ok(reqwest_error)) => return from_reqwest(*reqwest_error),
            Some(Err(other)) => return TransportError::new(TransportErrorKind::Other, other),
            None => return TransportError::from_kind(TransportErrorKind::Other),
        }
    }
    let kind = match error.kind() {
        io::ErrorKind::TimedOut => TransportErrorKind::Timeout,
        _ => TransportErrorKind::Other,
    };
    TransportError::new(kind, error)
}

/// Moves status, version and headers from a reqwest response head onto `body`.
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

/// The per-request span (see [`pusher_core::trace`]), expanded here so that its target stays
/// this module's, for the async and the blocking client alike.
#[cfg(feature = "tracing")]
pub(crate) fn request_span(request: &http::Request<Vec<u8>>) -> pusher_core::http_client::trace::tracing::Span {
    pusher_core::http_client::trace::request_span!(request)
}

/// Records the outcome of the request on its span.
#[cfg(feature = "tracing")]
pub(crate) fn record_outcome(
    span: &pusher_core::http_client::trace::tracing::Span,
    started: std::time::Instant,
    outcome: &Result<http::Response<Vec<u8>>, TransportError>,
) {
    pusher_core::http_client::trace::record_outcome!(span, started, outcome);
}
