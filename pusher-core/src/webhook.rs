//! Verifying and parsing the webhooks Pusher sends to the app (PROTOCOL §8).
//!
//! ```
//! use std::time::Duration;
//! use pusher_core::webhook::{WebhookEvent, WebhookVerifier};
//! use pusher_core::Config;
//!
//! let config = Config::new("1", "key", "thisisasecret")?;
//! let body = br#"{"time_ms":1530710011901,"events":[{"name":"client_event","channel":"private-my-channel","event":"client-event","data":"Unencrypted","socket_id":"240621.35780774"}]}"#;
//! let now = Duration::from_millis(1530710011901 + 1000); // the caller supplies "now"
//! let webhook = WebhookVerifier::new(&config).verify(
//!     Some("key"),
//!     Some("a19cab2af3ca1029257570395e78d5d675e9e700ca676d18a375a7083178df1c"),
//!     body,
//!     now,
//! )?;
//! assert!(matches!(&webhook.events[0], WebhookEvent::ClientEvent { data, .. } if data == "Unencrypted"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::time::Duration;

use serde::Deserialize;
use subtle::ConstantTimeEq;

use crate::config::{Config, MasterKey, Secret};
use crate::encryption;
use crate::encryption::DecryptError;
use crate::quote::quote;
use crate::signing::hmac_sha256;

/// The header naming the app key the webhook was signed for.
pub const KEY_HEADER: &str = "x-pusher-key";

/// The header carrying the hex HMAC-SHA256 of the body.
pub const SIGNATURE_HEADER: &str = "x-pusher-signature";

/// The default accepted distance between a webhook's `time_ms` and now: 5 minutes.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(300);

/// Checks webhooks against the configured key(s) and secret(s), and the clock.
///
/// # Replays
///
/// Verifying remembers nothing: a correctly signed webhook sent again while its `time_ms` is
/// within the accepted window ([`max_age`](Self::max_age), 5 minutes by default) verifies again.
/// To reject a replay, remember each verified webhook by its `time_ms` and its signature until it
/// is out of the window, and refuse one already seen. Key by the signature as verified: trimmed
/// and lower-cased, since the verifier accepts hex in either case. Every process that receives
/// the webhooks must share what was seen (a database or a cache with expiry, keyed the same way);
/// within one process a set does:
///
/// ```
/// use std::collections::HashSet;
/// use std::time::Duration;
/// use pusher_core::webhook::{DEFAULT_MAX_AGE, Webhook, WebhookVerifier};
/// use pusher_core::Config;
///
/// /// The webhooks verified and still within the window, by `time_ms` and signature.
/// #[derive(Default)]
/// struct Seen(HashSet<(u64, String)>);
///
/// impl Seen {
///     /// Whether `webhook` (verified, with `signature`) comes for the first time. Forgets what is
///     /// out of the window (the verifier's `max_age`): the verifier refuses it as stale from then on.
///     fn first_time(&mut self, webhook: &Webhook, signature: &str, now: Duration) -> bool {
///         self.0.retain(|(time_ms, _)| Duration::from_millis(*time_ms) + DEFAULT_MAX_AGE >= now);
///         self.0.insert((webhook.time_ms, signature.trim().to_ascii_lowercase()))
///     }
/// }
///
/// let verifier = WebhookVerifier::new(&Config::new("1", "key", "secret")?);
/// let body = br#"{"time_ms":1700000000000,"events":[]}"#;
/// let signature = pusher_core::signing::hmac_sha256_hex(b"secret", body);
/// let mut seen = Seen::default();
/// let mut receive = |signature: &str, now_ms: u64| -> Result<bool, Box<dyn std::error::Error>> {
///     let now = Duration::from_millis(now_ms);
///     let webhook = verifier.verify(Some("key"), Some(signature), body, now)?;
///     Ok(seen.first_time(&webhook, signature, now))
/// };
/// assert!(receive(&signature, 1_700_000_001_000)?);
/// // The same webhook again, its signature in upper case or not: verified, and a replay.
/// assert!(!receive(&signature, 1_700_000_002_000)?);
/// assert!(!receive(&signature.to_uppercase(), 1_700_000_003_000)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct WebhookVerifier {
    credentials: Vec<(String, Secret)>,
    master_key: Option<MasterKey>,
    max_age: Duration,
}

