//! The checks every HTTP adapter must pass, each against its own [`TestServer`].
//!
//! A check takes a factory: given [`Options`], it builds a client with those settings and returns a
//! function that sends one request through it. Every call of that function must go through the
//! same client (so that connection reuse and recovery after a failure are visible). An async
//! client is wrapped by blocking on its future.
//!
//! [`conformance_tests!`](crate::conformance_tests) turns every check into a `#[test]` function.

use std::error::Error as _;
use std::time::{Duration, Instant};

use http::{Method, Request, Response};
use pusher_core::{HttpOptions, TransportError, TransportErrorKind};

use crate::server::{Behavior, TestServer, dead_address};

/// What one send returns.
pub type Outcome = Result<Response<Vec<u8>>, TransportError>;

/// The settings a factory applies to the client it builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// The whole-request timeout.
    pub timeout: Duration,
    /// The connect timeout.
    pub connect_timeout: Duration,
    /// The response body cap, in bytes.
    pub max_response_body: usize,
}

impl Options {
    /// The same settings as the core's [`HttpOptions`], for `BuildHttpClient::build_http_client`.
    pub fn http_options(&self) -> HttpOptions {
        let mut options = HttpOptions::default();
        options.timeout = self.timeout;
        options.connect_timeout = self.connect_timeout;
        options.max_response_body = self.max_response_body;
        options
    }
}

impl Default for Options {
    /// The adapters' defaults, the core's [`HttpOptions::default`]: 5 s, 5 s, 8 MiB.
    fn default() -> Self {
        let defaults = HttpOptions::default();
        Options {
            timeout: defaults.timeout,
            connect_timeout: defaults.connect_timeout,
            max_response_body: defaults.max_response_body,
        }
    }
}

/// The statuses the API answers with; each must come back as a response.
pub const STATUSES: [u16; 11] = [200, 202, 204, 400, 401, 403, 404, 413, 429, 500, 503];

fn request(method: Method, url: &str, headers: &[(&str, &str)], body: &[u8]) -> Request<Vec<u8>> {
    let mut builder = Request::builder().method(method).uri(url);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body.to_vec()).expect("valid request")
}

fn get(url: &str) -> Request<Vec<u8>> {
    request(Method::GET, url, &[], b"")
}

fn expect_ok(outcome: Outcome, what: &str) -> Response<Vec<u8>> {
    match outcome {
        Ok(response) => response,
        Err(error) => panic!("{what}: expected a response, got {error:?}"),
    }
}

fn expect_err(outcome: Outcome, what: &str) -> TransportError {
    match outcome {
        Ok(response) => panic!(
            "{what}: expected a transport error, got HTTP {} with {} body bytes",
            response.status(),
            response.body().len()
        ),
        Err(error) => error,
    }
}

/// After a failure, the same client must still work.
fn assert_recovers<C>(server: &TestServer, send: &C, what: &str)
where
    C: Fn(Request<Vec<u8>>) -> Outcome,
{
    server.set_behavior(Behavior::ok("recovered"));
    let response = expect_ok(send(get(&server.url("/after"))), what);
    assert_eq!(response.status(), 200, "{what}");
    assert_eq!(response.body(), b"recovered", "{what}");
}

/// Every status comes back as a response with its status, headers (repeated ones too) and raw
/// body intact; binary and empty bodies as well.
pub fn statuses_round_trip<C>(make: impl Fn(&Options) -> C)
where
    C: Fn(Request<Vec<u8>>) -> Outcome,
{
    let send = make(&Options::default());
    let server = TestServer::start(Behavior::ok(""));
    for status in STATUSES {
        let body = if status == 204 {
            Vec::new()
        } else {
            format!("{{\"error\":\"status {status}\"}}").into_bytes()
        };
        let marker = format!("v{status}");
        server.set_behavior(Behavior::respond(
            status,
            &[
                ("content-type", "application/json"),
                ("x-marker", &marker),
                ("x-repeated", "first"),
                ("x-repeated", "second"),
            ],
            body.clone(),
        ));
        let response = expect_ok(
            send(request(Method::POST, &server.url("/s"), &[], b"{}")),
            "status",
        );
        assert_eq!(response.status().as_u16(), status);
        assert_eq!(response.headers()["x-marker"], marker.as_str(), "{status}");
        assert_eq!(response.headers()["content-type"], "application/json", "{status}");
        let repeated: Vec<_> = response.headers().get_all("x-repeated").iter().collect();
        assert_eq!(repeated, ["first", "second"], "{status}");
        assert_eq!(response.body(), &body, "{status}");
    }
    let binary: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
    server.set_behavior(Behavior::respond(200, &[], binary.clone()));
    let response = expect_ok(send(get(&server.url("/binary"))), "binary body");
    assert_eq!(
        response.body(),
        &binary,
        "binary body must come back byte for byte"
    );
}

