//! Free ports on 127.0.0.1, and the probe that tells when a started server is ready.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::thread;
use std::time::{Duration, Instant};

use crate::RunningPeer;

/// The only address a peer listens on or talks to.
pub(crate) const LOOPBACK: &str = "127.0.0.1";

/// How long [`start`](crate::start) waits for a started server to answer `GET /ready` with 200.
pub const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// A free TCP port on 127.0.0.1 (bound to port 0, read, released).
pub fn free_tcp_port() -> Result<u16, String> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("could not find a free TCP port on {LOOPBACK}: {e}"))
}

/// A free UDP port on 127.0.0.1 (bound to port 0, read, released).
pub fn free_udp_port() -> Result<u16, String> {
    UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|s| s.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("could not find a free UDP port on {LOOPBACK}: {e}"))
}

/// Waits until `server` answers `GET /ready` with 200, for at most `timeout`. Fails at once when
/// the server's process exits.
pub(crate) fn wait_ready(server: &mut RunningPeer, timeout: Duration) -> Result<(), String> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, server.port()));
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = server.exit_status() {
            return Err(format!("{} exited before it was ready ({status})", server.peer()));
        }
        let last = match http_get_status(addr, "/ready") {
            Ok(200) => return Ok(()),
            Ok(code) => format!("HTTP {code}"),
            Err(e) => e,
        };
        if Instant::now() >= deadline {
            return Err(format!(
                "{} did not answer 200 on http://{addr}/ready within {} s (last: {last})",
                server.peer(),
                timeout.as_secs()
            ));
        }
        thread::sleep(Duration::from_millis(100));
    }
}

/// `GET path` over plain HTTP/1.1 with std's `TcpStream`; returns the status code.
pub fn http_get_status(addr: SocketAddr, path: &str) -> Result<u16, String> {
    let timeout = Duration::from_secs(2);
    let mut stream =
        TcpStream::connect_timeout(&addr, Duration::from_millis(500)).map_err(|e| format!("connect: {e}"))?;
    stream
        .set_read_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    stream
        .set_write_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("send: {e}"))?;
    let mut response = Vec::new();
    let mut buf = [0u8; 1024];
    while !response.windows(2).any(|w| w == b"\r\n") && response.len() < 8192 {
        let n = stream.read(&mut buf).map_err(|e| format!("receive: {e}"))?;
        if n == 0 {
            break;
        }
        response.extend_from_slice(&buf[..n]);
    }
    parse_status_line(&response).ok_or_else(|| {
        format!(
            "not an HTTP response: {:?}",
            String::from_utf8_lossy(&response[..response.len().min(80)])
        )
    })
}

/// The status code of an HTTP/1.x response's first line.
fn parse_status_line(response: &[u8]) -> Option<u16> {
    let line_end = response.windows(2).position(|w| w == b"\r\n")?;
    let line = std::str::from_utf8(&response[..line_end]).ok()?;
    let mut parts = line.split(' ');
    if !parts.next()?.starts_with("HTTP/1.") {
        return None;
    }
    let code = parts.next()?;
    if code.len() != 3 {
        return None;
    }
    code.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines() {
        assert_eq!(parse_status_line(b"HTTP/1.1 200 OK\r\n\r\nOK"), Some(200));
        assert_eq!(
            parse_status_line(b"HTTP/1.0 503 Service Unavailable\r\n"),
            Some(503)
        );
        assert_eq!(parse_status_line(b"HTTP/1.1 200 OK"), None);
        assert_eq!(parse_status_line(b"SSH-2.0-OpenSSH\r\n"), None);
    }
}
