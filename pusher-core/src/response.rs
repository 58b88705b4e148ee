//! Turning an `http::Response` into a typed result or a [`ResponseError`] (PROTOCOL §5).

use std::borrow::Cow;
use std::fmt;

use http::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::quote::{excerpt, quote_at_most};

/// The most bytes of a server's text an error shows, in its `Display` and its `Debug`: enough to
/// read a server's whole explanation (the emulator's account of a bad signature names the string
/// it expected to be signed).
const SHOWN_TEXT_LIMIT: usize = 500;

/// Parses a success's JSON body into `T`; any other status becomes a [`ResponseError`] that keeps
/// the status and the raw body.
///
/// Every call answers with a JSON object, so anything else (an array, a number) is an
/// [`InvalidBody`](ResponseErrorKind::InvalidBody). An empty success body reads as `{}`: some
/// servers answer a trigger with no body at all. A success body that is a refusal (an object with
/// a string `error` and an integer `code` of 400 or more, as soketi answers) is the refusal its
/// code names: see [`ResponseError::code_in_body`].
pub fn parse_json<T: DeserializeOwned>(response: http::Response<Vec<u8>>) -> Result<T, ResponseError> {
    let status = response.status();
    let body = response.into_body();
    if !status.is_success() {
        return Err(ResponseError::from_status(status, body));
    }
    let object = if body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        match serde_json::from_slice::<Map<String, Value>>(&body) {
            Ok(object) => object,
            Err(e) => return Err(ResponseError::invalid_body(status, body, e)),
        }
    };
    if let Some(refusal) = RefusalInBody::read(&object, status) {
        return Err(ResponseError::refused_in_body(refusal, body));
    }
    serde_json::from_value(Value::Object(object)).map_err(|e| ResponseError::invalid_body(status, body, e))
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
        Self::from_code(status.as_u16().into())
    }

    /// The kind a refusal's code names, whether it came as the HTTP status or in a success body.
    fn from_code(code: u64) -> Self {
        match code {
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

/// A refusal a server sent in the body of a success: `{"error": MESSAGE, "code": CODE}`.
#[derive(Debug)]
struct RefusalInBody {
    /// The status of the answer (a success).
    http_status: StatusCode,
    /// The code in the body, 400 or more.
    code: u64,
    /// The server's message.
    message: String,
}

impl RefusalInBody {
    /// The refusal `object` holds: a string `error` and an integer `code` of 400 or more.
    fn read(object: &Map<String, Value>, http_status: StatusCode) -> Option<Self> {
        let message = object.get("error")?.as_str()?;
        let code = object.get("code")?.as_u64().filter(|code| *code >= 400)?;
        Some(Self {
            http_status,
            code,
            message: message.to_owned(),
        })
    }
}

/// The server refused a call, or answered with a body the call cannot read.
///
/// Keeps the status and the raw body: error bodies are often plain text. Some servers (soketi)
/// refuse with a success status and the refusal in the body, `{"error": .., "code": 401}`: that is
/// the same refusal, with the same [`kind`](Self::kind) and [`status`](Self::status), and
/// [`code_in_body`](Self::code_in_body) says it came that way.
///
/// `Display` names the kind and the status and shows the server's text (its first few hundred
/// bytes); `Debug` shows the body as text too, never as bytes.
pub struct ResponseError {
    kind: ResponseErrorKind,
    status: StatusCode,
    in_body: Option<RefusalInBody>,
    body: Vec<u8>,
    source: Option<serde_json::Error>,
}

impl ResponseError {
    /// An error for a status that is not a success.
    pub fn from_status(status: StatusCode, body: Vec<u8>) -> Self {
        Self {
            kind: ResponseErrorKind::from_status(status),
            status,
            in_body: None,
            body,
            source: None,
        }
    }

    /// An error for a success whose body does not parse.
    pub fn invalid_body(status: StatusCode, body: Vec<u8>, source: serde_json::Error) -> Self {
        Self {
            kind: ResponseErrorKind::InvalidBody,
            status,
            in_body: None,
            body,
            source: Some(source),
        }
    }

    /// An error for a success whose body is a refusal.
    fn refused_in_body(refusal: RefusalInBody, body: Vec<u8>) -> Self {
        // A code above 999 is no HTTP status: the status stays the answer's own.
        let status = u16::try_from(refusal.code)
            .ok()
            .and_then(|code| StatusCode::from_u16(code).ok())
            .unwrap_or(refusal.http_status);
        Self {
            kind: ResponseErrorKind::from_code(refusal.code),
            status,
            in_body: Some(refusal),
            body,
            source: None,
        }
    }

    /// How the call was refused.
    pub fn kind(&self) -> ResponseErrorKind {
        self.kind
    }

    /// The status of the refusal: the HTTP status of the response, or, for a refusal that came in
    /// a success body, the code in that body (when it is an HTTP status: 999 or less).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The HTTP status the response came with: a success when the refusal came in its body.
    pub fn http_status(&self) -> StatusCode {
        self.in_body
            .as_ref()
            .map_or(self.status, |refusal| refusal.http_status)
    }

    /// The code of a refusal that came in the body of a success (`{"error": .., "code": 401}`),
    /// `None` for any other error.
    pub fn code_in_body(&self) -> Option<u64> {
        self.in_body.as_ref().map(|refusal| refusal.code)
    }

    /// The raw body of the response.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// Takes the raw body out of the error.
    pub fn into_body(self) -> Vec<u8> {
        self.body
    }
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match &self.in_body {
            Some(refusal) => {
                write!(
                    f,
                    "{} (code {} in the body of an HTTP {} answer)",
                    self.kind, refusal.code, refusal.http_status
                )?;
                Cow::Borrowed(refusal.message.as_str())
            }
            None => {
                write!(f, "{} (HTTP {})", self.kind, self.status)?;
                self.body_text()
            }
        };
        let text = excerpt(&text, SHOWN_TEXT_LIMIT);
        if text.is_empty() {
            f.write_str(", with an empty body")
        } else {
            write!(f, ": {text}")
        }
    }
}

impl fmt::Debug for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("ResponseError");
        debug.field("kind", &self.kind).field("status", &self.status);
        if let Some(refusal) = &self.in_body {
            debug
                .field("http_status", &refusal.http_status)
                .field("code_in_body", &refusal.code);
        }
        debug
            .field(
                "body",
                &format_args!("{}", quote_at_most(&self.body_text(), SHOWN_TEXT_LIMIT)),
            )
            .field("source", &self.source)
            .finish()
    }
}

