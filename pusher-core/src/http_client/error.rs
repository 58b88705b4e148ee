//! What an HTTP client raises when the exchange itself fails, the mapping of the standard
//! library's I/O errors every adapter shares, and the words for a failed TLS handshake: each
//! adapter tells why its stack's handshake failed ([`TlsFailure`]), and the message is written
//! here, once for all of them.

use std::fmt;
use std::io;
use std::time::Duration;

/// What kind of failure a [`TransportError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be made (refused, DNS, TLS handshake: see
    /// [`TransportError::tls_failure`]).
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

/// Why a TLS handshake failed, as far as the HTTP stack could tell. An adapter sets it with
/// [`TransportError::tls`] on a [`Connect`](TransportErrorKind::Connect) error; the error's message
/// then says it first (see [`TransportError`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TlsFailure {
    /// The server's certificate was not trusted: signed by an authority the client does not
    /// trust (a private or company CA not among its roots, a self-signed certificate), expired,
    /// or made out for another name.
    UntrustedCertificate,
    /// The server did not answer in TLS at all: most likely it speaks plain HTTP on that port, and
    /// the URL should say `http://`.
    NotTls,
    /// The handshake failed otherwise, or the stack does not say why: no protocol version or
    /// cipher in common, an alert from the server, or (where the stack cannot tell it apart, as
    /// curl under isahc) a server that does not speak TLS. The message says what a plain HTTP
    /// server would need.
    Handshake,
}

impl fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::UntrustedCertificate => "the server's certificate was not trusted",
            Self::NotTls => {
                "the TLS handshake failed: the server did not answer in TLS (if it speaks plain \
                 HTTP, the URL must be http://)"
            }
            Self::Handshake => {
                "the TLS handshake failed (if the server speaks plain HTTP on that port, the URL \
                 must be http://)"
            }
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

/// Where a request went: its method, the server's host and port, and the path. Never the query,
/// which carries the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestTarget {
    method: http::Method,
    authority: String,
    path: String,
}

impl RequestTarget {
    /// The target of `request`; the port is the scheme's default when the URI names none.
    pub fn of<B>(request: &http::Request<B>) -> Self {
        let uri = request.uri();
        let host = uri.host().unwrap_or_default();
        let port = uri.port_u16().unwrap_or(match uri.scheme_str() {
            Some("http") => 80,
            _ => 443,
        });
        Self {
            method: request.method().clone(),
            authority: format!("{host}:{port}"),
            path: uri.path().to_owned(),
        }
    }

    /// The request's method.
    pub fn method(&self) -> &http::Method {
        &self.method
    }

    /// The server's `host:port`.
    pub fn authority(&self) -> &str {
        &self.authority
    }

