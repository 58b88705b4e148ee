//! Validated names and ids (PROTOCOL §4): each is checked once, when it is made, against its rule
//! in [`limits`].
//!
//! ```
//! use pusher_core::{ChannelName, SocketId};
//!
//! let channel: ChannelName = "private-orders".parse()?;
//! assert!(channel.is_private());
//! assert!("1.1:evil".parse::<SocketId>().is_err());
//! # Ok::<(), pusher_core::ValidationError>(())
//! ```

use std::fmt;
use std::str::FromStr;

use crate::limits::{self, SERVER_TO_USER_PREFIX};
use crate::quote::quote;

/// `Ok` when `value` passes `rule`, else the error naming the value and the rule.
pub(crate) fn check(
    kind: ValueKind,
    value: &str,
    passes: fn(&str) -> bool,
    rule: &'static str,
) -> Result<(), ValidationError> {
    if passes(value) {
        Ok(())
    } else {
        Err(ValidationError::new(kind, value, rule))
    }
}

/// Implements the conversions and trait impls every validated string type shares.
macro_rules! validated_string {
    ($name:ident, $kind:expr, $passes:path, $rule:expr) => {
        impl $name {
            /// The validated string.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Unwraps the validated string.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = ValidationError;
            fn try_from(value: String) -> Result<Self, ValidationError> {
                check($kind, &value, $passes, $rule)?;
                Ok(Self(value))
            }
        }

        impl TryFrom<&str> for $name {
            type Error = ValidationError;
            fn try_from(value: &str) -> Result<Self, ValidationError> {
                check($kind, value, $passes, $rule)?;
                Ok(Self(value.to_owned()))
            }
        }

        impl FromStr for $name {
            type Err = ValidationError;
            fn from_str(value: &str) -> Result<Self, ValidationError> {
                Self::try_from(value)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                Self::try_from(value).map_err(serde::de::Error::custom)
            }
        }
    };
}

/// What a channel's name makes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChannelKind {
    /// Anyone may subscribe.
    Public,
    /// `private-`: subscriptions need a channel authorization.
    Private,
    /// `presence-`: authorized, and members are visible.
    Presence,
    /// `private-encrypted-`: authorized and end-to-end encrypted.
    PrivateEncrypted,
    /// `#server-to-user-{id}`: one signed-in user's connections.
    ServerToUser,
}

/// A channel name: 1 to 200 characters of `A-Z a-z 0-9 - _ = @ , . ;`, or `#server-to-user-{user_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChannelName(String);

validated_string!(
    ChannelName,
    ValueKind::ChannelName,
    limits::is_channel_name,
    limits::CHANNEL_NAME_RULE
);

impl ChannelName {
    /// The channel that reaches `user`'s signed-in connections: `#server-to-user-{id}`.
    pub fn server_to_user(user: &UserId) -> Self {
        Self(format!("{SERVER_TO_USER_PREFIX}{user}"))
    }

    /// What the name makes the channel.
    pub fn kind(&self) -> ChannelKind {
        let name = self.0.as_str();
        if name.starts_with("private-encrypted-") {
            ChannelKind::PrivateEncrypted
        } else if name.starts_with("private-") {
            ChannelKind::Private
        } else if name.starts_with("presence-") {
            ChannelKind::Presence
        } else if name.starts_with(SERVER_TO_USER_PREFIX) {
            ChannelKind::ServerToUser
        } else {
            ChannelKind::Public
        }
    }

    /// `private-` or `private-encrypted-`.
    pub fn is_private(&self) -> bool {
        matches!(self.kind(), ChannelKind::Private | ChannelKind::PrivateEncrypted)
    }

    /// `presence-`.
    pub fn is_presence(&self) -> bool {
        self.kind() == ChannelKind::Presence
    }

    /// `private-encrypted-`: data is end-to-end encrypted.
    pub fn is_encrypted(&self) -> bool {
        self.kind() == ChannelKind::PrivateEncrypted
    }
}

/// An event name: 1 to 200 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventName(String);

validated_string!(
    EventName,
    ValueKind::EventName,
    limits::is_event_name,
    limits::EVENT_NAME_RULE
);

/// A connection's socket id: `DIGITS.DIGITS` and nothing else.
///
/// The rule guards the auth strings, which join the socket id and the channel with `:`, against
/// injection: `1.1:evil`, `1.1\n` and ` 1.1` are all refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SocketId(String);

validated_string!(
    SocketId,
    ValueKind::SocketId,
    limits::is_socket_id,
    limits::SOCKET_ID_RULE
);

/// A user id: 1 to 200 characters of `A-Z a-z 0-9 - _ = @ , . ;`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(String);

validated_string!(
    UserId,
    ValueKind::UserId,
    limits::is_user_id,
    limits::USER_ID_RULE
);

