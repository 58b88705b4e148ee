//! reqwest's errors as [`TransportError`]s, for the async and the blocking client, and why a TLS
//! handshake failed, read from the TLS library's error in reqwest's source chain.

#[cfg(any(feature = "rustls", feature = "native-tls"))]
use std::error::Error;
use std::io;

#[cfg(any(feature = "rustls", feature = "native-tls"))]
use pusher_core::TlsFailure;
use pusher_core::{TransportError, TransportErrorKind};

/// Maps a reqwest error to its kind, keeping it as the source. A connection that failed in the
/// TLS handshake says why ([`TransportError::tls`]).
pub(crate) fn from_reqwest(error: reqwest::Error) -> TransportError {
    let kind = if error.is_timeout() {
        TransportErrorKind::Timeout
    } else if error.is_connect() {
        #[cfg(any(feature = "rustls", feature = "native-tls"))]
        if let Some(failure) = tls_failure(&error) {
            return TransportError::tls(failure, error.without_url());
        }
        TransportErrorKind::Connect
    } else {
        TransportErrorKind::Other
    };
    TransportError::new(kind, error.without_url())
}

/// Why the handshake failed, from the first TLS library error in `error`'s source chain: rustls's,
/// or native-tls's (with OpenSSL's reason where OpenSSL is the library).
#[cfg(any(feature = "rustls", feature = "native-tls"))]
fn tls_failure(error: &(dyn Error + 'static)) -> Option<TlsFailure> {
    chain(error).find_map(|error| {
        #[cfg(feature = "rustls")]
        if let Some(error) = error.downcast_ref::<rustls::Error>() {
            return Some(of_rustls(error));
        }
        #[cfg(feature = "native-tls")]
        if let Some(error) = error.downcast_ref::<native_tls::Error>() {
            return Some(of_native_tls(error));
        }
        None
    })
}

/// `error` and its sources, each `io::Error` followed by the error it wraps (its `source` skips
/// that one, and the TLS libraries' errors travel wrapped in `io::Error`s).
#[cfg(any(feature = "rustls", feature = "native-tls"))]
fn chain<'e>(error: &'e (dyn Error + 'static)) -> impl Iterator<Item = &'e (dyn Error + 'static)> {
    std::iter::successors(Some(error), |&error| {
        match error.downcast_ref::<io::Error>().and_then(io::Error::get_ref) {
            Some(inner) => Some(inner as &(dyn Error + 'static)),
            None => error.source(),
        }
    })
}

/// What a rustls error says about the handshake.
#[cfg(feature = "rustls")]
fn of_rustls(error: &rustls::Error) -> TlsFailure {
    match error {
        rustls::Error::InvalidCertificate(_) => TlsFailure::UntrustedCertificate,
        // The first byte of a TLS record names its content type: an HTTP answer ("HTTP/1.1 ...")
        // starts with none of them.
        rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType) => TlsFailure::NotTls,
        _ => TlsFailure::Handshake,
    }
}

/// What a native-tls error says about the handshake: OpenSSL's error queue tells, where it is the
/// library (Linux and the BSDs); the macOS and Windows libraries' errors are not told apart.
#[cfg(feature = "native-tls")]
#[cfg_attr(any(target_os = "windows", target_vendor = "apple"), allow(unused_variables))]
fn of_native_tls(error: &native_tls::Error) -> TlsFailure {
    #[cfg(not(any(target_os = "windows", target_vendor = "apple")))]
    if let Some(failure) = Error::source(error)
        .and_then(|source| source.downcast_ref::<openssl::error::ErrorStack>())
        .and_then(of_openssl)
    {
        return failure;
    }
    TlsFailure::Handshake
}

/// What OpenSSL's error queue says about the handshake, when it holds an error of its TLS library.
#[cfg(all(
    feature = "native-tls",
    not(any(target_os = "windows", target_vendor = "apple"))
))]
fn of_openssl(stack: &openssl::error::ErrorStack) -> Option<TlsFailure> {
    // OpenSSL's `ERR_LIB_SSL` and its `SSL_R_*` reasons (ssl/sslerr.h), the same in 1.1 and 3.
    const ERR_LIB_SSL: i32 = 20;
    const SSL_R_CERTIFICATE_VERIFY_FAILED: i32 = 134;
    const SSL_R_WRONG_VERSION_NUMBER: i32 = 267;
    let ssl = || stack.errors().iter().filter(|e| e.library_code() == ERR_LIB_SSL);
    if ssl().any(|e| e.reason_code() == SSL_R_CERTIFICATE_VERIFY_FAILED) {
        Some(TlsFailure::UntrustedCertificate)
    } else if ssl().any(|e| e.reason_code() == SSL_R_WRONG_VERSION_NUMBER) {
        // A record whose version bytes are not TLS's: an HTTP answer read as a TLS record.
        Some(TlsFailure::NotTls)
    } else if ssl().next().is_some() {
        Some(TlsFailure::Handshake)
    } else {
        None
    }
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
