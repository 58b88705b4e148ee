//! The blocking `ReqwestClient` against the shared conformance suite, plus blocking-specific checks.

#![cfg(feature = "blocking")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use pusher_core::{BuildHttpClient, HttpClient};
use pusher_reqwest::blocking::ReqwestClient;
use pusher_test_support::conformance::{Options, Outcome};
use pusher_test_support::{Behavior, TestServer};

fn make(options: &Options) -> impl Fn(http::Request<Vec<u8>>) -> Outcome + use<> {
    // Through the core's `BuildHttpClient`, which the builder's `build` calls too.
    let client = ReqwestClient::build_http_client(&options.http_options()).unwrap();
    move |request| client.send(request)
}

pusher_test_support::conformance_tests!(make);

fn assert_client_traits<T: Clone + Send + Sync + std::fmt::Debug + 'static>() {}

#[test]
fn client_is_clone_send_sync_debug() {
    assert_client_traits::<ReqwestClient>();
}

#[test]
fn defaults() {
    assert_eq!(ReqwestClient::new().max_response_body(), 8 * 1024 * 1024);
    assert_eq!(ReqwestClient::default().max_response_body(), 8 * 1024 * 1024);
}

#[test]
fn builder_sets_the_body_cap() {
    let client = ReqwestClient::builder()
        .timeout(std::time::Duration::from_secs(7))
        .connect_timeout(std::time::Duration::from_secs(2))
        .max_response_body(1234)
        .build()
        .unwrap();
    assert_eq!(client.max_response_body(), 1234);
}

#[test]
fn clones_share_one_pool_across_threads() {
    let server = TestServer::start(Behavior::ok("shared"));
    let client = ReqwestClient::new();
    for _ in 0..10 {
        let clone = client.clone();
        let url = server.url("/clone");
        let response =
            std::thread::spawn(move || clone.send(http::Request::get(url).body(Vec::new()).unwrap()))
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
    let mut headers = http::HeaderMap::new();
    headers.insert("x-configured-by", http::HeaderValue::from_static("user"));
    let user = reqwest::blocking::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    let client = ReqwestClient::from(user);
    let response = client
        .send(http::Request::get(server.url("/u")).body(Vec::new()).unwrap())
        .unwrap();
    assert_eq!(response.body(), b"hello");
    assert_eq!(
        server.last_request().unwrap().header("x-configured-by"),
        Some("user")
    );
    let error = client
        .with_max_response_body(4)
        .send(http::Request::get(server.url("/u")).body(Vec::new()).unwrap())
        .unwrap_err();
    assert_eq!(error.kind(), pusher_core::TransportErrorKind::BodyTooLarge);
}

#[test]
fn plugs_into_the_core_client() {
    let server = TestServer::start(Behavior::respond(
        200,
        &[("content-type", "application/json")],
        "{}",
    ));
    let url = format!("http://key:secret@{}/apps/1", server.addr());
    let pusher = pusher_core::Pusher::<pusher_core::Blocking<ReqwestClient>>::builder_from_url(&url)
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
