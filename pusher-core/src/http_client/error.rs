//! What an HTTP client raises when the exchange itself fails, and the mapping of the standard
//! library's I/O errors every adapter shares.

use std::fmt;
use std::io;

/// What kind of failure a [`TransportError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be made (refused, DNS, TLS handshake).
    Connect,
    /// The request or connection timed out.
    Timeout,
    /// The response body exceeded the configured cap.
    BodyTooLarge,
    /// The exchange failed otherwise (reset, malformed HTTP, ...).
    Other,
}

impl TransportErrorKind {
    /// The kind of an I/O error: a timeout, a connection that could not be made, or other.
    pub fn of_io(error: &io::Error) -> Self {
        match error.kind() {
            io::ErrorKind::TimedOut => Self::Timeout,
            io::ErrorKind::ConnectionRefused
            | io::ErrorKind::HostUnreachable
            | io::ErrorKind::NetworkUnreachable
            | io::ErrorKind::AddrNotAvailable => Self::Connect,
            _ => Self::Other,
        }
    }
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "connection failed",
            Self::Timeout => "timed out",
            Self::BodyTooLarge => "response body too large",
            Self::Other => "HTTP exchange failed",
        })
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The source of [`TransportError::body_too_large`].
#[derive(Debug, thiserror::Error)]
#[error("response body exceeds the limit of {limit} bytes")]
struct BodyTooLarge {
    limit: usize,
}

/// The HTTP client could not complete the exchange. Raised by HTTP client adapters.
///
/// The underlying error is kept as the [`source`](std::error::Error::source).
#[derive(Debug, thiserror::Error)]
#[error("{kind}")]
pub struct TransportError {
    kind: TransportErrorKind,
    #[source]
    source: Option<BoxError>,
}

impl TransportError {
    /// A transport error of `kind` caused by `source`.
    pub fn new(kind: TransportErrorKind, source: impl Into<BoxError>) -> Self {
        Self {
            kind,
            source: Some(source.into()),
        }
    }

    /// A transport error of `kind` with no underlying error.
    pub fn from_kind(kind: TransportErrorKind) -> Self {
        Self { kind, source: None }
    }

    /// A [`BodyTooLarge`](TransportErrorKind::BodyTooLarge) error: the response body is over
    /// `limit` bytes, the cap of [`HttpOptions::max_response_body`](super::HttpOptions). Its
    /// source says "response body exceeds the limit of {limit} bytes".
    pub fn body_too_large(limit: usize) -> Self {
        Self::new(TransportErrorKind::BodyTooLarge, BodyTooLarge { limit })
    }

    /// An error reading or writing through `std::io`: when the HTTP stack's own error `E` is
    /// wrapped inside (as stacks do for body readers), `map` maps that one; any other I/O error
    /// is mapped by its kind ([`TransportErrorKind::of_io`]) and kept as the source.
    pub fn from_io<E>(error: io::Error, map: impl FnOnce(E) -> TransportError) -> Self
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        if !error.get_ref().is_some_and(|inner| inner.is::<E>()) {
            return Self::new(TransportErrorKind::of_io(&error), error);
        }
        match error.into_inner().map(|inner| inner.downcast::<E>()) {
            Some(Ok(stack_error)) => map(*stack_error),
            Some(Err(other)) => Self::new(TransportErrorKind::Other, other),
            None => Self::from_kind(TransportErrorKind::Other),
        }
    }

    /// The kind of failure.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether the failure was a timeout.
    pub fn is_timeout(&self) -> bool {
        self.kind == TransportErrorKind::Timeout
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    #[test]
    fn body_too_large_names_the_limit() {
        let error = TransportError::body_too_large(1024);
        assert_eq!(error.kind(), TransportErrorKind::BodyTooLarge);
        assert_eq!(error.to_string(), "response body too large");
        assert_eq!(
            error.source().map(ToString::to_string).as_deref(),
            Some("response body exceeds the limit of 1024 bytes")
        );
    }

    #[derive(Debug, thiserror::Error)]
    #[error("the stack's own error")]
    struct StackError;

    #[test]
    fn io_errors_map_by_kind_unless_they_wrap_the_stacks_own() {
        let cases = [
            (io::ErrorKind::TimedOut, TransportErrorKind::Timeout),
            (io::ErrorKind::ConnectionRefused, TransportErrorKind::Connect),
            (io::ErrorKind::HostUnreachable, TransportErrorKind::Connect),
            (io::ErrorKind::ConnectionReset, TransportErrorKind::Other),
            (io::ErrorKind::UnexpectedEof, TransportErrorKind::Other),
        ];
        for (io_kind, kind) in cases {
            let error = TransportError::from_io(io::Error::from(io_kind), |_: StackError| {
                TransportError::from_kind(TransportErrorKind::BodyTooLarge)
            });
            assert_eq!(error.kind(), kind, "{io_kind:?}");
            assert!(error.source().is_some(), "{io_kind:?}: the I/O error is kept");
        }
        let wrapped = io::Error::other(StackError);
        let error = TransportError::from_io(wrapped, |e: StackError| {
            TransportError::new(TransportErrorKind::Timeout, e)
        });
        assert_eq!(error.kind(), TransportErrorKind::Timeout);
        assert_eq!(
            error.source().map(ToString::to_string).as_deref(),
            Some("the stack's own error")
        );
    }
}
