//! Error types, one per concern.
//!
//! - [`ConfigError`]: credentials, hosts, URLs and keys that cannot make a [`Config`](crate::Config).
//! - [`ValidationError`]: a channel name, event name, socket id or user id that breaks its rule.
//! - [`RequestError`]: a call refused before any request is built (limits, encryption, serialization).
//! - [`ResponseError`]: the server refused, or answered with a body that is not what the call expects.
//! - [`TransportError`]: the HTTP client could not complete the exchange (raised by adapters).
//! - [`Error`]: what a call through the generic client returns, one of the three above.
//! - [`AuthError`]: a channel authorization or user authentication that cannot be produced.
//! - [`WebhookError`]: a webhook that does not verify or parse.
//!
//! No error message ever contains the app secret or the encryption master key.

use std::fmt;

use http::StatusCode;

/// The longest excerpt of an offending value quoted in an error message.
const QUOTE_LIMIT: usize = 64;

/// Quotes a caller's value for an error message, truncated (on a character boundary) when long.
pub(crate) fn quote(value: &str) -> String {
    if value.len() <= QUOTE_LIMIT {
        return format!("{value:?}");
    }
    let mut end = QUOTE_LIMIT;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    format!("{:?}... ({} bytes)", &value[..end], value.len())
}

/// A configuration that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The app id is empty or holds something other than decimal digits.
    #[error("invalid app id {0}: must be one or more decimal digits")]
    InvalidAppId(String),
    /// The key is empty.
    #[error("invalid key: must not be empty")]
    EmptyKey,
    /// The secret is empty.
    #[error("invalid secret: must not be empty")]
    EmptySecret,
    /// A host name is empty or holds characters that cannot appear in a URL authority.
    #[error("invalid host {0}: must be a non-empty host name without scheme, path, user info or spaces")]
    InvalidHost(String),
    /// A cluster name is empty or holds characters other than ASCII letters, digits and `-`.
    #[error("invalid cluster {0}: must be ASCII letters, digits and '-'")]
    InvalidCluster(String),
    /// A `PUSHER_URL`-style URL that does not parse. The message never contains the secret.
    #[error("invalid Pusher URL: {reason} (expected http[s]://KEY:SECRET@HOST[:PORT]/apps/APP_ID)")]
    InvalidUrl {
        /// What is wrong with the URL.
        reason: String,
    },
    /// The encryption master key is not base64 or does not decode to exactly 32 bytes.
    #[error("invalid encryption master key: {reason}")]
    InvalidMasterKey {
        /// What is wrong (never the key itself).
        reason: String,
    },
    /// The maximum payload size is zero.
    #[error("invalid maximum payload size 0: must be at least 1 byte")]
    ZeroPayloadLimit,
}

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

/// The source of randomness failed.
#[derive(Debug, Clone, thiserror::Error)]
#[error("random source failed: {0}")]
pub struct RandomError(pub String);

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

/// What kind of failure a [`TransportError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be made (refused, DNS, TLS handshake).
    Connect,
    /// The request or connection timed out.
    Timeout,
    /// The response body exceeded the configured cap.
    BodyTooLarge,
    /// The exchange failed otherwise (reset, malformed HTTP, ...).
    Other,
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "connection failed",
            Self::Timeout => "timed out",
            Self::BodyTooLarge => "response body too large",
            Self::Other => "HTTP exchange failed",
        })
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The source of [`TransportError::body_too_large`].
#[derive(Debug, thiserror::Error)]
#[error("response body exceeds the limit of {limit} bytes")]
struct BodyTooLarge {
    limit: usize,
}

/// The HTTP client could not complete the exchange. Raised by HTTP client adapters.
///
/// The underlying error is kept as the [`source`](std::error::Error::source).
#[derive(Debug, thiserror::Error)]
#[error("{kind}")]
pub struct TransportError {
    kind: TransportErrorKind,
    #[source]
    source: Option<BoxError>,
}

impl TransportError {
    /// A transport error of `kind` caused by `source`.
    pub fn new(kind: TransportErrorKind, source: impl Into<BoxError>) -> Self {
        Self {
            kind,
            source: Some(source.into()),
        }
    }

    /// A transport error of `kind` with no underlying error.
    pub fn from_kind(kind: TransportErrorKind) -> Self {
        Self { kind, source: None }
    }