/// Method, path, query, headers and body arrive at the server exactly as given, for every method
/// the API uses, with and without a body, small and large.
pub fn request_arrives_intact<C>(make: impl Fn(&Options) -> C)
where
    C: Fn(Request<Vec<u8>>) -> Outcome,
{
    let send = make(&Options::default());
    let server = TestServer::start(Behavior::ok("ok"));
    let target = "/apps/123/events?auth_key=key&auth_timestamp=1700000000&auth_version=1.0\
                  &body_md5=abc&auth_signature=0123abcd&info=user_count%2Csubscription_count";
    let headers = [
        ("content-type", "application/json"),
        ("x-pusher-library", "pusher-rs 0.1.0"),
        ("x-custom", "Value With Spaces"),
    ];
    let json = br#"{"name":"my-event","channels":["a","b"],"data":"{\"x\":1}"}"#;
    let large: Vec<u8> = (0..1_048_576u32).map(|i| (i % 251) as u8).collect();
    let cases: [(Method, &[u8]); 6] = [
        (Method::GET, b""),
        (Method::POST, json),
        (Method::POST, &large),
        (Method::PUT, b"put body"),
        (Method::PATCH, b"patch body"),
        (Method::DELETE, b""),
    ];
    for (method, body) in cases {
        let what = format!("{method} with {} body bytes", body.len());
        let response = expect_ok(
            send(request(method.clone(), &server.url(target), &headers, body)),
            &what,
        );
        assert_eq!(response.status(), 200, "{what}");
        let received = server.last_request().expect("a request arrived");
        assert_eq!(received.method, method.as_str(), "{what}");
        assert_eq!(received.target, target, "{what}");
        assert_eq!(received.version, "HTTP/1.1", "{what}");
        for (name, value) in headers {
            assert_eq!(received.header_values(name), [value], "{what}: header {name}");
        }
        assert_eq!(received.body, body, "{what}: body");
        if !body.is_empty() {
            let length = received.header("content-length");
            let chunked = received.header("transfer-encoding");
            assert!(
                length == Some(body.len().to_string().as_str()) || chunked.is_some(),
                "{what}: content-length {length:?}"
            );
        }
    }
}

/// A server that accepts and never answers yields `Timeout` in about the configured time.
pub fn timeout_is_reported<C>(make: impl Fn(&Options) -> C)
where
    C: Fn(Request<Vec<u8>>) -> Outcome,
{
    let timeout = Duration::from_millis(300);
    let send = make(&Options {
        timeout,
        ..Options::default()
    });
    let server = TestServer::start(Behavior::Hang);
    let start = Instant::now();
    let error = expect_err(send(get(&server.url("/hang"))), "hanging server");
    let elapsed = start.elapsed();
    assert_eq!(error.kind(), TransportErrorKind::Timeout, "{error:?}");
    assert!(error.is_timeout());
    assert!(
        elapsed >= Duration::from_millis(200),
        "timed out too early: {elapsed:?}"
    );
    assert!(
        elapsed < Duration::from_secs(3),
        "timed out too late: {elapsed:?}"
    );
    assert_eq!(server.requests().len(), 1, "the request reached the server");
    assert_recovers(&server, &send, "after a timeout");
}

/// Many sequential calls use a handful of connections, not one per call.
pub fn connections_are_reused<C>(make: impl Fn(&Options) -> C)
where
    C: Fn(Request<Vec<u8>>) -> Outcome,
{
    let send = make(&Options::default());
    let server = TestServer::start(Behavior::ok("pooled"));
    for i in 0..20 {
        let method = if i % 2 == 0 { Method::GET } else { Method::POST };
        let body: &[u8] = if i % 2 == 0 { b"" } else { b"{\"n\":1}" };
        let response = expect_ok(send(request(method, &server.url("/r"), &[], body)), "pooled call");
        assert_eq!(response.body(), b"pooled");
    }
    assert_eq!(server.requests().len(), 20);
    let connections = server.connections();
    assert!(connections <= 3, "20 calls used {connections} connections");
}

fn assert_body_too_large<C>(send: &C, server: &TestServer, what: &str)
where
    C: Fn(Request<Vec<u8>>) -> Outcome,
{
    let start = Instant::now();
    let error = expect_err(send(get(&server.url("/big"))), what);
    assert_eq!(
        error.kind(),
        TransportErrorKind::BodyTooLarge,
        "{what}: {error:?}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{what}: took {:?}",
        start.elapsed()
    );
}

