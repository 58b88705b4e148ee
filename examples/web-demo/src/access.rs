//! Who may do what: the app's access decisions, in one place.
//!
//! Everyone may read the room (`presence-room`) and its end-to-end encrypted twin
//! (`private-encrypted-room`); each user has an inbox, `private-user-<name>`, that only they may
//! read and anyone may write to.

use pusher::UserId;

use crate::session;

/// The presence channel everyone joins: its members are who is here.
pub const ROOM: &str = "presence-room";

/// The end-to-end encrypted channel everyone may read: the app encrypts each message with a key
/// derived from its master key, pusher-js decrypts it, and the Pusher server never sees the text.
pub const ENCRYPTED_ROOM: &str = "private-encrypted-room";

/// What a user's inbox is named: this prefix, then the user's name.
pub const INBOX_PREFIX: &str = "private-user-";

/// Whether `user` may subscribe to `channel`: the room, the encrypted room and their own inbox.
pub fn may_subscribe(user: &UserId, channel: &str) -> bool {
    channel == ROOM || channel == ENCRYPTED_ROOM || channel.strip_prefix(INBOX_PREFIX) == Some(user.as_str())
}

/// Whether a message may be sent to `channel`: the room, the encrypted room or anyone's inbox.
pub fn may_send_to(channel: &str) -> bool {
    channel == ROOM
        || channel == ENCRYPTED_ROOM
        || channel
            .strip_prefix(INBOX_PREFIX)
            .is_some_and(session::is_valid_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str) -> UserId {
        name.parse().unwrap()
    }

    #[test]
    fn a_user_reads_the_rooms_and_only_their_own_inbox() {
        let ada = user("ada");
        assert!(may_subscribe(&ada, ROOM));
        assert!(may_subscribe(&ada, ENCRYPTED_ROOM));
        assert!(may_subscribe(&ada, "private-user-ada"));
        assert!(!may_subscribe(&ada, "private-user-bob"));
        assert!(!may_subscribe(&ada, "private-user-ada2"));
        assert!(!may_subscribe(&ada, "private-user-"));
        assert!(!may_subscribe(&ada, "presence-other"));
        assert!(!may_subscribe(&ada, "private-encrypted-other"));
    }

    #[test]
    fn messages_go_to_the_rooms_and_to_inboxes() {
        assert!(may_send_to(ROOM));
        assert!(may_send_to(ENCRYPTED_ROOM));
        assert!(may_send_to("private-user-bob"));
        assert!(!may_send_to("private-user-"));
        assert!(!may_send_to("private-user-b@b"));
        assert!(!may_send_to("presence-other"));
        assert!(!may_send_to("public"));
    }
}
