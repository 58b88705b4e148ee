//! The requests pusher-js sends to the app's auth endpoints, and their answers.
//!
//! pusher-js asks the channel-authorization endpoint with a form-encoded POST carrying
//! `socket_id` and `channel_name` (plus any parameters the page adds), and the
//! user-authentication endpoint with `socket_id`. [`ChannelAuthRequest::from_form`] and
//! [`UserAuthRequest::from_form`] read those bodies, validated; [`authorize`] and
//! [`authenticate`] answer them for the signed-in user, with exactly the JSON pusher-js expects.
//!
//! ```
//! use pusher_core::auth::{self, ChannelAuthRequest, UserData};
//! use pusher_core::Config;
//!
//! let config = Config::new("1", "key", "secret")?;
//! let user = UserData::new("ada".parse()?).user_info(&serde_json::json!({"name": "Ada"}))?;
//!
//! let request = ChannelAuthRequest::from_form(b"socket_id=123.456&channel_name=presence-room")?;
//! let answer = auth::authorize(&config, &request, &user)?;
//! assert_eq!(answer.channel_data.as_deref(), Some(r#"{"user_id":"ada","user_info":{"name":"Ada"}}"#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use super::{
    AuthError, ChannelAuthorization, UserAuthentication, UserData, authenticate_user, authorize_channel,
    authorize_presence_channel,
};
use crate::config::Config;
use crate::names::{ChannelKind, ChannelName, SocketId};

/// A channel-authorization request from pusher-js.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelAuthRequest {
    socket_id: SocketId,
    channel: ChannelName,
    params: Vec<(String, String)>,
}

impl ChannelAuthRequest {
    /// Reads the form-encoded body pusher-js posts: `socket_id`, `channel_name`, and the page's
    /// own parameters.
    ///
    /// # Errors
    ///
    /// [`AuthError::InvalidForm`] when the body is not a form, [`AuthError::MissingField`] when
    /// `socket_id` or `channel_name` is missing, [`AuthError::Invalid`] when either breaks its
    /// rule.
    pub fn from_form(body: &[u8]) -> Result<Self, AuthError> {
        let mut params = form_pairs(body)?;
        let socket_id = take(&mut params, "socket_id")?.try_into()?;
        let channel = take(&mut params, "channel_name")?.try_into()?;
        Ok(Self {
            socket_id,
            channel,
            params,
        })
    }

    /// The connection asking.
    pub fn socket_id(&self) -> &SocketId {
        &self.socket_id
    }

    /// The channel it wants to subscribe to.
    pub fn channel(&self) -> &ChannelName {
        &self.channel
    }

    /// A parameter the page added to the request (pusher-js's `channelAuthorization.params`).
    pub fn param(&self, name: &str) -> Option<&str> {
        param(&self.params, name)
    }
}

/// A user-authentication (sign-in) request from pusher-js.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserAuthRequest {
    socket_id: SocketId,
    params: Vec<(String, String)>,
}

impl UserAuthRequest {
    /// Reads the form-encoded body pusher-js posts: `socket_id` and the page's own parameters.
    ///
    /// # Errors
    ///
    /// As [`ChannelAuthRequest::from_form`].
    pub fn from_form(body: &[u8]) -> Result<Self, AuthError> {
        let mut params = form_pairs(body)?;
        let socket_id = take(&mut params, "socket_id")?.try_into()?;
        Ok(Self { socket_id, params })
    }

    /// The connection signing in.
    pub fn socket_id(&self) -> &SocketId {
        &self.socket_id
    }

    /// A parameter the page added to the request (pusher-js's `userAuthentication.params`).
    pub fn param(&self, name: &str) -> Option<&str> {
        param(&self.params, name)
    }
}

/// Answers a channel-authorization request for the signed-in `user`, by the channel's prefix:
/// `private-` is signed, `presence-` joins as `user` (its id and `user_info`), and
/// `private-encrypted-` carries the channel's `shared_secret`.
///
/// Whether `user` may subscribe to the channel at all is the app's decision, made before (see
/// [`Pusher::channel_auth_endpoint`](crate::Pusher::channel_auth_endpoint)).
///
/// # Errors
///
/// As [`authorize_channel`] and [`authorize_presence_channel`]: a public channel is not
/// authorizable, an encrypted one needs a master key.
pub fn authorize(
    config: &Config,
    request: &ChannelAuthRequest,
    user: &UserData,
) -> Result<ChannelAuthorization, AuthError> {
    match request.channel.kind() {
        ChannelKind::Presence => authorize_presence_channel(
            config,
            &request.socket_id,
            &request.channel,
            &user.presence_member(),
        ),
        _ => authorize_channel(config, &request.socket_id, &request.channel),
    }
}

