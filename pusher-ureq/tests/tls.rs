//! `UreqClient` against the TLS contract, with each TLS provider the features turn on, and the
//! platform's roots trusted by the default client.

#![cfg(any(feature = "rustls", feature = "native-tls"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use pusher_ureq::UreqClient;
use ureq::tls::{Certificate, RootCerts, TlsConfig, TlsProvider};

/// An agent as a user configures one, with `tls`.
fn agent(tls: TlsConfig) -> UreqClient {
    let config = ureq::Agent::config_builder().max_redirects(0).tls_config(tls);
    UreqClient::from(config.build().new_agent())
}

/// A client of `provider` trusting only the CA `ca` (PEM), as the README shows.
fn trusting(provider: TlsProvider, ca: &str) -> UreqClient {
    let ca = Certificate::from_pem(ca.as_bytes()).unwrap();
    let tls = TlsConfig::builder()
        .provider(provider)
        .root_certs(RootCerts::Specific(Arc::new(vec![ca])));
    agent(tls.build())
}

#[cfg(feature = "rustls")]
mod rustls {
    use super::*;

    fn default() -> UreqClient {
        let client = UreqClient::new();
        let tls = client.agent().config().tls_config();
        assert!(matches!(tls.provider(), TlsProvider::Rustls), "{tls:?}");
        assert!(matches!(tls.root_certs(), RootCerts::PlatformVerifier), "{tls:?}");
        client
    }

    fn trusting(ca: &str) -> UreqClient {
        super::trusting(TlsProvider::Rustls, ca)
    }

    pusher_test_support::tls_contract!(blocking UreqClient, default: default, trusting: trusting);
    pusher_test_support::tls_contract!(platform roots, blocking UreqClient, default: default);
}

#[cfg(feature = "native-tls")]
mod native_tls {
    use super::*;

    /// The adapter's default client with native-tls: `UreqClient::new()` when rustls is off; when
    /// it is on (and the adapter picks rustls), an agent with the adapter's TLS settings and the
    /// native-tls provider.
    fn default() -> UreqClient {
        let client = UreqClient::new();
        let tls = client.agent().config().tls_config();
        assert!(matches!(tls.root_certs(), RootCerts::PlatformVerifier), "{tls:?}");
        if cfg!(feature = "rustls") {
            let native = TlsConfig::builder()
                .provider(TlsProvider::NativeTls)
                .root_certs(RootCerts::PlatformVerifier);
            return agent(native.build());
        }
        assert!(matches!(tls.provider(), TlsProvider::NativeTls), "{tls:?}");
        client
    }

    fn trusting(ca: &str) -> UreqClient {
        super::trusting(TlsProvider::NativeTls, ca)
    }

    pusher_test_support::tls_contract!(blocking UreqClient, default: default, trusting: trusting);
    pusher_test_support::tls_contract!(platform roots, blocking UreqClient, default: default);
}
