//! `IsahcClient` as an `AsyncHttpClient` against the shared conformance suite, plus checks of its
//! own.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use pusher_core::{AsyncHttpClient, BuildHttpClient};
use pusher_isahc::IsahcClient;
use pusher_test_support::conformance::{Options, Outcome};
use pusher_test_support::{Behavior, TestServer};

fn make(options: &Options) -> impl Fn(http::Request<Vec<u8>>) -> Outcome + use<> {
    // Through the core's `BuildHttpClient`, which the builder's `build` calls too.
    let client = IsahcClient::build_http_client(&options.http_options()).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    move |request| runtime.block_on(AsyncHttpClient::send(&client, request))
}

pusher_test_support::conformance_tests!(make);

fn assert_send<T: Send>(_: &T) {}

#[test]
fn the_future_is_send() {
    let client = IsahcClient::new();
    let future = AsyncHttpClient::send(&client, http::Request::new(Vec::new()));
    assert_send(&future);
}

fn get(url: String) -> http::Request<Vec<u8>> {
    http::Request::get(url).body(Vec::new()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clones_share_one_pool_across_spawned_tasks() {
    let server = TestServer::start(Behavior::ok("shared"));
    let client = IsahcClient::new();
    for _ in 0..10 {
        let clone = client.clone();
        let request = get(server.url("/clone"));
        let response = tokio::spawn(async move { AsyncHttpClient::send(&clone, request).await })
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
    let client = IsahcClient::new();
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let client = client.clone();
            let request = get(server.url(&format!("/c/{i}")));
            tokio::spawn(async move { AsyncHttpClient::send(&client, request).await })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap().body(), b"concurrent");
    }
    let mut targets: Vec<_> = server.requests().into_iter().map(|r| r.target).collect();
    targets.sort();
    assert_eq!(targets, (0..8).map(|i| format!("/c/{i}")).collect::<Vec<_>>());
}

#[test]
fn works_without_tokio() {
    let server = TestServer::start(Behavior::respond(429, &[("retry-after", "1")], "slow down"));
    let client = IsahcClient::new();
    let response =
        futures_lite::future::block_on(AsyncHttpClient::send(&client, get(server.url("/x")))).unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "1");
    assert_eq!(response.body(), b"slow down");
}

#[tokio::test]
async fn plugs_into_the_core_client() {
    let server = TestServer::start(Behavior::respond(
        200,
        &[("content-type", "application/json")],
        "{}",
    ));
    let url = format!("http://key:secret@{}/apps/1", server.addr());
    let pusher = pusher_core::Pusher::<IsahcClient>::builder_from_url(&url)
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
