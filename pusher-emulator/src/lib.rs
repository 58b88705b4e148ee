//! A local [Pusher Channels](https://pusher.com/channels) compatible server for tests, strict
//! enough to catch real mistakes, and the test tools that play the other sides of it.
//!
//! # The server
//!
//! [`Emulator`] (and the `pusher-emulator` binary) is the server. One TCP port on `127.0.0.1`
//! serves:
//!
//! - the **HTTP API** (`/apps/{id}/events`, `/batch_events`, `/channels`, `/channels/{name}`,
//!   `/channels/{name}/users`, `/users/{id}/terminate_connections`), checking every request's
//!   signature, key, timestamp (±600 s), `body_md5` and limits the way the real service does, and
//!   refusing with the real status codes and a text body that says what was wrong;
//! - **WebSocket protocol 7** at `/app/{key}?protocol=7`, as pusher-js speaks it: public, private,
//!   presence and encrypted channels with their auth checked, presence members, client events,
//!   user sign-in, events sent to users, and terminated connections; a client that stops reading
//!   is closed with 4100 once [`MAX_QUEUED_WS_BYTES`] wait for it;
//! - **webhooks** (optional), sent signed so that `pusher_core::webhook::WebhookVerifier` accepts
//!   them;
//! - the **push notification** call of PROTOCOL §10 (beta),
//!   `POST /server_api/v1/apps/{id}/notifications`, signed like the HTTP API, its interests and
//!   payloads checked as pusher-core checks them (1 to 10 valid interests; at least one of `apns`,
//!   `gcm`, `fcm`, each a JSON object), answered `202` with `{"publishId": "pubid-N"}`, and kept
//!   for [`Emulator::notifications`]. A client sends it to its notify host:
//!   [`Emulator::config`] points that at the emulator too.
//!
//! Every signature the server checks or makes goes through the [`oracle`], written from the
//! protocol apart from pusher-core's signing, so that a bug in the library's signing is not
//! accepted by the server that tests it.
//!
//! The [`Emulator`] handle gives the credentials (as a `PUSHER_URL`, a WebSocket URL or a
//! [`pusher_core::Config`]) and lets a test look inside: the events received over the HTTP API
//! (the latest 10,000 by default, so memory stays bounded however long it runs), the push
//! notifications received (bounded the same way), the channels with their subscribers and
//! presence members, and waits for an event to arrive.
//!
//! The server runs on a thread and runtime of its own (with a worker thread per core, see
//! [`EmulatorBuilder::threads`]), so it serves the same under
//! `#[tokio::test]`, a multi-threaded runtime or plain blocking code
//! ([`Emulator::start_blocking`]). Dropping the handle stops it: the port is closed when `drop`
//! returns.
//!
//! Given a certificate ([`EmulatorBuilder::tls`], `--tls-cert`/`--tls-key`), the port serves
//! HTTPS and WSS instead, and every URL the handle gives says so; [`TestCertificates`] makes a CA
//! and a certificate for `127.0.0.1` at run time, for tests that go through TLS as production
//! traffic to Pusher does.
//!
//! The binary (`cargo run -p pusher-emulator -- --port 6001`) prints `PUSHER_URL=...` and serves
//! until interrupted; pusher-js connects to it with `wsHost: "127.0.0.1"`, `wsPort: PORT`,
//! `forceTLS: false`.
//!
//! # The test tools
//!
//! The [`client`] module holds what a test uses around a server, playing the parts that are not
//! the server. None of it depends on the emulator: it works the same against soketi or any other
//! Pusher-compatible server.
//!
//! - [`Subscriber`] plays the browser: a protocol-7 WebSocket client;
//! - [`WebhookInbox`] plays your app's webhook endpoint: it receives webhooks and keeps them;
//! - [`client::plain_http::send_request`] sends the requests pusher-core builds, over plain HTTP.
//!
//! ```
//! use std::time::{Duration, SystemTime, UNIX_EPOCH};
//!
//! use pusher_core::api::{EventData, Operation, RequestContext, Trigger};
//! use pusher_emulator::client::plain_http;
//! use pusher_emulator::{Emulator, Subscriber};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // The server.
//! let emulator = Emulator::start().await?;
//!
//! // A browser subscribes...
//! let mut browser = Subscriber::connect(&emulator.ws_url()).await?;
//! browser.subscribe("orders").await?;
//!
//! // ...the app triggers an event over real HTTP (here with pusher-core's request builder)...
//! let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
//! let trigger = Trigger::new(["orders".parse()?], "created".parse()?, EventData::json(&[1, 2])?);
//! let request = trigger.build_request(&emulator.config(), &RequestContext::new(now))?;
//! let response = plain_http::send_request(request).await?;
//! assert_eq!(response.status(), 200);
//!
//! // ...the browser gets it, and the test can check what the app sent.
//! let event = browser.expect_event("orders", "created", Duration::from_secs(5)).await?;
//! assert_eq!(event.data.as_deref(), Some("[1,2]"));
//! let received = emulator.wait_for("orders", "created", Duration::from_secs(5)).await?;
//! assert_eq!(received.data, "[1,2]");
//! # Ok(())
//! # }
//! ```

