//! ureq's errors as [`TransportError`]s, and why a TLS handshake failed, read from the TLS
//! library's error ureq hands over.

use std::io;

#[cfg(any(feature = "rustls", feature = "native-tls"))]
use pusher_core::TlsFailure;
use pusher_core::{TransportError, TransportErrorKind};

/// Maps a ureq error to its kind, keeping it as the source. Every TLS failure is a `Connect` error
/// that says why the handshake failed ([`TransportError::tls`]); its source is then the TLS
/// library's error.
pub(crate) fn from_ureq(error: ureq::Error) -> TransportError {
    let kind = match error {
        // rustls fails the handshake inside the transport's I/O: its error comes wrapped in one.
        ureq::Error::Io(io) => {
            #[cfg(feature = "rustls")]
            if let Some(failure) = io
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
                .map(of_rustls)
            {
                return TransportError::tls(failure, io);
            }
            // The I/O error itself is the source, so that its kind reads in words.
            return TransportError::new(TransportErrorKind::of_io(&io), io);
        }
        #[cfg(feature = "rustls")]
        ureq::Error::Rustls(error) => return TransportError::tls(of_rustls(&error), error),
        #[cfg(feature = "native-tls")]
        ureq::Error::NativeTls(error) => return TransportError::tls(of_native_tls(&error), error),
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
    if let Some(failure) = std::error::Error::source(error)
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

/// An error reading the body: ureq's own error inside an `io::Error`, or a plain one.
pub(crate) fn from_io(error: io::Error) -> TransportError {
    TransportError::from_io(error, from_ureq)
}
