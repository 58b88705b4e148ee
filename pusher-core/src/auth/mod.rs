//! Channel authorization (PROTOCOL §6) and user authentication (PROTOCOL §7).
//!
//! No request is made: these are values the app's auth endpoint returns to its browser client,
//! which serialize (serde) to exactly the JSON the client expects. The endpoints pusher-js calls
//! are answered in one call from the request body it sends: [`ChannelAuthRequest`] and
//! [`authorize`], [`UserAuthRequest`] and [`authenticate`] (or, on a client,
//! [`Pusher::channel_auth_endpoint`](crate::Pusher::channel_auth_endpoint) and
//! [`Pusher::user_auth_endpoint`](crate::Pusher::user_auth_endpoint)).
//!
//! ```
//! use pusher_core::auth::{authorize_presence_channel, PresenceMember};
//! use pusher_core::Config;
//!
//! let config = Config::new("1", "278d425bdf160c739803", "7ad3773142a6692b25b8")?;
//! let member = PresenceMember::new("10".parse()?).user_info(&serde_json::json!({"name": "Mr. Pusher"}))?;
//! let auth = authorize_presence_channel(&config, &"1234.1234".parse()?, &"presence-foobar".parse()?, &member)?;
//! assert_eq!(auth.channel_data.as_deref(), Some(r#"{"user_id":"10","user_info":{"name":"Mr. Pusher"}}"#));
//! let json = serde_json::to_string(&auth)?; // {"auth":"278d…:48da…","channel_data":"{…}"}
//! # assert!(json.starts_with(r#"{"auth":"278d425bdf160c739803:48dac51d"#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::config::Config;
use crate::encryption::shared_secret_base64;
use crate::names::{ChannelKind, ChannelName, SocketId, UserId, ValidationError};
use crate::quote::quote;
use crate::signing::hmac_sha256_hex;

mod endpoint;

pub use endpoint::{ChannelAuthRequest, UserAuthRequest, authenticate, authorize};

/// What the browser client needs to subscribe to a private, presence or encrypted channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChannelAuthorization {
    /// `KEY:SIGNATURE`.
    pub auth: String,
    /// Presence channels: the exact JSON string that was signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_data: Option<String>,
    /// Encrypted channels: the channel's key, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_secret: Option<String>,
}

/// What the browser client needs to sign a user in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserAuthentication {
    /// `KEY:SIGNATURE`.
    pub auth: String,
    /// The exact JSON string that was signed.
    pub user_data: String,
}

/// `SOCKET_ID:CHANNEL` or, for presence, `SOCKET_ID:CHANNEL:CHANNEL_DATA`.
pub fn channel_string_to_sign(
    socket_id: &SocketId,
    channel: &ChannelName,
    channel_data: Option<&str>,
) -> String {
    match channel_data {
        Some(data) => format!("{socket_id}:{channel}:{data}"),
        None => format!("{socket_id}:{channel}"),
    }
}

/// `SOCKET_ID::user::USER_DATA`.
pub fn user_string_to_sign(socket_id: &SocketId, user_data: &str) -> String {
    format!("{socket_id}::user::{user_data}")
}

fn auth_value(config: &Config, string_to_sign: &str) -> String {
    format!(
        "{}:{}",
        config.key(),
        hmac_sha256_hex(config.secret().as_bytes(), string_to_sign.as_bytes())
    )
}

/// Authorizes a subscription to a `private-` or `private-encrypted-` channel.
///
/// For an encrypted channel the result carries the channel's `shared_secret` (a master key must be
/// configured). Presence channels need [`authorize_presence_channel`]; other channels are refused.
pub fn authorize_channel(
    config: &Config,
    socket_id: &SocketId,
    channel: &ChannelName,
) -> Result<ChannelAuthorization, AuthError> {
    let shared_secret = match channel.kind() {
        ChannelKind::Private => None,
        ChannelKind::PrivateEncrypted => {
            let key = config
                .master_key()
                .ok_or_else(|| AuthError::NoMasterKey(channel.to_string()))?;
            Some(shared_secret_base64(channel.as_str(), key))
        }
        ChannelKind::Presence => {
            return Err(AuthError::WrongChannelType {
                channel: channel.to_string(),
                presence: true,
            });
        }
        _ => return Err(AuthError::NotAuthorizable(channel.to_string())),
    };
    Ok(ChannelAuthorization {
        auth: auth_value(config, &channel_string_to_sign(socket_id, channel, None)),
        channel_data: None,
        shared_secret,
    })
}

/// A member of a presence channel: the user id and optional public information about the user.
#[derive(Debug, Clone, Serialize)]
pub struct PresenceMember {
    user_id: UserId,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_info: Option<Box<RawValue>>,
}

