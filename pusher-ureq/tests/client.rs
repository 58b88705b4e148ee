//! `UreqClient` against the adapter contract, plus ureq-specific checks.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use pusher_core::{HttpClient, TransportErrorKind};
use pusher_test_support::adapter_contract::USER_AGENT;
use pusher_test_support::{Behavior, TestServer};
use pusher_ureq::UreqClient;

fn user_client() -> UreqClient {
    let user = ureq::Agent::config_builder()
        .user_agent(USER_AGENT)
        .max_redirects(0);
    UreqClient::from(user.build().new_agent())
}

pusher_test_support::adapter_contract!(blocking UreqClient, user_client);

#[test]
fn the_agent_gets_the_defaults() {
    let config = UreqClient::new().agent().config().clone();
    assert_eq!(config.timeouts().global, Some(Duration::from_secs(5)));
    assert_eq!(config.timeouts().connect, Some(Duration::from_secs(5)));
    assert!(!config.http_status_as_error());
    assert_eq!(config.max_redirects(), 0);
    // Without a TLS feature, ureq has no TLS settings at all.
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    {
        let provider = config.tls_config().provider();
        #[cfg(feature = "rustls")]
        assert!(matches!(provider, ureq::tls::TlsProvider::Rustls), "{provider:?}");
        #[cfg(all(feature = "native-tls", not(feature = "rustls")))]
        assert!(
            matches!(provider, ureq::tls::TlsProvider::NativeTls),
            "{provider:?}"
        );
    }
}

#[test]
fn builder_settings_reach_the_agent() {
    let client = UreqClient::builder()
        .timeout(Duration::from_secs(7))
        .connect_timeout(Duration::from_secs(2))
        .max_response_body(1234)
        .build()
        .unwrap();
    assert_eq!(client.max_response_body(), 1234);
    let config = client.agent().config();
    assert_eq!(config.timeouts().global, Some(Duration::from_secs(7)));
    assert_eq!(config.timeouts().connect, Some(Duration::from_secs(2)));
    assert!(!config.http_status_as_error());
    assert_eq!(config.max_redirects(), 0);
}

/// A `GET path` signed for the test server's app, as every request to it must be.
fn get(server: &TestServer, path: &str) -> http::Request<Vec<u8>> {
    http::Request::get(server.signed_url("GET", path, &[], b""))
        .body(Vec::new())
        .unwrap()
}

#[test]
fn a_get_without_body_sends_no_content_length() {
    let server = TestServer::start(Behavior::ok("ok"));
    UreqClient::new().send(get(&server, "/g")).unwrap();
    let request = server.last_request().unwrap();
    assert_eq!(request.header("content-length"), None);
    assert_eq!(request.header("transfer-encoding"), None);
}

#[test]
fn a_post_with_an_empty_body_sends_content_length_zero() {
    let server = TestServer::start(Behavior::ok("ok"));
    let request = http::Request::post(server.signed_url("POST", "/p", &[], b""))
        .body(Vec::new())
        .unwrap();
    UreqClient::new().send(request).unwrap();
    assert_eq!(server.last_request().unwrap().header("content-length"), Some("0"));
}

#[test]
fn a_default_agent_still_returns_error_statuses_as_responses() {
    // ureq's own default turns 4xx/5xx into errors; the adapter undoes that per request.
    let agent = ureq::Agent::new_with_defaults();
    assert!(agent.config().http_status_as_error());
    let client = UreqClient::from(agent);
    assert_eq!(
        client.max_response_body(),
        pusher_core::HttpOptions::DEFAULT_MAX_RESPONSE_BODY
    );
    let server = TestServer::start(Behavior::respond(401, &[("x-why", "bad-key")], "invalid key"));
    for _ in 0..3 {
        let response = client.send(get(&server, "/auth")).unwrap();
        assert_eq!(response.status(), 401);
        assert_eq!(response.headers()["x-why"], "bad-key");
        assert_eq!(response.body(), b"invalid key");
    }
    assert_eq!(
        server.connections(),
        1,
        "the per-request configuration keeps the agent's pool"
    );
    let error = client
        .with_max_response_body(4)
        .send(get(&server, "/auth"))
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::BodyTooLarge);
}
