//! The five client modes, behind one async interface.
//!
//! Blocking clients run on Tokio's blocking pool. They are made and dropped outside the runtime
//! (reqwest's blocking client refuses to start or stop inside one): the runner builds every
//! client before it enters the runtime.

use std::fmt;

use pusher::publisher::{Publisher, PublisherBuildError};
use pusher_core::api::Operation;
use pusher_core::{
    AsyncHttpClient, Blocking, BuildError, BuildHttpClient, Config, Error, HttpClient, HttpOptions, Pusher,
};
use pusher_isahc::IsahcClient;
use pusher_reqwest::ReqwestClient;
use pusher_ureq::UreqClient;

type ReqwestBlocking = pusher_reqwest::blocking::ReqwestClient;

/// An HTTP stack and whether it blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `pusher-reqwest`, async.
    ReqwestAsync,
    /// `pusher-reqwest`, blocking.
    ReqwestBlocking,
    /// `pusher-ureq` (blocking).
    Ureq,
    /// `pusher-isahc`, async.
    IsahcAsync,
    /// `pusher-isahc`, blocking.
    IsahcBlocking,
}

impl Mode {
    /// Every mode.
    pub const ALL: [Mode; 5] = [
        Mode::ReqwestAsync,
        Mode::ReqwestBlocking,
        Mode::Ureq,
        Mode::IsahcAsync,
        Mode::IsahcBlocking,
    ];

    /// Whether the client is async: the publisher sends through async clients only.
    pub fn is_async(self) -> bool {
        matches!(self, Mode::ReqwestAsync | Mode::IsahcAsync)
    }

    /// A short name, used in channel names and the report.
    pub fn name(self) -> &'static str {
        match self {
            Mode::ReqwestAsync => "reqwest-async",
            Mode::ReqwestBlocking => "reqwest-blocking",
            Mode::Ureq => "ureq",
            Mode::IsahcAsync => "isahc-async",
            Mode::IsahcBlocking => "isahc-blocking",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One mode's HTTP client. A call builds a `Pusher` over a clone of it (the pool is shared), so
/// that it can act as another configuration does.
enum Http {
    ReqwestAsync(ReqwestClient),
    ReqwestBlocking(ReqwestBlocking),
    Ureq(UreqClient),
    IsahcAsync(IsahcClient),
    IsahcBlocking(IsahcClient),
}

/// One mode's client.
pub struct Client {
    mode: Mode,
    config: Config,
    http: Http,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

fn build<C: BuildHttpClient>() -> Result<C, BuildError> {
    C::build_http_client(&HttpOptions::default()).map_err(BuildError::Http)
}

/// Sends `operation` as `config` through an async client.
async fn send_async<C, O>(config: Config, http: &C, operation: O) -> Result<O::Output, Error>
where
    C: AsyncHttpClient + Clone,
    O: Operation,
{
    Pusher::new(config, http.clone()).send(operation).await
}

/// Sends `operation` as `config` through a blocking client, on Tokio's blocking pool. The clone of
/// the client is dropped there too, and never last: the `Client` holds the original.
async fn send_blocking<C, O>(config: Config, http: &C, operation: O) -> Result<O::Output, Error>
where
    C: HttpClient + Clone + Send + Sync + 'static,
    O: Operation + Send + 'static,
    O::Output: Send + 'static,
{
    let pusher = Pusher::new(config, Blocking(http.clone()));
    match tokio::task::spawn_blocking(move || pusher.send(operation)).await {
        Ok(output) => output,
        Err(join) => std::panic::resume_unwind(join.into_panic()),
    }
}

impl Client {
    /// The client of `mode` for `config`. Call outside any async runtime.
    pub fn new(mode: Mode, config: &Config) -> Result<Client, BuildError> {
        let http = match mode {
            Mode::ReqwestAsync => Http::ReqwestAsync(build()?),
            Mode::ReqwestBlocking => Http::ReqwestBlocking(build()?),
            Mode::Ureq => Http::Ureq(build()?),
            Mode::IsahcAsync => Http::IsahcAsync(build()?),
            Mode::IsahcBlocking => Http::IsahcBlocking(build()?),
        };
        Ok(Client {
            mode,
            config: config.clone(),
            http,
        })
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// A publisher sending through this client, on the current Tokio runtime; `None` for a
    /// blocking client.
    pub fn publisher(&self) -> Option<Result<Publisher, PublisherBuildError>> {
        match &self.http {
            Http::ReqwestAsync(http) => Some(Publisher::new(Pusher::new(self.config.clone(), http.clone()))),
            Http::IsahcAsync(http) => Some(Publisher::new(Pusher::new(self.config.clone(), http.clone()))),
            Http::ReqwestBlocking(_) | Http::Ureq(_) | Http::IsahcBlocking(_) => None,
        }
    }

    /// Builds, sends and parses `operation`.
    pub async fn send<O>(&self, operation: O) -> Result<O::Output, Error>
    where
        O: Operation + Send + 'static,
        O::Output: Send + 'static,
    {
        self.send_as(&self.config, operation).await
    }

    /// Builds, sends and parses `operation` with `config` (another app id, key or secret) in
    /// place of the client's own, through the same HTTP client.
    pub async fn send_as<O>(&self, config: &Config, operation: O) -> Result<O::Output, Error>
    where
        O: Operation + Send + 'static,
        O::Output: Send + 'static,
    {
        let config = config.clone();
        match &self.http {
            Http::ReqwestAsync(http) => send_async(config, http, operation).await,
            Http::IsahcAsync(http) => send_async(config, http, operation).await,
            Http::ReqwestBlocking(http) => send_blocking(config, http, operation).await,
            Http::Ureq(http) => send_blocking(config, http, operation).await,
            Http::IsahcBlocking(http) => send_blocking(config, http, operation).await,
        }
    }
}
