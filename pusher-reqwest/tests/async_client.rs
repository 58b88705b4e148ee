//! The async `ReqwestClient` against the shared conformance suite, plus async-specific checks.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use pusher_core::{AsyncHttpClient, BuildHttpClient};
use pusher_reqwest::ReqwestClient;
use pusher_test_support::conformance::{Options, Outcome};
use pusher_test_support::{Behavior, TestServer};

fn make(options: &Options) -> impl Fn(http::Request<Vec<u8>>) -> Outcome + use<> {
    // Through the core's `BuildHttpClient`, which the builder's `build` calls too.
    let client = ReqwestClient::build_http_client(&options.http_options()).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    move |request| runtime.block_on(client.send(request))
}

pusher_test_support::conformance_tests!(make);

fn assert_client_traits<T: Clone + Send + Sync + std::fmt::Debug + 'static>() {}
fn assert_send<T: Send>(_: &T) {}

#[test]
fn client_is_clone_send_sync_debug_and_its_future_is_send() {
    assert_client_traits::<ReqwestClient>();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _guard = runtime.enter();
    let client = ReqwestClient::new();
    let future = client.send(http::Request::new(Vec::new()));
    assert_send(&future);
}

#[test]
fn defaults() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _guard = runtime.enter();
    assert_eq!(ReqwestClient::new().max_response_body(), 8 * 1024 * 1024);
    assert_eq!(ReqwestClient::default().max_response_body(), 8 * 1024 * 1024);
    assert_eq!(pusher_reqwest::DEFAULT_TIMEOUT, Duration::from_secs(5));
    assert_eq!(pusher_reqwest::DEFAULT_CONNECT_TIMEOUT, Duration::from_secs(5));
    assert_eq!(pusher_reqwest::DEFAULT_MAX_RESPONSE_BODY, 8 * 1024 * 1024);
}

#[test]
fn builder_sets_the_body_cap() {
    let client = ReqwestClient::builder()
        .timeout(Duration::from_secs(7))
        .connect_timeout(Duration::from_secs(2))
        .max_response_body(1234)
        .build()
        .unwrap();
    assert_eq!(client.max_response_body(), 1234);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clones_share_one_pool_across_spawned_tasks() {
    let server = TestServer::start(Behavior::ok("shared"));
    let client = ReqwestClient::new();
    for _ in 0..10 {
        let clone = client.clone();
        let request = http::Request::get(server.url("/clone")).body(Vec::new()).unwrap();
        let response = tokio::spawn(async move { clone.send(request).await })
            .await
            .unwrap()
            .unwrap();
        assert_eq!(response.body(), b"shared");
    }
    assert!(server.connections() <= 2, "{} connections", server.connections());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_all_complete() {
    let server = TestServer::start(Behavior::ok("concurrent"));
    let client = ReqwestClient::new();
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let client = client.clone();
            let url = server.url(&format!("/c/{i}"));
            tokio::spawn(async move {
                client
                    .send(http::Request::get(url).body(Vec::new()).unwrap())
                    .await
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap().body(), b"concurrent");
    }
    let mut targets: Vec<_> = server.requests().into_iter().map(|r| r.target).collect();
    targets.sort();
    assert_eq!(targets, (0..8).map(|i| format!("/c/{i}")).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_user_client_keeps_its_configuration() {
    let server = TestServer::start(Behavior::respond(302, &[("location", "/elsewhere")], "moved"));
    let mut headers = http::HeaderMap::new();
    headers.insert("x-configured-by", http::HeaderValue::from_static("user"));
    let user = reqwest::Client::builder()
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let client = ReqwestClient::from(user);
    assert_eq!(
        client.max_response_body(),
        pusher_reqwest::DEFAULT_MAX_RESPONSE_BODY
    );
    let response = client
        .send(http::Request::get(server.url("/u")).body(Vec::new()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    assert_eq!(response.body(), b"moved");
    assert_eq!(
        server.last_request().unwrap().header("x-configured-by"),
        Some("user")
    );

    let capped = client.with_max_response_body(3);
    assert_eq!(capped.max_response_body(), 3);
    let error = capped
        .send(http::Request::get(server.url("/u")).body(Vec::new()).unwrap())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), pusher_core::TransportErrorKind::BodyTooLarge);
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let server = TestServer::start(Behavior::respond(307, &[("location", "/target")], ""));
    let client = ReqwestClient::new();
    let response = client
        .send(
            http::Request::post(server.url("/start"))
                .body(b"x".to_vec())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), 307);
    assert_eq!(response.headers()["location"], "/target");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn plugs_into_the_core_client() {
    let server = TestServer::start(Behavior::respond(
        200,
        &[("content-type", "application/json")],
        "{}",
    ));
    let url = format!("http://key:secret@{}/apps/1", server.addr());
    let pusher = pusher_core::Pusher::<ReqwestClient>::builder_from_url(&url)
        .timeout(std::time::Duration::from_secs(2))
        .build()
        .unwrap();
    pusher.trigger(["my-channel"], "my-event", "hello").await.unwrap();
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
    let error = pusher
        .trigger(["my-channel"], "my-event", "hello")
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(http::StatusCode::UNAUTHORIZED), "{error:?}");
}
