//! reqwest's errors as [`TransportError`]s, for the async and the blocking client, and why a TLS
//! handshake failed, read from the TLS library's error in reqwest's source chain.

use std::io;

use pusher_core::{TlsFailure, TransportError, TransportErrorKind};

/// Maps a reqwest error to its kind, keeping it as the source. A connection that failed in the
/// TLS handshake says why ([`TransportError::tls`]).
pub(crate) fn from_reqwest(error: reqwest::Error) -> TransportError {
    let kind = if error.is_timeout() {
        TransportErrorKind::Timeout
    } else if error.is_connect() {
        if let Some(failure) = TlsFailure::find_in(&error) {
            return TransportError::tls(failure, error.without_url());
        }
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
