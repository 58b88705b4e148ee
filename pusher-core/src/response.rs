//! Turning an `http::Response` into a typed result or a [`ResponseError`] (PROTOCOL §5).

use serde::de::DeserializeOwned;

use crate::error::ResponseError;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ResponseErrorKind;

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
}