impl WebhookVerifier {
    /// Verifies with `config`'s key, secret and master key, accepting webhooks up to 5 minutes
    /// from now.
    pub fn new(config: &Config) -> Self {
        Self {
            credentials: vec![(config.key().to_owned(), Secret::new(config.secret()))],
            master_key: config.master_key().cloned(),
            max_age: DEFAULT_MAX_AGE,
        }
    }

    /// Also accepts webhooks signed with this key and secret (e.g. while rotating credentials).
    pub fn additional_credentials(mut self, key: impl Into<String>, secret: impl Into<String>) -> Self {
        self.credentials.push((key.into(), Secret::new(secret.into())));
        self
    }

    /// Accepts webhooks whose `time_ms` is at most `max_age` from now (either way).
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// Verifies the headers of an `http` request or header map, and the raw body.
    pub fn verify_headers(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
        now: Duration,
    ) -> Result<Webhook, WebhookError> {
        let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
        self.verify(header(KEY_HEADER), header(SIGNATURE_HEADER), body, now)
    }

    /// Verifies `X-Pusher-Key`, `X-Pusher-Signature` and the raw body, then parses it.
    ///
    /// `now` is the time since the Unix epoch; the signature is compared in constant time.
    pub fn verify(
        &self,
        key: Option<&str>,
        signature: Option<&str>,
        body: &[u8],
        now: Duration,
    ) -> Result<Webhook, WebhookError> {
        let key = key.ok_or(WebhookError::MissingHeader("X-Pusher-Key"))?;
        let signature = signature.ok_or(WebhookError::MissingHeader("X-Pusher-Signature"))?;
        let mut expected = [0u8; 32];
        hex::decode_to_slice(signature.trim(), &mut expected)
            .map_err(|_| WebhookError::MalformedSignature)?;
        let mut known_key = false;
        let mut matched = false;
        for (k, secret) in &self.credentials {
            if k == key {
                known_key = true;
                let actual = hmac_sha256(secret.expose().as_bytes(), body);
                matched |= bool::from(actual.ct_eq(&expected));
            }
        }
        if !known_key {
            return Err(WebhookError::UnknownKey(key.to_owned()));
        }
        if !matched {
            return Err(WebhookError::SignatureMismatch);
        }
        let webhook = self.parse(body)?;
        let now_ms = u64::try_from(now.as_millis()).unwrap_or(u64::MAX);
        let age_ms = now_ms.abs_diff(webhook.time_ms);
        let window_ms = u64::try_from(self.max_age.as_millis()).unwrap_or(u64::MAX);
        if age_ms > window_ms {
            return Err(WebhookError::Stale {
                time_ms: webhook.time_ms,
                age_ms,
                window_ms,
            });
        }
        Ok(webhook)
    }

    /// Parses a body without verifying it: for bodies verified elsewhere.
    ///
    /// Encrypted channels' data is decrypted when a master key is configured.
    pub fn parse(&self, body: &[u8]) -> Result<Webhook, WebhookError> {
        #[derive(Deserialize)]
        struct Body {
            time_ms: u64,
            events: Vec<serde_json::Value>,
        }
        let body: Body = serde_json::from_slice(body).map_err(WebhookError::InvalidBody)?;
        let events = body
            .events
            .into_iter()
            .map(|raw| self.event(raw))
            .collect::<Result<_, _>>()?;
        Ok(Webhook {
            time_ms: body.time_ms,
            events,
        })
    }