/// What kind of value a [`ValidationError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValueKind {
    /// A channel name.
    ChannelName,
    /// An event name.
    EventName,
    /// A socket id.
    SocketId,
    /// A user id.
    UserId,
    /// A push notification interest.
    Interest,
}

impl fmt::Display for ValueKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValueKind::ChannelName => "channel name",
            ValueKind::EventName => "event name",
            ValueKind::SocketId => "socket id",
            ValueKind::UserId => "user id",
            ValueKind::Interest => "interest",
        })
    }
}

/// A value that breaks the rule for its kind (PROTOCOL §4).
///
/// The message names the value (truncated when long) and the rule broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind} {}: {rule}", quote(value))]
pub struct ValidationError {
    kind: ValueKind,
    value: String,
    rule: &'static str,
}

impl ValidationError {
    pub(crate) fn new(kind: ValueKind, value: &str, rule: &'static str) -> Self {
        Self {
            kind,
            value: value.to_owned(),
            rule,
        }
    }

    /// What kind of value was refused.
    pub fn kind(&self) -> ValueKind {
        self.kind
    }

    /// The refused value, in full.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The rule the value breaks, in words.
    pub fn rule(&self) -> &'static str {
        self.rule
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_names() {
        let long = "a".repeat(200);
        for good in [
            "a",
            "-azAZ9_=@,.;",
            "private-x",
            long.as_str(),
            "#server-to-user-42",
        ] {
            assert!(ChannelName::try_from(good).is_ok(), "{good}");
        }
        let too_long = "a".repeat(201);
        for bad in [
            "",
            too_long.as_str(),
            "a b",
            "a:b",
            "a/b",
            "é",
            "#other",
            "#server-to-user-",
            "#server-to-user-a b",
            "a\n",
        ] {
            let e = ChannelName::try_from(bad).unwrap_err();
            assert_eq!(e.kind(), ValueKind::ChannelName);
            assert_eq!(e.value(), bad);
            assert!(e.to_string().contains("A-Z a-z 0-9"), "{e}");
        }
    }

    #[test]
    fn channel_kinds() {
        let kind = |s: &str| ChannelName::try_from(s).unwrap().kind();
        assert_eq!(kind("news"), ChannelKind::Public);
        assert_eq!(kind("private-a"), ChannelKind::Private);
        assert_eq!(kind("presence-a"), ChannelKind::Presence);
        assert_eq!(kind("private-encrypted-a"), ChannelKind::PrivateEncrypted);
        assert_eq!(kind("#server-to-user-a"), ChannelKind::ServerToUser);
        let user = UserId::try_from("u1").unwrap();
        assert_eq!(ChannelName::server_to_user(&user), "#server-to-user-u1");
    }

    #[test]
    fn event_names() {
        let max = "é".repeat(200);
        assert!(EventName::try_from(max.as_str()).is_ok());
        assert!(EventName::try_from("my event: anything goes").is_ok());
        for bad in [String::new(), "é".repeat(201)] {
            let e = EventName::try_from(bad.as_str()).unwrap_err();
            assert_eq!(e.kind(), ValueKind::EventName);
            assert!(e.to_string().contains("1 to 200 characters"), "{e}");
        }
    }

    #[test]
    fn socket_ids_block_injection() {
        for good in ["1.1", "123456.7890123", "0.0"] {
            assert!(SocketId::try_from(good).is_ok(), "{good}");
        }
        for bad in [
            "1.1:evil", "1.1\n", " 1.1", "1.1 ", ":1.1", "1", "1.", ".1", "1.1.1", "a.1", "1.a", "", "1,1",
            "١.١",
        ] {
            let e = SocketId::try_from(bad).unwrap_err();
            assert_eq!(e.kind(), ValueKind::SocketId);
            assert!(e.to_string().contains("DIGITS.DIGITS"), "{e}");
        }
    }

    #[test]
    fn user_ids() {
        let long = "u".repeat(200);
        assert!(UserId::try_from(long.as_str()).is_ok());
        for bad in ["", "a b", "a:b", "#x", &"u".repeat(201)] {
            let e = UserId::try_from(bad).unwrap_err();
            assert_eq!(e.kind(), ValueKind::UserId);
        }
    }

    #[test]
    fn long_values_are_truncated_in_messages() {
        let bad = format!("{} {}", "a".repeat(500), "TAIL");
        let e = ChannelName::try_from(bad.as_str()).unwrap_err().to_string();
        assert!(!e.contains("TAIL"), "{e}");
        assert!(e.contains("505 bytes"), "{e}");
    }

    #[test]
    fn serde_validates() {
        let ok: ChannelName = serde_json::from_str("\"private-a\"").unwrap();
        assert_eq!(serde_json::to_string(&ok).unwrap(), "\"private-a\"");
        assert!(serde_json::from_str::<SocketId>("\"1.1:x\"").is_err());
    }
}
