//! ureq's errors as [`TransportError`]s.

use std::io;

use pusher_core::{TransportError, TransportErrorKind};

/// Maps a ureq error to its kind, keeping it as the source.
pub(crate) fn from_ureq(error: ureq::Error) -> TransportError {
    let kind = match error {
        // The I/O error itself is the source, so that its kind reads in words.
        ureq::Error::Io(io) => return TransportError::new(TransportErrorKind::of_io(&io), io),
        ureq::Error::Timeout(_) => TransportErrorKind::Timeout,
        ureq::Error::HostNotFound
        | ureq::Error::ConnectionFailed
        | ureq::Error::ConnectProxyFailed(_)
        | ureq::Error::Tls(_) => TransportErrorKind::Connect,
        #[cfg(feature = "rustls")]
        ureq::Error::Rustls(_) => TransportErrorKind::Connect,
        #[cfg(feature = "native-tls")]
        ureq::Error::NativeTls(_) => TransportErrorKind::Connect,
        ureq::Error::BodyExceedsLimit(_) => TransportErrorKind::BodyTooLarge,
        _ => TransportErrorKind::Other,
    };
    TransportError::new(kind, error)
}

/// An error reading the body: ureq's own error inside an `io::Error`, or a plain one.
pub(crate) fn from_io(error: io::Error) -> TransportError {
    TransportError::from_io(error, from_ureq)
}
