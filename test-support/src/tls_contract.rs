//! The TLS contract: what every adapter must do over HTTPS, against the emulator serving TLS with a
//! certificate authority made at run time (nothing on disk, nothing committed), written once and
//! instantiated per adapter, mode and TLS backend with [`tls_contract!`](macro@crate::tls_contract).
//!
//! - [`untrusted_certificate_is_a_connect_error`]: a client that does not trust the CA (the
//!   adapter's default client) fails with a [`Connect`](TransportErrorKind::Connect) error whose
//!   message names the host and says the server's certificate was not trusted;
//! - [`a_client_trusting_the_ca_triggers_and_queries`]: a client given the CA as a root, through
//!   the adapter's documented way to wrap a client of the user's own, triggers (a `wss://`
//!   subscriber receives the exact data) and queries the channel, through `pusher_core::Pusher`;
//! - [`https_to_a_plain_http_port_is_a_connect_error`]: an `https://` URL for a server that speaks
//!   plain HTTP fails with a `Connect` error that says the handshake failed and why;
//! - [`platform_roots_are_trusted`] (the macro's `platform roots` arm): the adapter's default
//!   client trusts the platform's roots, shown in a child process of the test binary whose
//!   `SSL_CERT_FILE` names the CA.
//!
//! Each check drives the core's generic client in one [`TlsMode`]: blocking
//! (`Pusher<Blocking<C>>`) or async (`Pusher<C>` on a Tokio runtime of its own).

use std::time::Duration;

use pusher_core::api::{ChannelAttribute, ChannelState, EventData, TriggerResponse};
use pusher_core::{
    AsyncHttpClient, Blocking, Config, Error, HttpClient, Pusher, TransportError, TransportErrorKind,
    TriggerOptions,
};
use pusher_emulator::{Emulator, Subscriber, TestCertificates};

#[doc(hidden)]
pub use pusher_core::TlsFailure;

/// How long the subscriber waits for the event.
const WAIT: Duration = Duration::from_secs(10);

/// The channel the checks trigger on and query.
pub const CHANNEL: &str = "tls-news";

/// The event data the checks trigger, sent as is (already JSON).
pub const DATA: &str = r#"{"over":"tls","n":1}"#;

/// The core's generic client over an adapter's client, in one mode: the two calls the checks make.
pub trait TlsMode: Sized {
    /// The adapter's client type.
    type Client;

    /// `Pusher` over `client`, for `config`.
    fn new(config: Config, client: Self::Client) -> Self;

    /// Triggers `event` with [`DATA`] on `channel`, asking for its subscription count.
    fn trigger(&self, channel: &str, event: &str) -> Result<TriggerResponse, Error>;

    /// The state of `channel`, with its subscription count.
    fn channel(&self, channel: &str) -> Result<ChannelState, Error>;
}

fn trigger_options() -> TriggerOptions {
    TriggerOptions::new().info([ChannelAttribute::SubscriptionCount])
}

/// A blocking client, as `Pusher<Blocking<C>>` uses it.
#[derive(Debug)]
pub struct BlockingTls<C>(Pusher<Blocking<C>>);

impl<C: HttpClient> TlsMode for BlockingTls<C> {
    type Client = C;

    fn new(config: Config, client: C) -> Self {
        Self(Pusher::new(config, Blocking(client)))
    }

    fn trigger(&self, channel: &str, event: &str) -> Result<TriggerResponse, Error> {
        self.0
            .trigger_with([channel], event, &EventData::encoded(DATA), trigger_options())
    }

    fn channel(&self, channel: &str) -> Result<ChannelState, Error> {
        self.0.channel(channel, &[ChannelAttribute::SubscriptionCount])
    }
}

/// An asynchronous client, as `Pusher<C>` uses it, each call driven to completion on a Tokio
/// runtime of its own.
#[derive(Debug)]
pub struct AsyncTls<C> {
    pusher: Pusher<C>,
    runtime: tokio::runtime::Runtime,
}