pub mod client;
mod http_api;
mod notifications;
mod options;
pub mod oracle;
mod server;
mod state;
mod tls;
mod webhook_sender;
mod websocket;

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use pusher_core::Config;

pub use http_api::{MAX_BODY_BYTES, TIMESTAMP_WINDOW_SECS};
pub use notifications::ReceivedNotification;
pub use options::Options;
pub use state::{ChannelSnapshot, MAX_QUEUED_WS_BYTES, PresenceMember, ReceivedEvent, ReceivedEvents};
pub use tls::{CertificateError, TEST_CERTIFICATE_NAMES, TestCertificates};
pub use websocket::MAX_WS_MESSAGE_BYTES;

// The test tools most tests use, also at their place in `client`.
pub use client::subscriber::{Subscriber, SubscriberError};
pub use client::webhook_inbox::{ReceivedWebhook, WebhookInbox};

use crate::server::ServerThread;
use crate::state::{Hub, Secret, Settings};
use crate::webhook_sender::WebhookUrl;

/// The default ceiling on an event's `data`, in bytes (PROTOCOL §4).
pub const DEFAULT_MAX_PAYLOAD_BYTES: usize = pusher_core::limits::DEFAULT_MAX_PAYLOAD_BYTES;

/// The default bound on the events kept for inspection (see [`EmulatorBuilder::max_events`]).
pub const DEFAULT_MAX_EVENTS: usize = 10_000;

/// The default `activity_timeout` announced to clients.
pub const DEFAULT_ACTIVITY_TIMEOUT: Duration = Duration::from_secs(120);

/// Characters escaped in the user info of `PUSHER_URL`.
const USERINFO: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Why the emulator did not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum StartError {
    /// A setting given to the builder is not acceptable; the text says which and why.
    InvalidSetting(String),
    /// The port could not be bound.
    Bind {
        /// The port asked for (0 for any free port).
        port: u16,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The server thread or its runtime could not be started.
    Io(std::io::Error),
    /// No randomness for generated credentials.
    Random(String),
    /// The TLS certificate or key cannot be read or used; the text says which and why.
    Tls(String),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::InvalidSetting(why) => write!(f, "invalid emulator setting: {why}"),
            StartError::Bind { port, source } => write!(f, "cannot bind 127.0.0.1:{port}: {source}"),
            StartError::Io(e) => write!(f, "cannot start the emulator's server thread: {e}"),
            StartError::Random(e) => write!(f, "no randomness for generated credentials: {e}"),
            StartError::Tls(why) => write!(f, "cannot serve HTTPS: {why}"),
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StartError::Bind { source, .. } => Some(source),
            StartError::Io(e) => Some(e),
            _ => None,
        }
    }
}

/// No matching event arrived in time. Its text lists the events that did arrive.
#[derive(Debug, Clone)]
pub struct WaitTimeout {
    waited_for: String,
    timeout: Duration,
    received: ReceivedEvents,
}

impl WaitTimeout {
    /// The events received over the HTTP API and kept when the wait gave up, with how many older
    /// ones were dropped.
    pub fn received(&self) -> &ReceivedEvents {
        &self.received
    }
}

