//! ureq's errors as [`TransportError`]s, and why a TLS handshake failed, read from the TLS
//! library's error ureq hands over.

use std::io;

use pusher_core::{TlsFailure, TransportError, TransportErrorKind};

/// Maps a ureq error to its kind, keeping it as the source. Every TLS failure is a `Connect` error
/// that says why the handshake failed ([`TransportError::tls`]); its source is then the TLS
/// library's error.
pub(crate) fn from_ureq(error: ureq::Error) -> TransportError {
    let kind = match error {
        // rustls fails the handshake inside the transport's I/O: its error comes wrapped in one.
        ureq::Error::Io(io) => {
            if let Some(failure) = TlsFailure::find_in(&io) {
                return TransportError::tls(failure, io);
            }
            // The I/O error itself is the source, so that its kind reads in words.
            return TransportError::new(TransportErrorKind::of_io(&io), io);
        }
        #[cfg(feature = "rustls")]
        ureq::Error::Rustls(error) => return tls(error),
        #[cfg(feature = "native-tls")]
        ureq::Error::NativeTls(error) => return tls(error),
        ureq::Error::Timeout(_) => TransportErrorKind::Timeout,
        ureq::Error::HostNotFound
        | ureq::Error::ConnectionFailed
        | ureq::Error::ConnectProxyFailed(_)
        | ureq::Error::Tls(_) => TransportErrorKind::Connect,
        ureq::Error::BodyExceedsLimit(_) => TransportErrorKind::BodyTooLarge,
        _ => TransportErrorKind::Other,
    };
    TransportError::new(kind, error)
}

/// A TLS library's error, from the handshake.
#[cfg(any(feature = "rustls", feature = "native-tls"))]
fn tls<E: std::error::Error + Send + Sync + 'static>(error: E) -> TransportError {
    let failure = TlsFailure::find_in(&error).unwrap_or(TlsFailure::Handshake);
    TransportError::tls(failure, error)
}

/// An error reading the body: ureq's own error inside an `io::Error`, or a plain one.
pub(crate) fn from_io(error: io::Error) -> TransportError {
    TransportError::from_io(error, from_ureq)
}
