//! The adapter contract: what every HTTP client adapter must do, against a [`TestServer`] that
//! misbehaves on demand, written once and instantiated per adapter and mode with
//! [`adapter_contract!`](macro@crate::adapter_contract).
//!
//! Each check is generic over a [`Mode`]: an adapter's client in one mode (blocking, or async
//! driven to completion on a runtime), built from [`Options`] through the core's
//! [`BuildHttpClient`] as the core's builder builds it, and sending one request at a time from the
//! test's thread. Every send of a check goes through the same client, so that connection reuse
//! and recovery after a failure are visible.
//!
//! Every request a check sends is signed for the test app, as the API's requests are, and the
//! [`TestServer`] checks each one with the emulator's independent oracle: a request an adapter
//! mangles on the way (its path, query or body) fails the check that sent it.
//! [`a_wrong_signature_is_refused`] shows that the server does refuse one that is not signed
//! right.

use std::error::Error as _;
use std::fmt::Debug;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::{Method, Request, Response};
use pusher_core::{
    AsyncHttpClient, Blocking, BuildHttpClient, HttpClient, HttpOptions, Pusher, TransportError,
    TransportErrorKind,
};

use crate::server::{Behavior, KEY, SECRET, TestServer, dead_address, signed_target};
use pusher_emulator::oracle::Refusal;

/// What one send returns.
pub type Outcome = Result<Response<Vec<u8>>, TransportError>;

/// The `User-Agent` a user's own client is configured with, in
/// [`user_client_keeps_its_configuration`].
pub const USER_AGENT: &str = "configured-by-the-user";

/// An adapter's client in one mode, as a check drives it.
pub trait Mode: Clone + Send + 'static {
    /// The adapter's client type.
    type Client;

    /// Builds the client from `options` through [`BuildHttpClient`].
    fn build(options: &Options) -> Self;

    /// Drives a client built elsewhere.
    fn wrap(client: Self::Client) -> Self;

    /// Sends one request through the client and waits for its outcome.
    fn send(&self, request: Request<Vec<u8>>) -> Outcome;

    /// The core's generic client over this client, built from `pusher_url` (2 s timeout), as a
    /// function that triggers `my-event` on `my-channel` with the data `"hello"`.
    fn core_trigger(pusher_url: &str) -> Box<dyn Fn() -> Result<(), pusher_core::Error>>;
}

/// A blocking client ([`HttpClient`]) as `Pusher<Blocking<C>>` uses it.
#[derive(Debug, Clone)]
pub struct BlockingMode<C>(C);

impl<C> Mode for BlockingMode<C>
where
    C: HttpClient + BuildHttpClient + Clone + Send + 'static,
{
    type Client = C;

    fn build(options: &Options) -> Self {
        Self(C::build_http_client(&options.http_options()).expect("the client builds"))
    }

    fn wrap(client: C) -> Self {
        Self(client)
    }

    fn send(&self, request: Request<Vec<u8>>) -> Outcome {
        HttpClient::send(&self.0, request)
    }

    fn core_trigger(pusher_url: &str) -> Box<dyn Fn() -> Result<(), pusher_core::Error>> {
        let pusher = Pusher::<Blocking<C>>::builder_from_url(pusher_url)
            .timeout(Duration::from_secs(2))
            .build()
            .expect("the core client builds");
        Box::new(move || pusher.trigger(["my-channel"], "my-event", "hello").map(drop))
    }
}

/// An asynchronous client ([`AsyncHttpClient`]) as `Pusher<C>` uses it, each send driven to
/// completion on a Tokio runtime shared by the clones.
#[derive(Debug, Clone)]
pub struct AsyncMode<C> {
    client: C,
    runtime: Arc<tokio::runtime::Runtime>,
}

fn runtime() -> Arc<tokio::runtime::Runtime> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    Arc::new(runtime)
}

