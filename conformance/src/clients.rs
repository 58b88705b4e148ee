//! The five client modes, behind one async interface.
//!
//! Blocking clients run on Tokio's blocking pool. They are made and dropped outside the runtime
//! (reqwest's blocking client refuses to start or stop inside one): the runner builds every
//! client before it enters the runtime.

use std::fmt;
use std::sync::Arc;

use pusher_core::api::Operation;
use pusher_core::{
    AsyncHttpClient, Blocking, BuildError, BuildHttpClient, Config, Error, HttpClient, HttpOptions, Pusher,
    TransportError,
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

enum Inner {
    ReqwestAsync(Pusher<ReqwestClient>),
    ReqwestBlocking(Arc<Pusher<Blocking<ReqwestBlocking>>>),
    Ureq(Arc<Pusher<Blocking<UreqClient>>>),
    IsahcAsync(Pusher<IsahcClient>),
    IsahcBlocking(Arc<Pusher<Blocking<IsahcClient>>>),
}

/// One mode's client.
pub struct Client {
    mode: Mode,
    inner: Inner,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

fn build<C: BuildHttpClient>(config: &Config) -> Result<Pusher<C>, BuildError> {
    let http = C::build_http_client(&HttpOptions::default()).map_err(BuildError::Http)?;
    Ok(Pusher::new(config.clone(), http))
}

/// Runs a blocking call on the blocking pool.
async fn blocking<T: Send + 'static>(call: impl FnOnce() -> T + Send + 'static) -> T {
    match tokio::task::spawn_blocking(call).await {
        Ok(output) => output,
        Err(join) => std::panic::resume_unwind(join.into_panic()),
    }
}

impl Client {
    /// The client of `mode` for `config`. Call outside any async runtime.
    pub fn new(mode: Mode, config: &Config) -> Result<Client, BuildError> {
        let inner = match mode {
            Mode::ReqwestAsync => Inner::ReqwestAsync(build(config)?),
            Mode::ReqwestBlocking => Inner::ReqwestBlocking(Arc::new(build(config)?)),
            Mode::Ureq => Inner::Ureq(Arc::new(build(config)?)),
            Mode::IsahcAsync => Inner::IsahcAsync(build(config)?),
            Mode::IsahcBlocking => Inner::IsahcBlocking(Arc::new(build(config)?)),
        };
        Ok(Client { mode, inner })
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Builds, sends and parses `operation`.
    pub async fn send<O>(&self, operation: O) -> Result<O::Output, Error>
    where
        O: Operation + Send + 'static,
        O::Output: Send + 'static,
    {
        match &self.inner {
            Inner::ReqwestAsync(p) => p.send(operation).await,
            Inner::IsahcAsync(p) => p.send(operation).await,
            Inner::ReqwestBlocking(p) => {
                let p = p.clone();
                blocking(move || p.send(operation)).await
            }
            Inner::Ureq(p) => {
                let p = p.clone();
                blocking(move || p.send(operation)).await
            }
            Inner::IsahcBlocking(p) => {
                let p = p.clone();
                blocking(move || p.send(operation)).await
            }
        }
    }

    /// Sends a request as it is, through this mode's HTTP client.
    pub async fn send_request(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        match &self.inner {
            Inner::ReqwestAsync(p) => p.http_client().send(request).await,
            Inner::IsahcAsync(p) => AsyncHttpClient::send(p.http_client(), request).await,
            Inner::ReqwestBlocking(p) => {
                let p = p.clone();
                blocking(move || p.http_client().0.send(request)).await
            }
            Inner::Ureq(p) => {
                let p = p.clone();
                blocking(move || p.http_client().0.send(request)).await
            }
            Inner::IsahcBlocking(p) => {
                let p = p.clone();
                blocking(move || HttpClient::send(&p.http_client().0, request)).await
            }
        }
    }
}