fn cap_options() -> Options {
    Options {
        // Long enough that only the cap can end the call within the test's bound.
        timeout: Duration::from_secs(30),
        max_response_body: 64 * 1024,
        ..Options::default()
    }
}

/// An endless chunked body ends in `BodyTooLarge`, read no further than needed.
pub fn body_cap_stops_endless_chunked_body<C>(make: impl Fn(&Options) -> C)
where
    C: Fn(Request<Vec<u8>>) -> Outcome,
{
    let send = make(&cap_options());
    let server = TestServer::start(Behavior::EndlessChunked);
    assert_body_too_large(&send, &server, "endless chunked body");
    // Give the server a moment to notice the client left, then check it was not drained.
    std::thread::sleep(Duration::from_millis(200));
    let streamed = server.bytes_streamed();
    assert!(
        streamed < 64 * 1024 * 1024,
        "the client read {streamed} bytes for a 64 KiB cap"
    );
    assert_recovers(&server, &send, "after an endless body");
}

/// A body announced as 1 TiB ends in `BodyTooLarge`, without reading it.
pub fn body_cap_stops_huge_content_length<C>(make: impl Fn(&Options) -> C)
where
    C: Fn(Request<Vec<u8>>) -> Outcome,
{
    let send = make(&cap_options());
    let server = TestServer::start(Behavior::HugeContentLength);
    assert_body_too_large(&send, &server, "1 TiB content-length");
    std::thread::sleep(Duration::from_millis(200));
    let streamed = server.bytes_streamed();
    assert!(
        streamed < 64 * 1024 * 1024,
        "the client read {streamed} bytes for a 64 KiB cap"
    );
    assert_recovers(&server, &send, "after a huge body");
}

/// A body of exactly the cap is accepted; one byte more is not.
pub fn body_cap_is_exact<C>(make: impl Fn(&Options) -> C)
where
    C: Fn(Request<Vec<u8>>) -> Outcome,
{
    let cap = 64 * 1024;
    let send = make(&cap_options());
    let server = TestServer::start(Behavior::ok(vec![b'a'; cap]));
    let response = expect_ok(send(get(&server.url("/cap"))), "body of exactly the cap");
    assert_eq!(response.body().len(), cap);
    server.set_behavior(Behavior::ok(vec![b'a'; cap + 1]));
    assert_body_too_large(&send, &server, "body one byte over the cap");
    assert_recovers(&server, &send, "after a body over the cap");
}

/// A refused connection yields `Connect`, with the underlying error kept as source.
pub fn refused_is_connect<C>(make: impl Fn(&Options) -> C)
where
    C: Fn(Request<Vec<u8>>) -> Outcome,
{
    let send = make(&Options {
        connect_timeout: Duration::from_secs(2),
        ..Options::default()
    });
    let url = format!("http://{}/refused", dead_address());
    let start = Instant::now();
    let error = expect_err(send(get(&url)), "refused connection");
    assert_eq!(error.kind(), TransportErrorKind::Connect, "{error:?}");
    assert!(
        error.source().is_some(),
        "the underlying error is kept: {error:?}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "took {:?}",
        start.elapsed()
    );
}

fn failure_then_recovery<C>(make: impl Fn(&Options) -> C, behavior: Behavior, what: &str)
where
    C: Fn(Request<Vec<u8>>) -> Outcome,
{
    let send = make(&Options::default());
    let server = TestServer::start(Behavior::ok("warm"));
    // Warm the pool first, so the failure happens on a fresh connection as well as could on a
    // pooled one.
    expect_ok(send(get(&server.url("/warm"))), "warm-up");
    server.set_behavior(behavior);
    let start = Instant::now();
    let error = expect_err(send(get(&server.url("/fail"))), what);
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "{what}: the failure took {:?}",
        start.elapsed()
    );
    assert_eq!(error.kind(), TransportErrorKind::Other, "{what}: {error:?}");
    assert!(
        error.source().is_some(),
        "{what}: the underlying error is kept: {error:?}"
    );
    assert_recovers(&server, &send, what);
}

/// A connection reset mid-response yields a transport error; the client then works again.
pub fn reset_is_reported_and_client_recovers<C>(make: impl Fn(&Options) -> C)
where
    C: Fn(Request<Vec<u8>>) -> Outcome,
{
    failure_then_recovery(make, Behavior::Reset, "connection reset");
}

/// A connection closed mid-body yields a transport error; the client then works again.
pub fn close_mid_response_is_reported_and_client_recovers<C>(make: impl Fn(&Options) -> C)
where
    C: Fn(Request<Vec<u8>>) -> Outcome,
{
    failure_then_recovery(make, Behavior::CloseMidResponse, "connection closed mid-body");
}

