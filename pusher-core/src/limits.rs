//! Every limit the protocol sets on what a request may carry (PROTOCOL §4), in one place: the
//! core checks them before a request is built, and `pusher-emulator` refuses what breaks them.
//!
//! ```
//! use pusher_core::limits;
//!
//! assert!(limits::is_socket_id("123.456"));
//! assert!(!limits::is_socket_id("123.456:evil"));
//! assert_eq!(limits::MAX_BATCH_EVENTS, 10);
//! ```

/// The most channels one trigger may name.
pub const MAX_TRIGGER_CHANNELS: usize = 100;

/// The most events one batch may hold on multi-tenant clusters: the default of
/// [`ConfigBuilder::max_batch_events`](crate::ConfigBuilder::max_batch_events).
pub const MAX_BATCH_EVENTS: usize = 10;

/// The longest channel name, event name or user id, in characters.
pub const MAX_NAME_LEN: usize = 200;

/// The default ceiling on an event's `data` as sent (after encryption): 10 KB. Dedicated clusters
/// allow more: see [`ConfigBuilder::max_payload_bytes`](crate::ConfigBuilder::max_payload_bytes).
pub const DEFAULT_MAX_PAYLOAD_BYTES: usize = 10_240;

/// The most interests one push notification may name (PROTOCOL §10).
pub const MAX_INTERESTS: usize = 10;

/// The longest push notification interest, in characters (PROTOCOL §10).
pub const MAX_INTEREST_LEN: usize = 164;

/// The rule for a channel name, in words.
pub const CHANNEL_NAME_RULE: &str = "must be 1 to 200 characters of A-Z a-z 0-9 - _ = @ , . ; \
    (only #server-to-user-USER_ID may start with #)";

/// The rule for an event name, in words.
pub const EVENT_NAME_RULE: &str = "must be 1 to 200 characters";

/// The rule for a socket id, in words.
pub const SOCKET_ID_RULE: &str = "must be DIGITS.DIGITS and nothing else";

/// The rule for a user id, in words.
pub const USER_ID_RULE: &str = "must be 1 to 200 characters of A-Z a-z 0-9 - _ = @ , . ;";

/// The rule for a push notification interest, in words.
pub const INTEREST_RULE: &str = "must be 1 to 164 characters of A-Z a-z 0-9 - _ = @ , . ;";

/// The prefix of the channel that reaches one user's connections: `#server-to-user-{user_id}`.
pub const SERVER_TO_USER_PREFIX: &str = "#server-to-user-";

/// Whether `b` may appear in a channel name, a user id or an interest:
/// `A-Z a-z 0-9 - _ = @ , . ;`.
pub fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'=' | b'@' | b',' | b'.' | b';')
}

/// 1 to `max` bytes, every one a [name byte](is_name_byte) (all ASCII, so bytes are characters).
fn is_name(s: &str, max: usize) -> bool {
    (1..=max).contains(&s.len()) && s.bytes().all(is_name_byte)
}

/// Whether `s` is a valid channel name: 1 to 200 name characters, or `#server-to-user-` followed
/// by a valid user id.
pub fn is_channel_name(s: &str) -> bool {
    match s.strip_prefix(SERVER_TO_USER_PREFIX) {
        Some(user) => is_user_id(user),
        None => is_name(s, MAX_NAME_LEN),
    }
}

/// Whether `s` is a valid event name: 1 to 200 characters, any characters (a multi-byte
/// character counts once).
pub fn is_event_name(s: &str) -> bool {
    !s.is_empty() && s.chars().count() <= MAX_NAME_LEN
}

/// Whether `s` is a valid socket id: `DIGITS.DIGITS` and nothing else. The rule guards the auth
/// strings, which join the socket id and the channel with `:`, against injection.
pub fn is_socket_id(s: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    s.split_once('.').is_some_and(|(a, b)| digits(a) && digits(b))
}

/// Whether `s` is a valid user id: 1 to 200 name characters.
pub fn is_user_id(s: &str) -> bool {
    is_name(s, MAX_NAME_LEN)
}

/// Whether `s` is a valid push notification interest: 1 to 164 name characters.
pub fn is_interest(s: &str) -> bool {
    is_name(s, MAX_INTEREST_LEN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_accepts_its_limit_and_refuses_one_more() {
        let at = |n: usize| "a".repeat(n);
        assert!(is_channel_name(&at(MAX_NAME_LEN)) && !is_channel_name(&at(MAX_NAME_LEN + 1)));
        assert!(is_user_id(&at(MAX_NAME_LEN)) && !is_user_id(&at(MAX_NAME_LEN + 1)));
        assert!(is_interest(&at(MAX_INTEREST_LEN)) && !is_interest(&at(MAX_INTEREST_LEN + 1)));
        let chars = |n: usize| "é".repeat(n);
        assert!(is_event_name(&chars(MAX_NAME_LEN)) && !is_event_name(&chars(MAX_NAME_LEN + 1)));
        for empty_is_refused in [
            is_channel_name,
            is_event_name,
            is_socket_id,
            is_user_id,
            is_interest,
        ] {
            assert!(!empty_is_refused(""));
        }
    }

    #[test]
    fn server_to_user_channels_carry_a_valid_user_id() {
        assert!(is_channel_name("#server-to-user-42"));
        assert!(!is_channel_name("#server-to-user-"));
        assert!(!is_channel_name("#server-to-user-a b"));
        assert!(!is_channel_name("#other"));
    }
}
