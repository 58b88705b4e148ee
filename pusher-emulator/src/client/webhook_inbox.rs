//! A listener that keeps every webhook it receives, raw, for a test to verify with
//! [`WebhookVerifier`](pusher_core::webhook::WebhookVerifier): point a server's webhook URL (the
//! emulator's, soketi's) at [`WebhookInbox::url`].
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use pusher_emulator::{Emulator, WebhookInbox};
//!
//! let inbox = WebhookInbox::bind("127.0.0.1:0").await?;
//! let emulator = Emulator::builder().webhook_url(inbox.url()).start().await?;
//! let mut subscriber = pusher_emulator::Subscriber::connect(&emulator.ws_url()).await?;
//! subscriber.subscribe("news").await?;
//! let occupied = inbox
//!     .wait_for(Duration::from_secs(5), |w| String::from_utf8_lossy(&w.body).contains("channel_occupied").then_some(()))
//!     .await;
//! assert!(occupied.is_some());
//! # Ok(())
//! # }
//! ```

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, ToSocketAddrs};
use tokio::sync::Notify;
use tokio::time::Instant;

/// One webhook as it arrived.
#[derive(Debug, Clone)]
pub struct ReceivedWebhook {
    /// The `X-Pusher-Key` header.
    pub key: Option<String>,
    /// The `X-Pusher-Signature` header.
    pub signature: Option<String>,
    /// The raw body.
    pub body: Vec<u8>,
}

/// Every webhook received so far. Dropping the last handle does not stop the listener: it lives as
/// long as the Tokio runtime it was started on.
#[derive(Debug)]
pub struct WebhookInbox {
    addr: SocketAddr,
    received: Mutex<Vec<ReceivedWebhook>>,
    arrived: Notify,
}

impl WebhookInbox {
    /// Binds `addr` (e.g. `127.0.0.1:0`) and starts listening on the current Tokio runtime.
    pub async fn bind(addr: impl ToSocketAddrs) -> std::io::Result<Arc<WebhookInbox>> {
        Self::serve(TcpListener::bind(addr).await?)
    }

    /// Listens on `listener` (on the current Tokio runtime) and keeps every request it receives.
    pub fn serve(listener: TcpListener) -> std::io::Result<Arc<WebhookInbox>> {
        let inbox = Arc::new(WebhookInbox {
            addr: listener.local_addr()?,
            received: Mutex::default(),
            arrived: Notify::new(),
        });
        let serving = inbox.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let inbox = serving.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let inbox = inbox.clone();
                        async move { Ok::<_, Infallible>(inbox.receive(request).await) }
                    });
                    // A peer that hangs up mid-request is no concern of the suite.
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(inbox)
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR/`: the webhook URL to give a server.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    async fn receive(&self, request: hyper::Request<Incoming>) -> hyper::Response<Full<Bytes>> {
        let header = |name: &str| {
            request
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let (key, signature) = (header("x-pusher-key"), header("x-pusher-signature"));
        let body = match request.into_body().collect().await {
            Ok(body) => body.to_bytes().to_vec(),
            Err(_) => return hyper::Response::new(Full::new(Bytes::new())),
        };
        self.received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(ReceivedWebhook { key, signature, body });
        self.arrived.notify_waiters();
        hyper::Response::new(Full::new(Bytes::from_static(b"{}")))
    }

    /// Everything received so far.
    pub fn all(&self) -> Vec<ReceivedWebhook> {
        self.received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The first webhook (already received or arriving within `timeout`) that `accept` takes.
    pub async fn wait_for<T>(
        &self,
        timeout: Duration,
        mut accept: impl FnMut(&ReceivedWebhook) -> Option<T>,
    ) -> Option<T> {
        let deadline = Instant::now() + timeout;
        loop {
            let arrived = self.arrived.notified();
            if let Some(found) = self.all().iter().find_map(&mut accept) {
                return Some(found);
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                return None;
            }
        }
    }
}