impl fmt::Display for WaitTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no event {} arrived within {:?}; {} received",
            self.waited_for,
            self.timeout,
            self.received.len()
        )?;
        let dropped = self.received.dropped();
        if dropped > 0 {
            write!(f, " (and {dropped} older ones dropped from the log)")?;
        }
        for (i, e) in self.received.iter().enumerate().take(20) {
            let sep = if i == 0 { ": " } else { ", " };
            write!(f, "{sep}{:?} on {:?}", e.name, e.channel)?;
        }
        if self.received.len() > 20 {
            f.write_str(", ...")?;
        }
        Ok(())
    }
}

impl std::error::Error for WaitTimeout {}

/// Settings for an emulator: every one optional. `Debug` redacts the secret and the master key.
///
/// ```
/// # fn main() -> Result<(), pusher_emulator::StartError> {
/// let emulator = pusher_emulator::Emulator::builder()
///     .app_id("42")
///     .key("app-key")
///     .secret("app-secret")
///     .max_payload_bytes(20_000)
///     .start_blocking()?;
/// assert!(emulator.pusher_url().starts_with("http://app-key:app-secret@127.0.0.1:"));
/// assert!(emulator.pusher_url().ends_with("/apps/42"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    port: u16,
    app_id: Option<String>,
    key: Option<String>,
    secret: Option<Secret>,
    webhook_url: Option<String>,
    max_payload_bytes: usize,
    activity_timeout: Duration,
    client_events: bool,
    log_requests: bool,
    master_key: Option<Secret>,
    max_events: usize,
    threads: Option<usize>,
    tls: Option<tls::Identity>,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            port: 0,
            app_id: None,
            key: None,
            secret: None,
            webhook_url: None,
            max_payload_bytes: DEFAULT_MAX_PAYLOAD_BYTES,
            activity_timeout: DEFAULT_ACTIVITY_TIMEOUT,
            client_events: true,
            log_requests: false,
            master_key: None,
            max_events: DEFAULT_MAX_EVENTS,
            threads: None,
            tls: None,
        }
    }
}

impl EmulatorBuilder {
    /// Listens on this port of 127.0.0.1 (default 0: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The app id: decimal digits (default: a random six-digit number).
    pub fn app_id(mut self, app_id: impl Into<String>) -> Self {
        self.app_id = Some(app_id.into());
        self
    }

    /// The app key: letters, digits, `-`, `_` and `.` (default: 20 random hex digits).
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// The app secret (default: 20 random hex digits).
    pub fn secret(mut self, secret: impl Into<String>) -> Self {
        self.secret = Some(Secret::new(secret.into()));
        self
    }

    /// POSTs webhooks to this `http://` URL (default: none).
    pub fn webhook_url(mut self, url: impl Into<String>) -> Self {
        self.webhook_url = Some(url.into());
        self
    }

    /// The largest event `data` accepted, in bytes (default 10,240, as on multi-tenant clusters).
    pub fn max_payload_bytes(mut self, bytes: usize) -> Self {
        self.max_payload_bytes = bytes;
        self
    }

    /// The `activity_timeout` announced to clients (default 120 s). A connection silent this long
    /// gets a `pusher:ping`, and is closed with 4201 if it stays silent 30 s more.
    pub fn activity_timeout(mut self, timeout: Duration) -> Self {
        self.activity_timeout = timeout;
        self
    }

    /// Whether client events are enabled for the app (default true).
    pub fn client_events(mut self, enabled: bool) -> Self {
        self.client_events = enabled;
        self
    }

    /// The base64 encryption master key (32 bytes) that [`Emulator::config`] carries, so
    /// `private-encrypted-` channels can be authorized and triggered with that configuration.
    /// The server itself needs no key: like Pusher, it never sees plaintext.
    pub fn encryption_master_key_base64(mut self, key: impl Into<String>) -> Self {
        self.master_key = Some(Secret::new(key.into()));
        self
    }

    /// Keeps at most this many events received over the HTTP API for inspection (default
    /// [`DEFAULT_MAX_EVENTS`], 10,000), dropping the oldest first, so that memory stays bounded
    /// however long the emulator runs. [`Emulator::events`] says how many were dropped. The push
    /// notifications kept ([`Emulator::notifications`]) are bounded by the same number.
    ///
    /// An event kept (one per channel of a trigger) costs about 120 bytes plus its channel, name
    /// and data: about 250 bytes for a small event, so about 2.5 MB at the default bound, and at
    /// most about 110 MB when every event carries the default ceiling of 10 KB of data.
    pub fn max_events(mut self, count: usize) -> Self {
        self.max_events = count;
        self
    }

