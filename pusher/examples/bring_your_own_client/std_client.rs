//! A blocking HTTP client in the standard library alone: HTTP/1.1 over a `TcpStream`, one request
//! per connection (`Connection: close`), plain `http://` only. Copy it where there is no async
//! runtime and no HTTP crate — a game loop, an embedded Linux daemon, a test harness — and plug
//! it in as `Pusher::new(config, Blocking(send))`.
//!
//! What it keeps from a full HTTP client: timeouts (on connecting and on every read and write), a
//! cap on the response body (read no further than the cap, whatever the server announces), chunked
//! responses, and errors that say what failed. What it leaves out: TLS (reach Pusher through a
//! TLS-terminating proxy, or use a TLS crate around the stream), connection reuse, redirects.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use pusher::http_client::{CappedBody, RequestTarget};
use pusher::{TransportError, TransportErrorKind};

/// How long connecting, and each read or write, may take.
pub(crate) const TIMEOUT: Duration = Duration::from_secs(5);

/// The largest response body read, in bytes.
pub(crate) const MAX_BODY: usize = 1024 * 1024;

/// The longest line of the response head read, in bytes.
const MAX_LINE: u64 = 8 * 1024;

/// Sends `request` over a fresh connection and reads the whole response, whatever its status.
pub(crate) fn send(request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError> {
    let target = RequestTarget::of(&request);
    exchange(&request).map_err(|error| error.with_target(target))
}

fn exchange(request: &http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError> {
    let uri = request.uri();
    let (Some("http"), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
        return Err(other(format!(
            "{uri} is not an http:// URL: this client has no TLS"
        )));
    };
    let stream = connect(authority.host(), authority.port_u16().unwrap_or(80))?;
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nContent-Length: {}\r\n",
        request.method(),
        uri.path_and_query().map_or("/", |p| p.as_str()),
        request.body().len()
    )
    .into_bytes();
    for (name, value) in request.headers() {
        head.extend_from_slice(&[name.as_str().as_bytes(), b": ", value.as_bytes(), b"\r\n"].concat());
    }
    head.extend_from_slice(b"\r\n");
    (&stream).write_all(&head).map_err(io_error)?;
    (&stream).write_all(request.body()).map_err(io_error)?;
    read_response(BufReader::new(stream), request.method())
}

/// A connection to the first address of `host` that answers within [`TIMEOUT`].
fn connect(host: &str, port: u16) -> Result<TcpStream, TransportError> {
    let connect_error = |e: io::Error| TransportError::new(TransportErrorKind::Connect, e);
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let mut last = io::Error::new(io::ErrorKind::NotFound, format!("{host} has no address"));
    for addr in (host, port).to_socket_addrs().map_err(connect_error)? {
        match TcpStream::connect_timeout(&addr, TIMEOUT) {
            Ok(stream) => {
                stream.set_read_timeout(Some(TIMEOUT)).map_err(io_error)?;
                stream.set_write_timeout(Some(TIMEOUT)).map_err(io_error)?;
                return Ok(stream);
            }
            Err(e) => last = e,
        }
    }
    Err(connect_error(last))
}

fn read_response(
    mut reader: impl BufRead,
    method: &http::Method,
) -> Result<http::Response<Vec<u8>>, TransportError> {
    let status_line = read_line(&mut reader)?;
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|code| http::StatusCode::from_bytes(code.as_bytes()).ok())
        .ok_or_else(|| malformed(format!("status line {status_line:?}")))?;
    let mut headers = http::HeaderMap::new();
    loop {
        let line = read_line(&mut reader)?;
        if line.is_empty() {
            break;
        }
        let header = line.split_once(':').and_then(|(name, value)| {
            let name = http::HeaderName::from_bytes(name.trim().as_bytes()).ok()?;
            Some((name, http::HeaderValue::from_bytes(value.trim().as_bytes()).ok()?))
        });
        let (name, value) = header.ok_or_else(|| malformed(format!("header line {line:?}")))?;
        headers.append(name, value);
    }
    let body = CappedBody::new(MAX_BODY, method, &headers)?;
    let chunked = headers
        .get(http::header::TRANSFER_ENCODING)
        .is_some_and(|te| te.as_bytes().eq_ignore_ascii_case(b"chunked"));
    let body = if chunked {
        read_chunked(reader, body)?
    } else {
        // The body ends after `Content-Length` bytes, or with the connection (`Connection: close`).
        let length = headers
            .get(http::header::CONTENT_LENGTH)
            .and_then(|length| length.to_str().ok()?.trim().parse().ok());
        let body = body.read_to_end(reader.take(length.unwrap_or(u64::MAX)), io_error)?;
        if length.is_some_and(|length| body.len() as u64 != length) {
            return Err(io_error(io::ErrorKind::UnexpectedEof.into()));
        }
        body
    };
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    Ok(response)
}

/// A `Transfer-Encoding: chunked` body: chunks, each after its size in hex, until a size of 0.
fn read_chunked(mut reader: impl BufRead, mut body: CappedBody) -> Result<Vec<u8>, TransportError> {
    loop {
        let line = read_line(&mut reader)?;
        let size = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size, 16).map_err(|_| malformed(format!("chunk size {line:?}")))?;
        if size == 0 {
            return Ok(body.into_bytes());
        }
        if size > MAX_BODY {
            return Err(TransportError::body_too_large(MAX_BODY));
        }
        let mut chunk = vec![0; size];
        reader.read_exact(&mut chunk).map_err(io_error)?;
        body.push(&chunk)?;
        read_line(&mut reader)?; // the CRLF after the chunk
    }
}

/// One line of the response head (or a chunk size), without its line ending; at most
/// [`MAX_LINE`] bytes.
fn read_line(reader: &mut impl BufRead) -> Result<String, TransportError> {
    let mut line = String::new();
    reader.take(MAX_LINE).read_line(&mut line).map_err(io_error)?;
    if !line.ends_with('\n') {
        return Err(malformed(
            "a line that does not end (too long, or the connection closed)",
        ));
    }
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// An I/O error by its kind; on Unix a read or write past its timeout fails with `WouldBlock`.
fn io_error(error: io::Error) -> TransportError {
    let kind = match error.kind() {
        io::ErrorKind::WouldBlock => TransportErrorKind::Timeout,
        _ => TransportErrorKind::of_io(&error),
    };
    TransportError::new(kind, error)
}

fn malformed(what: impl std::fmt::Display) -> TransportError {
    other(format!("malformed HTTP response: {what}"))
}

fn other(message: String) -> TransportError {
    TransportError::new(TransportErrorKind::Other, message)
}
