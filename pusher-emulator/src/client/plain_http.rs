//! A tiny HTTP/1.1 client, enough to send the requests pusher-core builds to the emulator (or any
//! HTTP server) from a test, with no HTTP stack of your own: `http://` with [`send_request`], and
//! `https://` with [`send_request_with_roots`], which trusts only the roots it is given.
//!
//! ```
//! use std::time::{SystemTime, UNIX_EPOCH};
//! use pusher_core::api::{GetChannel, Operation, RequestContext};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = pusher_emulator::Emulator::start().await?;
//! let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
//! let call = GetChannel::new("news".parse()?);
//! let request = call.build_request(&emulator.config(), &RequestContext::new(now))?;
//! let response = pusher_emulator::client::plain_http::send_request(request).await?;
//! assert_eq!(call.parse_response(response)?.occupied, false);
//! # Ok(()) }
//! ```

use std::fmt;
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

/// The largest response body read, in bytes.
const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// How long one exchange may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Why a request got no response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError(String);

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP request failed: {}", self.0)
    }
}

impl std::error::Error for SendError {}

/// Sends `request` (an absolute `http://` URI) on a new connection and reads the whole response.
///
/// Any status is a response: only a failure to connect, a broken exchange or a 30 s timeout is
/// an error.
pub async fn send_request(request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, SendError> {
    tokio::time::timeout(TIMEOUT, exchange(request, None))
        .await
        .map_err(|_| SendError(format!("no response within {TIMEOUT:?}")))?
}

/// [`send_request`] for an absolute `https://` URI, trusting only the PEM certificates `roots`
/// (e.g. [`TestCertificates::ca_pem`](crate::TestCertificates::ca_pem)).
pub async fn send_request_with_roots(
    request: http::Request<Vec<u8>>,
    roots: &[u8],
) -> Result<http::Response<Vec<u8>>, SendError> {
    let config =
        crate::tls::client_config(roots).map_err(|e| SendError(format!("the root certificates: {e}")))?;
    tokio::time::timeout(TIMEOUT, exchange(request, Some(config)))
        .await
        .map_err(|_| SendError(format!("no response within {TIMEOUT:?}")))?
}

fn err(what: &str, e: &dyn fmt::Display) -> SendError {
    SendError(format!("{what}: {e}"))
}

/// Connects (with TLS when there is a configuration), then exchanges.
async fn exchange(
    request: http::Request<Vec<u8>>,
    tls: Option<std::sync::Arc<rustls::ClientConfig>>,
) -> Result<http::Response<Vec<u8>>, SendError> {
    let wanted = if tls.is_some() { "https" } else { "http" };
    if request.uri().scheme_str() != Some(wanted) {
        return Err(SendError(format!(
            "this function sends {wanted}:// URIs only, got {}",
            request.uri()
        )));
    }
    let authority = request
        .uri()
        .authority()
        .cloned()
        .ok_or_else(|| SendError(format!("{} has no host", request.uri())))?;
    let port = authority
        .port_u16()
        .unwrap_or(if tls.is_some() { 443 } else { 80 });
    let host = authority.host().trim_start_matches('[').trim_end_matches(']');
    let stream = TcpStream::connect((host, port))
        .await
        .map_err(|e| err("connect", &e))?;
    match tls {
        None => exchange_on(stream, request).await,
        Some(config) => {
            let name = rustls::pki_types::ServerName::try_from(host.to_owned())
                .map_err(|e| err("server name", &e))?;
            let stream = tokio_rustls::TlsConnector::from(config)
                .connect(name, stream)
                .await
                .map_err(|e| err("TLS handshake", &e))?;
            exchange_on(stream, request).await
        }
    }
}

/// Sends `request` on `stream` and reads the response.
async fn exchange_on<S>(
    stream: S,
    request: http::Request<Vec<u8>>,
) -> Result<http::Response<Vec<u8>>, SendError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut parts, body) = request.into_parts();
    let authority = parts
        .uri
        .authority()
        .cloned()
        .ok_or_else(|| SendError(format!("{} has no host", parts.uri)))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| err("handshake", &e))?;
    tokio::spawn(connection);
    if !parts.headers.contains_key(http::header::HOST)
        && let Ok(value) = http::HeaderValue::from_str(authority.as_str())
    {
        parts.headers.insert(http::header::HOST, value);
    }
    // HTTP/1.1 sends the path and query, not the absolute URI.
    let target = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    parts.uri = target.parse().map_err(|e| err("uri", &e))?;
    let request = http::Request::from_parts(parts, Full::new(Bytes::from(body)));
    let response = sender.send_request(request).await.map_err(|e| err("send", &e))?;
    let (parts, body) = response.into_parts();
    let body = Limited::new(body, MAX_RESPONSE_BYTES)
        .collect()
        .await
        .map_err(|e| err("body", &e))?
        .to_bytes()
        .to_vec();
    Ok(http::Response::from_parts(parts, body))
}