    /// The server's worker threads (default: one per core, as
    /// [`std::thread::available_parallelism`] counts them). With 1, the whole server runs on one
    /// thread, so on one core.
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = Some(threads);
        self
    }

    /// Serves HTTPS and WSS instead of HTTP and WS (default: plain), with this certificate chain
    /// and private key, both PEM (the chain starts with the server's own certificate). The
    /// certificate must be valid for `127.0.0.1`, where the server listens and what its URLs name;
    /// [`TestCertificates`] makes one. Clients must trust its issuer.
    pub fn tls(mut self, cert_chain_pem: impl Into<Vec<u8>>, private_key_pem: impl Into<Vec<u8>>) -> Self {
        self.tls = Some(tls::Identity::Pem {
            cert: cert_chain_pem.into(),
            key: private_key_pem.into(),
        });
        self
    }

    /// [`tls`](Self::tls) with the PEM certificate chain and private key read from files when the
    /// server starts.
    pub fn tls_files(mut self, cert_chain: impl Into<PathBuf>, private_key: impl Into<PathBuf>) -> Self {
        self.tls = Some(tls::Identity::Files {
            cert: cert_chain.into(),
            key: private_key.into(),
        });
        self
    }

    /// Prints one line per HTTP API request to stderr (default false).
    pub fn log_requests(mut self, enabled: bool) -> Self {
        self.log_requests = enabled;
        self
    }

    /// Starts the emulator.
    ///
    /// The server runs on a thread of its own: this returns as soon as the port is bound.
    pub async fn start(self) -> Result<Emulator, StartError> {
        self.start_blocking()
    }

    /// Starts the emulator from blocking code (also fine inside an async runtime: it only binds a
    /// port and spawns a thread).
    pub fn start_blocking(self) -> Result<Emulator, StartError> {
        let port = self.port;
        let threads = self
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
        let Checked {
            settings,
            master_key,
            webhook_url,
            tls,
        } = self.check()?;
        let listener = std::net::TcpListener::bind(("127.0.0.1", port))
            .map_err(|source| StartError::Bind { port, source })?;
        let addr = listener.local_addr().map_err(StartError::Io)?;
        let (queue, delivery) = match webhook_url {
            Some(url) => {
                let (queue, delivery) = webhook_sender::channel(url, &settings.key, &settings.secret);
                (Some(queue), Some(delivery))
            }
            None => (None, None),
        };
        let socket_prefix = 100_000 + random_u64()? % 900_000;
        let hub = Arc::new(Hub::new(settings, queue, socket_prefix));
        let secure = tls.is_some();
        let server =
            ServerThread::spawn(listener, hub.clone(), delivery, tls, threads).map_err(StartError::Io)?;
        Ok(Emulator {
            hub,
            addr,
            server,
            master_key,
            secure,
        })
    }

    /// Checks the settings and generates the credentials not given, without touching the network.
    fn check(self) -> Result<Checked, StartError> {
        let app_id = match self.app_id {
            Some(id) => id,
            None => (100_000 + random_u64()? % 900_000).to_string(),
        };
        let key = match self.key {
            Some(key) => key,
            None => random_hex()?,
        };
        let secret = match self.secret {
            Some(secret) => secret,
            None => Secret::new(random_hex()?),
        };
        let invalid = |why: String| Err(StartError::InvalidSetting(why));
        if app_id.is_empty() || !app_id.bytes().all(|b| b.is_ascii_digit()) {
            return invalid(format!("app id {app_id:?} must be decimal digits"));
        }
        if key.is_empty()
            || !key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        {
            return invalid(format!("key {key:?} must be letters, digits, '-', '_' or '.'"));
        }
        if secret.expose().is_empty() {
            return invalid("the secret must not be empty".to_owned());
        }
        if self.max_payload_bytes == 0 {
            return invalid("max_payload_bytes must be at least 1".to_owned());
        }
        if self.max_events == 0 {
            return invalid("max_events must be at least 1".to_owned());
        }
        if self.threads == Some(0) {
            return invalid("threads must be at least 1".to_owned());
        }
        if self.activity_timeout < Duration::from_secs(1) {
            return invalid("activity_timeout must be at least one second".to_owned());
        }
        let master_key = self
            .master_key
            .as_ref()
            .map(|key| pusher_core::MasterKey::from_base64(key.expose()))
            .transpose()
            .map_err(|e| StartError::InvalidSetting(e.to_string()))?;
        let webhook_url = self
            .webhook_url
            .as_deref()
            .map(WebhookUrl::parse)
            .transpose()
            .map_err(StartError::InvalidSetting)?;
        let tls = self
            .tls
            .as_ref()
            .map(tls::acceptor)
            .transpose()
            .map_err(StartError::Tls)?;
        let settings = Settings {
            app_id,
            key,
            secret,
            max_payload_bytes: self.max_payload_bytes,
            activity_timeout: self.activity_timeout,
            client_events: self.client_events,
            log_requests: self.log_requests,
            max_events: self.max_events,
        };
        Ok(Checked {
            settings,
            master_key,
            webhook_url,
            tls,
        })
    }
}