    /// A [`BodyTooLarge`](TransportErrorKind::BodyTooLarge) error: the response body is over
    /// `limit` bytes, the cap of [`HttpOptions::max_response_body`](crate::HttpOptions). Its
    /// source says "response body exceeds the limit of {limit} bytes".
    pub fn body_too_large(limit: usize) -> Self {
        Self::new(TransportErrorKind::BodyTooLarge, BodyTooLarge { limit })
    }

    /// The kind of failure.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether the failure was a timeout.
    pub fn is_timeout(&self) -> bool {
        self.kind == TransportErrorKind::Timeout
    }
}

/// What a call through the generic client returns on failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The call was refused before a request was built.
    #[error(transparent)]
    Request(#[from] RequestError),
    /// The HTTP exchange failed.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The server refused, or answered with an unreadable body.
    #[error(transparent)]
    Response(#[from] ResponseError),
}

impl From<ValidationError> for Error {
    fn from(error: ValidationError) -> Self {
        Error::Request(RequestError::Invalid(error))
    }
}

impl Error {
    /// The response error, when the server refused the call.
    pub fn as_response(&self) -> Option<&ResponseError> {
        match self {
            Error::Response(e) => Some(e),
            _ => None,
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        self.as_response().map(ResponseError::status)
    }
}

/// A client that cannot be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The HTTP client could not be made.
    #[error("could not build the HTTP client")]
    Http(#[source] TransportError),
    /// An environment variable is not set, or not UTF-8.
    #[error("environment variable {0} is not set (or not UTF-8)")]
    MissingEnv(&'static str),
    /// No clock or nonce source was given on a platform that has no default.
    #[error("no {0} was given and this platform has no default")]
    NoDefaultSource(&'static str),
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
}

/// A webhook that does not verify or does not parse.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// A required header is missing or not valid text.
    #[error("missing or unreadable header {0}")]
    MissingHeader(&'static str),
    /// The `X-Pusher-Key` header names no configured key.
    #[error("webhook key {} is not a configured key", quote(.0))]
    UnknownKey(String),
    /// The `X-Pusher-Signature` header is not 64 hex digits.
    #[error("webhook signature is not 64 hex digits")]
    MalformedSignature,
    /// The signature does not match the body.
    #[error("webhook signature does not match the body")]
    SignatureMismatch,
    /// The body is not the expected JSON.
    #[error("webhook body is not the expected JSON")]
    InvalidBody(#[source] serde_json::Error),
    /// The webhook's `time_ms` is outside the accepted window around now.
    #[error("webhook time_ms {time_ms} is {age_ms} ms from now, outside the accepted {window_ms} ms")]
    Stale {
        /// The webhook's timestamp (Unix milliseconds).
        time_ms: u64,
        /// How far it is from now, in milliseconds.
        age_ms: u64,
        /// The accepted window, in milliseconds.
        window_ms: u64,
    },
    /// The data of an encrypted channel's event could not be decrypted.
    #[error("could not decrypt the data of an event on channel {}", quote(.channel))]
    Decrypt {
        /// The channel.
        channel: String,
        /// Why.
        #[source]
        source: DecryptError,
    },
}

/// Encrypted data that cannot be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecryptError {
    /// No encryption master key is configured.
    #[error("no encryption master key is configured")]
    NoMasterKey,
    /// The data is not the `{"nonce", "ciphertext"}` envelope.
    #[error("data is not an encrypted envelope {{\"nonce\", \"ciphertext\"}} of base64 strings")]
    InvalidEnvelope,
    /// The nonce is not 24 bytes.
    #[error("nonce is {0} bytes, not 24")]
    InvalidNonce(usize),
    /// Authentication failed: wrong key, wrong channel or tampered data.
    #[error("ciphertext does not open with this channel's key")]
    Open,
    /// The plaintext is not UTF-8.
    #[error("plaintext is not UTF-8")]
    NotUtf8,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_too_large_names_the_limit() {
        use std::error::Error as _;
        let error = TransportError::body_too_large(1024);
        assert_eq!(error.kind(), TransportErrorKind::BodyTooLarge);
        assert_eq!(error.to_string(), "response body too large");
        assert_eq!(
            error.source().map(ToString::to_string).as_deref(),
            Some("response body exceeds the limit of 1024 bytes")
        );
    }

    #[test]
    fn quote_truncates_on_a_char_boundary() {
        let long = "é".repeat(100);
        let q = quote(&long);
        assert!(q.len() < 100, "{q}");
        assert!(q.ends_with("(200 bytes)"), "{q}");
        assert_eq!(quote("abc"), "\"abc\"");
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