    fn event(&self, raw: serde_json::Value) -> Result<WebhookEvent, WebhookError> {
        #[derive(Deserialize)]
        struct Fields {
            name: String,
            channel: Option<String>,
            event: Option<String>,
            data: Option<serde_json::Value>,
            socket_id: Option<String>,
            user_id: Option<String>,
            subscription_count: Option<u64>,
        }
        let fields: Fields = match serde_json::from_value(raw.clone()) {
            Ok(fields) => fields,
            // An event we cannot read field by field is kept whole, like any unknown event.
            Err(_) => return Ok(WebhookEvent::Unknown { raw }),
        };
        let (channel, user_id) = (fields.channel, fields.user_id);
        let event = match (fields.name.as_str(), channel) {
            ("channel_occupied", Some(channel)) => WebhookEvent::ChannelOccupied { channel },
            ("channel_vacated", Some(channel)) => WebhookEvent::ChannelVacated { channel },
            ("cache_miss", Some(channel)) => WebhookEvent::CacheMiss { channel },
            ("member_added", Some(channel)) if user_id.is_some() => WebhookEvent::MemberAdded {
                channel,
                user_id: user_id.unwrap_or_default(),
            },
            ("member_removed", Some(channel)) if user_id.is_some() => WebhookEvent::MemberRemoved {
                channel,
                user_id: user_id.unwrap_or_default(),
            },
            ("subscription_count", Some(channel)) if fields.subscription_count.is_some() => {
                WebhookEvent::SubscriptionCount {
                    channel,
                    subscription_count: fields.subscription_count.unwrap_or_default(),
                }
            }
            ("client_event", Some(channel)) if fields.event.is_some() => {
                // Pusher sends the data as a string; some servers (soketi) relay a client's JSON value as
                // it is: keep it as its JSON text rather than lose the event.
                let data = match fields.data {
                    Some(serde_json::Value::String(data)) => data,
                    Some(other) => other.to_string(),
                    None => String::new(),
                };
                let data = match &self.master_key {
                    Some(key) if channel.starts_with("private-encrypted-") => {
                        encryption::decrypt(&channel, key, &data).map_err(|source| WebhookError::Decrypt {
                            channel: channel.clone(),
                            source,
                        })?
                    }
                    _ => data,
                };
                WebhookEvent::ClientEvent {
                    channel,
                    event: fields.event.unwrap_or_default(),
                    data,
                    socket_id: fields.socket_id,
                    user_id,
                }
            }
            _ => WebhookEvent::Unknown { raw },
        };
        Ok(event)
    }
}

/// A verified webhook.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Webhook {
    /// When Pusher sent it, in Unix milliseconds.
    pub time_ms: u64,
    /// The events, in order.
    pub events: Vec<WebhookEvent>,
}

/// One event of a webhook.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum WebhookEvent {
    /// A channel gained its first subscriber.
    ChannelOccupied {
        /// The channel.
        channel: String,
    },
    /// A channel lost its last subscriber.
    ChannelVacated {
        /// The channel.
        channel: String,
    },
    /// A user joined a presence channel.
    MemberAdded {
        /// The channel.
        channel: String,
        /// The user.
        user_id: String,
    },
    /// A user left a presence channel.
    MemberRemoved {
        /// The channel.
        channel: String,
        /// The user.
        user_id: String,
    },
    /// A client sent an event on a private or presence channel.
    ClientEvent {
        /// The channel.
        channel: String,
        /// The client event's name (`client-…`).
        event: String,
        /// The data; decrypted for encrypted channels when a master key is configured. Data a
        /// server sent as a JSON value rather than a string is its JSON text.
        data: String,
        /// The sender's socket id.
        socket_id: Option<String>,
        /// The sender's user id, on presence channels.
        user_id: Option<String>,
    },
    /// A subscription to a cache channel found no cached event.
    CacheMiss {
        /// The channel.
        channel: String,
    },
    /// A channel's subscription count changed.
    SubscriptionCount {
        /// The channel.
        channel: String,
        /// Subscribed connections.
        subscription_count: u64,
    },
    /// An event this library does not know, kept as the raw JSON.
    Unknown {
        /// The event's JSON object.
        raw: serde_json::Value,
    },
}

