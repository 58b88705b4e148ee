//! `IsahcClient` against the TLS contract in both of its modes (curl with OpenSSL), and the
//! platform's roots trusted by the default client.
//!
//! isahc hands over curl's code without curl's message, so a server that does not speak TLS is,
//! to it, a handshake that failed (`plain_http: Handshake`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use isahc::config::Configurable;
use isahc::tls::{TlsConfig, TrustStore};
use pusher_isahc::IsahcClient;

/// A client trusting only the CA `ca` (PEM), as the README shows.
fn trusting(ca: &str) -> IsahcClient {
    let roots = TrustStore::builder().certificate_from_pem(ca).build();
    let client = isahc::HttpClient::builder()
        .tls_config(TlsConfig::builder().trust_store(roots).build())
        .build()
        .unwrap();
    IsahcClient::from(client)
}

mod blocking {
    use pusher_isahc::IsahcClient;

    pusher_test_support::tls_contract!(blocking IsahcClient, default: IsahcClient::new, trusting: super::trusting, plain_http: Handshake);
    pusher_test_support::tls_contract!(platform roots, blocking IsahcClient, default: IsahcClient::new);
}

mod asynchronous {
    use pusher_isahc::IsahcClient;

    pusher_test_support::tls_contract!(async IsahcClient, default: IsahcClient::new, trusting: super::trusting, plain_http: Handshake);
    pusher_test_support::tls_contract!(platform roots, async IsahcClient, default: IsahcClient::new);
}
