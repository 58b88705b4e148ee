//! Turning an `http::Response` into a typed result or a [`ResponseError`] (PROTOCOL §5).

use serde::de::DeserializeOwned;

use std::fmt;

use http::StatusCode;

use crate::quote::quote;

/// Parses a success's JSON body into `T`; any other status becomes a [`ResponseError`] that keeps
/// the status and the raw body.
///
/// An empty success body reads as `{}`: some servers answer a trigger with no body at all.
pub fn parse_json<T: DeserializeOwned>(response: http::Response<Vec<u8>>) -> Result<T, ResponseError> {
    let status = response.status();
    let body = response.into_body();
    if !status.is_success() {
        return Err(ResponseError::from_status(status, body));
    }
    let json: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        &body
    };
    serde_json::from_slice(json).map_err(|e| ResponseError::invalid_body(status, body, e))
}

/// How a server refused a call, by HTTP status (PROTOCOL §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResponseErrorKind {
    /// 400: the request is malformed; the body usually explains.
    BadRequest,
    /// 401: authentication failed (wrong key or secret, stale timestamp).
    Unauthorized,
    /// 403: the app is disabled or over quota.
    Forbidden,
    /// 404: the app or resource does not exist.
    NotFound,
    /// 413: the payload is too large.
    PayloadTooLarge,
    /// 429: rate limited.
    TooManyRequests,
    /// 5xx: the server failed.
    ServerError,
    /// Any other status that is not a success.
    UnexpectedStatus,
    /// A success status whose body is not the JSON the call expects.
    InvalidBody,
}

impl ResponseErrorKind {
    /// The kind for a status that is not a success.
    pub fn from_status(status: StatusCode) -> Self {
        match status.as_u16() {
            400 => Self::BadRequest,
            401 => Self::Unauthorized,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            413 => Self::PayloadTooLarge,
            429 => Self::TooManyRequests,
            500..=599 => Self::ServerError,
            _ => Self::UnexpectedStatus,
        }
    }
}

impl fmt::Display for ResponseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::BadRequest => "bad request",
            Self::Unauthorized => "authentication failed",
            Self::Forbidden => "forbidden (app disabled or over quota)",
            Self::NotFound => "not found",
            Self::PayloadTooLarge => "payload too large",
            Self::TooManyRequests => "rate limited",
            Self::ServerError => "server error",
            Self::UnexpectedStatus => "unexpected status",
            Self::InvalidBody => "response body is not the expected JSON",
        })
    }
}

/// The server refused a call, or answered with a body the call cannot read.
///
/// Keeps the status and the raw body: error bodies are often plain text.
#[derive(Debug, thiserror::Error)]
#[error("{kind} (HTTP {status}): {}", quote(&String::from_utf8_lossy(body)))]
pub struct ResponseError {
    kind: ResponseErrorKind,
    status: StatusCode,
    body: Vec<u8>,
    #[source]
    source: Option<serde_json::Error>,
}

impl ResponseError {
    /// An error for a status that is not a success.
    pub fn from_status(status: StatusCode, body: Vec<u8>) -> Self {
        Self {
            kind: ResponseErrorKind::from_status(status),
            status,
            body,
            source: None,
        }
    }

    /// An error for a success whose body does not parse.
    pub fn invalid_body(status: StatusCode, body: Vec<u8>, source: serde_json::Error) -> Self {
        Self {
            kind: ResponseErrorKind::InvalidBody,
            status,
            body,
            source: Some(source),
        }
    }

    /// How the call was refused.
    pub fn kind(&self) -> ResponseErrorKind {
        self.kind
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The raw body of the response.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// Takes the raw body out of the error.
    pub fn into_body(self) -> Vec<u8> {
        self.body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str) -> http::Response<Vec<u8>> {
        http::Response::builder()
            .status(status)
            .body(body.as_bytes().to_vec())
            .unwrap()
    }

    #[derive(serde::Deserialize, Debug)]
    struct Occupied {
        occupied: bool,
    }

    #[test]
    fn success_parses_and_202_counts() {
        let v: Occupied = parse_json(response(200, r#"{"occupied":true,"extra":1}"#)).unwrap();
        assert!(v.occupied);
        let v: Occupied = parse_json(response(202, r#"{"occupied":false}"#)).unwrap();
        assert!(!v.occupied);
    }

    #[test]
    fn refusals_keep_status_and_text_body() {
        let e = parse_json::<Occupied>(response(401, "Invalid signature: you should have sent")).unwrap_err();
        assert_eq!(e.kind(), ResponseErrorKind::Unauthorized);
        assert_eq!(e.status(), 401);
        assert_eq!(e.body_text(), "Invalid signature: you should have sent");
    }

    #[test]
    fn unexpected_success_bodies_are_errors() {
        for body in ["not json", "[]", r#"{"occupied":"yes"}"#, "", "\u{0}"] {
            let e = parse_json::<Occupied>(response(200, body)).unwrap_err();
            assert_eq!(e.kind(), ResponseErrorKind::InvalidBody, "{body:?}");
            assert_eq!(e.body(), body.as_bytes());
            assert!(std::error::Error::source(&e).is_some());
        }
    }

    #[test]
    fn every_status_maps_to_its_kind() {
        let cases = [
            (400, ResponseErrorKind::BadRequest),
            (401, ResponseErrorKind::Unauthorized),
            (403, ResponseErrorKind::Forbidden),
            (404, ResponseErrorKind::NotFound),
            (413, ResponseErrorKind::PayloadTooLarge),
            (429, ResponseErrorKind::TooManyRequests),
            (500, ResponseErrorKind::ServerError),
            (503, ResponseErrorKind::ServerError),
            (599, ResponseErrorKind::ServerError),
            (302, ResponseErrorKind::UnexpectedStatus),
            (418, ResponseErrorKind::UnexpectedStatus),
        ];
        for (code, kind) in cases {
            let status = StatusCode::from_u16(code).unwrap();
            let e = ResponseError::from_status(status, b"text body".to_vec());
            assert_eq!(e.kind(), kind, "{code}");
            assert_eq!(e.status(), status);
            assert_eq!(e.body(), b"text body");
            assert!(e.to_string().contains("text body"), "{e}");
        }
    }
}
