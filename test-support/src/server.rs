//! A std-only HTTP/1.1 test server on `127.0.0.1:0`.
//!
//! One thread accepts, one thread serves each connection. Keep-alive is honoured (a connection
//! serves requests until the client closes it or sends `Connection: close`), so a test can count
//! [`connections`](TestServer::connections) to see whether a client reuses them. What the server
//! does with each request is its current [`Behavior`], which a test can change between calls.
//! Dropping the server stops it: every thread notices within [`POLL`] and exits.
//!
//! # Every request is signed, or the test fails
//!
//! The server checks the signature of every request it receives (PROTOCOL §2) for its app — the
//! test app ([`KEY`], [`SECRET`]) unless started with [`TestServer::start_for`] — with
//! [`pusher_emulator::oracle`], a checker written from the protocol apart from pusher-core's
//! signing. A request that fails is recorded, said on stderr, and answered `401` with the reason
//! instead of the behaviour; and dropping the server then panics, naming every refused request,
//! unless the test took the refusals with [`TestServer::take_refusals`] to assert on them. A
//! request that [`Behavior::Reset`] leaves unread is checked too, from what the socket holds.
//!
//! [`signed_target`] signs a request for the test app with pusher-core's signer, as the library
//! signs its own; [`TestServer::signed_url`] does it for the server's app.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pusher_core::signing::{SigningInput, sign_request};
use pusher_emulator::oracle::{self, Refusal};

/// The test app's id, in the path of the API's requests (`/apps/1/...`).
pub const APP_ID: &str = "1";

/// The test app's key: every request to a [`TestServer`] started with [`TestServer::start`]
/// carries it as `auth_key`.
pub const KEY: &str = "test-app-key";

/// The test app's secret: every request to a [`TestServer`] started with [`TestServer::start`]
/// is signed with it.
pub const SECRET: &str = "test-app-secret";

/// How long the server waits for a whole request to arrive before it resets the connection
/// ([`Behavior::Reset`]), so that it can check the request first.
const RESET_PEEK: Duration = Duration::from_secs(2);

/// How often blocked server threads wake up to check whether the server was dropped.
pub const POLL: Duration = Duration::from_millis(50);

/// The largest request head (request line and headers) the server reads.
const MAX_HEAD: usize = 64 * 1024;

/// The most bytes an endless body sends before giving up (so a client that buffers everything
/// fails a test instead of eating the machine's memory).
const ENDLESS_LIMIT: u64 = 2 << 30;

/// The size of each piece of an endless body.
const PIECE: usize = 16 * 1024;

/// A response the server sends as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CannedResponse {
    /// The status code.
    pub status: u16,
    /// Header lines, in order; repeated names are sent as repeated lines. A `content-length` is
    /// added unless one is given (or the status has no body).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// What the server does with each request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Behavior {
    /// Answers with this response and keeps the connection open for the next request.
    Respond(CannedResponse),
    /// Reads the request and never answers; holds the connection until the client closes it.
    Hang,
    /// Answers 200 with a chunked body that never ends.
    EndlessChunked,
    /// Answers 200 with `content-length: 1 TiB` and streams zeros.
    HugeContentLength,
    /// As soon as a request arrives, writes the start of a response and closes the socket without
    /// reading the request, so that the kernel resets the connection (RST).
    Reset,
    /// Reads the request, writes headers promising 1000 bytes and a few bytes of body, then closes
    /// the connection (FIN).
    CloseMidResponse,
    /// Reads the request and answers with bytes that are not HTTP, then closes the connection.
    Malformed,
    /// Answers a head promising a 1000-byte body, then sends nothing more and holds the
    /// connection until the client closes it.
    HeadersThenSilence,
    /// Answers 200 and sends the body one byte every [`TRICKLE`]: `content_length` bytes
    /// announced with `content-length`, or, when `None`, an endless chunked body.
    Trickle {
        /// The announced length, or `None` for an endless chunked body.
        content_length: Option<u64>,
    },
    /// Answers 200 with [`HUGE_HEADERS`] bytes of header lines before a short body.
    HugeHeaders,
    /// Answers 200 with a body of `length` bytes (a multiple of 16 KiB), announced with
    /// `content-length`, or sent chunked when `chunked`.
    Large {
        /// How many body bytes are sent.
        length: u64,
        /// Whether the body is sent chunked (else with `content-length`).
        chunked: bool,
    },
}

