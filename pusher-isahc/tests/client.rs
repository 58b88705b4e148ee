//! `IsahcClient` against the adapter contract in both of its modes, plus checks of its own.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use pusher_core::{AsyncHttpClient, HttpClient};
use pusher_isahc::IsahcClient;
use pusher_test_support::adapter_contract::USER_AGENT;
use pusher_test_support::{Behavior, TestServer};

fn user_client() -> IsahcClient {
    let user = isahc::HttpClient::builder().default_header("user-agent", USER_AGENT);
    IsahcClient::from(user.build().unwrap())
}

mod blocking {
    pusher_test_support::adapter_contract!(blocking pusher_isahc::IsahcClient, super::user_client);
}

mod asynchronous {
    pusher_test_support::adapter_contract!(async pusher_isahc::IsahcClient, super::user_client);
}

#[test]
fn works_without_tokio() {
    let server = TestServer::start(Behavior::respond(429, &[("retry-after", "1")], "slow down"));
    let client = IsahcClient::new();
    let request = http::Request::get(server.signed_url("GET", "/x", &[], b""))
        .body(Vec::new())
        .unwrap();
    let response = futures_lite::future::block_on(AsyncHttpClient::send(&client, request)).unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "1");
    assert_eq!(response.body(), b"slow down");
}

#[test]
fn no_decompression_and_no_expect_header_are_requested() {
    let server = TestServer::start(Behavior::respond(
        200,
        &[("content-encoding", "gzip")],
        "not gzip",
    ));
    let body = vec![b'x'; 64 * 1024];
    let request = http::Request::post(server.signed_url("POST", "/p", &[], &body))
        .body(body)
        .unwrap();
    let response = HttpClient::send(&IsahcClient::new(), request).unwrap();
    // The body is handed over as sent, not decoded (it is not even valid gzip).
    assert_eq!(response.body(), b"not gzip");
    let request = server.last_request().unwrap();
    assert_eq!(request.header("accept-encoding"), None);
    assert_eq!(request.header("expect"), None);
}