/// Answers a user-authentication request: signs `user` in on the requesting connection.
///
/// # Errors
///
/// As [`authenticate_user`].
pub fn authenticate(
    config: &Config,
    request: &UserAuthRequest,
    user: &UserData,
) -> Result<UserAuthentication, AuthError> {
    authenticate_user(config, &request.socket_id, user)
}

/// Decodes an `application/x-www-form-urlencoded` body into its pairs.
fn form_pairs(body: &[u8]) -> Result<Vec<(String, String)>, AuthError> {
    let body = std::str::from_utf8(body).map_err(|_| AuthError::InvalidForm("not UTF-8"))?;
    body.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((decode(name)?, decode(value)?))
        })
        .collect()
}

/// One form component: `+` is a space, `%XX` a byte; the result must be UTF-8.
fn decode(component: &str) -> Result<String, AuthError> {
    let spaced = component.replace('+', " ");
    let bytes = spaced.as_bytes();
    let well_formed = bytes.iter().enumerate().all(|(i, &b)| {
        b != b'%'
            || bytes
                .get(i + 1..i + 3)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    });
    if !well_formed {
        return Err(AuthError::InvalidForm("a % is not followed by two hex digits"));
    }
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .map(|decoded| decoded.into_owned())
        .map_err(|_| AuthError::InvalidForm("a value is not UTF-8"))
}

/// Removes and returns the first value of `name`.
fn take(params: &mut Vec<(String, String)>, name: &'static str) -> Result<String, AuthError> {
    let at = params
        .iter()
        .position(|(n, _)| n == name)
        .ok_or(AuthError::MissingField(name))?;
    Ok(params.remove(at).1)
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, value)| value.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::ValueKind;

    fn config() -> Config {
        Config::builder("1", "key", "secret")
            .encryption_master_key_base64("MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=")
            .build()
            .unwrap()
    }

    fn ada() -> UserData {
        UserData::new("ada".parse().unwrap())
            .user_info(&serde_json::json!({"name": "Ada"}))
            .unwrap()
    }

    #[test]
    fn reads_what_pusher_js_sends() {
        let request =
            ChannelAuthRequest::from_form(b"socket_id=123.456&channel_name=private-a%40b&team=red+blue")
                .unwrap();
        assert_eq!(request.socket_id(), "123.456");
        assert_eq!(request.channel(), "private-a@b");
        assert_eq!(request.param("team"), Some("red blue"));
        assert_eq!(request.param("socket_id"), None);
        let request = UserAuthRequest::from_form(b"socket_id=1.2&x=").unwrap();
        assert_eq!(request.socket_id(), "1.2");
        assert_eq!(request.param("x"), Some(""));
    }

    #[test]
    fn bad_requests_say_what_is_wrong() {
        let cases: [(&[u8], &str); 6] = [
            (b"channel_name=private-a", "no socket_id"),
            (b"socket_id=1.2", "no channel_name"),
            (b"socket_id=1.2%ZZ&channel_name=private-a", "two hex digits"),
            (b"socket_id=1.2&channel_name=%FF", "not UTF-8"),
            (b"\xff", "not UTF-8"),
            (b"socket_id=1.2:evil&channel_name=private-a", "DIGITS.DIGITS"),
        ];
        for (body, expected) in cases {
            let e = ChannelAuthRequest::from_form(body).unwrap_err();
            assert!(e.to_string().contains(expected), "{body:?}: {e}");
        }
        let e = ChannelAuthRequest::from_form(b"socket_id=1.2&channel_name=a%20b").unwrap_err();
        assert!(
            matches!(e, AuthError::Invalid(ref v) if v.kind() == ValueKind::ChannelName),
            "{e}"
        );
    }

    #[test]
    fn each_kind_of_channel_gets_its_answer() {
        let answer = |channel: &str| {
            let body = format!("socket_id=1.2&channel_name={channel}");
            authorize(
                &config(),
                &ChannelAuthRequest::from_form(body.as_bytes()).unwrap(),
                &ada(),
            )
        };
        let private = answer("private-a").unwrap();
        assert!(private.channel_data.is_none() && private.shared_secret.is_none());
        let presence = answer("presence-a").unwrap();
        assert_eq!(
            presence.channel_data.as_deref(),
            Some(r#"{"user_id":"ada","user_info":{"name":"Ada"}}"#)
        );
        let encrypted = answer("private-encrypted-a").unwrap();
        assert!(encrypted.shared_secret.is_some());
        assert!(matches!(answer("public-a"), Err(AuthError::NotAuthorizable(_))));
    }

    #[test]
    fn a_sign_in_is_the_users_data_signed() {
        let request = UserAuthRequest::from_form(b"socket_id=1.2").unwrap();
        let answer = authenticate(&config(), &request, &ada()).unwrap();
        assert_eq!(answer.user_data, r#"{"id":"ada","user_info":{"name":"Ada"}}"#);
        assert!(answer.auth.starts_with("key:"));
    }
}
