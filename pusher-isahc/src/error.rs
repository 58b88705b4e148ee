//! isahc's (curl's) errors as [`TransportError`]s, and why a TLS handshake failed, from isahc's
//! kind and curl's error.

use std::io;

use isahc::error::ErrorKind;
use pusher_core::{TlsFailure, TransportError, TransportErrorKind};

/// Maps an isahc error to its kind, keeping it as the source. A connection that failed in the TLS
/// handshake says why ([`TransportError::tls`]).
pub(crate) fn from_isahc(error: isahc::Error) -> TransportError {
    if let Some(failure) = tls_failure(&error) {
        return TransportError::tls(failure, error);
    }
    let kind = match error.kind() {
        ErrorKind::Timeout => TransportErrorKind::Timeout,
        ErrorKind::ConnectionFailed
        | ErrorKind::NameResolution
        | ErrorKind::TlsEngine
        | ErrorKind::BadClientCertificate => TransportErrorKind::Connect,
        _ => TransportErrorKind::Other,
    };
    TransportError::new(kind, error)
}

/// Why the handshake failed, from curl's code: a server certificate that failed verification
/// (isahc's `BadServerCertificate` but for a cipher problem), or `CURLE_SSL_CONNECT_ERROR`, which is
/// all curl says about any other failed handshake, a server that does not speak TLS included
/// (isahc keeps curl's code and drops its message).
fn tls_failure(error: &isahc::Error) -> Option<TlsFailure> {
    let curl = std::error::Error::source(error).and_then(|source| source.downcast_ref::<curl::Error>());
    if *error.kind() == ErrorKind::BadServerCertificate {
        return Some(if curl.is_some_and(curl::Error::is_ssl_cipher) {
            TlsFailure::Handshake
        } else {
            TlsFailure::UntrustedCertificate
        });
    }
    curl.filter(|curl| curl.is_ssl_connect_error())
        .map(|_| TlsFailure::Handshake)
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