impl<C: AsyncHttpClient> TlsMode for AsyncTls<C> {
    type Client = C;

    fn new(config: Config, client: C) -> Self {
        Self {
            pusher: Pusher::new(config, client),
            runtime: runtime(),
        }
    }

    fn trigger(&self, channel: &str, event: &str) -> Result<TriggerResponse, Error> {
        let data = EventData::encoded(DATA);
        self.runtime.block_on(
            self.pusher
                .trigger_with([channel], event, &data, trigger_options()),
        )
    }

    fn channel(&self, channel: &str) -> Result<ChannelState, Error> {
        self.runtime.block_on(
            self.pusher
                .channel(channel, &[ChannelAttribute::SubscriptionCount]),
        )
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime")
}

/// A new CA and a server certificate it signed, for `localhost` and `127.0.0.1`.
pub fn certificates() -> TestCertificates {
    TestCertificates::generate().expect("test certificates")
}

/// The emulator serving HTTPS and WSS with `certificates`.
pub fn tls_emulator(certificates: &TestCertificates) -> Emulator {
    Emulator::builder()
        .tls(certificates.server_cert_pem(), certificates.server_key_pem())
        .start_blocking()
        .expect("the emulator serves TLS")
}

/// The transport error inside `error`, or a panic saying what came instead.
fn transport_error(error: Error, what: &str) -> TransportError {
    match error {
        Error::Transport(error) => error,
        other => panic!("{what}: expected a transport error, got {other:?}"),
    }
}

/// The message after `prefix`, or a panic showing the message.
fn after<'m>(message: &'m str, prefix: &str, what: &str) -> &'m str {
    match message.strip_prefix(prefix) {
        Some(rest) => rest,
        None => panic!("{what}: {message:?} does not start with {prefix:?}"),
    }
}

/// A client that does not trust the emulator's CA (`untrusting`, the adapter's default client of
/// the backend under test) fails to trigger with a `Connect` error whose message says, first, that
/// the server's certificate was not trusted, and for which host; nothing reaches the server.
pub fn untrusted_certificate_is_a_connect_error<M: TlsMode>(untrusting: M::Client) {
    let certificates = certificates();
    let emulator = tls_emulator(&certificates);
    let pusher = M::new(emulator.config(), untrusting);
    let what = "a certificate signed by an unknown CA";
    let error = match pusher.trigger(CHANNEL, "secure") {
        Ok(response) => panic!("{what}: the trigger succeeded: {response:?}"),
        Err(error) => transport_error(error, what),
    };
    assert_eq!(error.kind(), TransportErrorKind::Connect, "{what}: {error:?}");
    assert_eq!(
        error.tls_failure(),
        Some(TlsFailure::UntrustedCertificate),
        "{what}: {error:?}"
    );
    assert!(error.is_certificate_error(), "{what}: {error:?}");
    let message = error.to_string();
    let prefix = format!(
        "connecting to 127.0.0.1:{} failed: the server's certificate was not trusted: ",
        emulator.port()
    );
    let cause = after(&message, &prefix, what);
    assert!(!cause.is_empty(), "{what}: no cause in {message:?}");
    assert!(!message.contains('\n'), "{what}: one line, not {message:?}");
    assert!(
        std::error::Error::source(&error).is_some(),
        "{what}: the stack's error is kept: {error:?}"
    );
    let channel = pusher.channel(CHANNEL).expect_err("the query is refused too");
    assert!(
        transport_error(channel, what).is_certificate_error(),
        "{what}: the channel query"
    );
    assert!(
        emulator.events().is_empty(),
        "{what}: an event reached the server"
    );
    println!("{message}");
}

/// A channel's state as `(occupied, user_count, subscription_count)`.
fn fields(state: ChannelState) -> (bool, Option<u64>, Option<u64>) {
    (state.occupied, state.user_count, state.subscription_count)
}

