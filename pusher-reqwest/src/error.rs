//! reqwest's errors as [`TransportError`]s, for the async and the blocking client.

use std::io;

use pusher_core::{TransportError, TransportErrorKind};

/// Maps a reqwest error to its kind, keeping it as the source.
pub(crate) fn from_reqwest(error: reqwest::Error) -> TransportError {
    let kind = if error.is_timeout() {
        TransportErrorKind::Timeout
    } else if error.is_connect() {
        TransportErrorKind::Connect
    } else {
        TransportErrorKind::Other
    };
    TransportError::new(kind, error.without_url())
}

/// A reqwest client that could not be built (e.g. the TLS backend failed to initialize).
pub(crate) fn building(error: reqwest::Error) -> TransportError {
    TransportError::new(TransportErrorKind::Other, error)
}

/// An error reading a blocking body: reqwest's own error inside an `io::Error`, or a plain one.
#[cfg_attr(not(feature = "blocking"), allow(dead_code))]
pub(crate) fn from_io(error: io::Error) -> TransportError {
    TransportError::from_io(error, from_reqwest)
}
