//! The server thread: one TCP port serving the HTTP API and the WebSocket endpoint, on a
//! runtime of its own, so it runs the same under any caller (async or not, any runtime flavour).
//! The runtime has as many worker threads as asked (by default one per core), so that the
//! server is not held to one core; with one, everything runs on the server thread. With a TLS
//! acceptor, every connection is TLS (HTTPS and WSS on the one port).

use std::io;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio_rustls::TlsAcceptor;

use crate::state::Hub;
use crate::webhook_sender::Delivery;
use crate::{http_api, websocket};

/// How long a client may take to send a request's headers.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// How long connections get to close cleanly when the server stops.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// A running server thread.
#[derive(Debug)]
pub(crate) struct ServerThread {
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl ServerThread {
    /// Serves `listener` (already bound) on a new thread, with `threads` worker threads, over TLS
    /// when there is an acceptor.
    pub(crate) fn spawn(
        listener: std::net::TcpListener,
        hub: Arc<Hub>,
        webhooks: Option<Delivery>,
        tls: Option<TlsAcceptor>,
        threads: usize,
    ) -> io::Result<Self> {
        listener.set_nonblocking(true)?;
        let runtime = match threads {
            0 | 1 => tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?,
            threads => tokio::runtime::Builder::new_multi_thread()
                .worker_threads(threads)
                .thread_name("pusher-emulator-worker")
                .enable_all()
                .build()?,
        };
        let (stop, stopped) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name("pusher-emulator".to_owned())
            .spawn(move || {
                runtime.block_on(run(listener, hub, webhooks, tls, stopped));
                // Dropping the runtime here ends every remaining task and closes their sockets.
            })?;
        Ok(Self {
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Stops the server and waits until its port is closed.
    pub(crate) fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for ServerThread {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn run(
    listener: std::net::TcpListener,
    hub: Arc<Hub>,
    webhooks: Option<Delivery>,
    tls: Option<TlsAcceptor>,
    mut stopped: oneshot::Receiver<()>,
) {
    let listener = match TcpListener::from_std(listener) {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("pusher-emulator: cannot serve the listening socket: {e}");
            return;
        }
    };
    if let Some(delivery) = webhooks {
        tokio::spawn(delivery.run());
    }
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    let hub = hub.clone();
                    match &tls {
                        None => {
                            tokio::spawn(serve_connection(stream, hub));
                        }
                        Some(acceptor) => {
                            tokio::spawn(serve_tls_connection(acceptor.clone(), stream, hub));
                        }
                    }
                }
                Err(e) => {
                    // Out of file descriptors and the like: wait, then go on accepting.
                    eprintln!("pusher-emulator: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
        }
    }
    drop(listener);
    hub.close_all(4200, "Server is shutting down");
    let deadline = tokio::time::Instant::now() + SHUTDOWN_GRACE;
    while hub.connection_count() > 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Completes the TLS handshake (within the time a client gets for its headers), then serves.
async fn serve_tls_connection(acceptor: TlsAcceptor, stream: tokio::net::TcpStream, hub: Arc<Hub>) {
    // A failed handshake (an untrusted certificate, plain HTTP on this port) is the client's to
    // report: the server just closes.
    if let Ok(Ok(stream)) = tokio::time::timeout(HEADER_READ_TIMEOUT, acceptor.accept(stream)).await {
        serve_connection(stream, hub).await;
    }
}

async fn serve_connection<S>(stream: S, hub: Arc<Hub>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |request: http::Request<hyper::body::Incoming>| {
        let hub = hub.clone();
        async move {
            let response = if request.uri().path().starts_with("/app/") {
                websocket::upgrade(hub, request)
            } else if websocket::is_upgrade(&request) {
                http_api::text_response(
                    http::StatusCode::NOT_FOUND,
                    "WebSocket connections go to /app/{key}?protocol=7",
                )
            } else {
                http_api::handle(hub, request).await
            };
            Ok::<_, std::convert::Infallible>(response)
        }
    });
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades();
    // Errors here are the client's doing (a reset, a malformed request): nothing to recover.
    let _ = connection.await;
}