impl WebhookEvent {
    /// The event's name on the wire: `channel_occupied`, `member_added`, `client_event`, ...
    /// (for an unknown event, its own `name`, if it has one).
    pub fn name(&self) -> &str {
        match self {
            Self::ChannelOccupied { .. } => "channel_occupied",
            Self::ChannelVacated { .. } => "channel_vacated",
            Self::MemberAdded { .. } => "member_added",
            Self::MemberRemoved { .. } => "member_removed",
            Self::ClientEvent { .. } => "client_event",
            Self::CacheMiss { .. } => "cache_miss",
            Self::SubscriptionCount { .. } => "subscription_count",
            Self::Unknown { raw } => raw.get("name").and_then(|n| n.as_str()).unwrap_or_default(),
        }
    }

    /// The channel the event is about (for an unknown event, its own `channel`, if it has one).
    pub fn channel(&self) -> Option<&str> {
        match self {
            Self::ChannelOccupied { channel }
            | Self::ChannelVacated { channel }
            | Self::MemberAdded { channel, .. }
            | Self::MemberRemoved { channel, .. }
            | Self::ClientEvent { channel, .. }
            | Self::CacheMiss { channel }
            | Self::SubscriptionCount { channel, .. } => Some(channel),
            Self::Unknown { raw } => raw.get("channel").and_then(|c| c.as_str()),
        }
    }
}

