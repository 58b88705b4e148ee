//! Reading a response body under the cap ([`HttpOptions::max_response_body`](super::HttpOptions)),
//! whatever the HTTP stack hands over: a blocking reader or chunks.
//!
//! A body announced by `Content-Length` as over the cap is refused before a byte is read, and a
//! body that goes over while it is read is refused as soon as it does, so a huge or endless body
//! never costs more than the cap in memory.
//!
//! ```
//! use pusher_core::http_client::CappedBody;
//! use pusher_core::TransportErrorKind;
//!
//! let mut body = CappedBody::new(8, &http::Method::GET, &http::HeaderMap::new())?;
//! body.push(b"{}")?;
//! assert_eq!(body.into_bytes(), b"{}");
//!
//! let mut body = CappedBody::new(8, &http::Method::GET, &http::HeaderMap::new())?;
//! let error = body.push(b"0123456789").unwrap_err();
//! assert_eq!(error.kind(), TransportErrorKind::BodyTooLarge);
//! # Ok::<(), pusher_core::TransportError>(())
//! ```

use std::io::{self, Read};

use super::TransportError;

/// A response body being read, refused as soon as it is over the cap.
#[derive(Debug)]
pub struct CappedBody {
    limit: usize,
    bytes: Vec<u8>,
}

impl CappedBody {
    /// Starts reading the body of the response to a `method` request with `headers`, capped at
    /// `limit` bytes.
    ///
    /// # Errors
    ///
    /// [`BodyTooLarge`](super::TransportErrorKind::BodyTooLarge) at once when `Content-Length`
    /// announces more than `limit` bytes (except in the answer to a `HEAD`, which describes a body
    /// that is never sent).
    pub fn new(
        limit: usize,
        method: &http::Method,
        headers: &http::HeaderMap,
    ) -> Result<Self, TransportError> {
        let announced = headers
            .get(http::header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<u64>().ok());
        if *method != http::Method::HEAD && announced.is_some_and(|length| length > limit as u64) {
            return Err(TransportError::body_too_large(limit));
        }
        Ok(Self {
            limit,
            bytes: Vec::new(),
        })
    }

    /// Adds the next chunk of the body.
    ///
    /// # Errors
    ///
    /// [`BodyTooLarge`](super::TransportErrorKind::BodyTooLarge) when the body goes over the cap.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), TransportError> {
        if chunk.len() > self.limit - self.bytes.len() {
            return Err(TransportError::body_too_large(self.limit));
        }
        self.bytes.extend_from_slice(chunk);
        Ok(())
    }

    /// Reads the rest of the body from a blocking `reader`, reading no more than one byte past the
    /// cap.
    ///
    /// # Errors
    ///
    /// [`BodyTooLarge`](super::TransportErrorKind::BodyTooLarge) when the body goes over the cap;
    /// an I/O error as `map_err` maps it.
    pub fn read_to_end(
        mut self,
        reader: impl Read,
        map_err: impl FnOnce(io::Error) -> TransportError,
    ) -> Result<Vec<u8>, TransportError> {
        // One byte past the cap tells "exactly the cap" from "over it" without reading further.
        let room = self.limit - self.bytes.len();
        reader
            .take((room as u64).saturating_add(1))
            .read_to_end(&mut self.bytes)
            .map_err(map_err)?;
        if self.bytes.len() > self.limit {
            return Err(TransportError::body_too_large(self.limit));
        }
        Ok(self.bytes)
    }

    /// The body read so far: all of it, once the stack reports its end.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TransportErrorKind;

    fn headers(content_length: &str) -> http::HeaderMap {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::CONTENT_LENGTH,
            http::HeaderValue::from_str(content_length).unwrap(),
        );
        headers
    }

    fn kind<T: std::fmt::Debug>(result: Result<T, TransportError>) -> TransportErrorKind {
        result.unwrap_err().kind()
    }

    #[test]
    fn an_announced_length_over_the_cap_is_refused_before_reading() {
        let get = http::Method::GET;
        assert_eq!(
            kind(CappedBody::new(10, &get, &headers("11"))),
            TransportErrorKind::BodyTooLarge
        );
        assert!(CappedBody::new(10, &get, &headers("10")).is_ok());
        assert!(CappedBody::new(10, &get, &headers(" 10 ")).is_ok());
        assert!(CappedBody::new(10, &get, &headers("not a number")).is_ok());
        assert!(CappedBody::new(10, &http::Method::HEAD, &headers("1000")).is_ok());
    }

    #[test]
    fn chunks_are_kept_up_to_exactly_the_cap() {
        let mut body = CappedBody::new(5, &http::Method::GET, &http::HeaderMap::new()).unwrap();
        body.push(b"ab").unwrap();
        body.push(b"").unwrap();
        body.push(b"cde").unwrap();
        assert_eq!(kind(body.push(b"f")), TransportErrorKind::BodyTooLarge);
        assert_eq!(body.into_bytes(), b"abcde");
    }

    #[test]
    fn a_reader_is_read_no_further_than_one_byte_past_the_cap() {
        let map = |e: io::Error| TransportError::new(TransportErrorKind::Other, e);
        let new = || CappedBody::new(4, &http::Method::GET, &http::HeaderMap::new()).unwrap();
        assert_eq!(new().read_to_end(&b"abcd"[..], map).unwrap(), b"abcd");
        let mut endless = io::repeat(b'x');
        assert_eq!(
            kind(new().read_to_end(&mut endless, map)),
            TransportErrorKind::BodyTooLarge
        );
        let mut started = new();
        started.push(b"ab").unwrap();
        assert_eq!(
            kind(started.read_to_end(&b"cde"[..], map)),
            TransportErrorKind::BodyTooLarge
        );
        let failing = io::Error::from(io::ErrorKind::ConnectionReset);
        struct Failing(Option<io::Error>);
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(self.0.take().unwrap_or_else(|| io::Error::other("again")))
            }
        }
        assert_eq!(
            kind(new().read_to_end(Failing(Some(failing)), map)),
            TransportErrorKind::Other
        );
    }
}
