//! Who is asking: the demo's stand-in for a session.
//!
//! The page sends the name its user picked in the `X-Demo-User` header of every request, and the
//! app believes it. Anyone can claim any name: this is a demo. A real app takes the user from its
//! own session (a cookie, a token) and keeps everything else as it is here.

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use pusher::UserId;

/// The header carrying the user's name.
pub const USER_HEADER: &str = "x-demo-user";

/// The longest name, in characters.
pub const MAX_NAME_CHARS: usize = 32;

/// The rule for a name, in words (the page's input checks the same).
pub const NAME_RULE: &str = "1 to 32 characters of A-Z a-z 0-9 - _";

/// Whether `name` follows [`NAME_RULE`]: short, and safe in a channel name and in a page.
pub fn is_valid_name(name: &str) -> bool {
    (1..=MAX_NAME_CHARS).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The user a request comes from, taken from [`USER_HEADER`].
///
/// As an extractor it refuses a request without the header (`401`) or with a name that breaks
/// [`NAME_RULE`] (`400`), saying so in the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoUser(pub UserId);

impl DemoUser {
    /// The user named in `value`, the header's value.
    pub fn from_header(value: Option<&[u8]>) -> Result<Self, (StatusCode, String)> {
        let value = value.ok_or((
            StatusCode::UNAUTHORIZED,
            format!("no {USER_HEADER} header: pick a name on the page first"),
        ))?;
        let invalid = || {
            (
                StatusCode::BAD_REQUEST,
                format!("the {USER_HEADER} header must be {NAME_RULE}"),
            )
        };
        let name = std::str::from_utf8(value).map_err(|_| invalid())?;
        if !is_valid_name(name) {
            return Err(invalid());
        }
        name.parse().map(DemoUser).map_err(|_| invalid())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for DemoUser {
    type Rejection = (StatusCode, String);

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        DemoUser::from_header(parts.headers.get(USER_HEADER).map(|v| v.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_rule() {
        for good in ["ada", "Bob_2", "x", "a-b", &"n".repeat(MAX_NAME_CHARS)] {
            assert!(is_valid_name(good), "{good}");
        }
        for bad in ["", "a b", "a@b", "<b>", "é", &"n".repeat(MAX_NAME_CHARS + 1)] {
            assert!(!is_valid_name(bad), "{bad}");
        }
    }

    #[test]
    fn the_header_names_the_user_or_the_request_is_refused() {
        assert_eq!(
            DemoUser::from_header(Some(b"ada")).map(|u| u.0.into_string()),
            Ok("ada".to_owned())
        );
        let status = |value: Option<&[u8]>| DemoUser::from_header(value).map_err(|(status, _)| status);
        assert_eq!(status(None), Err(StatusCode::UNAUTHORIZED));
        assert_eq!(status(Some(b"a b")), Err(StatusCode::BAD_REQUEST));
        assert_eq!(status(Some(b"\xff")), Err(StatusCode::BAD_REQUEST));
    }
}