/// How often [`Behavior::Trickle`] sends a byte.
pub const TRICKLE: Duration = Duration::from_millis(250);

/// How many bytes of header lines [`Behavior::HugeHeaders`] sends.
pub const HUGE_HEADERS: usize = 1024 * 1024;

impl Behavior {
    /// [`Behavior::Respond`] with `status`, `headers` and `body`.
    pub fn respond(status: u16, headers: &[(&str, &str)], body: impl Into<Vec<u8>>) -> Self {
        Behavior::Respond(CannedResponse {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            body: body.into(),
        })
    }

    /// A 200 with a `text/plain` `body`.
    pub fn ok(body: impl Into<Vec<u8>>) -> Self {
        Behavior::respond(200, &[("content-type", "text/plain")], body)
    }
}

/// A request as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The method, as sent.
    pub method: String,
    /// The request target as sent: path and query.
    pub target: String,
    /// The HTTP version of the request line (`HTTP/1.1`).
    pub version: String,
    /// Header lines, in order, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body (chunked bodies decoded).
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// Every value of header `name` (case-insensitive), in order.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.header_values(name).into_iter().next()
    }
}

/// A request the server refused: not signed for its app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// The method, as sent.
    pub method: String,
    /// The request target as sent: path and query.
    pub target: String,
    /// What was wrong, as the oracle says it.
    pub refusal: Refusal,
}

/// The path and query of a request for `path` (unencoded, with no character a path must
/// encode) with the call's own `params`, signed at the current time for the app `key` and
/// `secret` by pusher-core's signer.
pub fn signed_target_for(
    key: &str,
    secret: &str,
    method: &str,
    path: &str,
    params: &[(&str, &str)],
    body: &[u8],
) -> String {
    let signed = sign_request(
        key,
        secret,
        &SigningInput {
            method,
            path,
            params,
            body,
            timestamp: now(),
        },
    );
    format!("{path}?{}", signed.to_query_string())
}