    /// The request's path, without the query.
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl fmt::Display for RequestTarget {
    /// `METHOD /path`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// The HTTP client could not complete the exchange. Raised by HTTP client adapters.
///
/// Its message says what failed and where, in words: `connecting to 127.0.0.1:7 failed:
/// connection refused`, `connecting to api-eu.pusher.com:443 failed: the server's certificate was
/// not trusted: invalid peer certificate: UnknownIssuer`, `no complete response from api-eu.pusher.com:443 within 5 s (POST
/// /apps/123/events)`, `the response body from 127.0.0.1:6001 exceeds the limit of 8388608 bytes
/// (GET /apps/1/channels)`. The method and path, yes; the query string (which carries the
/// signature), never. The underlying error is kept as the
/// [`source`](std::error::Error::source), with no URL in it. `Debug` shows the kind, the message
/// and the source's message, so that a `main` returning this error prints something to act on.
pub struct TransportError {
    kind: TransportErrorKind,
    tls: Option<TlsFailure>,
    source: Option<BoxError>,
    target: Option<RequestTarget>,
    timeout: Option<Duration>,
}

impl TransportError {
    /// A transport error of `kind` caused by `source`.
    pub fn new(kind: TransportErrorKind, source: impl Into<BoxError>) -> Self {
        Self {
            kind,
            tls: None,
            source: Some(source.into()),
            target: None,
            timeout: None,
        }
    }

    /// A [`Connect`](TransportErrorKind::Connect) error: the TLS handshake failed, for the reason
    /// `failure`, caused by `source` (the stack's error). The message names the reason first:
    /// `connecting to HOST:PORT failed: the server's certificate was not trusted: CAUSE`.
    pub fn tls(failure: TlsFailure, source: impl Into<BoxError>) -> Self {
        Self {
            tls: Some(failure),
            ..Self::new(TransportErrorKind::Connect, source)
        }
    }

    /// A transport error of `kind` with no underlying error.
    pub fn from_kind(kind: TransportErrorKind) -> Self {
        Self {
            kind,
            tls: None,
            source: None,
            target: None,
            timeout: None,
        }
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

    /// The same error, saying which request failed (kept if one was already said).
    #[must_use]
    pub fn with_target(mut self, target: RequestTarget) -> Self {
        self.target.get_or_insert(target);
        self
    }

    /// The same error, saying which whole-request deadline the client held (for a
    /// [`Timeout`](TransportErrorKind::Timeout), the message says "within" it).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = self.timeout.or(timeout);
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether the failure was a timeout.
    pub fn is_timeout(&self) -> bool {
        self.kind == TransportErrorKind::Timeout
    }

    /// Why the TLS handshake failed, when it did and the adapter could tell (the kind is then
    /// [`Connect`](TransportErrorKind::Connect)).
    pub fn tls_failure(&self) -> Option<TlsFailure> {
        self.tls
    }

    /// Whether the connection failed because the server's certificate was not trusted
    /// ([`TlsFailure::UntrustedCertificate`]): a server behind a private CA that the client was
    /// not given as a root, a self-signed, expired or misnamed certificate.
    pub fn is_certificate_error(&self) -> bool {
        self.tls == Some(TlsFailure::UntrustedCertificate)
    }

    /// The request that failed, when the client said.
    pub fn target(&self) -> Option<&RequestTarget> {
        self.target.as_ref()
    }

    /// What caused the failure, in words: the kind of the innermost I/O error when there is one
    /// that says it plainly, else the innermost error's message, unless an error on the way says
    /// its source's message and more (as native-tls adds why OpenSSL rejected a certificate to
    /// OpenSSL's message): then that one.
    fn cause(&self) -> Option<String> {
        let mut next = self
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static));
        let mut innermost = None;
        while let Some(error) = next {
            if let Some(words) = error.downcast_ref::<io::Error>().and_then(io_in_words) {
                return Some(words.to_owned());
            }
            next = error.source();
            let message = error.to_string();
            if let Some(source) = next.map(ToString::to_string)
                && !source.is_empty()
                && message.len() > source.len()
                && message.starts_with(&source)
            {
                return Some(message);
            }
            innermost = Some(message);
        }
        innermost
    }

    fn limit(&self) -> Option<usize> {
        let source = self.source.as_deref()?;
        source.downcast_ref::<BodyTooLarge>().map(|b| b.limit)
    }
}

/// An I/O error kind as a person would say it, for the kinds that say it all.
fn io_in_words(error: &io::Error) -> Option<&'static str> {
    Some(match error.kind() {
        io::ErrorKind::ConnectionRefused => "connection refused",
        io::ErrorKind::ConnectionReset => "connection reset by the server",
        io::ErrorKind::ConnectionAborted => "connection aborted",
        io::ErrorKind::HostUnreachable => "host unreachable",
        io::ErrorKind::NetworkUnreachable => "network unreachable",
        io::ErrorKind::AddrNotAvailable => "address not available",
        io::ErrorKind::TimedOut => "timed out",
        io::ErrorKind::UnexpectedEof => "the connection closed before the response was complete",
        _ => return None,
    })
}

/// A duration as a person would say it: `5 s`, `1.5 s`, `300 ms`.
struct InWords(Duration);

