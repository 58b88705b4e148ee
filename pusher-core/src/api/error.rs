//! What refuses a call before any request is built.

use crate::names::ValidationError;
use crate::sources::RandomError;

/// A call refused before any request was built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// A name or id breaks its rule.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// A trigger names no channel.
    #[error("a trigger must name at least one channel")]
    NoChannels,
    /// A trigger names more channels than one request may carry.
    #[error("too many channels: {count}, at most {max} per trigger")]
    TooManyChannels {
        /// How many channels were named.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// An event of a batch is invalid.
    #[error("event {index} of the batch: {error}")]
    InBatch {
        /// The event's index in the batch, from 0.
        index: usize,
        /// What is wrong with it.
        error: Box<RequestError>,
    },
    /// A batch holds no event.
    #[error("a batch must hold at least one event")]
    NoEvents,
    /// A batch holds more events than one request may carry.
    #[error("too many events: {count}, at most {max} per batch")]
    TooManyEvents {
        /// How many events the batch holds.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// An event's data, as it would be sent (after encryption), exceeds the configured ceiling.
    #[error("event data for channel {channel} is {size} bytes as sent, more than the limit of {max}")]
    PayloadTooLarge {
        /// The channel the data was for.
        channel: String,
        /// The size of `data` as it would be sent.
        size: usize,
        /// The configured ceiling.
        max: usize,
    },
    /// A trigger names an end-to-end encrypted channel together with other channels.
    #[error(
        "channel {channel} is end-to-end encrypted and must be the only channel of its trigger ({count} named)"
    )]
    EncryptedChannelNotAlone {
        /// The encrypted channel.
        channel: String,
        /// How many channels the trigger named.
        count: usize,
    },
    /// An encrypted channel was named but no encryption master key is configured.
    #[error("channel {channel} is end-to-end encrypted but no encryption master key is configured")]
    NoMasterKey {
        /// The encrypted channel.
        channel: String,
    },
    /// The nonce source failed.
    #[error("could not get a random nonce for encryption")]
    Random(#[source] RandomError),
    /// Event data or a notification could not be serialized to JSON.
    #[error("could not serialize to JSON")]
    Serialize(#[source] serde_json::Error),
    /// A push notification has no interest, or more than allowed.
    #[error("a notification must name 1 to {max} interests, not {count}")]
    InterestCount {
        /// How many interests were named.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A push notification has no platform payload.
    #[error("a notification needs at least one of apns, gcm or fcm")]
    NoPlatform,
    /// The configured host and the path do not make a valid URI.
    #[error("could not build the request URI")]
    Uri(#[source] http::Error),
}
