//! Both `ReqwestClient`s against the TLS contract, with each TLS backend the features turn on, and
//! the platform's roots trusted by a client that adds none.
//!
//! The default client of the backend reqwest picks (native-tls when both features are on) is
//! `ReqwestClient::new()`; the other backend's is a reqwest client that picks it
//! (`tls_backend_rustls`), with no root added, so that with both features on each backend is
//! tested.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

/// The contract for one mode's client (`async` or `blocking`), built from reqwest's client
/// builder of that mode, once per TLS backend.
macro_rules! tls_modes {
    ($mode:ident, $client:ty, $reqwest:path) => {
        use reqwest::{Certificate, redirect::Policy};

        use $reqwest as reqwest_client;

        fn builder() -> reqwest_client::ClientBuilder {
            reqwest_client::Client::builder().redirect(Policy::none())
        }

        fn with_ca(builder: reqwest_client::ClientBuilder, ca: &str) -> $client {
            let ca = Certificate::from_pem(ca.as_bytes()).unwrap();
            <$client>::from(builder.tls_certs_merge([ca]).build().unwrap())
        }

        #[cfg(feature = "rustls")]
        mod rustls {
            use super::*;

            fn default() -> $client {
                if cfg!(feature = "native-tls") {
                    <$client>::from(builder().tls_backend_rustls().build().unwrap())
                } else {
                    <$client>::new()
                }
            }

            fn trusting(ca: &str) -> $client {
                with_ca(builder().tls_backend_rustls(), ca)
            }

            pusher_test_support::tls_contract!($mode $client, default: default, trusting: trusting);
            pusher_test_support::tls_contract!(platform roots, $mode $client, default: default);
        }

        #[cfg(feature = "native-tls")]
        mod native_tls {
            use super::*;

            fn default() -> $client {
                <$client>::new()
            }

            fn trusting(ca: &str) -> $client {
                with_ca(builder().tls_backend_native(), ca)
            }

            pusher_test_support::tls_contract!($mode $client, default: default, trusting: trusting);
            pusher_test_support::tls_contract!(platform roots, $mode $client, default: default);
        }
    };
}

/// The async clients.
#[cfg(any(feature = "rustls", feature = "native-tls"))]
mod asynchronous {
    tls_modes!(async, pusher_reqwest::ReqwestClient, reqwest);
}

/// The blocking clients.
#[cfg(all(feature = "blocking", any(feature = "rustls", feature = "native-tls")))]
mod blocking {
    tls_modes!(
        blocking,
        pusher_reqwest::blocking::ReqwestClient,
        reqwest::blocking
    );
}