impl PresenceMember {
    /// A member with no `user_info`.
    pub fn new(user_id: UserId) -> Self {
        Self {
            user_id,
            user_info: None,
        }
    }

    /// Adds `user_info`, serialized once, its JSON kept exactly. A value that serializes to
    /// `null` (such as `&()`) adds none.
    pub fn user_info<T: Serialize + ?Sized>(mut self, info: &T) -> Result<Self, AuthError> {
        self.user_info = user_info(info)?;
        Ok(self)
    }

    /// The user id.
    pub fn user_id(&self) -> &UserId {
        &self.user_id
    }
}

/// `info` serialized once, its JSON kept exactly; `None` when it is `null`.
fn user_info<T: Serialize + ?Sized>(info: &T) -> Result<Option<Box<RawValue>>, AuthError> {
    let raw = serde_json::value::to_raw_value(info).map_err(AuthError::Serialize)?;
    Ok((raw.get() != "null").then_some(raw))
}

/// Authorizes a subscription to a `presence-` channel as `member`.
///
/// `channel_data` is `{"user_id": .., "user_info": ..}`, the exact string signed and returned.
pub fn authorize_presence_channel(
    config: &Config,
    socket_id: &SocketId,
    channel: &ChannelName,
    member: &PresenceMember,
) -> Result<ChannelAuthorization, AuthError> {
    match channel.kind() {
        ChannelKind::Presence => {}
        ChannelKind::Private | ChannelKind::PrivateEncrypted => {
            return Err(AuthError::WrongChannelType {
                channel: channel.to_string(),
                presence: false,
            });
        }
        _ => return Err(AuthError::NotAuthorizable(channel.to_string())),
    }
    let channel_data = serde_json::to_string(member).map_err(AuthError::Serialize)?;
    Ok(ChannelAuthorization {
        auth: auth_value(
            config,
            &channel_string_to_sign(socket_id, channel, Some(&channel_data)),
        ),
        channel_data: Some(channel_data),
        shared_secret: None,
    })
}

/// The user data of a sign-in: an id, optional public information and an optional watchlist.
#[derive(Debug, Clone, Serialize)]
pub struct UserData {
    id: UserId,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_info: Option<Box<RawValue>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    watchlist: Vec<UserId>,
}

impl UserData {
    /// A user with only an id.
    pub fn new(id: UserId) -> Self {
        Self {
            id,
            user_info: None,
            watchlist: Vec::new(),
        }
    }

    /// Adds `user_info`, serialized once. A value that serializes to `null` adds none.
    pub fn user_info<T: Serialize + ?Sized>(mut self, info: &T) -> Result<Self, AuthError> {
        self.user_info = user_info(info)?;
        Ok(self)
    }

    /// The user id.
    pub fn id(&self) -> &UserId {
        &self.id
    }

    /// The user as a presence channel member: the same id and `user_info`.
    pub fn presence_member(&self) -> PresenceMember {
        PresenceMember {
            user_id: self.id.clone(),
            user_info: self.user_info.clone(),
        }
    }

    /// Adds users whose online status this user watches.
    pub fn watchlist(mut self, users: impl IntoIterator<Item = UserId>) -> Self {
        self.watchlist.extend(users);
        self
    }
}

/// Authenticates a user sign-in. `user_data` serializes to a JSON object whose `id` is a valid
/// user id ([`UserData`] does; so does any serializable value of that shape).
pub fn authenticate_user<T: Serialize + ?Sized>(
    config: &Config,
    socket_id: &SocketId,
    user_data: &T,
) -> Result<UserAuthentication, AuthError> {
    let user_data = serde_json::to_string(user_data).map_err(AuthError::Serialize)?;
    // An object, read as a map: a struct would also accept the array form `["id"]`.
    let object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&user_data).map_err(|_| AuthError::InvalidUserData)?;
    let id = match object.get("id") {
        Some(serde_json::Value::String(id)) if !id.is_empty() => id.as_str(),
        _ => return Err(AuthError::InvalidUserData),
    };
    UserId::try_from(id)?;
    Ok(UserAuthentication {
        auth: auth_value(config, &user_string_to_sign(socket_id, &user_data)),
        user_data,
    })
}

