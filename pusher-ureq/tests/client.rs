//! `UreqClient` against the shared conformance suite, plus ureq-specific checks.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use pusher_core::{BuildHttpClient, HttpClient, TransportErrorKind};
use pusher_test_support::conformance::{Options, Outcome};
use pusher_test_support::{Behavior, TestServer};
use pusher_ureq::UreqClient;

fn make(options: &Options) -> impl Fn(http::Request<Vec<u8>>) -> Outcome + use<> {
    // Through the core's `BuildHttpClient`, which the builder's `build` calls too.
    let client = UreqClient::build_http_client(&options.http_options()).unwrap();
    move |request| client.send(request)
}

pusher_test_support::conformance_tests!(make);

fn assert_client_traits<T: Clone + Send + Sync + std::fmt::Debug + 'static>() {}

#[test]
fn client_is_clone_send_sync_debug() {
    assert_client_traits::<UreqClient>();
}

#[test]
fn defaults() {
    assert_eq!(UreqClient::new().max_response_body(), 8 * 1024 * 1024);
    assert_eq!(UreqClient::default().max_response_body(), 8 * 1024 * 1024);
    let config = UreqClient::new().agent().config().clone();
    assert_eq!(config.timeouts().global, Some(Duration::from_secs(5)));
    assert_eq!(config.timeouts().connect, Some(Duration::from_secs(5)));
    assert!(!config.http_status_as_error());
    assert_eq!(config.max_redirects(), 0);
    let provider = config.tls_config().provider();
    #[cfg(feature = "rustls")]
    assert!(matches!(provider, ureq::tls::TlsProvider::Rustls), "{provider:?}");
    #[cfg(all(feature = "native-tls", not(feature = "rustls")))]
    assert!(
        matches!(provider, ureq::tls::TlsProvider::NativeTls),
        "{provider:?}"
    );
    let _ = provider;
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

fn get(url: String) -> http::Request<Vec<u8>> {
    http::Request::get(url).body(Vec::new()).unwrap()
}

#[test]
fn a_get_without_body_sends_no_content_length() {
    let server = TestServer::start(Behavior::ok("ok"));
    UreqClient::new().send(get(server.url("/g"))).unwrap();
    let request = server.last_request().unwrap();
    assert_eq!(request.header("content-length"), None);
    assert_eq!(request.header("transfer-encoding"), None);
}

#[test]
fn a_post_with_an_empty_body_sends_content_length_zero() {
    let server = TestServer::start(Behavior::ok("ok"));
    let request = http::Request::post(server.url("/p")).body(Vec::new()).unwrap();
    UreqClient::new().send(request).unwrap();
    assert_eq!(server.last_request().unwrap().header("content-length"), Some("0"));
}

#[test]
fn clones_share_one_pool_across_threads() {
    let server = TestServer::start(Behavior::ok("shared"));
    let client = UreqClient::new();
    for _ in 0..10 {
        let clone = client.clone();
        let url = server.url("/clone");
        let response = std::thread::spawn(move || clone.send(get(url)))
            .join()
            .unwrap()
            .unwrap();
        assert_eq!(response.body(), b"shared");
    }
    assert!(server.connections() <= 2, "{} connections", server.connections());
}

#[test]
fn a_default_agent_still_returns_error_statuses_as_responses() {
    // ureq's own default turns 4xx/5xx into errors; the adapter undoes that per request.
    let agent = ureq::Agent::new_with_defaults();
    assert!(agent.config().http_status_as_error());
    let client = UreqClient::from(agent);
    assert_eq!(client.max_response_body(), pusher_ureq::DEFAULT_MAX_RESPONSE_BODY);
    let server = TestServer::start(Behavior::respond(401, &[("x-why", "bad-key")], "invalid key"));
    for _ in 0..3 {
        let response = client.send(get(server.url("/auth"))).unwrap();
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
        .send(get(server.url("/auth")))
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::BodyTooLarge);
}

#[test]
fn redirects_are_not_followed() {
    let server = TestServer::start(Behavior::respond(307, &[("location", "/target")], ""));
    let request = http::Request::post(server.url("/start"))
        .body(b"x".to_vec())
        .unwrap();
    let response = UreqClient::new().send(request).unwrap();
    assert_eq!(response.status(), 307);
    assert_eq!(response.headers()["location"], "/target");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn plugs_into_the_core_client() {
    let server = TestServer::start(Behavior::respond(
        200,
        &[("content-type", "application/json")],
        "{}",
    ));
    let url = format!("http://key:secret@{}/apps/1", server.addr());
    let pusher = pusher_core::Pusher::<pusher_core::Blocking<UreqClient>>::builder_from_url(&url)
        .timeout(std::time::Duration::from_secs(2))
        .build()
        .unwrap();
    pusher.trigger(["my-channel"], "my-event", "hello").unwrap();
    let request = server.last_request().unwrap();
    assert_eq!(request.method, "POST");
    assert!(
        request.target.starts_with("/apps/1/events?"),
        "{}",
        request.target
    );
    assert!(request.target.contains("auth_signature="), "{}", request.target);
    assert!(String::from_utf8_lossy(&request.body).contains("my-event"));

    server.set_behavior(Behavior::respond(401, &[], "invalid signature"));
    let error = pusher.trigger(["my-channel"], "my-event", "hello").unwrap_err();
    assert_eq!(error.status(), Some(http::StatusCode::UNAUTHORIZED), "{error:?}");
}
