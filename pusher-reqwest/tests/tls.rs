//! Both `ReqwestClient`s against the TLS contract, with each TLS backend the features turn on, and
//! the platform's roots trusted by a client that adds none.
//!
//! The default client of the backend reqwest picks (native-tls when both features are on) is
//! `ReqwestClient::new()`; the other backend's is a reqwest client that picks it
//! (`tls_backend_rustls`), with no root added, so that with both features on each backend is
//! tested.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

/// The async clients.
#[cfg(any(feature = "rustls", feature = "native-tls"))]
mod asynchronous {
    use pusher_reqwest::ReqwestClient;
    use reqwest::{Certificate, ClientBuilder, redirect::Policy};

    fn builder() -> ClientBuilder {
        reqwest::Client::builder().redirect(Policy::none())
    }

    fn with_ca(builder: ClientBuilder, ca: &str) -> ReqwestClient {
        let ca = Certificate::from_pem(ca.as_bytes()).unwrap();
        ReqwestClient::from(builder.tls_certs_merge([ca]).build().unwrap())
    }

    #[cfg(feature = "rustls")]
    mod rustls {
        use super::*;

        fn default() -> ReqwestClient {
            if cfg!(feature = "native-tls") {
                ReqwestClient::from(builder().tls_backend_rustls().build().unwrap())
            } else {
                ReqwestClient::new()
            }
        }

        fn trusting(ca: &str) -> ReqwestClient {
            with_ca(builder().tls_backend_rustls(), ca)
        }

        pusher_test_support::tls_contract!(async ReqwestClient, default: default, trusting: trusting);
        pusher_test_support::tls_contract!(platform roots, async ReqwestClient, default: default);
    }

    #[cfg(feature = "native-tls")]
    mod native_tls {
        use super::*;

        fn default() -> ReqwestClient {
            ReqwestClient::new()
        }

        fn trusting(ca: &str) -> ReqwestClient {
            with_ca(builder().tls_backend_native(), ca)
        }

        pusher_test_support::tls_contract!(async ReqwestClient, default: default, trusting: trusting);
        pusher_test_support::tls_contract!(platform roots, async ReqwestClient, default: default);
    }
}

/// The blocking clients.
#[cfg(all(feature = "blocking", any(feature = "rustls", feature = "native-tls")))]
mod blocking {
    use pusher_reqwest::blocking::ReqwestClient;
    use reqwest::blocking::ClientBuilder;
    use reqwest::{Certificate, redirect::Policy};

    fn builder() -> ClientBuilder {
        reqwest::blocking::Client::builder().redirect(Policy::none())
    }

    fn with_ca(builder: ClientBuilder, ca: &str) -> ReqwestClient {
        let ca = Certificate::from_pem(ca.as_bytes()).unwrap();
        ReqwestClient::from(builder.tls_certs_merge([ca]).build().unwrap())
    }

    #[cfg(feature = "rustls")]
    mod rustls {
        use super::*;

        fn default() -> ReqwestClient {
            if cfg!(feature = "native-tls") {
                ReqwestClient::from(builder().tls_backend_rustls().build().unwrap())
            } else {
                ReqwestClient::new()
            }
        }

        fn trusting(ca: &str) -> ReqwestClient {
            with_ca(builder().tls_backend_rustls(), ca)
        }

        pusher_test_support::tls_contract!(blocking ReqwestClient, default: default, trusting: trusting);
        pusher_test_support::tls_contract!(platform roots, blocking ReqwestClient, default: default);
    }

    #[cfg(feature = "native-tls")]
    mod native_tls {
        use super::*;

        fn default() -> ReqwestClient {
            ReqwestClient::new()
        }

        fn trusting(ca: &str) -> ReqwestClient {
            with_ca(builder().tls_backend_native(), ca)
        }

        pusher_test_support::tls_contract!(blocking ReqwestClient, default: default, trusting: trusting);
        pusher_test_support::tls_contract!(platform roots, blocking ReqwestClient, default: default);
    }
}
