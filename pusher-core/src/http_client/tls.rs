//! Why a TLS handshake failed, read from the TLS library's error an HTTP stack hands over: the
//! piece of error mapping every adapter over rustls or native-tls shares.
//!
//! It reads rustls's errors with the `rustls` feature and native-tls's (with OpenSSL's reasons
//! where OpenSSL is the library) with the `native-tls` feature: an adapter turns on the one its
//! stack's TLS feature builds. The crates come with no feature of their own: this only looks at
//! their error types.

use std::error::Error;

use super::TlsFailure;

impl TlsFailure {
    /// Why the handshake failed, from the first TLS library error in `error` and its sources,
    /// following the `io::Error`s the libraries' errors travel in; `None` when there is none (or
    /// no TLS feature is on).
    ///
    /// A rustls certificate error, or OpenSSL's "certificate verify failed", is
    /// [`UntrustedCertificate`](TlsFailure::UntrustedCertificate); a record that is not TLS at
    /// all (rustls's invalid content type, OpenSSL's "wrong version number": what an HTTP answer
    /// read as TLS gives) is [`NotTls`](TlsFailure::NotTls); any other error of the library is
    /// [`Handshake`](TlsFailure::Handshake).
    #[cfg_attr(not(any(feature = "rustls", feature = "native-tls")), allow(unused_variables))]
    pub fn find_in(error: &(dyn Error + 'static)) -> Option<TlsFailure> {
        #[cfg(any(feature = "rustls", feature = "native-tls"))]
        {
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
        #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
        None
    }
}

/// `error` and its sources, each `io::Error` followed by the error it wraps (its `source` skips
/// that one, and the TLS libraries' errors travel wrapped in `io::Error`s).
#[cfg(any(feature = "rustls", feature = "native-tls"))]
fn chain<'e>(error: &'e (dyn Error + 'static)) -> impl Iterator<Item = &'e (dyn Error + 'static)> {
    std::iter::successors(Some(error), |&error| {
        match error
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
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

#[cfg(all(test, feature = "rustls"))]
mod tests {
    use super::*;

    #[test]
    fn rustls_errors_are_found_through_io_errors_and_sources() {
        let untrusted = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let wrapped = std::io::Error::new(std::io::ErrorKind::InvalidData, untrusted);
        assert_eq!(
            TlsFailure::find_in(&wrapped),
            Some(TlsFailure::UntrustedCertificate)
        );
        let not_tls = rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType);
        assert_eq!(TlsFailure::find_in(&not_tls), Some(TlsFailure::NotTls));
        assert_eq!(
            TlsFailure::find_in(&rustls::Error::HandshakeNotComplete),
            Some(TlsFailure::Handshake)
        );
        let plain = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        assert_eq!(TlsFailure::find_in(&plain), None);
    }
}