impl<C> Mode for AsyncMode<C>
where
    C: AsyncHttpClient + BuildHttpClient + Clone + Send + Sync + 'static,
{
    type Client = C;

    fn build(options: &Options) -> Self {
        let client = C::build_http_client(&options.http_options()).expect("the client builds");
        Self::wrap(client)
    }

    fn wrap(client: C) -> Self {
        Self {
            client,
            runtime: runtime(),
        }
    }

    fn send(&self, request: Request<Vec<u8>>) -> Outcome {
        self.runtime.block_on(self.client.send(request))
    }

    fn core_trigger(pusher_url: &str) -> Box<dyn Fn() -> Result<(), pusher_core::Error>> {
        let runtime = runtime();
        let pusher = Pusher::<C>::builder_from_url(pusher_url)
            .timeout(Duration::from_secs(2))
            .build()
            .expect("the core client builds");
        Box::new(move || {
            runtime
                .block_on(pusher.trigger(["my-channel"], "my-event", "hello"))
                .map(drop)
        })
    }
}

/// The settings a check builds its client with.
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

/// A request to `authority` for `path` with the call's own `params`, signed for the test app.
fn signed(
    method: Method,
    authority: SocketAddr,
    path: &str,
    params: &[(&str, &str)],
    headers: &[(&str, &str)],
    body: &[u8],
) -> Request<Vec<u8>> {
    let target = signed_target(method.as_str(), path, params, body);
    request(method, &format!("http://{authority}{target}"), headers, body)
}