/// A server answering with something that is not HTTP yields a transport error; the client then
/// works again.
pub fn malformed_is_reported_and_client_recovers<C>(make: impl Fn(&Options) -> C)
where
    C: Fn(Request<Vec<u8>>) -> Outcome,
{
    failure_then_recovery(make, Behavior::Malformed, "malformed response");
}

/// The adapter's span has method, path, status and duration, and never the query or a header
/// value. `crate_name` is the adapter's package name (its spans' target prefix).
#[cfg(feature = "tracing")]
pub fn tracing_records_path_not_query<C>(crate_name: &str, make: impl Fn(&Options) -> C)
where
    C: Fn(Request<Vec<u8>>) -> Outcome,
{
    let send = make(&Options::default());
    let server = TestServer::start(Behavior::respond(
        202,
        &[("x-response-secret", "RESPONSEHEADERVALUE")],
        "{}",
    ));
    let target = "/apps/42/events?auth_key=KEYVALUE&auth_signature=SIGNATUREVALUE";
    let headers = [
        ("authorization", "Bearer AUTHVALUE"),
        ("x-request-secret", "REQUESTHEADERVALUE"),
    ];
    let prefix = crate_name.replace('-', "_");
    let (outcome, lines) = crate::trace_capture::capture(&prefix, || {
        send(request(Method::POST, &server.url(target), &headers, b"BODYVALUE"))
    });
    let response = expect_ok(outcome, "traced call");
    assert_eq!(response.status(), 202);
    let text = lines.join("\n");
    assert!(text.contains("span "), "no span recorded: {text}");
    // The event inside the span is under the adapter's target too.
    for expected in [
        "POST",
        "/apps/42/events",
        "202",
        "duration_ms=",
        "response received",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from the trace: {text}"
        );
    }
    for secret in [
        "KEYVALUE",
        "SIGNATUREVALUE",
        "auth_signature",
        "AUTHVALUE",
        "REQUESTHEADERVALUE",
        "RESPONSEHEADERVALUE",
        "BODYVALUE",
        "127.0.0.1",
    ] {
        assert!(!text.contains(secret), "{secret:?} leaked into the trace: {text}");
    }

    // A failure is traced too, with its kind.
    server.set_behavior(Behavior::Malformed);
    let (outcome, lines) =
        crate::trace_capture::capture(&prefix, || send(get(&server.url("/fail?q=SECRET"))));
    expect_err(outcome, "traced failure");
    let text = lines.join("\n");
    assert!(text.contains("/fail"), "{text}");
    assert!(text.contains("error="), "the failure is recorded: {text}");
    assert!(text.contains("request failed"), "{text}");
    assert!(!text.contains("SECRET"), "{text}");
}

/// Expands to one `#[test]` function per conformance check, each calling the check with `$make`
/// (a path to a factory `fn(&Options) -> impl Fn(Request<Vec<u8>>) -> Outcome`).
///
/// The tracing check is compiled only when the invoking crate's `tracing` feature is on.
#[macro_export]
macro_rules! conformance_tests {
    ($make:path) => {
        #[test]
        fn statuses_round_trip() {
            $crate::conformance::statuses_round_trip($make);
        }

        #[test]
        fn request_arrives_intact() {
            $crate::conformance::request_arrives_intact($make);
        }

        #[test]
        fn timeout_is_reported() {
            $crate::conformance::timeout_is_reported($make);
        }

        #[test]
        fn connections_are_reused() {
            $crate::conformance::connections_are_reused($make);
        }

        #[test]
        fn body_cap_stops_endless_chunked_body() {
            $crate::conformance::body_cap_stops_endless_chunked_body($make);
        }

        #[test]
        fn body_cap_stops_huge_content_length() {
            $crate::conformance::body_cap_stops_huge_content_length($make);
        }

        #[test]
        fn body_cap_is_exact() {
            $crate::conformance::body_cap_is_exact($make);
        }

        #[test]
        fn refused_is_connect() {
            $crate::conformance::refused_is_connect($make);
        }

        #[test]
        fn reset_is_reported_and_client_recovers() {
            $crate::conformance::reset_is_reported_and_client_recovers($make);
        }

        #[test]
        fn close_mid_response_is_reported_and_client_recovers() {
            $crate::conformance::close_mid_response_is_reported_and_client_recovers($make);
        }

        #[test]
        fn malformed_is_reported_and_client_recovers() {
            $crate::conformance::malformed_is_reported_and_client_recovers($make);
        }

        #[cfg(feature = "tracing")]
        #[test]
        fn tracing_records_path_not_query() {
            $crate::conformance::tracing_records_path_not_query(env!("CARGO_PKG_NAME"), $make);
        }
    };
}
