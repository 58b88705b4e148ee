//! The emulator's settings as a command line gives them.

use std::fmt;
use std::path::PathBuf;

use crate::EmulatorBuilder;

/// The settings of the emulator as a command line gives them (the `pusher-emulator` binary's, and
/// any other tool's that runs the emulator): each unset one keeps the builder's default. `Debug`
/// redacts the secret.
///
/// ```
/// let mut options = pusher_emulator::Options::default();
/// options.port = 6001;
/// options.max_events = Some(100);
/// let builder = options.apply(pusher_emulator::Emulator::builder());
/// # let _ = builder;
/// ```
#[derive(Default, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// Listen on `127.0.0.1:port` (0: a free port).
    pub port: u16,
    /// The app id.
    pub app_id: Option<String>,
    /// The app key.
    pub key: Option<String>,
    /// The app secret.
    pub secret: Option<String>,
    /// Where signed webhooks are POSTed.
    pub webhook_url: Option<String>,
    /// The largest event data accepted, in bytes.
    pub max_payload_bytes: Option<usize>,
    /// How many received events are kept for inspection.
    pub max_events: Option<usize>,
    /// How many worker threads serve (default: one per core).
    pub threads: Option<usize>,
    /// Refuse client events.
    pub no_client_events: bool,
    /// Do not log each HTTP API request to stderr.
    pub quiet: bool,
    /// Serve HTTPS and WSS with this PEM certificate chain and PEM private key (files).
    pub tls_cert_and_key: Option<(PathBuf, PathBuf)>,
}

impl fmt::Debug for Options {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Options")
            .field("port", &self.port)
            .field("app_id", &self.app_id)
            .field("key", &self.key)
            .field("secret", &self.secret.as_ref().map(|_| "[redacted]"))
            .field("webhook_url", &self.webhook_url)
            .field("max_payload_bytes", &self.max_payload_bytes)
            .field("max_events", &self.max_events)
            .field("threads", &self.threads)
            .field("no_client_events", &self.no_client_events)
            .field("quiet", &self.quiet)
            .field("tls_cert_and_key", &self.tls_cert_and_key)
            .finish()
    }
}

impl Options {
    /// Applies the options to a builder.
    #[must_use]
    pub fn apply(self, mut builder: EmulatorBuilder) -> EmulatorBuilder {
        builder = builder
            .port(self.port)
            .client_events(!self.no_client_events)
            .log_requests(!self.quiet);
        if let Some(id) = self.app_id {
            builder = builder.app_id(id);
        }
        if let Some(key) = self.key {
            builder = builder.key(key);
        }
        if let Some(secret) = self.secret {
            builder = builder.secret(secret);
        }
        if let Some(url) = self.webhook_url {
            builder = builder.webhook_url(url);
        }
        if let Some(bytes) = self.max_payload_bytes {
            builder = builder.max_payload_bytes(bytes);
        }
        if let Some(count) = self.max_events {
            builder = builder.max_events(count);
        }
        if let Some(threads) = self.threads {
            builder = builder.threads(threads);
        }
        if let Some((cert, key)) = self.tls_cert_and_key {
            builder = builder.tls_files(cert, key);
        }
        builder
    }
}