impl std::error::Error for ResponseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|e| e as _)
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

    /// Statuses, each with the kind it names: every one PROTOCOL §5 lists, and some it does not.
    const KINDS: [(u16, ResponseErrorKind); 11] = [
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

    /// Like most answers: every field defaulted, so that any object reads.
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Lenient {
        #[serde(default)]
        occupied: bool,
    }

    #[test]
    fn success_parses_and_202_counts() {
        let v: Occupied = parse_json(response(200, r#"{"occupied":true,"extra":1}"#)).unwrap();
        assert!(v.occupied);
        let v: Occupied = parse_json(response(202, r#"{"occupied":false}"#)).unwrap();
        assert!(!v.occupied);
        let v: Lenient = parse_json(response(200, " \n")).unwrap();
        assert_eq!(v, Lenient { occupied: false });
    }

    #[test]
    fn refusals_keep_status_and_text_body() {
        let e = parse_json::<Occupied>(response(401, "Invalid signature: you should have sent")).unwrap_err();
        assert_eq!(e.kind(), ResponseErrorKind::Unauthorized);
        assert_eq!(e.status(), 401);
        assert_eq!(e.http_status(), 401);
        assert_eq!(e.code_in_body(), None);
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
    fn a_success_body_that_is_not_an_object_is_an_error_even_when_every_field_has_a_default() {
        for body in ["[]", "[true]", "1", "\"text\"", "null", "true"] {
            let e = parse_json::<Lenient>(response(200, body)).unwrap_err();
            assert_eq!(e.kind(), ResponseErrorKind::InvalidBody, "{body:?}");
            assert_eq!(e.status(), 200);
            assert_eq!(e.body(), body.as_bytes());
            assert!(std::error::Error::source(&e).is_some(), "{body:?}");
        }
    }

    #[test]
    fn a_refusal_in_a_success_body_is_the_refusal_its_code_names() {
        for (code, kind) in KINDS.into_iter().filter(|(code, _)| *code >= 400) {
            for status in [200, 202] {
                let body = format!(r#"{{"error":"The secret authentication failed","code":{code}}}"#);
                let e = parse_json::<Lenient>(response(status, &body)).unwrap_err();
                assert_eq!(e.kind(), kind, "{code}");
                assert_eq!(e.status(), code, "{code}");
                assert_eq!(e.http_status(), status);
                assert_eq!(e.code_in_body(), Some(u64::from(code)));
                assert_eq!(e.body(), body.as_bytes());
                assert!(std::error::Error::source(&e).is_none());
                let shown = e.to_string();
                let http = StatusCode::from_u16(status).unwrap();
                assert_eq!(
                    shown,
                    format!(
                        "{kind} (code {code} in the body of an HTTP {http} answer): The secret authentication failed"
                    )
                );
            }
        }
    }

    #[test]
    fn a_refusal_code_that_is_no_http_status_is_still_a_refusal() {
        let e = parse_json::<Lenient>(response(200, r#"{"error":"over quota","code":4004}"#)).unwrap_err();
        assert_eq!(e.kind(), ResponseErrorKind::UnexpectedStatus);
        assert_eq!(e.code_in_body(), Some(4004));
        assert_eq!(e.status(), 200);
        assert!(
            e.to_string()
                .contains("code 4004 in the body of an HTTP 200 OK answer"),
            "{e}"
        );
    }

    #[test]
    fn a_success_body_that_is_not_quite_a_refusal_reads_as_the_answer() {
        for body in [
            r#"{"error":"no code"}"#,
            r#"{"code":401}"#,
            r#"{"error":"below 400","code":399}"#,
            r#"{"error":"ok","code":200}"#,
            r#"{"error":"a float","code":401.0}"#,
            r#"{"error":"a fraction","code":401.5}"#,
            r#"{"error":"negative","code":-401}"#,
            r#"{"error":"a string","code":"401"}"#,
            r#"{"error":{"message":"not a string"},"code":401}"#,
            r#"{"error":null,"code":401}"#,
        ] {
            let v = parse_json::<Lenient>(response(200, body));
            assert_eq!(v.unwrap(), Lenient { occupied: false }, "{body}");
        }
    }

    #[test]
    fn every_status_maps_to_its_kind() {
        for (code, kind) in KINDS {
            let status = StatusCode::from_u16(code).unwrap();
            let e = ResponseError::from_status(status, b"text body".to_vec());
            assert_eq!(e.kind(), kind, "{code}");
            assert_eq!(e.status(), status);
            assert_eq!(e.body(), b"text body");
            assert!(e.to_string().contains("text body"), "{e}");
        }
    }

    #[test]
    fn display_keeps_a_long_explanation_and_says_when_it_cuts() {
        // The emulator's account of a bad signature: about 300 bytes, all of it needed.
        let explanation = format!(
            "Invalid signature: expected the lowercase hex HMAC-SHA256 of \"POST\\n/apps/1/events\\n\
             auth_key=key&auth_timestamp=1700000000&auth_version=1.0&body_md5={}\" under the app's \
             secret, got \"{}\"\n",
            "0".repeat(32),
            "f".repeat(64)
        );
        let e = parse_json::<Lenient>(response(401, &explanation)).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "authentication failed (HTTP 401 Unauthorized): {}",
                explanation.trim()
            )
        );
        let long = "x".repeat(2000);
        let e = parse_json::<Lenient>(response(500, &long)).unwrap_err();
        let shown = e.to_string();
        assert!(shown.contains(&"x".repeat(SHOWN_TEXT_LIMIT)), "{shown}");
        assert!(!shown.contains(&"x".repeat(SHOWN_TEXT_LIMIT + 1)), "{shown}");
        assert!(shown.ends_with("... (2000 bytes)"), "{shown}");
        let e = parse_json::<Lenient>(response(502, "")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "server error (HTTP 502 Bad Gateway), with an empty body"
        );
    }

    #[test]
    fn debug_shows_the_body_as_text_never_as_bytes() {
        let e = parse_json::<Lenient>(response(401, "Invalid signature\n")).unwrap_err();
        assert_eq!(
            format!("{e:?}"),
            r#"ResponseError { kind: Unauthorized, status: 401, body: "Invalid signature\n", source: None }"#
        );
        let body = r#"{"error":"The secret authentication failed","code":401}"#;
        let e = parse_json::<Lenient>(response(200, body)).unwrap_err();
        let debug = format!("{e:?}");
        assert!(
            debug.starts_with(
                "ResponseError { kind: Unauthorized, status: 401, http_status: 200, code_in_body: 401, body: "
            ),
            "{debug}"
        );
        assert!(debug.contains(r#"The secret authentication failed"#), "{debug}");
        let mut bytes = vec![0xff; 3];
        bytes.extend_from_slice("é".repeat(1000).as_bytes());
        let e = ResponseError::from_status(StatusCode::BAD_GATEWAY, bytes);
        let debug = format!("{e:?}");
        assert!(debug.contains("\u{fffd}\u{fffd}\u{fffd}éé"), "{debug}");
        assert!(debug.contains("... (2009 bytes)"), "{debug}");
        assert!(debug.len() < SHOWN_TEXT_LIMIT + 200, "{debug}");
        assert!(!debug.contains("[255"), "{debug}");
    }
}
