//! HTTPS and WSS: the server's side of TLS (rustls), the client side the [`Subscriber`] uses
//! against it, and certificates for tests.
//!
//! rustls is always configured with its ring provider, named here, so nothing depends on which
//! process-wide provider other crates of the build happen to enable.
//!
//! [`Subscriber`]: crate::Subscriber

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

/// Where the server's certificate chain and private key come from.
#[derive(Clone)]
pub(crate) enum Identity {
    /// PEM text given to the builder.
    Pem { cert: Vec<u8>, key: Vec<u8> },
    /// PEM files named on the command line, read when the server starts.
    Files { cert: PathBuf, key: PathBuf },
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Identity::Pem { cert, .. } => f
                .debug_struct("Pem")
                .field("cert", &format_args!("{} bytes", cert.len()))
                .field("key", &"[redacted]")
                .finish(),
            Identity::Files { cert, key } => f
                .debug_struct("Files")
                .field("cert", cert)
                .field("key", key)
                .finish(),
        }
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The acceptor serving `identity`, or why it cannot be made (naming the file or the part at fault).
pub(crate) fn acceptor(identity: &Identity) -> Result<TlsAcceptor, String> {
    let (cert_pem, key_pem) = match identity {
        Identity::Pem { cert, key } => (cert.clone(), key.clone()),
        Identity::Files { cert, key } => (
            std::fs::read(cert)
                .map_err(|e| format!("cannot read the certificate {}: {e}", cert.display()))?,
            std::fs::read(key).map_err(|e| format!("cannot read the private key {}: {e}", key.display()))?,
        ),
    };
    let chain = certificates(&cert_pem).map_err(|e| format!("the certificate chain: {e}"))?;
    let key = PrivateKeyDer::from_pem_slice(&key_pem)
        .map_err(|e| format!("the private key: no PEM private key found ({e})"))?;
    let config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS versions: {e}"))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("the certificate does not go with the private key: {e}"))?;
    let mut config = config;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// The certificates of a PEM text: at least one.
fn certificates(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    let chain = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("not PEM certificates ({e})"))?;
    if chain.is_empty() {
        return Err("no PEM certificate found".to_owned());
    }
    Ok(chain)
}

/// A client configuration trusting only the PEM certificates `roots` (for the [`Subscriber`]).
///
/// [`Subscriber`]: crate::Subscriber
pub(crate) fn client_config(roots: &[u8]) -> Result<Arc<rustls::ClientConfig>, String> {
    let mut store = rustls::RootCertStore::empty();
    for cert in certificates(roots)? {
        store
            .add(cert)
            .map_err(|e| format!("not a usable root certificate: {e}"))?;
    }
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS versions: {e}"))?
        .with_root_certificates(store)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// A certificate authority made on the spot, and a server certificate it signed for `localhost`
/// and `127.0.0.1`: what a test needs to serve HTTPS and WSS with
/// [`EmulatorBuilder::tls`](crate::EmulatorBuilder::tls) and to trust it in a client. Nothing to
/// keep on disk, nothing to commit.
///
/// ```
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use pusher_emulator::{Emulator, TestCertificates};
///
/// let certificates = TestCertificates::generate()?;
/// let emulator = Emulator::builder()
///     .tls(certificates.server_cert_pem(), certificates.server_key_pem())
///     .start()
///     .await?;
/// assert!(emulator.pusher_url().starts_with("https://"));
/// // Give the client `certificates.ca_pem()` as a trusted root.
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct TestCertificates {
    ca_pem: String,
    server_cert_pem: String,
    server_key_pem: String,
}

impl fmt::Debug for TestCertificates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestCertificates")
            .field("ca_pem", &self.ca_pem)
            .field("server_cert_pem", &self.server_cert_pem)
            .field("server_key_pem", &"[redacted]")
            .finish()
    }
}

/// The names the test server certificate is valid for.
pub const TEST_CERTIFICATE_NAMES: [&str; 2] = ["localhost", "127.0.0.1"];

impl TestCertificates {
    /// Makes a new CA (its key is dropped at once: it signs nothing else) and a server certificate
    /// for [`TEST_CERTIFICATE_NAMES`].
    pub fn generate() -> Result<TestCertificates, CertificateError> {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};

        let mut ca = CertificateParams::new(Vec::<String>::new())?;
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        // A name of its own: a client trusting another test CA must not take it for this one.
        let mut tag = [0u8; 8];
        getrandom::fill(&mut tag).map_err(|e| CertificateError(e.to_string()))?;
        ca.distinguished_name.push(
            DnType::CommonName,
            format!("pusher-emulator test CA {}", hex::encode(tag)),
        );
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_key = KeyPair::generate()?;
        let ca_cert = ca.self_signed(&ca_key)?;
        let issuer = Issuer::new(ca, ca_key);

        let mut server = CertificateParams::new(TEST_CERTIFICATE_NAMES.map(str::to_owned).to_vec())?;
        server
            .distinguished_name
            .push(DnType::CommonName, "pusher-emulator");
        server.use_authority_key_identifier_extension = true;
        server.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        server.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        let server_key = KeyPair::generate()?;
        let server_cert = server.signed_by(&server_key, &issuer)?;
        Ok(TestCertificates {
            ca_pem: ca_cert.pem(),
            server_cert_pem: server_cert.pem(),
            server_key_pem: server_key.serialize_pem(),
        })
    }

    /// The CA certificate, PEM: the root a client must trust.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The server certificate, PEM.
    pub fn server_cert_pem(&self) -> &str {
        &self.server_cert_pem
    }

    /// The server certificate's private key, PEM.
    pub fn server_key_pem(&self) -> &str {
        &self.server_key_pem
    }
}

/// Why test certificates could not be made.
#[derive(Debug)]
pub struct CertificateError(String);

impl fmt::Display for CertificateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot make test certificates: {}", self.0)
    }
}

impl std::error::Error for CertificateError {}

impl From<rcgen::Error> for CertificateError {
    fn from(e: rcgen::Error) -> Self {
        CertificateError(e.to_string())
    }
}