/// A client given the emulator's CA as a root (`trusting`, made by the adapter's documented way
/// to wrap a client of the user's own) triggers over HTTPS, and a subscriber over WSS receives the
/// exact data; the trigger's answer and a channel query report the one subscription.
pub fn a_client_trusting_the_ca_triggers_and_queries<M: TlsMode>(trusting: impl FnOnce(&str) -> M::Client) {
    let certificates = certificates();
    let emulator = tls_emulator(&certificates);
    assert!(emulator.pusher_url().starts_with("https://"));
    let ca = certificates.ca_pem();
    let runtime = runtime();
    let mut browser = runtime
        .block_on(Subscriber::connect_with_roots(&emulator.ws_url(), ca.as_bytes()))
        .expect("the subscriber connects over wss");
    runtime
        .block_on(browser.subscribe(CHANNEL))
        .expect("the subscriber subscribes");

    let pusher = M::new(emulator.config(), trusting(ca));
    let state = pusher.channel(CHANNEL).expect("the channel query over https");
    assert_eq!(fields(state), (true, None, Some(1)), "{state:?}");
    let idle = pusher
        .channel("tls-idle")
        .expect("a second query on the same client");
    assert_eq!(fields(idle), (false, None, Some(0)), "{idle:?}");

    let answer = pusher.trigger(CHANNEL, "secure").expect("the trigger over https");
    assert_eq!(answer.channels.len(), 1, "{answer:?}");
    assert_eq!(answer.channels[CHANNEL].subscription_count, Some(1), "{answer:?}");
    let event = runtime
        .block_on(browser.expect_event(CHANNEL, "secure", WAIT))
        .expect("the subscriber receives the event over wss");
    assert_eq!(event.data.as_deref(), Some(DATA));
    let received = emulator.events();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].channel, CHANNEL);
    assert_eq!(received[0].name, "secure");
    assert_eq!(received[0].data, DATA);
}

/// An `https://` URL for a server speaking plain HTTP (the emulator without TLS) fails with a
/// `Connect` error whose message says the TLS handshake failed and that a plain HTTP server needs
/// an `http://` URL; `failure` is what the stack can tell ([`TlsFailure::NotTls`] where it sees an
/// answer that is not TLS, [`TlsFailure::Handshake`] where it only knows the handshake failed).
/// Nothing reaches the server as an event.
pub fn https_to_a_plain_http_port_is_a_connect_error<M: TlsMode>(
    trusting: impl FnOnce(&str) -> M::Client,
    failure: TlsFailure,
) {
    let certificates = certificates();
    let emulator = Emulator::start_blocking().expect("the emulator starts");
    let plain = emulator.pusher_url();
    let https = format!("https://{}", after(&plain, "http://", "the emulator's URL"));
    let config = Config::from_url(&https).expect("an https config");
    let pusher = M::new(config, trusting(certificates.ca_pem()));
    let what = "https to a plain HTTP port";
    let error = match pusher.trigger(CHANNEL, "secure") {
        Ok(response) => panic!("{what}: the trigger succeeded: {response:?}"),
        Err(error) => transport_error(error, what),
    };
    assert_eq!(error.kind(), TransportErrorKind::Connect, "{what}: {error:?}");
    assert_eq!(error.tls_failure(), Some(failure), "{what}: {error:?}");
    assert!(!error.is_certificate_error(), "{what}: {error:?}");
    let message = error.to_string();
    let says = match failure {
        TlsFailure::NotTls => {
            "the TLS handshake failed: the server did not answer in TLS (if it speaks plain HTTP, \
             the URL must be http://): "
        }
        _ => {
            "the TLS handshake failed (if the server speaks plain HTTP on that port, the URL must \
             be http://): "
        }
    };
    let prefix = format!("connecting to 127.0.0.1:{} failed: {says}", emulator.port());
    let cause = after(&message, &prefix, what);
    assert!(!cause.is_empty(), "{what}: no cause in {message:?}");
    assert!(!message.contains('\n'), "{what}: one line, not {message:?}");
    assert!(
        emulator.events().is_empty(),
        "{what}: an event reached the server"
    );
    println!("{message}");
}