/// An event as Pusher sends it: `{"name": .., "channel": .., ...}` (an unknown event as it came).
impl serde::Serialize for WebhookEvent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Wire<'a> {
            name: &'a str,
            channel: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            event: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            data: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            socket_id: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            user_id: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            subscription_count: Option<u64>,
        }
        let mut wire = Wire {
            name: self.name(),
            channel: self.channel(),
            event: None,
            data: None,
            socket_id: None,
            user_id: None,
            subscription_count: None,
        };
        match self {
            Self::Unknown { raw } => return raw.serialize(serializer),
            Self::MemberAdded { user_id, .. } | Self::MemberRemoved { user_id, .. } => {
                wire.user_id = Some(user_id);
            }
            Self::ClientEvent {
                event,
                data,
                socket_id,
                user_id,
                ..
            } => {
                wire.event = Some(event);
                wire.data = Some(data);
                wire.socket_id = socket_id.as_deref();
                wire.user_id = user_id.as_deref();
            }
            Self::SubscriptionCount {
                subscription_count, ..
            } => wire.subscription_count = Some(*subscription_count),
            _ => {}
        }
        wire.serialize(serializer)
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::hmac_sha256_hex;

    const NOW: Duration = Duration::from_millis(1_000_000);

    fn verifier() -> WebhookVerifier {
        WebhookVerifier::new(&Config::new("1", "key", "secret").unwrap())
    }

    fn signed(body: &str) -> String {
        hmac_sha256_hex(b"secret", body.as_bytes())
    }

    fn body(events: &str) -> String {
        format!(r#"{{"time_ms":1000000,"events":[{events}]}}"#)
    }

    #[test]
    fn every_known_event_parses() {
        let b = body(concat!(
            r#"{"name":"channel_occupied","channel":"a"},"#,
            r#"{"name":"channel_vacated","channel":"a"},"#,
            r#"{"name":"member_added","channel":"presence-a","user_id":"u"},"#,
            r#"{"name":"member_removed","channel":"presence-a","user_id":"u"},"#,
            r#"{"name":"client_event","channel":"private-a","event":"client-x","data":"d","user_id":"u"},"#,
            r#"{"name":"cache_miss","channel":"cache-a"},"#,
            r#"{"name":"subscription_count","channel":"a","subscription_count":3},"#,
            r#"{"name":"new_kind","x":1}"#
        ));
        let w = verifier()
            .verify(Some("key"), Some(&signed(&b)), b.as_bytes(), NOW)
            .unwrap();
        assert_eq!(w.time_ms, 1_000_000);
        let ch = || "a".to_owned();
        assert_eq!(
            w.events,
            vec![
                WebhookEvent::ChannelOccupied { channel: ch() },
                WebhookEvent::ChannelVacated { channel: ch() },
                WebhookEvent::MemberAdded {
                    channel: "presence-a".into(),
                    user_id: "u".into()
                },
                WebhookEvent::MemberRemoved {
                    channel: "presence-a".into(),
                    user_id: "u".into()
                },
                WebhookEvent::ClientEvent {
                    channel: "private-a".into(),
                    event: "client-x".into(),
                    data: "d".into(),
                    socket_id: None,
                    user_id: Some("u".into())
                },
                WebhookEvent::CacheMiss {
                    channel: "cache-a".into()
                },
                WebhookEvent::SubscriptionCount {
                    channel: ch(),
                    subscription_count: 3
                },
                WebhookEvent::Unknown {
                    raw: serde_json::json!({"name": "new_kind", "x": 1})
                },
            ]
        );
    }

    #[test]
    fn header_errors() {
        let b = body("");
        let v = verifier();
        let e = v.verify(None, Some(&signed(&b)), b.as_bytes(), NOW).unwrap_err();
        assert!(matches!(e, WebhookError::MissingHeader("X-Pusher-Key")), "{e}");
        let e = v.verify(Some("key"), None, b.as_bytes(), NOW).unwrap_err();
        assert!(
            matches!(e, WebhookError::MissingHeader("X-Pusher-Signature")),
            "{e}"
        );
        for bad in ["zz", "", "abc", &"g".repeat(64), &"a".repeat(66)] {
            let e = v.verify(Some("key"), Some(bad), b.as_bytes(), NOW).unwrap_err();
            assert!(matches!(e, WebhookError::MalformedSignature), "{bad}: {e}");
        }
        let e = v
            .verify(Some("other"), Some(&signed(&b)), b.as_bytes(), NOW)
            .unwrap_err();
        assert!(matches!(e, WebhookError::UnknownKey(_)), "{e}");
        let tampered = b.replace("1000000", "1000001");
        let e = v
            .verify(Some("key"), Some(&signed(&b)), tampered.as_bytes(), NOW)
            .unwrap_err();
        assert!(matches!(e, WebhookError::SignatureMismatch), "{e}");
    }

    #[test]
    fn headers_from_a_header_map() {
        let b = body("");
        let mut headers = http::HeaderMap::new();
        headers.insert("X-Pusher-Key", "key".parse().unwrap());
        headers.insert("X-Pusher-Signature", signed(&b).to_uppercase().parse().unwrap());
        assert!(verifier().verify_headers(&headers, b.as_bytes(), NOW).is_ok());
    }

    #[test]
    fn additional_credentials_are_accepted() {
        let b = body("");
        let sig = hmac_sha256_hex(b"new-secret", b.as_bytes());
        let v = verifier().additional_credentials("key2", "new-secret");
        assert!(v.verify(Some("key2"), Some(&sig), b.as_bytes(), NOW).is_ok());
        let e = v.verify(Some("key"), Some(&sig), b.as_bytes(), NOW).unwrap_err();
        assert!(matches!(e, WebhookError::SignatureMismatch), "{e}");
    }

    #[test]
    fn stale_and_future_webhooks_are_refused() {
        let b = body("");
        let v = verifier().max_age(Duration::from_secs(10));
        let sig = signed(&b);
        assert!(
            v.verify(
                Some("key"),
                Some(&sig),
                b.as_bytes(),
                Duration::from_millis(1_010_000)
            )
            .is_ok()
        );
        for now in [1_010_001, 989_999] {
            let e = v
                .verify(Some("key"), Some(&sig), b.as_bytes(), Duration::from_millis(now))
                .unwrap_err();
            assert!(
                matches!(
                    e,
                    WebhookError::Stale {
                        window_ms: 10_000,
                        ..
                    }
                ),
                "{e}"
            );
        }
    }

    #[test]
    fn bad_bodies_are_errors() {
        for b in [
            "",
            "not json",
            "{}",
            r#"{"time_ms":"x","events":[]}"#,
            r#"{"time_ms":1,"events":{}}"#,
        ] {
            let e = verifier()
                .verify(Some("key"), Some(&signed(b)), b.as_bytes(), NOW)
                .unwrap_err();
            assert!(matches!(e, WebhookError::InvalidBody(_)), "{b}: {e}");
        }
    }

    #[test]
    fn client_event_data_sent_as_a_json_value_is_kept_as_its_text() {
        let b =
            body(r#"{"name":"client_event","channel":"private-a","event":"client-x","data":{"k":[1,2]}}"#);
        let w = verifier()
            .verify(Some("key"), Some(&signed(&b)), b.as_bytes(), NOW)
            .unwrap();
        assert!(
            matches!(&w.events[0], WebhookEvent::ClientEvent { data, .. } if data == r#"{"k":[1,2]}"#),
            "{w:?}"
        );
    }

    #[test]
    fn malformed_known_events_are_kept_raw() {
        let b = body(r#"{"name":"member_added","channel":"presence-a"},{"name":5}"#);
        let w = verifier()
            .verify(Some("key"), Some(&signed(&b)), b.as_bytes(), NOW)
            .unwrap();
        assert!(
            w.events.iter().all(|e| matches!(e, WebhookEvent::Unknown { .. })),
            "{w:?}"
        );
    }

    #[test]
    fn encrypted_client_events_are_decrypted() {
        let key = MasterKey::from_bytes(&[3u8; 32]).unwrap();
        let config = Config::builder("1", "key", "secret")
            .encryption_master_key(key.clone())
            .build()
            .unwrap();
        let envelope = encryption::encrypt("private-encrypted-a", &key, &[5u8; 24], b"{\"m\":1}");
        let event = serde_json::json!({"name": "client_event", "channel": "private-encrypted-a",
            "event": "client-x", "data": envelope});
        let b = body(&event.to_string());
        let w = WebhookVerifier::new(&config)
            .verify(Some("key"), Some(&signed(&b)), b.as_bytes(), NOW)
            .unwrap();
        assert!(matches!(&w.events[0], WebhookEvent::ClientEvent { data, .. } if data == "{\"m\":1}"));
        // Tampered data on an encrypted channel is an error, not garbage.
        let event = serde_json::json!({"name": "client_event", "channel": "private-encrypted-a",
            "event": "client-x", "data": "plain"});
        let b = body(&event.to_string());
        let e = WebhookVerifier::new(&config)
            .verify(Some("key"), Some(&signed(&b)), b.as_bytes(), NOW)
            .unwrap_err();
        assert!(matches!(e, WebhookError::Decrypt { .. }), "{e}");
    }

    #[test]
    fn events_serialize_as_pusher_sends_them() {
        let events = [
            (
                r#"{"name":"member_added","channel":"presence-a","user_id":"u1"}"#,
                Some("presence-a"),
            ),
            (
                r#"{"name":"client_event","channel":"private-a","event":"client-x","data":"hi","socket_id":"1.2"}"#,
                Some("private-a"),
            ),
            (
                r#"{"name":"subscription_count","channel":"a","subscription_count":3}"#,
                Some("a"),
            ),
            (r#"{"name":"something_new","extra":1}"#, None),
        ];
        let verifier = WebhookVerifier::new(&Config::new("1", "key", "secret").unwrap());
        for (json, channel) in events {
            let body = format!(r#"{{"time_ms":1,"events":[{json}]}}"#);
            let event = verifier.parse(body.as_bytes()).unwrap().events.remove(0);
            assert_eq!(
                serde_json::to_value(&event).unwrap(),
                serde_json::from_str::<serde_json::Value>(json).unwrap()
            );
            assert_eq!(event.channel(), channel);
            assert_eq!(event.name(), json.split('"').nth(3).unwrap());
        }
    }
}