/// A channel authorization or user authentication that cannot be produced.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// A name or id breaks its rule.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// The channel is not one that needs authorization (`private-`, `presence-`, `private-encrypted-`).
    #[error(
        "channel {} cannot be authorized: only private-, presence- and private-encrypted- channels are",
        quote(.0)
    )]
    NotAuthorizable(String),
    /// A presence channel was authorized without member data, or member data given for another channel.
    #[error("channel {} {}", quote(.channel), if *.presence { "is a presence channel: use authorize_presence_channel" } else { "is not a presence channel: use authorize_channel" })]
    WrongChannelType {
        /// The channel.
        channel: String,
        /// Whether the channel is a presence channel.
        presence: bool,
    },
    /// An encrypted channel was authorized but no encryption master key is configured.
    #[error("channel {} is end-to-end encrypted but no encryption master key is configured", quote(.0))]
    NoMasterKey(String),
    /// The user or member data could not be serialized to JSON.
    #[error("could not serialize user data to JSON")]
    Serialize(#[source] serde_json::Error),
    /// User data is not a JSON object with a non-empty string `id`.
    #[error("user data must be a JSON object with a non-empty string \"id\"")]
    InvalidUserData,
    /// An auth endpoint's request body is not a form (`application/x-www-form-urlencoded`).
    #[error("the auth request body is not a form: {0}")]
    InvalidForm(&'static str),
    /// An auth endpoint's request lacks a field pusher-js always sends.
    #[error("the auth request has no {0}")]
    MissingField(&'static str),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::new("1", "key", "secret").unwrap()
    }

    fn sid() -> SocketId {
        "1.2".parse().unwrap()
    }

    #[test]
    fn public_and_server_to_user_channels_are_refused() {
        for name in ["public", "#server-to-user-1"] {
            let e = authorize_channel(&config(), &sid(), &name.parse().unwrap()).unwrap_err();
            assert!(matches!(e, AuthError::NotAuthorizable(_)), "{e}");
            assert!(e.to_string().contains(name), "{e}");
            let member = PresenceMember::new("u".parse().unwrap());
            let e =
                authorize_presence_channel(&config(), &sid(), &name.parse().unwrap(), &member).unwrap_err();
            assert!(matches!(e, AuthError::NotAuthorizable(_)), "{e}");
        }
    }

    #[test]
    fn presence_needs_the_presence_call_and_back() {
        let e = authorize_channel(&config(), &sid(), &"presence-a".parse().unwrap()).unwrap_err();
        assert!(
            matches!(e, AuthError::WrongChannelType { presence: true, .. }),
            "{e}"
        );
        let member = PresenceMember::new("u".parse().unwrap());
        let e = authorize_presence_channel(&config(), &sid(), &"private-a".parse().unwrap(), &member)
            .unwrap_err();
        assert!(
            matches!(e, AuthError::WrongChannelType { presence: false, .. }),
            "{e}"
        );
    }

    #[test]
    fn encrypted_channel_needs_a_master_key() {
        let e = authorize_channel(&config(), &sid(), &"private-encrypted-a".parse().unwrap()).unwrap_err();
        assert!(matches!(e, AuthError::NoMasterKey(_)), "{e}");
    }

    #[test]
    fn private_authorization_json_has_only_auth() {
        let auth = authorize_channel(&config(), &sid(), &"private-a".parse().unwrap()).unwrap();
        let json = serde_json::to_value(&auth).unwrap();
        assert_eq!(json.as_object().unwrap().len(), 1, "{json}");
        assert!(auth.auth.starts_with("key:"));
    }

    #[test]
    fn presence_without_info_omits_it() {
        let member = PresenceMember::new("u1".parse().unwrap());
        let auth =
            authorize_presence_channel(&config(), &sid(), &"presence-a".parse().unwrap(), &member).unwrap();
        assert_eq!(auth.channel_data.as_deref(), Some(r#"{"user_id":"u1"}"#));
    }

    #[test]
    fn user_data_must_have_a_valid_string_id() {
        for bad in [
            serde_json::json!({"name": "x"}),
            serde_json::json!({"id": 5}),
            serde_json::json!({"id": ""}),
            serde_json::json!(["id"]),
            serde_json::json!("id"),
        ] {
            let e = authenticate_user(&config(), &sid(), &bad).unwrap_err();
            assert!(matches!(e, AuthError::InvalidUserData), "{bad}: {e}");
        }
        let e = authenticate_user(&config(), &sid(), &serde_json::json!({"id": "a b"})).unwrap_err();
        assert!(matches!(e, AuthError::Invalid(_)), "{e}");
    }

    #[test]
    fn user_data_builder_serializes_in_order() {
        let user = UserData::new("7".parse().unwrap())
            .user_info(&serde_json::json!({"name": "Ann"}))
            .unwrap()
            .watchlist(["8".parse().unwrap()]);
        let auth = authenticate_user(&config(), &sid(), &user).unwrap();
        assert_eq!(
            auth.user_data,
            r#"{"id":"7","user_info":{"name":"Ann"},"watchlist":["8"]}"#
        );
        let expected = hmac_sha256_hex(b"secret", format!("1.2::user::{}", auth.user_data).as_bytes());
        assert_eq!(auth.auth, format!("key:{expected}"));
    }
}
