//! `IsahcClient` as a blocking `HttpClient` against the shared conformance suite, plus checks of
//! its own.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use pusher_core::{BuildHttpClient, HttpClient, TransportErrorKind};
use pusher_isahc::IsahcClient;
use pusher_test_support::conformance::{Options, Outcome};
use pusher_test_support::{Behavior, TestServer};

fn make(options: &Options) -> impl Fn(http::Request<Vec<u8>>) -> Outcome + use<> {
    // Through the core's `BuildHttpClient`, which the builder's `build` calls too.
    let client = IsahcClient::build_http_client(&options.http_options()).unwrap();
    move |request| HttpClient::send(&client, request)
}

pusher_test_support::conformance_tests!(make);

fn assert_client_traits<T: Clone + Send + Sync + std::fmt::Debug + 'static>() {}

#[test]
fn client_is_clone_send_sync_debug() {
    assert_client_traits::<IsahcClient>();
}

#[test]
fn defaults() {
    assert_eq!(IsahcClient::new().max_response_body(), 8 * 1024 * 1024);
    assert_eq!(IsahcClient::default().max_response_body(), 8 * 1024 * 1024);
    assert_eq!(pusher_isahc::DEFAULT_TIMEOUT, std::time::Duration::from_secs(5));
    assert_eq!(
        pusher_isahc::DEFAULT_CONNECT_TIMEOUT,
        std::time::Duration::from_secs(5)
    );
}

#[test]
fn builder_sets_the_body_cap() {
    let client = IsahcClient::builder()
        .timeout(std::time::Duration::from_secs(7))
        .connect_timeout(std::time::Duration::from_secs(2))
        .max_response_body(1234)
        .build()
        .unwrap();
    assert_eq!(client.max_response_body(), 1234);
}

fn get(url: String) -> http::Request<Vec<u8>> {
    http::Request::get(url).body(Vec::new()).unwrap()
}

#[test]
fn no_decompression_and_no_expect_header_are_requested() {
    let server = TestServer::start(Behavior::respond(
        200,
        &[("content-encoding", "gzip")],
        "not gzip",
    ));
    let request = http::Request::post(server.url("/p"))
        .body(vec![b'x'; 64 * 1024])
        .unwrap();
    let response = HttpClient::send(&IsahcClient::new(), request).unwrap();
    // The body is handed over as sent, not decoded (it is not even valid gzip).
    assert_eq!(response.body(), b"not gzip");
    let request = server.last_request().unwrap();
    assert_eq!(request.header("accept-encoding"), None);
    assert_eq!(request.header("expect"), None);
}

#[test]
fn clones_share_one_pool_across_threads() {
    let server = TestServer::start(Behavior::ok("shared"));
    let client = IsahcClient::new();
    for _ in 0..10 {
        let clone = client.clone();
        let url = server.url("/clone");
        let response = std::thread::spawn(move || HttpClient::send(&clone, get(url)))
            .join()
            .unwrap()
            .unwrap();
        assert_eq!(response.body(), b"shared");
    }
    assert!(server.connections() <= 2, "{} connections", server.connections());
}

#[test]
fn a_user_client_keeps_its_configuration() {
    let server = TestServer::start(Behavior::ok("hello"));
    let user = isahc::HttpClient::builder()
        .default_header("x-configured-by", "user")
        .build()
        .unwrap();
    let client = IsahcClient::from(user);
    assert_eq!(
        client.max_response_body(),
        pusher_isahc::DEFAULT_MAX_RESPONSE_BODY
    );
    let response = HttpClient::send(&client, get(server.url("/u"))).unwrap();
    assert_eq!(response.body(), b"hello");
    assert_eq!(
        server.last_request().unwrap().header("x-configured-by"),
        Some("user")
    );
    let error = HttpClient::send(&client.with_max_response_body(4), get(server.url("/u"))).unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::BodyTooLarge);
}

#[test]
fn redirects_are_not_followed() {
    let server = TestServer::start(Behavior::respond(307, &[("location", "/target")], ""));
    let request = http::Request::post(server.url("/start"))
        .body(b"x".to_vec())
        .unwrap();
    let response = HttpClient::send(&IsahcClient::new(), request).unwrap();
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
    let pusher = pusher_core::Pusher::<pusher_core::Blocking<IsahcClient>>::builder_from_url(&url)
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