/// What a server is made from: the builder's settings checked and completed, with the master key
/// and the webhook URL parsed and the TLS identity loaded.
struct Checked {
    settings: Settings,
    master_key: Option<pusher_core::MasterKey>,
    webhook_url: Option<WebhookUrl>,
    tls: Option<tokio_rustls::TlsAcceptor>,
}

fn random_u64() -> Result<u64, StartError> {
    getrandom::u64().map_err(|e| StartError::Random(e.to_string()))
}

/// 20 random hex digits.
fn random_hex() -> Result<String, StartError> {
    let mut bytes = [0u8; 10];
    getrandom::fill(&mut bytes).map_err(|e| StartError::Random(e.to_string()))?;
    Ok(hex::encode(bytes))
}

/// A running emulator. Dropping it stops the server and closes its port.
#[derive(Debug)]
pub struct Emulator {
    hub: Arc<Hub>,
    addr: SocketAddr,
    server: ServerThread,
    master_key: Option<pusher_core::MasterKey>,
    /// Whether it serves HTTPS and WSS.
    secure: bool,
}

impl Emulator {
    /// Starts an emulator on a free port of 127.0.0.1 with generated credentials.
    pub async fn start() -> Result<Emulator, StartError> {
        Self::builder().start().await
    }

    /// [`start`](Self::start) for blocking code.
    pub fn start_blocking() -> Result<Emulator, StartError> {
        Self::builder().start_blocking()
    }

