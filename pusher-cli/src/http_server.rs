//! A small HTTP/1.1 server on 127.0.0.1 for `auth-server` and `webhook listen`: it reads each
//! request whole (up to [`MAX_BODY_BYTES`]) and hands it, with a way to answer, to the command's
//! own loop, which decides and prints in the order requests arrive. Each connection carries one
//! exchange (the answer says `Connection: close`), so that stopping waits for no idle client.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};

use crate::failure::Failure;

/// The largest request body read; a larger one is answered 413.
pub(crate) const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// How long a client may take to send a request's headers.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// How long [`HttpServer::finish`] waits for the answers given to be sent.
const FINISH_GRACE: Duration = Duration::from_secs(2);

/// A request read whole.
pub(crate) type Request = http::Request<Bytes>;

/// An answer.
pub(crate) type Response = http::Response<Full<Bytes>>;

/// One request, and where its answer goes.
#[derive(Debug)]
pub(crate) struct Exchange {
    /// The request.
    pub(crate) request: Request,
    answer: oneshot::Sender<Response>,
}

impl Exchange {
    /// Sends the answer (to nobody, if the client has gone).
    pub(crate) fn answer(self, response: Response) {
        let _ = self.answer.send(response);
    }
}

/// A listening server: its requests arrive through [`next`](Self::next).
#[derive(Debug)]
pub(crate) struct HttpServer {
    addr: SocketAddr,
    requests: mpsc::Receiver<Exchange>,
    /// Closed once the accepting task and every connection have ended.
    serving: mpsc::Receiver<()>,
}

impl HttpServer {
    /// Listens on `127.0.0.1:port` (0 for any free port), on the current Tokio runtime.
    pub(crate) async fn bind(port: u16) -> Result<HttpServer, Failure> {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|e| Failure::network(format!("cannot listen on 127.0.0.1:{port}: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| Failure::network(format!("cannot read the listening address: {e}")))?;
        let (sender, requests) = mpsc::channel(64);
        let (alive, serving) = mpsc::channel(1);
        tokio::spawn(accept(listener, sender, alive));
        Ok(HttpServer {
            addr,
            requests,
            serving,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub(crate) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The next request.
    pub(crate) async fn next(&mut self) -> Exchange {
        match self.requests.recv().await {
            Some(exchange) => exchange,
            // The accepting task holds a sender as long as this server: it never gets here.
            None => std::future::pending().await,
        }
    }

    /// Stops accepting, and waits a little for the answers already given to be sent.
    pub(crate) async fn finish(self) {
        let HttpServer {
            requests,
            mut serving,
            ..
        } = self;
        drop(requests);
        let _ = tokio::time::timeout(FINISH_GRACE, serving.recv()).await;
    }
}

/// Accepts connections until the server stops; each connection (and this task) holds an `alive`
/// sender until it ends.
async fn accept(listener: TcpListener, requests: mpsc::Sender<Exchange>, alive: mpsc::Sender<()>) {
    loop {
        let accepted = tokio::select! {
            () = requests.closed() => return,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors and the like: wait, then go on accepting.
                crate::output::status(&format!("accept failed: {e}"));
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let (requests, alive) = (requests.clone(), alive.clone());
        tokio::spawn(async move {
            let _alive = alive;
            let service = service_fn(move |request| {
                let requests = requests.clone();
                async move { Ok::<_, Infallible>(handle(request, &requests).await) }
            });
            // Errors here are the client's doing (a reset, a malformed request).
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Reads `request` whole and waits for the command's answer.
async fn handle(request: http::Request<Incoming>, requests: &mpsc::Sender<Exchange>) -> Response {
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(body) => body.to_bytes(),
        Err(_) => {
            return text(
                http::StatusCode::PAYLOAD_TOO_LARGE,
                format!("the body must be at most {MAX_BODY_BYTES} bytes"),
            );
        }
    };
    let (answer, answered) = oneshot::channel();
    let exchange = Exchange {
        request: http::Request::from_parts(parts, body),
        answer,
    };
    if requests.send(exchange).await.is_err() {
        return text(http::StatusCode::SERVICE_UNAVAILABLE, "the server is stopping");
    }
    let mut response = answered
        .await
        .unwrap_or_else(|_| text(http::StatusCode::SERVICE_UNAVAILABLE, "the server is stopping"));
    response
        .headers_mut()
        .insert(http::header::CONNECTION, http::HeaderValue::from_static("close"));
    response
}

/// An answer with no body.
pub(crate) fn empty(status: http::StatusCode) -> Response {
    let mut response = http::Response::new(Full::default());
    *response.status_mut() = status;
    response
}

/// A `text/plain` answer.
pub(crate) fn text(status: http::StatusCode, body: impl Into<String>) -> Response {
    respond(status, "text/plain; charset=utf-8", body.into())
}

/// An `application/json` answer.
pub(crate) fn json(status: http::StatusCode, body: String) -> Response {
    respond(status, "application/json", body)
}

fn respond(status: http::StatusCode, content_type: &'static str, body: String) -> Response {
    let mut response = http::Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(content_type),
    );
    response
}
