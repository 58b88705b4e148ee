//! Drives the API with a hand-written HTTP client: the core's types are all it takes.
//!
//! The client here is a closure over `std::net::TcpStream` speaking plain HTTP/1.1 (no TLS), enough
//! for a local server such as soketi:
//!
//! ```sh
//! PUSHER_URL=http://KEY:SECRET@127.0.0.1:6001/apps/APP_ID cargo run -p pusher --example bring_your_own_client
//! ```

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use pusher::{Blocking, Config, TransportError, TransportErrorKind};

/// Sends one request over a fresh connection and reads the whole response.
fn send(request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError> {
    let io = |e: std::io::Error| TransportError::new(TransportErrorKind::Other, e);
    let uri = request.uri();
    let host = uri.host().unwrap_or("127.0.0.1");
    let port = uri.port_u16().unwrap_or(80);
    let mut stream =
        TcpStream::connect((host, port)).map_err(|e| TransportError::new(TransportErrorKind::Connect, e))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(io)?;
    let target = uri.path_and_query().map_or("/", |p| p.as_str());
    let mut head = format!(
        "{} {target} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n",
        request.method()
    );
    for (name, value) in request.headers() {
        head.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap_or_default()));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", request.body().len()));
    stream.write_all(head.as_bytes()).map_err(io)?;
    stream.write_all(request.body()).map_err(io)?;

    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).map_err(io)?;
    let status = status_line.split(' ').nth(1).and_then(|s| s.parse::<u16>().ok());
    let malformed = || TransportError::new(TransportErrorKind::Other, "malformed HTTP response");
    let mut response = http::Response::builder().status(status.ok_or_else(malformed)?);
    let mut content_length = None;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).map_err(io)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').ok_or_else(malformed)?;
        if name.eq_ignore_ascii_case("content-length") {
            content_length = value.trim().parse::<u64>().ok();
        }
        response = response.header(name, value.trim());
    }
    let mut body = Vec::new();
    match content_length {
        Some(length) => reader.take(length).read_to_end(&mut body).map_err(io)?,
        None => reader.read_to_end(&mut body).map_err(io)?,
    };
    response.body(body).map_err(|_| malformed())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::from_url(&std::env::var("PUSHER_URL")?)?;
    let pusher = pusher::pusher_core::Pusher::new(config, Blocking(send));
    pusher.trigger(
        ["my-channel"],
        "my-event",
        &serde_json::json!({"via": "a closure"}),
    )?;
    let state = pusher.channel("my-channel", &[])?;
    println!(
        "triggered through a hand-written client; my-channel occupied: {}",
        state.occupied
    );
    Ok(())
}