/// [`signed_target_for`] the test app ([`KEY`], [`SECRET`]).
pub fn signed_target(method: &str, path: &str, params: &[(&str, &str)], body: &[u8]) -> String {
    signed_target_for(KEY, SECRET, method, path, params, body)
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

#[derive(Debug)]
struct Shared {
    behavior: Mutex<Behavior>,
    key: String,
    secret: String,
    requests: Mutex<Vec<RecordedRequest>>,
    refused: Mutex<Vec<Refused>>,
    connections: AtomicUsize,
    streamed: AtomicU64,
    shutdown: AtomicBool,
}

impl Shared {
    fn stopped(&self) -> bool {
        self.shutdown.load(Ordering::SeqCst)
    }

    /// Checks `request`'s signature for the server's app: the refusal, recorded, when it fails.
    fn check(&self, request: &RecordedRequest) -> Option<Refusal> {
        let (path, query) = match request.target.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (request.target.as_str(), None),
        };
        let app = oracle::App {
            key: &self.key,
            secret: &self.secret,
        };
        let checked = oracle::RestRequest {
            method: &request.method,
            path,
            query,
            body: &request.body,
        };
        let refusal = oracle::check_request(app, &checked, now()).err()?;
        eprintln!(
            "pusher-test-support: REFUSED {} {}: {refusal}",
            request.method, request.target
        );
        lock(&self.refused).push(Refused {
            method: request.method.clone(),
            target: request.target.clone(),
            refusal: refusal.clone(),
        });
        Some(refusal)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The test server. Stops when dropped.
#[derive(Debug)]
pub struct TestServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl TestServer {
    /// Starts a server on `127.0.0.1:0` with `behavior`, for the test app: every request must be
    /// signed with [`KEY`] and [`SECRET`].
    pub fn start(behavior: Behavior) -> Self {
        Self::start_for(behavior, KEY, SECRET)
    }

    /// Starts a server on `127.0.0.1:0` with `behavior`, for the app `key` and `secret`: every
    /// request must be signed with them.
    pub fn start_for(behavior: Behavior, key: &str, secret: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let shared = Arc::new(Shared {
            behavior: Mutex::new(behavior),
            key: key.to_owned(),
            secret: secret.to_owned(),
            requests: Mutex::new(Vec::new()),
            refused: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
            streamed: AtomicU64::new(0),
            shutdown: AtomicBool::new(false),
        });
        let accept_shared = Arc::clone(&shared);
        thread::spawn(move || {
            for stream in listener.incoming() {
                if accept_shared.stopped() {
                    break;
                }
                let Ok(stream) = stream else { continue };
                accept_shared.connections.fetch_add(1, Ordering::SeqCst);
                let conn_shared = Arc::clone(&accept_shared);
                thread::spawn(move || {
                    let _ = serve(stream, &conn_shared);
                });
            }
        });
        TestServer { addr, shared }
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` followed by `path_and_query` (which starts with `/`).
    pub fn url(&self, path_and_query: &str) -> String {
        format!("http://{}{}", self.addr, path_and_query)
    }

    /// `http://127.0.0.1:PORT` followed by [`signed_target_for`] this server's app.
    pub fn signed_url(&self, method: &str, path: &str, params: &[(&str, &str)], body: &[u8]) -> String {
        let target = signed_target_for(&self.shared.key, &self.shared.secret, method, path, params, body);
        self.url(&target)
    }

    /// The `PUSHER_URL` of this server's app: `http://KEY:SECRET@127.0.0.1:PORT/apps/1`.
    pub fn pusher_url(&self) -> String {
        format!(
            "http://{}:{}@{}/apps/{APP_ID}",
            self.shared.key, self.shared.secret, self.addr
        )
    }

    /// The requests refused so far for their signature, taken: a test that sends one on purpose
    /// takes it, and asserts on it, so that dropping the server does not fail the test.
    pub fn take_refusals(&self) -> Vec<Refused> {
        std::mem::take(&mut *lock(&self.shared.refused))
    }

    /// Changes what the server does with the next requests.
    pub fn set_behavior(&self, behavior: Behavior) {
        *lock(&self.shared.behavior) = behavior;
    }

    /// How many connections the server has accepted.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// The last request received.
    pub fn last_request(&self) -> Option<RecordedRequest> {
        lock(&self.shared.requests).last().cloned()
    }

    /// How many body bytes the endless behaviours have written so far, all connections together.
    pub fn bytes_streamed(&self) -> u64 {
        self.shared.streamed.load(Ordering::SeqCst)
    }
}

impl Drop for TestServer {
    /// Stops the server, then fails the test if a request was refused for its signature and the
    /// test did not take the refusal.
    fn drop(&mut self) {
        self.shared.shutdown.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        let refused = self.take_refusals();
        if !refused.is_empty() && !thread::panicking() {
            let list: Vec<String> = refused
                .iter()
                .map(|r| format!("  {} {}: {}", r.method, r.target, r.refusal))
                .collect();
            panic!(
                "the test server refused {} request(s) not signed for its app (key {:?}):\n{}",
                refused.len(),
                self.shared.key,
                list.join("\n")
            );
        }
    }
}

/// An address on which nothing listens: a listener is bound to `127.0.0.1:0` and dropped.
pub fn dead_address() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address")
}

fn is_wait(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}

struct Conn<'a> {
    stream: TcpStream,
    buf: Vec<u8>,
    shared: &'a Shared,
}

impl Conn<'_> {
    /// Waits until request bytes are available. `false` when the client closed the connection or
    /// the server stops.
    fn wait_for_request(&mut self) -> io::Result<bool> {
        if !self.buf.is_empty() {
            return Ok(true);
        }
        let mut probe = [0u8; 1];
        loop {
            if self.shared.stopped() {
                return Ok(false);
            }
            match self.stream.peek(&mut probe) {
                Ok(0) => return Ok(false),
                Ok(_) => return Ok(true),
                Err(e) if is_wait(&e) => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads more bytes into the buffer.
    fn fill(&mut self) -> io::Result<()> {
        let mut chunk = [0u8; 16 * 1024];
        loop {
            if self.shared.stopped() {
                return Err(io::Error::other("server stopped"));
            }
            match self.stream.read(&mut chunk) {
                Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    return Ok(());
                }
                Err(e) if is_wait(&e) => continue,
                Err(e) => return Err(e),
            }
        }
    }

    fn take_until(&mut self, delimiter: &[u8], limit: usize) -> io::Result<Vec<u8>> {
        loop {
            if let Some(at) = self.buf.windows(delimiter.len()).position(|w| w == delimiter) {
                let taken: Vec<u8> = self.buf.drain(..at + delimiter.len()).collect();
                return Ok(taken[..at].to_vec());
            }
            if self.buf.len() > limit {
                return Err(io::Error::other("line or head too long"));
            }
            self.fill()?;
        }
    }

    fn take_exact(&mut self, n: usize) -> io::Result<Vec<u8>> {
        while self.buf.len() < n {
            self.fill()?;
        }
        Ok(self.buf.drain(..n).collect())
    }

    fn read_request(&mut self) -> io::Result<RecordedRequest> {
        let head = self.take_until(b"\r\n\r\n", MAX_HEAD)?;
        let mut request = parse_head(head)?;
        if request
            .header("expect")
            .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
        {
            self.write(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        }
        let chunked = request
            .header_values("transfer-encoding")
            .iter()
            .any(|v| v.to_ascii_lowercase().contains("chunked"));
        if chunked {
            loop {
                let line = self.take_until(b"\r\n", 1024)?;
                let line = String::from_utf8_lossy(&line);
                let size = line.split(';').next().unwrap_or_default().trim();
                let size = usize::from_str_radix(size, 16).map_err(io::Error::other)?;
                if size == 0 {
                    // Trailers, up to the empty line.
                    while !self.take_until(b"\r\n", MAX_HEAD)?.is_empty() {}
                    break;
                }
                let data = self.take_exact(size)?;
                request.body.extend_from_slice(&data);
                self.take_exact(2)?;
            }
        } else if let Some(length) = request.header("content-length") {
            let length: usize = length.parse().map_err(io::Error::other)?;
            request.body = self.take_exact(length)?;
        }
        Ok(request)
    }

    /// The next request as the socket holds it, left unread: its head, and its body when
    /// `content-length` announces one. Waits up to [`RESET_PEEK`] for all of it to arrive; `None`
    /// when it does not, or the client leaves.
    fn peek_request(&mut self) -> io::Result<Option<RecordedRequest>> {
        let deadline = std::time::Instant::now() + RESET_PEEK;
        let mut window = vec![0u8; MAX_HEAD];
        loop {
            if self.shared.stopped() || std::time::Instant::now() > deadline {
                return Ok(None);
            }
            let n = match self.stream.peek(&mut window) {
                Ok(0) => return Ok(None),
                Ok(n) => n,
                Err(e) if is_wait(&e) => continue,
                Err(e) => return Err(e),
            };
            let held: Vec<u8> = self.buf.iter().chain(&window[..n]).copied().collect();
            if let Some(end) = held.windows(4).position(|w| w == b"\r\n\r\n") {
                let mut request = parse_head(held[..end].to_vec())?;
                let length: usize = request
                    .header("content-length")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                if let Some(body) = held.get(end + 4..end + 4 + length) {
                    request.body = body.to_vec();
                    return Ok(Some(request));
                }
            }
            thread::sleep(Duration::from_millis(5));
        }
    }

    /// Writes all of `data`, waiting out a slow reader unless the server stops.
    fn write(&mut self, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            if self.shared.stopped() {
                return Err(io::Error::other("server stopped"));
            }
            match self.stream.write(data) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => data = &data[n..],
                Err(e) if is_wait(&e) => continue,
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Writes `head`, then `piece` (carrying `body_len` body bytes) until `limit` body bytes
    /// were sent or the client leaves.
    fn stream(&mut self, head: &[u8], piece: &[u8], body_len: usize, limit: u64) -> io::Result<()> {
        self.write(head)?;
        let mut sent = 0u64;
        while sent < limit {
            self.write(piece)?;
            sent += body_len as u64;
            self.shared.streamed.fetch_add(body_len as u64, Ordering::SeqCst);
        }
        Ok(())
    }

    /// Writes `head`, then `piece` every [`TRICKLE`], `count` times (forever when `None`).
    fn trickle(&mut self, head: &[u8], piece: &[u8], count: Option<u64>) -> io::Result<()> {
        self.write(head)?;
        let mut sent = 0u64;
        while count.is_none_or(|count| sent < count) {
            thread::sleep(TRICKLE);
            self.write(piece)?;
            sent += 1;
            self.shared.streamed.fetch_add(1, Ordering::SeqCst);
        }
        Ok(())
    }

    fn hang(&mut self) -> io::Result<()> {
        let mut sink = [0u8; 1024];
        loop {
            if self.shared.stopped() {
                return Ok(());
            }
            match self.stream.read(&mut sink) {
                Ok(0) => return Ok(()),
                Ok(_) => continue,
                Err(e) if is_wait(&e) => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

/// A request head (request line and header lines, without the blank line) as a request with no
/// body yet.
fn parse_head(head: Vec<u8>) -> io::Result<RecordedRequest> {
    let head = String::from_utf8(head).map_err(io::Error::other)?;
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.splitn(3, ' ');
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let version = parts.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.to_owned(), v.trim().to_owned()))
        .collect();
    Ok(RecordedRequest {
        method,
        target,
        version,
        headers,
        body: Vec::new(),
    })
}

/// One chunk of a chunked body: `len` bytes of `x`, framed.
fn chunk(len: usize) -> Vec<u8> {
    let mut chunk = format!("{len:x}\r\n").into_bytes();
    chunk.extend(std::iter::repeat_n(b'x', len));
    chunk.extend_from_slice(b"\r\n");
    chunk
}

fn reason(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Unknown")
}

fn response_bytes(response: &CannedResponse, head_only: bool, close: bool) -> Vec<u8> {
    let status = response.status;
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status)).into_bytes();
    let bodyless = (100..200).contains(&status) || status == 204 || status == 304;
    for (name, value) in &response.headers {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    let has_length = response
        .headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-length"));
    if !bodyless && !has_length {
        out.extend_from_slice(format!("content-length: {}\r\n", response.body.len()).as_bytes());
    }
    if close {
        out.extend_from_slice(b"connection: close\r\n");
    }
    out.extend_from_slice(b"\r\n");
    if !bodyless && !head_only {
        out.extend_from_slice(&response.body);
    }
    out
}

fn serve(stream: TcpStream, shared: &Shared) -> io::Result<()> {
    stream.set_read_timeout(Some(POLL))?;
    stream.set_write_timeout(Some(POLL))?;
    stream.set_nodelay(true)?;
    let mut conn = Conn {
        stream,
        buf: Vec::new(),
        shared,
    };
    loop {
        if !conn.wait_for_request()? {
            return Ok(());
        }
        let behavior = lock(&shared.behavior).clone();
        if behavior == Behavior::Reset {
            // The request stays unread in the socket, only peeked at to check it: closing now
            // makes the kernel send RST.
            match conn.peek_request()? {
                Some(request) => {
                    shared.check(&request);
                }
                None => eprintln!(
                    "pusher-test-support: a request for Behavior::Reset did not arrive whole \
                     within {RESET_PEEK:?}: not checked"
                ),
            }
            let _ = conn.write(b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\npart");
            return Ok(());
        }
        let request = conn.read_request()?;
        let head_only = request.method == "HEAD";
        let close = request
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let refusal = shared.check(&request);
        lock(&shared.requests).push(request);
        if let Some(refusal) = refusal {
            let refused = CannedResponse {
                status: 401,
                headers: vec![("content-type".to_owned(), "text/plain".to_owned())],
                body: format!("refused by the test server: {refusal}\n").into_bytes(),
            };
            conn.write(&response_bytes(&refused, head_only, close))?;
            if close {
                return Ok(());
            }
            continue;
        }
        match behavior {
            Behavior::Respond(response) => {
                conn.write(&response_bytes(&response, head_only, close))?;
                if close {
                    return Ok(());
                }
            }
            Behavior::Hang => return conn.hang(),
            Behavior::EndlessChunked => {
                let head = b"HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\n\
                             transfer-encoding: chunked\r\n\r\n";
                return conn.stream(head, &chunk(PIECE), PIECE, ENDLESS_LIMIT);
            }
            Behavior::HugeContentLength => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {}\r\n\r\n",
                    1u64 << 40
                );
                return conn.stream(head.as_bytes(), &[0u8; PIECE], PIECE, ENDLESS_LIMIT);
            }
            Behavior::CloseMidResponse => {
                conn.write(b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\nonly a few bytes")?;
                let _ = conn.stream.shutdown(Shutdown::Both);
                return Ok(());
            }
            Behavior::Malformed => {
                conn.write(b"this is not HTTP at all\r\n\x01\x02\x03\r\n\r\n")?;
                let _ = conn.stream.shutdown(Shutdown::Both);
                return Ok(());
            }
            Behavior::HeadersThenSilence => {
                conn.write(b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n")?;
                return conn.hang();
            }
            Behavior::Trickle { content_length } => {
                return match content_length {
                    Some(length) => {
                        let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {length}\r\n\r\n");
                        conn.trickle(head.as_bytes(), b"x", Some(length))
                    }
                    None => {
                        let head = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n";
                        conn.trickle(head, &chunk(1), None)
                    }
                };
            }
            Behavior::HugeHeaders => {
                let mut head = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n".to_vec();
                let line = format!("x-filler: {}\r\n", "f".repeat(1000));
                while head.len() < HUGE_HEADERS {
                    head.extend_from_slice(line.as_bytes());
                }
                head.extend_from_slice(b"\r\nok");
                conn.write(&head)?;
            }
            Behavior::Large { length, chunked } => {
                return if chunked {
                    let head = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n";
                    conn.stream(head, &chunk(PIECE), PIECE, length)?;
                    conn.write(b"0\r\n\r\n")
                } else {
                    let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {length}\r\n\r\n");
                    conn.stream(head.as_bytes(), &[b'x'; PIECE], PIECE, length)
                };
            }
            Behavior::Reset => unreachable!("handled before reading the request"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(server: &TestServer, raw: &[u8]) -> Vec<u8> {
        let mut stream = TcpStream::connect(server.addr()).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        stream.write_all(raw).unwrap();
        let mut out = Vec::new();
        let _ = stream.read_to_end(&mut out);
        out
    }

    /// A signed `GET path` for the test app, with `extra` header lines.
    fn signed_get(path: &str, extra: &str) -> Vec<u8> {
        format!(
            "GET {} HTTP/1.1\r\n{extra}\r\n",
            signed_target("GET", path, &[], b"")
        )
        .into_bytes()
    }

    #[test]
    fn answers_and_records_a_request() {
        let server = TestServer::start(Behavior::respond(404, &[("x-a", "1"), ("x-a", "2")], "gone"));
        let target = signed_target("POST", "/p", &[("q", "1")], b"abc");
        let out = exchange(
            &server,
            format!(
                "POST {target} HTTP/1.1\r\nHost: x\r\nX-Custom: v\r\ncontent-length: 3\r\n\
                 connection: close\r\n\r\nabc"
            )
            .as_bytes(),
        );
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("HTTP/1.1 404 Not Found\r\n"), "{text}");
        assert!(text.contains("x-a: 1\r\nx-a: 2\r\n"), "{text}");
        assert!(text.contains("content-length: 4\r\n"), "{text}");
        assert!(text.ends_with("\r\n\r\ngone"), "{text}");
        let request = server.last_request().unwrap();
        assert_eq!(request.method, "POST");
        assert_eq!(request.target, target);
        assert!(request.target.starts_with("/p?"), "{target}");
        assert_eq!(request.version, "HTTP/1.1");
        assert_eq!(request.header("x-custom"), Some("v"));
        assert_eq!(request.body, b"abc");
        assert_eq!(server.connections(), 1);
    }

    #[test]
    fn decodes_chunked_requests_and_keeps_connections_alive() {
        let server = TestServer::start(Behavior::ok("ok"));
        let mut stream = TcpStream::connect(server.addr()).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let target = signed_target("PUT", "/", &[], b"abcde");
        for _ in 0..3 {
            stream
                .write_all(
                    format!(
                        "PUT {target} HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n\
                         3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n"
                    )
                    .as_bytes(),
                )
                .unwrap();
            let mut buf = [0u8; 1024];
            let n = stream.read(&mut buf).unwrap();
            assert!(buf[..n].ends_with(b"\r\n\r\nok"));
        }
        assert_eq!(server.connections(), 1);
        let requests = server.requests();
        assert_eq!(requests.len(), 3);
        assert!(requests.iter().all(|r| r.body == b"abcde"));
    }

    #[test]
    fn answers_expect_continue() {
        let server = TestServer::start(Behavior::ok("ok"));
        let target = signed_target("POST", "/", &[], b"hi");
        let out = exchange(
            &server,
            format!(
                "POST {target} HTTP/1.1\r\nexpect: 100-continue\r\ncontent-length: 2\r\n\
                 connection: close\r\n\r\nhi"
            )
            .as_bytes(),
        );
        assert!(out.starts_with(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"));
        assert_eq!(server.last_request().unwrap().body, b"hi");
    }

    #[test]
    fn closes_mid_response_and_speaks_garbage() {
        let server = TestServer::start(Behavior::CloseMidResponse);
        let out = exchange(&server, &signed_get("/", ""));
        assert!(out.ends_with(b"only a few bytes"));
        server.set_behavior(Behavior::Malformed);
        let out = exchange(&server, &signed_get("/", ""));
        assert!(out.starts_with(b"this is not HTTP"));
    }

    #[test]
    fn resets_the_connection() {
        let server = TestServer::start(Behavior::Reset);
        let mut stream = TcpStream::connect(server.addr()).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        stream.write_all(&signed_get("/", "")).unwrap();
        let mut out = Vec::new();
        let error = loop {
            let mut buf = [0u8; 1024];
            match stream.read(&mut buf) {
                Ok(0) => panic!("clean EOF instead of a reset"),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) => break e,
            }
        };
        assert_eq!(error.kind(), io::ErrorKind::ConnectionReset, "{error}");
        assert!(server.requests().is_empty());
        assert_eq!(server.take_refusals(), []);
    }

    #[test]
    fn hangs_until_the_client_leaves() {
        let server = TestServer::start(Behavior::Hang);
        let mut stream = TcpStream::connect(server.addr()).unwrap();
        stream.set_read_timeout(Some(Duration::from_millis(300))).unwrap();
        stream.write_all(&signed_get("/", "")).unwrap();
        let mut buf = [0u8; 16];
        let error = stream.read(&mut buf).unwrap_err();
        assert!(is_wait(&error), "{error}");
        assert_eq!(server.requests().len(), 1);
    }

    #[test]
    fn streams_an_endless_body() {
        for behavior in [Behavior::EndlessChunked, Behavior::HugeContentLength] {
            let server = TestServer::start(behavior);
            let mut stream = TcpStream::connect(server.addr()).unwrap();
            stream.write_all(&signed_get("/", "")).unwrap();
            let mut buf = vec![0u8; 1 << 20];
            stream.read_exact(&mut buf).unwrap();
            assert!(buf.starts_with(b"HTTP/1.1 200 OK\r\n"));
            drop(stream);
            assert!(server.bytes_streamed() > 0);
        }
    }

    #[test]
    fn dead_address_refuses() {
        let error = TcpStream::connect(dead_address()).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::ConnectionRefused);
    }

    /// A request signed with another secret, or changed after signing, is answered 401 instead
    /// of the behaviour, and recorded with the oracle's reason.
    #[test]
    fn refuses_a_request_not_signed_for_its_app() {
        let server = TestServer::start(Behavior::ok("ok"));
        let forged = signed_target_for(KEY, "not-the-secret", "GET", "/apps/1/channels", &[], b"");
        let tampered = signed_target("GET", "/apps/1/channels", &[("info", "user_count")], b"")
            .replace("info=user_count", "info=subscription_count");
        let other_key = signed_target_for("other-key", SECRET, "GET", "/apps/1/channels", &[], b"");
        for target in [&forged, &tampered, &other_key] {
            let out = exchange(
                &server,
                format!("GET {target} HTTP/1.1\r\nconnection: close\r\n\r\n").as_bytes(),
            );
            let text = String::from_utf8(out).unwrap();
            assert!(text.starts_with("HTTP/1.1 401 Unauthorized\r\n"), "{text}");
            assert!(text.contains("refused by the test server: "), "{text}");
        }
        let refusals = server.take_refusals();
        assert_eq!(refusals.len(), 3, "{refusals:?}");
        assert_eq!(refusals[0].target, forged);
        assert!(
            matches!(refusals[0].refusal, Refusal::SignatureMismatch { .. }),
            "{refusals:?}"
        );
        assert!(
            matches!(refusals[1].refusal, Refusal::SignatureMismatch { .. }),
            "{refusals:?}"
        );
        assert_eq!(
            refusals[2].refusal,
            Refusal::UnknownKey {
                given: "other-key".to_owned()
            }
        );
        assert_eq!(server.requests().len(), 3, "refused requests are recorded too");
        assert_eq!(server.take_refusals(), [], "taken once");
    }

    /// A request the server resets without reading is checked from what the socket holds.
    #[test]
    fn checks_a_request_it_resets() {
        let server = TestServer::start(Behavior::Reset);
        let mut stream = TcpStream::connect(server.addr()).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        stream.write_all(b"GET /unsigned HTTP/1.1\r\n\r\n").unwrap();
        let _ = stream.read_to_end(&mut Vec::new());
        let refusals = server.take_refusals();
        assert_eq!(
            refusals,
            [Refused {
                method: "GET".to_owned(),
                target: "/unsigned".to_owned(),
                refusal: Refusal::MissingParam { name: "auth_key" },
            }]
        );
    }

    /// Dropping a server that refused a request the test did not take fails the test.
    #[test]
    #[should_panic(expected = "the test server refused 1 request(s) not signed for its app")]
    fn a_refusal_left_untaken_fails_the_test() {
        let server = TestServer::start(Behavior::ok("ok"));
        let out = exchange(
            &server,
            b"GET /apps/1/channels HTTP/1.1\r\nconnection: close\r\n\r\n",
        );
        assert!(out.starts_with(b"HTTP/1.1 401 "));
    }
}