    /// A builder to fix the port, credentials, webhook URL or limits.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    fn settings(&self) -> &Settings {
        self.hub.settings()
    }

    /// `http://KEY:SECRET@127.0.0.1:PORT/apps/ID` (`https://` when it serves TLS): what
    /// `PUSHER_URL` holds.
    pub fn pusher_url(&self) -> String {
        let s = self.settings();
        format!(
            "{}://{}:{}@{}/apps/{}",
            self.http_scheme(),
            utf8_percent_encode(&s.key, USERINFO),
            utf8_percent_encode(s.secret.expose(), USERINFO),
            self.addr,
            s.app_id
        )
    }

    /// `ws://127.0.0.1:PORT/app/KEY?protocol=7` (`wss://` when it serves TLS): where WebSocket
    /// clients connect.
    pub fn ws_url(&self) -> String {
        let scheme = if self.secure { "wss" } else { "ws" };
        format!("{scheme}://{}/app/{}?protocol=7", self.addr, self.settings().key)
    }

    /// `http://127.0.0.1:PORT` (`https://` when it serves TLS): the base of the HTTP API.
    pub fn http_url(&self) -> String {
        format!("{}://{}", self.http_scheme(), self.addr)
    }

    fn http_scheme(&self) -> &'static str {
        if self.secure { "https" } else { "http" }
    }

    /// Whether it serves HTTPS and WSS (see [`EmulatorBuilder::tls`]).
    pub fn is_tls(&self) -> bool {
        self.secure
    }

    /// A configuration for this emulator: HTTP (HTTPS when it serves TLS) to its port for the HTTP
    /// API and for push notifications (the notify host), its credentials and payload ceiling, and
    /// the encryption master key if one was given.
    ///
    /// A client made from [`pusher_url`](Self::pusher_url) instead sends push notifications to
    /// the real service; point it here with the builder's `notify_host("127.0.0.1")`,
    /// `notify_scheme(..)` and `notify_port(emulator.port())`.
    pub fn config(&self) -> Config {
        let s = self.settings();
        let scheme = if self.secure {
            pusher_core::Scheme::Https
        } else {
            pusher_core::Scheme::Http
        };
        let mut builder = Config::builder(s.app_id.as_str(), s.key.as_str(), s.secret.expose())
            .host(self.addr.ip().to_string())
            .scheme(scheme)
            .port(self.addr.port())
            .notify_host(self.addr.ip().to_string())
            .notify_scheme(scheme)
            .notify_port(self.addr.port())
            .max_payload_bytes(s.max_payload_bytes);
        if let Some(key) = &self.master_key {
            builder = builder.encryption_master_key(key.clone());
        }
        let config = builder.build();
        // Invariant: the builder checked every value `Config` checks (digits-only app id,
        // non-empty key and secret, non-zero ceiling) and the host is an IP address.
        #[allow(clippy::expect_used)]
        config.expect("the emulator's settings make a valid Config")
    }

    /// The app id.
    pub fn app_id(&self) -> &str {
        &self.settings().app_id
    }

    /// The app key.
    pub fn key(&self) -> &str {
        &self.settings().key
    }

    /// The app secret.
    pub fn secret(&self) -> &str {
        self.settings().secret.expose()
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The address the server listens on (127.0.0.1 and the port).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The events received over the HTTP API so far, one per channel, in order: the latest
    /// [`max_events`](EmulatorBuilder::max_events), with how many older ones were dropped.
    pub fn events(&self) -> ReceivedEvents {
        self.hub.events()
    }

    /// Forgets the events received so far, and the count of those dropped.
    pub fn clear_events(&self) {
        self.hub.clear_events();
    }

    /// The push notifications received on `/server_api/v1/apps/{id}/notifications` and accepted,
    /// in order: the latest [`max_events`](EmulatorBuilder::max_events).
    ///
    /// ```
    /// use pusher_core::api::{Notification, Operation, RequestContext};
    /// use pusher_emulator::Emulator;
    /// use pusher_emulator::client::plain_http;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let emulator = Emulator::start().await?;
    /// let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();
    /// let notification = Notification::new(["donuts"])?
    ///     .fcm(serde_json::json!({"notification": {"title": "Donuts"}}));
    /// // `config()` sends notifications to the emulator.
    /// let request = notification.build_request(&emulator.config(), &RequestContext::new(now))?;
    /// let response = plain_http::send_request(request).await?;
    /// assert_eq!(response.status(), 202);
    /// assert_eq!(response.body(), br#"{"publishId":"pubid-1"}"#);
    ///
    /// let received = emulator.notifications();
    /// assert_eq!(received[0].interests, ["donuts"]);
    /// assert_eq!(received[0].payload["fcm"]["notification"]["title"], "Donuts");
    /// # Ok(())
    /// # }
    /// ```
    pub fn notifications(&self) -> Vec<ReceivedNotification> {
        self.hub.notifications().snapshot()
    }

    /// Forgets the push notifications received so far (the publish ids keep counting).
    pub fn clear_notifications(&self) {
        self.hub.notifications().clear();
    }

    /// Every occupied channel with its subscription count and presence members, sorted by name.
    pub fn channels(&self) -> Vec<ChannelSnapshot> {
        self.hub.channels()
    }

    /// One channel's state, or `None` when no connection is subscribed to it.
    pub fn channel(&self, name: &str) -> Option<ChannelSnapshot> {
        self.hub.channel(name)
    }

    /// Open WebSocket connections.
    pub fn connection_count(&self) -> usize {
        self.hub.connection_count()
    }

    /// Waits for the first event received over the HTTP API (before or during the wait) that
    /// matches `predicate`.
    ///
    /// The wait looks at the events kept (see [`max_events`](EmulatorBuilder::max_events)) and then
    /// at each new one; it misses an event only when more than `max_events` arrive in the moment
    /// between two of its looks, so that the event is dropped before it is seen.
    pub async fn wait_for_event(
        &self,
        predicate: impl FnMut(&ReceivedEvent) -> bool,
        timeout: Duration,
    ) -> Result<ReceivedEvent, WaitTimeout> {
        match self.hub.wait_for_event(predicate, timeout).await {
            Some(event) => Ok(event),
            None => Err(self.timed_out("matching the predicate".to_owned(), timeout)),
        }
    }

    /// Waits for an event named `name` on `channel` (received before or during the wait), as
    /// [`wait_for_event`](Self::wait_for_event) does.
    pub async fn wait_for(
        &self,
        channel: &str,
        name: &str,
        timeout: Duration,
    ) -> Result<ReceivedEvent, WaitTimeout> {
        let matches = |e: &ReceivedEvent| e.channel == channel && e.name == name;
        match self.hub.wait_for_event(matches, timeout).await {
            Some(event) => Ok(event),
            None => Err(self.timed_out(format!("{name:?} on {channel:?}"), timeout)),
        }
    }

    /// [`wait_for_event`](Self::wait_for_event) for blocking code.
    pub fn wait_for_event_blocking(
        &self,
        predicate: impl FnMut(&ReceivedEvent) -> bool,
        timeout: Duration,
    ) -> Result<ReceivedEvent, WaitTimeout> {
        match self.hub.wait_for_event_blocking(predicate, timeout) {
            Some(event) => Ok(event),
            None => Err(self.timed_out("matching the predicate".to_owned(), timeout)),
        }
    }

    /// [`wait_for`](Self::wait_for) for blocking code.
    pub fn wait_for_blocking(
        &self,
        channel: &str,
        name: &str,
        timeout: Duration,
    ) -> Result<ReceivedEvent, WaitTimeout> {
        let matches = |e: &ReceivedEvent| e.channel == channel && e.name == name;
        match self.hub.wait_for_event_blocking(matches, timeout) {
            Some(event) => Ok(event),
            None => Err(self.timed_out(format!("{name:?} on {channel:?}"), timeout)),
        }
    }

    fn timed_out(&self, waited_for: String, timeout: Duration) -> WaitTimeout {
        WaitTimeout {
            waited_for,
            timeout,
            received: self.events(),
        }
    }

    /// Stops the server: every WebSocket connection gets `pusher:error` 4200 and a close, and the
    /// port is closed when this returns. Dropping the handle does the same.
    pub fn stop(mut self) {
        self.server.stop();
    }
}