/// The environment variable that hands the child test the emulator's URL.
pub const CHILD_URL_ENV: &str = "PUSHER_TLS_CHILD_URL";

/// The environment variable that tells the child test what to expect: `trusted` or `untrusted`.
pub const CHILD_EXPECT_ENV: &str = "PUSHER_TLS_CHILD_EXPECT";

/// The adapter's default client trusts the platform's roots: run as a child process of this test's
/// own binary (a test cannot change its own environment safely) with `SSL_CERT_FILE` naming a file
/// that holds the emulator's CA, `child_test` (the ignored test that calls
/// [`platform_roots_child`]) triggers over HTTPS with the default client; with `SSL_CERT_FILE`
/// naming another CA, the same child gets a certificate error. `SSL_CERT_FILE` is where OpenSSL,
/// curl and rustls-native-certs (under rustls-platform-verifier on Linux) read the platform's
/// roots from when it is set.
pub fn platform_roots_are_trusted(child_test: &str) {
    let (ours, stranger) = (certificates(), certificates());
    let emulator = tls_emulator(&ours);
    let dir = std::env::temp_dir().join(format!(
        "pusher-tls-roots-{}-{}",
        std::process::id(),
        child_test.replace("::", "-")
    ));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let (our_ca, their_ca) = (dir.join("ca.pem"), dir.join("stranger.pem"));
    std::fs::write(&our_ca, ours.ca_pem()).expect("the CA file");
    std::fs::write(&their_ca, stranger.ca_pem()).expect("the stranger's CA file");

    run_child(child_test, &emulator, &our_ca, "trusted");
    assert_eq!(emulator.events().len(), 1, "the trusted child's event arrived");
    run_child(child_test, &emulator, &their_ca, "untrusted");
    assert_eq!(
        emulator.events().len(),
        1,
        "the untrusting child's event did not arrive"
    );
    std::fs::remove_dir_all(&dir).expect("the temporary directory is removed");
}