impl fmt::Display for InWords {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let millis = self.0.as_millis();
        if millis < 1000 {
            write!(f, "{millis} ms")
        } else if millis.is_multiple_of(1000) {
            write!(f, "{} s", millis / 1000)
        } else {
            write!(f, "{} s", self.0.as_secs_f64())
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(target) = &self.target else {
            write!(f, "{}", self.kind)?;
            if let Some(tls) = self.tls {
                write!(f, ": {tls}")?;
            }
            return match self.cause() {
                Some(cause) if self.kind != TransportErrorKind::BodyTooLarge => write!(f, ": {cause}"),
                _ => Ok(()),
            };
        };
        let host = target.authority();
        match self.kind {
            TransportErrorKind::Connect => {
                write!(f, "connecting to {host} failed")?;
                if let Some(tls) = self.tls {
                    write!(f, ": {tls}")?;
                }
                match self.cause() {
                    Some(cause) => write!(f, ": {cause}"),
                    None => Ok(()),
                }
            }
            TransportErrorKind::Timeout => match self.timeout {
                Some(timeout) => write!(
                    f,
                    "no complete response from {host} within {} ({target})",
                    InWords(timeout)
                ),
                None => write!(f, "no complete response from {host} in time ({target})"),
            },
            TransportErrorKind::BodyTooLarge => match self.limit() {
                Some(limit) => write!(
                    f,
                    "the response body from {host} exceeds the limit of {limit} bytes ({target})"
                ),
                None => write!(f, "the response body from {host} is too large ({target})"),
            },
            TransportErrorKind::Other => {
                write!(f, "the HTTP exchange with {host} failed")?;
                if let Some(cause) = self.cause() {
                    write!(f, ": {cause}")?;
                }
                write!(f, " ({target})")
            }
        }
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("kind", &self.kind)
            .field("tls", &self.tls)
            .field("message", &self.to_string())
            .field("source", &self.source.as_ref().map(ToString::to_string))
            .finish()
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
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

    fn target(uri: &str) -> RequestTarget {
        RequestTarget::of(&http::Request::post(uri).body(()).unwrap())
    }

    /// An error whose message is its source's and more, as native-tls's is OpenSSL's with the
    /// verification result after it.
    #[derive(Debug, thiserror::Error)]
    #[error("{source} (unable to get local issuer certificate)")]
    struct Extends {
        source: Inner,
    }

    #[derive(Debug, thiserror::Error)]
    #[error("certificate verify failed")]
    struct Inner;

    #[derive(Debug, thiserror::Error)]
    #[error("error sending request")]
    struct Wrapper(#[source] Extends);

    #[test]
    fn a_tls_failure_is_a_connect_error_whose_message_says_why_first() {
        let untrusted = TransportError::tls(TlsFailure::UntrustedCertificate, StackError)
            .with_target(target("https://api.example.com/apps/1/events?auth_signature=s"));
        assert_eq!(untrusted.kind(), TransportErrorKind::Connect);
        assert_eq!(untrusted.tls_failure(), Some(TlsFailure::UntrustedCertificate));
        assert!(untrusted.is_certificate_error());
        assert_eq!(
            untrusted.to_string(),
            "connecting to api.example.com:443 failed: the server's certificate was not trusted: \
             the stack's own error"
        );
        let not_tls = TransportError::tls(TlsFailure::NotTls, StackError)
            .with_target(target("https://127.0.0.1:6001/apps/1/events"));
        assert!(!not_tls.is_certificate_error());
        assert_eq!(
            not_tls.to_string(),
            "connecting to 127.0.0.1:6001 failed: the TLS handshake failed: the server did not \
             answer in TLS (if it speaks plain HTTP, the URL must be http://): the stack's own error"
        );
        let handshake = TransportError::tls(TlsFailure::Handshake, StackError);
        assert_eq!(handshake.kind(), TransportErrorKind::Connect);
        assert_eq!(
            handshake.to_string(),
            "connection failed: the TLS handshake failed (if the server speaks plain HTTP on that \
             port, the URL must be http://): the stack's own error"
        );
        let plain = TransportError::new(TransportErrorKind::Connect, StackError);
        assert_eq!(plain.tls_failure(), None);
        assert!(!plain.is_certificate_error());
        assert_eq!(plain.to_string(), "connection failed: the stack's own error");
    }

    #[test]
    fn the_cause_is_an_error_that_adds_to_its_sources_message() {
        let error = TransportError::tls(
            TlsFailure::UntrustedCertificate,
            Wrapper(Extends { source: Inner }),
        )
        .with_target(target("https://127.0.0.1:6001/apps/1/events"));
        assert_eq!(
            error.to_string(),
            "connecting to 127.0.0.1:6001 failed: the server's certificate was not trusted: \
             certificate verify failed (unable to get local issuer certificate)"
        );
        // Else the innermost error's message.
        let error = TransportError::new(TransportErrorKind::Connect, Wrapper(Extends { source: Inner }))
            .with_target(target("http://127.0.0.1:6001/"));
        assert!(
            error
                .to_string()
                .ends_with("(unable to get local issuer certificate)")
        );
        let error = TransportError::new(TransportErrorKind::Connect, Inner)
            .with_target(target("http://127.0.0.1:6001/"));
        assert_eq!(
            error.to_string(),
            "connecting to 127.0.0.1:6001 failed: certificate verify failed"
        );
    }
}