/// Entry points for fuzzing the server's input handling without sockets (used by the targets in
/// the repository's `fuzz/` directory). Not part of the stable API.
#[doc(hidden)]
pub mod fuzzing {
    use crate::state::Hub;
    use crate::{Checked, Emulator, http_api};

    /// The app id the fuzzing emulator state serves.
    pub const APP_ID: &str = "1";

    /// Its app key.
    pub const KEY: &str = "fuzzing-key";

    /// Its app secret.
    pub const SECRET: &str = "fuzzing-secret";

    /// Runs one HTTP API request through the same checks and handlers the server uses (after the
    /// body is read), against a fresh emulator state with fixed credentials; returns the response
    /// status.
    ///
    /// The state has [`APP_ID`], [`KEY`] and [`SECRET`] and every other setting at its default;
    /// `auth_timestamp` is checked against the system clock, as by the server. A method or target
    /// that an HTTP parser would refuse is a 400, as the server's parser answers it. Never panics,
    /// whatever the input.
    pub fn http_api(method: &str, path_and_query: &str, body: &[u8]) -> u16 {
        let checked = Emulator::builder().app_id(APP_ID).key(KEY).secret(SECRET).check();
        // Invariant: the fixed credentials pass every check, and being given they need no
        // randomness (the fuzzing test of tests/http_api.rs runs this line).
        #[allow(clippy::expect_used)]
        let Checked { settings, .. } = checked.expect("the fixed fuzzing settings are valid");
        let hub = Hub::new(settings, None, 1);
        http_api::handle_read(&hub, method, path_and_query, body)
            .status()
            .as_u16()
    }
}