/// A signed `GET path` to `server`.
fn get(server: &TestServer, path: &str) -> Request<Vec<u8>> {
    signed(Method::GET, server.addr(), path, &[], &[], b"")
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
fn assert_recovers<M: Mode>(server: &TestServer, client: &M, what: &str) {
    server.set_behavior(Behavior::ok("recovered"));
    let response = expect_ok(client.send(get(server, "/after")), what);
    assert_eq!(response.status(), 200, "{what}");
    assert_eq!(response.body(), b"recovered", "{what}");
}

/// Every status comes back as a response with its status, headers (repeated ones too) and raw
/// body intact; binary and empty bodies as well.
pub fn statuses_round_trip<M: Mode>() {
    let client = M::build(&Options::default());
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
            client.send(signed(Method::POST, server.addr(), "/s", &[], &[], b"{}")),
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
    let response = expect_ok(client.send(get(&server, "/binary")), "binary body");
    assert_eq!(
        response.body(),
        &binary,
        "binary body must come back byte for byte"
    );
}

/// Method, path, query, headers and body arrive at the server exactly as given, for every method
/// the API uses, with and without a body, small and large.
pub fn request_arrives_intact<M: Mode>() {
    let client = M::build(&Options::default());
    let server = TestServer::start(Behavior::ok("ok"));
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
        let info = [("info", "user_count,subscription_count")];
        let target = signed_target(method.as_str(), "/apps/1/events", &info, body);
        assert!(
            target.contains("&info=user_count%2Csubscription_count&"),
            "{what}: an encoded value in {target}"
        );
        let response = expect_ok(
            client.send(request(method.clone(), &server.url(&target), &headers, body)),
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
pub fn timeout_is_reported<M: Mode>() {
    let timeout = Duration::from_millis(300);
    let client = M::build(&Options {
        timeout,
        ..Options::default()
    });
    let server = TestServer::start(Behavior::Hang);
    let start = Instant::now();
    let error = expect_err(client.send(get(&server, "/hang")), "hanging server");
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
    assert_recovers(&server, &client, "after a timeout");
}

/// Many sequential calls use a handful of connections, not one per call.
pub fn connections_are_reused<M: Mode>() {
    let client = M::build(&Options::default());
    let server = TestServer::start(Behavior::ok("pooled"));
    for i in 0..20 {
        let method = if i % 2 == 0 { Method::GET } else { Method::POST };
        let body: &[u8] = if i % 2 == 0 { b"" } else { b"{\"n\":1}" };
        let response = expect_ok(
            client.send(signed(method, server.addr(), "/r", &[], &[], body)),
            "pooled call",
        );
        assert_eq!(response.body(), b"pooled");
    }
    assert_eq!(server.requests().len(), 20);
    let connections = server.connections();
    assert!(connections <= 3, "20 calls used {connections} connections");
}

fn assert_body_too_large<M: Mode>(client: &M, server: &TestServer, what: &str) {
    let start = Instant::now();
    let error = expect_err(client.send(get(server, "/big")), what);
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
pub fn body_cap_stops_endless_chunked_body<M: Mode>() {
    let client = M::build(&cap_options());
    let server = TestServer::start(Behavior::EndlessChunked);
    assert_body_too_large(&client, &server, "endless chunked body");
    // Give the server a moment to notice the client left, then check it was not drained.
    std::thread::sleep(Duration::from_millis(200));
    let streamed = server.bytes_streamed();
    assert!(
        streamed < 64 * 1024 * 1024,
        "the client read {streamed} bytes for a 64 KiB cap"
    );
    assert_recovers(&server, &client, "after an endless body");
}

/// A body announced as 1 TiB ends in `BodyTooLarge`, without reading it.
pub fn body_cap_stops_huge_content_length<M: Mode>() {
    let client = M::build(&cap_options());
    let server = TestServer::start(Behavior::HugeContentLength);
    assert_body_too_large(&client, &server, "1 TiB content-length");
    std::thread::sleep(Duration::from_millis(200));
    let streamed = server.bytes_streamed();
    assert!(
        streamed < 64 * 1024 * 1024,
        "the client read {streamed} bytes for a 64 KiB cap"
    );
    assert_recovers(&server, &client, "after a huge body");
}

/// A body of exactly the cap is accepted; one byte more is not.
pub fn body_cap_is_exact<M: Mode>() {
    let cap = 64 * 1024;
    let client = M::build(&cap_options());
    let server = TestServer::start(Behavior::ok(vec![b'a'; cap]));
    let response = expect_ok(client.send(get(&server, "/cap")), "body of exactly the cap");
    assert_eq!(response.body().len(), cap);
    server.set_behavior(Behavior::ok(vec![b'a'; cap + 1]));
    assert_body_too_large(&client, &server, "body one byte over the cap");
    assert_recovers(&server, &client, "after a body over the cap");
}

/// A refused connection yields `Connect`, with the underlying error kept as source.
pub fn refused_is_connect<M: Mode>() {
    let client = M::build(&Options {
        connect_timeout: Duration::from_secs(2),
        ..Options::default()
    });
    let dead = dead_address();
    let fault = fault_target();
    let start = Instant::now();
    let request = request(Method::GET, &format!("http://{dead}{fault}"), &[], b"");
    let error = expect_err(client.send(request), "refused connection");
    assert_eq!(error.kind(), TransportErrorKind::Connect, "{error:?}");
    // The cause in the stack's words: "connection refused" where the stack keeps the OS error
    // (reqwest, ureq), curl's "Could not connect to server" where it does not (isahc).
    let message = error.to_string();
    let cause = message.strip_prefix(&format!("connecting to {dead} failed: "));
    assert!(
        cause.is_some_and(|cause| cause == "connection refused" || cause.contains("connect")),
        "{message:?}"
    );
    assert_says_where_not_the_query(&error, &dead.to_string(), &fault, "refused connection");
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

fn failure_then_recovery<M: Mode>(behavior: Behavior, what: &str) {
    let client = M::build(&Options::default());
    let server = TestServer::start(Behavior::ok("warm"));
    // Warm the pool first, so the failure happens on a fresh connection as well as could on a
    // pooled one.
    expect_ok(client.send(get(&server, "/warm")), "warm-up");
    server.set_behavior(behavior);
    let start = Instant::now();
    let error = expect_err(client.send(get(&server, "/fail")), what);
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
    assert_recovers(&server, &client, what);
}

/// A connection reset mid-response yields a transport error; the client then works again.
pub fn reset_is_reported_and_client_recovers<M: Mode>() {
    failure_then_recovery::<M>(Behavior::Reset, "connection reset");
}

/// A connection closed mid-body yields a transport error; the client then works again.
pub fn close_mid_response_is_reported_and_client_recovers<M: Mode>() {
    failure_then_recovery::<M>(Behavior::CloseMidResponse, "connection closed mid-body");
}

/// A server answering with something that is not HTTP yields a transport error; the client then
/// works again.
pub fn malformed_is_reported_and_client_recovers<M: Mode>() {
    failure_then_recovery::<M>(Behavior::Malformed, "malformed response");
}

/// The adapter's span has method, path, status and duration, and never the query or a header
/// value. `crate_name` is the adapter's package name (its spans' target prefix).
#[cfg(feature = "tracing")]
pub fn tracing_records_path_not_query<M: Mode>(crate_name: &str) {
    let client = M::build(&Options::default());
    let server = TestServer::start(Behavior::respond(
        202,
        &[("x-response-secret", "RESPONSEHEADERVALUE")],
        "{}",
    ));
    let target = signed_target("POST", "/apps/42/events", &[], b"BODYVALUE");
    let signature = query_value(&target, "auth_signature");
    let body_md5 = query_value(&target, "body_md5");
    let headers = [
        ("authorization", "Bearer AUTHVALUE"),
        ("x-request-secret", "REQUESTHEADERVALUE"),
    ];
    let prefix = crate_name.replace('-', "_");
    let (outcome, lines) = crate::trace_capture::capture(&prefix, || {
        client.send(request(
            Method::POST,
            &server.url(&target),
            &headers,
            b"BODYVALUE",
        ))
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
        KEY,
        signature,
        body_md5,
        "auth_signature",
        "auth_key",
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
    let failing = signed(Method::GET, server.addr(), "/fail", &[("q", "SECRET")], &[], b"");
    let (outcome, lines) = crate::trace_capture::capture(&prefix, || client.send(failing));
    expect_err(outcome, "traced failure");
    let text = lines.join("\n");
    assert!(text.contains("/fail"), "{text}");
    assert!(text.contains("error="), "the failure is recorded: {text}");
    assert!(text.contains("request failed"), "{text}");
    assert!(!text.contains("SECRET"), "{text}");
}

/// The settings of the network-fault checks: a 1 s deadline and a 64 KiB body cap.
fn fault_options() -> Options {
    Options {
        timeout: Duration::from_secs(1),
        connect_timeout: Duration::from_secs(1),
        max_response_body: 64 * 1024,
    }
}

/// The most a fault may add to the process's peak memory: far below the 100 MB some faults send,
/// far above the 64 KiB cap and the stacks' own buffers.
const FAULT_MEMORY: u64 = 32 * 1024 * 1024;

/// The process's peak resident memory, in bytes, reset to the current size first when `reset`
/// (Linux: `/proc/self/status` `VmHWM`, reset through `/proc/self/clear_refs`).
#[cfg(target_os = "linux")]
fn peak_memory(reset: bool) -> u64 {
    if reset {
        std::fs::write("/proc/self/clear_refs", "5").expect("reset the peak memory mark");
    }
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    let kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .expect("VmHWM in /proc/self/status");
    kib * 1024
}

/// The MD5 of the empty body, which a GET may carry as `body_md5` (PROTOCOL §5).
const EMPTY_BODY_MD5: &str = "d41d8cd98f00b204e9800998ecf8427e";

/// A signed `GET /fault` for the test app, carrying every signed parameter the API's requests
/// may (`body_md5` too).
fn fault_target() -> String {
    signed_target("GET", "/fault", &[("body_md5", EMPTY_BODY_MD5)], b"")
}

/// The value of `key` in `target`'s query, as sent.
fn query_value<'a>(target: &'a str, key: &str) -> &'a str {
    let query = target.split_once('?').map_or("", |(_, query)| query);
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
        .unwrap_or_else(|| panic!("no {key} in {target}"))
}

/// The error's message names the server and the request (method and path), and nothing in the
/// error — message, `Debug`, any error in its source chain — holds the signed query of `target`.
fn assert_says_where_not_the_query(error: &TransportError, authority: &str, target: &str, what: &str) {
    let message = error.to_string();
    assert!(
        message.contains(authority),
        "{what}: {message:?} does not name {authority}"
    );
    if error.kind() != TransportErrorKind::Connect {
        assert!(
            message.contains("GET /fault"),
            "{what}: {message:?} does not name the request"
        );
    }
    let mut texts = vec![message, format!("{error:?}")];
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        texts.push(inner.to_string());
        texts.push(format!("{inner:?}"));
        source = inner.source();
    }
    for text in texts {
        for signed in [
            "auth_key=",
            "body_md5=",
            "auth_signature=",
            KEY,
            EMPTY_BODY_MD5,
            query_value(target, "auth_signature"),
        ] {
            assert!(!text.contains(signed), "{what}: {signed:?} in {text:?}");
        }
    }
}

/// One network fault: the call ends in a `kind` error within the deadline plus 1 s, without
/// growing memory much past the body cap, and the same client then works again.
fn assert_fault<M: Mode>(behavior: Behavior, kind: TransportErrorKind, what: &str) {
    let options = fault_options();
    let client = M::build(&options);
    let server = TestServer::start(Behavior::ok("warm"));
    expect_ok(client.send(get(&server, "/warm")), "warm-up");
    server.set_behavior(behavior);
    let fault = fault_target();
    #[cfg(target_os = "linux")]
    let before = peak_memory(true);
    let start = Instant::now();
    let error = expect_err(
        client.send(request(Method::GET, &server.url(&fault), &[], b"")),
        what,
    );
    let elapsed = start.elapsed();
    assert_eq!(error.kind(), kind, "{what}: {error:?}");
    assert_says_where_not_the_query(&error, &server.addr().to_string(), &fault, what);
    assert!(
        elapsed <= options.timeout + Duration::from_secs(1),
        "{what}: the call took {elapsed:?}, more than the {:?} deadline plus 1 s",
        options.timeout
    );
    #[cfg(target_os = "linux")]
    {
        let grown = peak_memory(false).saturating_sub(before);
        assert!(
            grown < FAULT_MEMORY,
            "{what}: peak memory grew by {grown} bytes with a {} byte cap",
            options.max_response_body
        );
    }
    assert_recovers(&server, &client, what);
}

/// Headers, then nothing: `Timeout` within the deadline.
pub fn silence_after_headers_times_out<M: Mode>() {
    assert_fault::<M>(
        Behavior::HeadersThenSilence,
        TransportErrorKind::Timeout,
        "silence after the headers",
    );
}

/// A chunked body trickling one byte every 250 ms, without end: `Timeout` within the deadline.
pub fn endless_trickle_times_out<M: Mode>() {
    assert_fault::<M>(
        Behavior::Trickle { content_length: None },
        TransportErrorKind::Timeout,
        "an endless trickled body",
    );
}

/// A 100-byte body (under the cap) trickling one byte every 250 ms, which would take 25 s:
/// `Timeout` within the deadline.
pub fn trickle_under_the_cap_times_out<M: Mode>() {
    assert_fault::<M>(
        Behavior::Trickle {
            content_length: Some(100),
        },
        TransportErrorKind::Timeout,
        "a trickled body under the cap",
    );
}

/// 1 MiB of response headers: an error, not a hang or a buffer of that size.
pub fn huge_headers_are_refused<M: Mode>() {
    assert_fault::<M>(
        Behavior::HugeHeaders,
        TransportErrorKind::Other,
        "1 MiB of headers",
    );
}

/// A 100 MB chunked body: `BodyTooLarge`, read no further than the cap.
pub fn large_chunked_body_is_capped<M: Mode>() {
    assert_fault::<M>(
        Behavior::Large {
            length: 100 * 1024 * 1024,
            chunked: true,
        },
        TransportErrorKind::BodyTooLarge,
        "a 100 MB chunked body",
    );
}

/// A 100 MB body announced by `Content-Length`: `BodyTooLarge`, refused before it is read.
pub fn large_content_length_is_capped<M: Mode>() {
    assert_fault::<M>(
        Behavior::Large {
            length: 100 * 1024 * 1024,
            chunked: false,
        },
        TransportErrorKind::BodyTooLarge,
        "a 100 MB content-length",
    );
}

/// A reset in the middle of the body, a garbage status line and silence before the headers,
/// under the faults' deadline and cap: typed errors in time, then recovery.
pub fn other_faults_are_typed_and_bounded<M: Mode>() {
    assert_fault::<M>(Behavior::Reset, TransportErrorKind::Other, "a reset");
    assert_fault::<M>(
        Behavior::CloseMidResponse,
        TransportErrorKind::Other,
        "a close mid-body",
    );
    assert_fault::<M>(
        Behavior::Malformed,
        TransportErrorKind::Other,
        "a garbage status line",
    );
    assert_fault::<M>(
        Behavior::Hang,
        TransportErrorKind::Timeout,
        "silence before the headers",
    );
}

/// A 3xx comes back as a response: the client follows no redirect.
pub fn redirects_are_not_followed<M: Mode>() {
    let client = M::build(&Options::default());
    let server = TestServer::start(Behavior::respond(307, &[("location", "/target")], ""));
    let response = expect_ok(
        client.send(signed(Method::POST, server.addr(), "/start", &[], &[], b"x")),
        "redirect",
    );
    assert_eq!(response.status(), 307);
    assert_eq!(response.headers()["location"], "/target");
    assert_eq!(server.requests().len(), 1);
}

/// Clones used from other threads share one connection pool.
pub fn clones_share_one_pool<M: Mode>() {
    let client = M::build(&Options::default());
    let server = TestServer::start(Behavior::ok("shared"));
    for _ in 0..10 {
        let clone = client.clone();
        let request = get(&server, "/clone");
        let outcome = std::thread::spawn(move || clone.send(request))
            .join()
            .expect("the sending thread");
        assert_eq!(expect_ok(outcome, "clone").body(), b"shared");
    }
    assert!(server.connections() <= 2, "{} connections", server.connections());
}

/// Requests sent at the same time from several threads all complete, each with its own answer.
pub fn concurrent_requests_all_complete<M: Mode>() {
    let client = M::build(&Options::default());
    let server = TestServer::start(Behavior::ok("concurrent"));
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let client = client.clone();
            let request = get(&server, &format!("/c/{i}"));
            std::thread::spawn(move || client.send(request))
        })
        .collect();
    for thread in threads {
        let outcome = thread.join().expect("the sending thread");
        assert_eq!(expect_ok(outcome, "concurrent").body(), b"concurrent");
    }
    let mut paths: Vec<String> = server
        .requests()
        .into_iter()
        .map(|r| r.target.split('?').next().unwrap_or_default().to_owned())
        .collect();
    paths.sort();
    assert_eq!(paths, (0..8).map(|i| format!("/c/{i}")).collect::<Vec<_>>());
}

/// A client the user configured (with [`USER_AGENT`] and no redirects) keeps its configuration
/// when wrapped, and its body cap is the wrapper's: `client` has the default cap, `capped` a cap
/// of 3 bytes.
pub fn user_client_keeps_its_configuration<M: Mode>(client: M, capped: M) {
    let server = TestServer::start(Behavior::respond(302, &[("location", "/elsewhere")], "moved"));
    let response = expect_ok(client.send(get(&server, "/u")), "user client");
    assert_eq!(response.status(), 302);
    assert_eq!(response.body(), b"moved");
    let received = server.last_request().expect("a request arrived");
    assert_eq!(received.header("user-agent"), Some(USER_AGENT));
    let error = expect_err(capped.send(get(&server, "/u")), "capped user client");
    assert_eq!(error.kind(), TransportErrorKind::BodyTooLarge);
}

/// The core's generic client over the adapter sends a signed trigger, and a refusal comes back as
/// the core's error with its status.
pub fn plugs_into_the_core_client<M: Mode>() {
    let server = TestServer::start(Behavior::respond(
        200,
        &[("content-type", "application/json")],
        "{}",
    ));
    let trigger = M::core_trigger(&server.pusher_url());
    trigger().expect("the trigger is accepted");
    let request = server.last_request().expect("a request arrived");
    assert_eq!(request.method, "POST");
    assert!(
        request.target.starts_with("/apps/1/events?"),
        "{}",
        request.target
    );
    assert!(request.target.contains("auth_signature="), "{}", request.target);
    assert_eq!(
        String::from_utf8_lossy(&request.body),
        r#"{"name":"my-event","channels":["my-channel"],"data":"\"hello\""}"#
    );

    server.set_behavior(Behavior::respond(401, &[], "invalid signature"));
    let error = trigger().expect_err("a refused trigger is an error");
    assert_eq!(error.status(), Some(http::StatusCode::UNAUTHORIZED), "{error:?}");
}

/// A trigger from the core's client configured with another secret reaches the server through the
/// adapter, and the server refuses it: the oracle names the wrong signature, and the caller gets
/// the 401 as the core's error.
pub fn a_wrong_signature_is_refused<M: Mode>() {
    let server = TestServer::start(Behavior::respond(
        200,
        &[("content-type", "application/json")],
        "{}",
    ));
    let forged = server.pusher_url().replace(SECRET, "not-the-secret");
    assert_ne!(forged, server.pusher_url());
    let error = M::core_trigger(&forged)().expect_err("a trigger under another secret is refused");
    assert_eq!(error.status(), Some(http::StatusCode::UNAUTHORIZED), "{error:?}");
    let refusals = server.take_refusals();
    assert_eq!(refusals.len(), 1, "{refusals:?}");
    assert!(refusals[0].target.starts_with("/apps/1/events?"), "{refusals:?}");
    assert!(
        matches!(refusals[0].refusal, Refusal::SignatureMismatch { .. }),
        "{refusals:?}"
    );
}

/// Compiles only for a client type that is cheap to share: `Clone + Send + Sync + Debug`.
pub fn client_is_clone_send_sync_debug<C: Clone + Send + Sync + Debug + 'static>() {}

/// Compiles only when the future is `Send`.
pub fn assert_send<T: Send>(_: &T) {}

/// The crates the [`adapter_contract!`](macro@crate::adapter_contract) expands to, so that an adapter's
/// tests need no dependency of their own on them.
#[doc(hidden)]
pub use {http, pusher_core, tokio};

/// Instantiates the adapter contract for one client in one mode: one `#[test]` per check.
///
/// ```text
/// fn user_client() -> ReqwestClient { /* a client the user configured with USER_AGENT and no redirects */ }
/// pusher_test_support::adapter_contract!(async pusher_reqwest::ReqwestClient, user_client);
/// pusher_test_support::adapter_contract!(blocking pusher_ureq::UreqClient, user_client);
/// ```
///
/// The client type must have the constructors of
/// [`adapter_client!`](pusher_core::http_client::adapter_client) and a `new()`. The tracing check
/// is compiled only when the invoking crate's `tracing` feature is on.
#[macro_export]
macro_rules! adapter_contract {
    (blocking $client:ty, $user_client:path) => {
        $crate::adapter_contract!(@checks $crate::adapter_contract::BlockingMode<$client>, $client, $user_client);
    };
    (async $client:ty, $user_client:path) => {
        $crate::adapter_contract!(@checks $crate::adapter_contract::AsyncMode<$client>, $client, $user_client);

        #[test]
        fn the_future_is_send() {
            let runtime = $crate::adapter_contract::tokio::runtime::Runtime::new().unwrap();
            let _guard = runtime.enter();
            let client = <$client>::new();
            let future = $crate::adapter_contract::pusher_core::AsyncHttpClient::send(&client, $crate::adapter_contract::http::Request::new(Vec::new()));
            $crate::adapter_contract::assert_send(&future);
        }
    };
    (@checks $mode:ty, $client:ty, $user_client:path) => {
        #[test]
        fn statuses_round_trip() {
            $crate::adapter_contract::statuses_round_trip::<$mode>();
        }

        #[test]
        fn request_arrives_intact() {
            $crate::adapter_contract::request_arrives_intact::<$mode>();
        }

        #[test]
        fn timeout_is_reported() {
            $crate::adapter_contract::timeout_is_reported::<$mode>();
        }

        #[test]
        fn connections_are_reused() {
            $crate::adapter_contract::connections_are_reused::<$mode>();
        }

        #[test]
        fn body_cap_stops_endless_chunked_body() {
            $crate::adapter_contract::body_cap_stops_endless_chunked_body::<$mode>();
        }

        #[test]
        fn body_cap_stops_huge_content_length() {
            $crate::adapter_contract::body_cap_stops_huge_content_length::<$mode>();
        }

        #[test]
        fn body_cap_is_exact() {
            $crate::adapter_contract::body_cap_is_exact::<$mode>();
        }

        #[test]
        fn refused_is_connect() {
            $crate::adapter_contract::refused_is_connect::<$mode>();
        }

        #[test]
        fn reset_is_reported_and_client_recovers() {
            $crate::adapter_contract::reset_is_reported_and_client_recovers::<$mode>();
        }

        #[test]
        fn close_mid_response_is_reported_and_client_recovers() {
            $crate::adapter_contract::close_mid_response_is_reported_and_client_recovers::<$mode>();
        }

        #[test]
        fn malformed_is_reported_and_client_recovers() {
            $crate::adapter_contract::malformed_is_reported_and_client_recovers::<$mode>();
        }

        #[cfg(feature = "tracing")]
        #[test]
        fn tracing_records_path_not_query() {
            $crate::adapter_contract::tracing_records_path_not_query::<$mode>(env!("CARGO_PKG_NAME"));
        }

        #[test]
        fn silence_after_headers_times_out() {
            $crate::adapter_contract::silence_after_headers_times_out::<$mode>();
        }

        #[test]
        fn endless_trickle_times_out() {
            $crate::adapter_contract::endless_trickle_times_out::<$mode>();
        }

        #[test]
        fn trickle_under_the_cap_times_out() {
            $crate::adapter_contract::trickle_under_the_cap_times_out::<$mode>();
        }

        #[test]
        fn huge_headers_are_refused() {
            $crate::adapter_contract::huge_headers_are_refused::<$mode>();
        }

        #[test]
        fn large_chunked_body_is_capped() {
            $crate::adapter_contract::large_chunked_body_is_capped::<$mode>();
        }

        #[test]
        fn large_content_length_is_capped() {
            $crate::adapter_contract::large_content_length_is_capped::<$mode>();
        }

        #[test]
        fn other_faults_are_typed_and_bounded() {
            $crate::adapter_contract::other_faults_are_typed_and_bounded::<$mode>();
        }

        #[test]
        fn redirects_are_not_followed() {
            $crate::adapter_contract::redirects_are_not_followed::<$mode>();
        }

        #[test]
        fn clones_share_one_pool() {
            $crate::adapter_contract::clones_share_one_pool::<$mode>();
        }

        #[test]
        fn concurrent_requests_all_complete() {
            $crate::adapter_contract::concurrent_requests_all_complete::<$mode>();
        }

        #[test]
        fn plugs_into_the_core_client() {
            $crate::adapter_contract::plugs_into_the_core_client::<$mode>();
        }

        #[test]
        fn a_wrong_signature_is_refused() {
            $crate::adapter_contract::a_wrong_signature_is_refused::<$mode>();
        }

        #[test]
        fn a_user_client_keeps_its_configuration() {
            use $crate::adapter_contract::Mode as _;
            let client: $client = $user_client();
            assert_eq!(
                client.max_response_body(),
                $crate::adapter_contract::pusher_core::HttpOptions::DEFAULT_MAX_RESPONSE_BODY
            );
            let capped = client.clone().with_max_response_body(3);
            assert_eq!(capped.max_response_body(), 3);
            $crate::adapter_contract::user_client_keeps_its_configuration(
                <$mode>::wrap(client),
                <$mode>::wrap(capped),
            );
        }

        #[test]
        fn client_is_clone_send_sync_debug() {
            $crate::adapter_contract::client_is_clone_send_sync_debug::<$client>();
        }

        #[test]
        fn defaults() {
            let megabytes_8 = 8 * 1024 * 1024;
            assert_eq!(<$client>::new().max_response_body(), megabytes_8);
            assert_eq!(<$client>::default().max_response_body(), megabytes_8);
            assert_eq!($crate::adapter_contract::pusher_core::HttpOptions::DEFAULT_TIMEOUT, std::time::Duration::from_secs(5));
            assert_eq!($crate::adapter_contract::pusher_core::HttpOptions::DEFAULT_CONNECT_TIMEOUT, std::time::Duration::from_secs(5));
            assert_eq!($crate::adapter_contract::pusher_core::HttpOptions::DEFAULT_MAX_RESPONSE_BODY, megabytes_8);
        }

        #[test]
        fn builder_sets_the_body_cap() {
            let client = <$client>::builder()
                .timeout(std::time::Duration::from_secs(7))
                .connect_timeout(std::time::Duration::from_secs(2))
                .max_response_body(1234)
                .build()
                .unwrap();
            assert_eq!(client.max_response_body(), 1234);
        }
    };
}
