//! isahc's (curl's) errors as [`TransportError`]s.

use std::io;

use isahc::error::ErrorKind;
use pusher_core::{TransportError, TransportErrorKind};

/// Maps an isahc error to its kind, keeping it as the source.
pub(crate) fn from_isahc(error: isahc::Error) -> TransportError {
    let kind = match error.kind() {
        ErrorKind::Timeout => TransportErrorKind::Timeout,
        ErrorKind::ConnectionFailed
        | ErrorKind::NameResolution
        | ErrorKind::TlsEngine
        | ErrorKind::BadServerCertificate
        | ErrorKind::BadClientCertificate => TransportErrorKind::Connect,
        _ => TransportErrorKind::Other,
    };
    TransportError::new(kind, error)
}

/// An isahc client that could not be built (curl could not be initialized, or its agent thread
/// could not start).
pub(crate) fn building(error: isahc::Error) -> TransportError {
    TransportError::new(TransportErrorKind::Other, error)
}

/// An error reading the body: isahc's own error inside an `io::Error`, or a plain one.
pub(crate) fn from_io(error: io::Error) -> TransportError {
    TransportError::from_io(error, from_isahc)
}