/// Runs `child_test` of this test binary with `SSL_CERT_FILE=roots`, expecting `expect`.
fn run_child(child_test: &str, emulator: &Emulator, roots: &std::path::Path, expect: &str) {
    let binary = std::env::current_exe().expect("the test binary's path");
    let output = std::process::Command::new(binary)
        .args([
            child_test,
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env("SSL_CERT_FILE", roots)
        .env_remove("SSL_CERT_DIR")
        .env(CHILD_URL_ENV, emulator.pusher_url())
        .env(CHILD_EXPECT_ENV, expect)
        .output()
        .expect("the child test runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains(&format!("test {child_test} ... ok")),
        "the child test {child_test} ({expect}) failed or did not run:\n{stdout}\n{stderr}"
    );
}

/// The child of [`platform_roots_are_trusted`]: the adapter's default client (`default`) triggers
/// on the emulator at [`CHILD_URL_ENV`], and succeeds or fails with a certificate error as
/// [`CHILD_EXPECT_ENV`] says. Run by itself (not as the child), it fails.
pub fn platform_roots_child<M: TlsMode>(default: impl FnOnce() -> M::Client) {
    let url = std::env::var(CHILD_URL_ENV)
        .unwrap_or_else(|_| panic!("{CHILD_URL_ENV} is not set: this test runs as a child process"));
    let expect = std::env::var(CHILD_EXPECT_ENV).expect("what to expect");
    let config = Config::from_url(&url).expect("the emulator's URL");
    let pusher = M::new(config, default());
    let outcome = pusher.trigger(CHANNEL, "platform-roots");
    match (expect.as_str(), outcome) {
        ("trusted", Ok(answer)) => {
            assert_eq!(answer.channels[CHANNEL].subscription_count, Some(0), "{answer:?}");
        }
        ("untrusted", Err(error)) => {
            let error = transport_error(error, "a CA the platform roots do not hold");
            assert!(error.is_certificate_error(), "{error:?}");
        }
        (expect, outcome) => panic!("expected {expect}, got {outcome:?}"),
    }
}

/// Instantiates the TLS contract as `#[test]` functions, for an adapter's client in one mode and
/// with one TLS backend:
///
/// ```ignore
/// pusher_test_support::tls_contract!(async ReqwestClient, default: ReqwestClient::new, trusting: trusting);
/// ```
///
/// `default` makes the client a user gets without configuring TLS (for the backend under test);
/// `trusting` takes the CA certificate (PEM) and makes a client that trusts it, the way the
/// adapter's docs show. A stack that cannot tell a server that does not speak TLS from another
/// handshake failure says so with `plain_http: Handshake` at the end (the default is `NotTls`).
/// Instantiate it in a module of its own per backend.
///
/// `tls_contract!(platform roots, blocking UreqClient, default: UreqClient::new)` adds the check
/// that the default client trusts the platform's roots ([`platform_roots_are_trusted`]), run in a
/// child process of the test binary.
#[macro_export]
macro_rules! tls_contract {
    (blocking $client:ty, default: $default:expr, trusting: $trusting:expr) => {
        $crate::tls_contract!(blocking $client, default: $default, trusting: $trusting, plain_http: NotTls);
    };
    (async $client:ty, default: $default:expr, trusting: $trusting:expr) => {
        $crate::tls_contract!(async $client, default: $default, trusting: $trusting, plain_http: NotTls);
    };
    (blocking $client:ty, default: $default:expr, trusting: $trusting:expr, plain_http: $plain:ident) => {
        $crate::tls_contract!(@checks $crate::tls_contract::BlockingTls<$client>, $default, $trusting, $plain);
    };
    (async $client:ty, default: $default:expr, trusting: $trusting:expr, plain_http: $plain:ident) => {
        $crate::tls_contract!(@checks $crate::tls_contract::AsyncTls<$client>, $default, $trusting, $plain);
    };
    (platform roots, blocking $client:ty, default: $default:expr) => {
        $crate::tls_contract!(@platform $crate::tls_contract::BlockingTls<$client>, $default);
    };
    (platform roots, async $client:ty, default: $default:expr) => {
        $crate::tls_contract!(@platform $crate::tls_contract::AsyncTls<$client>, $default);
    };
    (@platform $mode:ty, $default:expr) => {
        #[test]
        fn tls_platform_roots_are_trusted() {
            // The child's name as the test harness knows it: its module path without the crate.
            let module = module_path!();
            let module = module.split_once("::").map_or("", |(_, path)| path);
            let child = if module.is_empty() {
                "tls_platform_roots_child".to_owned()
            } else {
                format!("{module}::tls_platform_roots_child")
            };
            $crate::tls_contract::platform_roots_are_trusted(&child);
        }

        #[test]
        #[ignore = "run by tls_platform_roots_are_trusted, as a child process"]
        fn tls_platform_roots_child() {
            $crate::tls_contract::platform_roots_child::<$mode>($default);
        }
    };
    (@checks $mode:ty, $default:expr, $trusting:expr, $plain:ident) => {
        #[test]
        fn tls_untrusted_certificate_is_a_connect_error() {
            $crate::tls_contract::untrusted_certificate_is_a_connect_error::<$mode>($default());
        }

        #[test]
        fn tls_a_client_trusting_the_ca_triggers_and_queries() {
            $crate::tls_contract::a_client_trusting_the_ca_triggers_and_queries::<$mode>($trusting);
        }

        #[test]
        fn tls_https_to_a_plain_http_port_is_a_connect_error() {
            $crate::tls_contract::https_to_a_plain_http_port_is_a_connect_error::<$mode>(
                $trusting,
                $crate::tls_contract::TlsFailure::$plain,
            );
        }
    };
}
