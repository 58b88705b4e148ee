//! Name validation and request building (PROTOCOL §2, §3, §4, §10).
//!
//! Arbitrary strings go through `ChannelName`, `EventName`, `SocketId`, `UserId` and the
//! interests of a `Notification`: each is accepted exactly when its rule in `limits` says so, a
//! refusal names the value and the rule, and an accepted name is the text it was made from.
//!
//! The valid ones then build every call (`Trigger`, `send_to_user`, `TriggerBatch`, `GetChannel`,
//! `GetPresenceUsers`, `ListChannels`, `TerminateUserConnections`, `Notification`) at a fixed
//! timestamp with a fixed nonce. A call is refused exactly when a limit says so, with the error
//! the limit names; a built request's URI parses back, its query carries a signature that
//! verifies (checked as a server checks it, by `pusher_fuzz::check_signed`), and its path, query
//! and body say what the call was given, data sealed for an encrypted channel opening to what
//! was given.

#![no_main]

use std::fmt::{Debug, Display};
use std::str::FromStr;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use pusher_core::api::{
    BatchEvent, ChannelAttribute, EventData, GetChannel, GetPresenceUsers, ListChannels, Notification,
    Operation, RequestContext, RequestError, TerminateUserConnections, Trigger, TriggerBatch,
};
use pusher_core::limits::{self, MAX_BATCH_EVENTS, MAX_INTERESTS, MAX_TRIGGER_CHANNELS};
use pusher_core::{ChannelName, Config, EventName, SocketId, UserId, ValidationError, ValueKind, encryption};
use pusher_fuzz::{APP_ID, KEY, NONCE, Received, SECRET, TIMESTAMP, check_signed, fixed_nonce};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    channels: Vec<Name<'a>>,
    event: Name<'a>,
    data: &'a str,
    /// Sends `data` serialized as a JSON string rather than as it is.
    data_as_json: bool,
    socket_id: Option<Name<'a>>,
    info: Vec<Attribute>,
    user: Name<'a>,
    prefix: Option<&'a str>,
    interests: Vec<Name<'a>>,
    with_master_key: bool,
    max_payload_bytes: Option<u16>,
}

/// A name: arbitrary text, or bytes mapped onto the characters a name may hold (after a prefix
/// that gives a channel its kind), or a socket id's two numbers, so that valid names are common.
#[derive(Arbitrary, Debug)]
enum Name<'a> {
    Text(&'a str),
    Mapped { prefix: Prefix, chars: &'a [u8] },
    SocketId(u64, u64),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Prefix {
    None,
    Private,
    Presence,
    PrivateEncrypted,
    ServerToUser,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Attribute {
    UserCount,
    SubscriptionCount,
}

impl Name<'_> {
    fn text(&self) -> String {
        const NAME_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=@,.;";
        match self {
            Name::Text(text) => (*text).to_owned(),
            Name::Mapped { prefix, chars } => {
                let prefix = match prefix {
                    Prefix::None => "",
                    Prefix::Private => "private-",
                    Prefix::Presence => "presence-",
                    Prefix::PrivateEncrypted => "private-encrypted-",
                    Prefix::ServerToUser => limits::SERVER_TO_USER_PREFIX,
                };
                let chars = chars
                    .iter()
                    .map(|b| char::from(NAME_CHARS[usize::from(*b) % NAME_CHARS.len()]));
                prefix.chars().chain(chars).collect()
            }
            Name::SocketId(a, b) => format!("{a}.{b}"),
        }
    }
}

impl From<Attribute> for ChannelAttribute {
    fn from(attribute: Attribute) -> Self {
        match attribute {
            Attribute::UserCount => ChannelAttribute::UserCount,
            Attribute::SubscriptionCount => ChannelAttribute::SubscriptionCount,
        }
    }
}

/// What the calls share: the configuration, the context and the pieces of every call.
struct Calls {
    config: Config,
    channels: Vec<ChannelName>,
    event: Option<EventName>,
    data: EventData,
    socket_id: Option<SocketId>,
    info: Vec<ChannelAttribute>,
}

fuzz_target!(|input: Input<'_>| {
    let channels: Vec<_> = input
        .channels
        .iter()
        .filter_map(|name| {
            validated::<ChannelName>(
                &name.text(),
                ValueKind::ChannelName,
                limits::is_channel_name,
                limits::CHANNEL_NAME_RULE,
            )
        })
        .collect();
    for channel in &channels {
        let encrypted = channel.as_str().starts_with("private-encrypted-");
        assert_eq!(channel.is_encrypted(), encrypted, "{channel}");
    }
    let event = validated::<EventName>(
        &input.event.text(),
        ValueKind::EventName,
        limits::is_event_name,
        limits::EVENT_NAME_RULE,
    );
    let socket_id = input.socket_id.as_ref().and_then(|name| {
        validated::<SocketId>(
            &name.text(),
            ValueKind::SocketId,
            limits::is_socket_id,
            limits::SOCKET_ID_RULE,
        )
    });
    let user = validated::<UserId>(
        &input.user.text(),
        ValueKind::UserId,
        limits::is_user_id,
        limits::USER_ID_RULE,
    );
    let data = if input.data_as_json {
        EventData::json(input.data).expect("a string serializes")
    } else {
        EventData::encoded(input.data)
    };

    let mut config = Config::builder(APP_ID, KEY, SECRET);
    if input.with_master_key {
        config = config.encryption_master_key(pusher_fuzz::master_key());
    }
    if let Some(max) = input.max_payload_bytes {
        config = config.max_payload_bytes(usize::from(max.max(1)));
    }
    let calls = Calls {
        config: config.build().expect("a valid configuration"),
        channels,
        event,
        data,
        socket_id,
        info: input.info.iter().copied().map(Into::into).collect(),
    };

    if let Some(event) = &calls.event {
        calls.trigger(event);
        calls.batch(event);
        if let Some(user) = &user {
            calls.send_to_user(user, event);
        }
    }
    if let Some(channel) = calls.channels.first() {
        calls.get_channel(channel);
    }
    calls.list_channels(input.prefix);
    if let Some(user) = &user {
        calls.terminate(user);
    }
    let interests: Vec<String> = input.interests.iter().map(Name::text).collect();
    calls.notify(&interests, input.data);
});

/// Parses `text` as `T`, which must agree with `valid` and, when it refuses, name `kind`, the
/// text and `rule`; an accepted name is its text, also through JSON.
fn validated<T>(text: &str, kind: ValueKind, valid: fn(&str) -> bool, rule: &str) -> Option<T>
where
    T: FromStr<Err = ValidationError>
        + AsRef<str>
        + Display
        + Serialize
        + DeserializeOwned
        + PartialEq
        + Debug,
{
    match text.parse::<T>() {
        Ok(name) => {
            assert!(valid(text), "{kind} {text:?} accepted against the rule");
            assert_eq!(name.as_ref(), text);
            assert_eq!(name.to_string(), text);
            let json = serde_json::to_string(&name).expect("a name serializes");
            let again: T = serde_json::from_str(&json).expect("a name reads back from JSON");
            assert_eq!(again, name);
            Some(name)
        }
        Err(e) => {
            assert!(!valid(text), "{kind} {text:?} refused against the rule: {e}");
            assert_eq!(e.kind(), kind);
            assert_eq!(e.value(), text);
            assert_eq!(e.rule(), rule);
            let _ = e.to_string();
            // Nor can JSON smuggle it in.
            let json = serde_json::to_string(text).expect("a string serializes");
            assert!(
                serde_json::from_str::<T>(&json).is_err(),
                "{kind} {text:?} read from JSON"
            );
            None
        }
    }
}

/// What a built request's body must say about one event's data on `channel`.
fn check_sent_data(config: &Config, channel: &ChannelName, given: &EventData, sent: &Value) {
    let sent = sent
        .as_str()
        .unwrap_or_else(|| panic!("data sent as {sent}, not a string"));
    assert!(
        sent.len() <= config.max_payload_bytes(),
        "data over the ceiling sent"
    );
    if channel.is_encrypted() {
        let key = config.master_key().expect("encrypted data needs the master key");
        let opened = encryption::decrypt(channel.as_str(), key, sent)
            .unwrap_or_else(|e| panic!("data sent on {channel} does not decrypt: {e}"));
        assert_eq!(opened, given.as_str());
    } else {
        assert_eq!(sent, given.as_str());
    }
}

/// Why data would be refused on `channel`, if it would: no master key for an encrypted channel,
/// or more bytes as sent than the ceiling.
fn data_refusal(config: &Config, channel: &ChannelName, data: &EventData) -> Option<RequestError> {
    let size = if channel.is_encrypted() {
        let Some(key) = config.master_key() else {
            return Some(RequestError::NoMasterKey {
                channel: channel.to_string(),
            });
        };
        encryption::encrypt(channel.as_str(), key, &NONCE, data.as_str().as_bytes()).len()
    } else {
        data.as_str().len()
    };
    (size > config.max_payload_bytes()).then(|| RequestError::PayloadTooLarge {
        channel: channel.to_string(),
        size,
        max: config.max_payload_bytes(),
    })
}

/// The `info` parameter `attributes` make: each once, in the order of `ChannelAttribute`.
fn info_param(attributes: &[ChannelAttribute]) -> Option<String> {
    let mut attributes = attributes.to_vec();
    attributes.sort();
    attributes.dedup();
    let names: Vec<_> = attributes.iter().map(|a| a.as_str()).collect();
    (!names.is_empty()).then(|| names.join(","))
}

impl Calls {
    fn context(&self) -> RequestContext<'static> {
        RequestContext::new(TIMESTAMP).with_nonces(&fixed_nonce)
    }

    /// Builds `operation`: refused with `refusal` when there is one, else a signed request of
    /// `method` that verifies. Returns what a server reads from it, and its body.
    fn build(
        &self,
        operation: &impl Operation,
        method: http::Method,
        refusal: Option<RequestError>,
    ) -> Option<(Received, Value)> {
        let request = match (operation.build_request(&self.config, &self.context()), refusal) {
            (Ok(request), None) => request,
            (Err(e), Some(refusal)) => {
                assert_eq!(e.to_string(), refusal.to_string());
                return None;
            }
            (Ok(request), Some(refusal)) => panic!("built {request:?}, expected the refusal {refusal}"),
            (Err(e), None) => panic!("refused: {e} ({e:?})"),
        };
        assert_eq!(request.method(), method);
        let received = check_signed(&request, KEY, SECRET, TIMESTAMP);
        let body = if method == http::Method::POST {
            assert_eq!(
                request
                    .headers()
                    .get(http::header::CONTENT_TYPE)
                    .map(|v| v.as_bytes()),
                Some(&b"application/json"[..])
            );
            serde_json::from_slice(request.body()).expect("a POST body is JSON")
        } else {
            assert!(request.body().is_empty(), "a GET with a body");
            Value::Null
        };
        Some((received, body))
    }

    fn trigger(&self, event: &EventName) {
        let mut trigger = Trigger::new(self.channels.clone(), event.clone(), self.data.clone())
            .info(self.info.iter().copied());
        if let Some(socket_id) = &self.socket_id {
            trigger = trigger.socket_id(socket_id.clone());
        }
        let count = self.channels.len();
        let encrypted = self.channels.iter().find(|c| c.is_encrypted());
        let refusal = match self.channels.first() {
            None => Some(RequestError::NoChannels),
            Some(_) if count > MAX_TRIGGER_CHANNELS => Some(RequestError::TooManyChannels {
                count,
                max: MAX_TRIGGER_CHANNELS,
            }),
            Some(_) if count > 1 && encrypted.is_some() => Some(RequestError::EncryptedChannelNotAlone {
                channel: encrypted.map(ToString::to_string).unwrap_or_default(),
                count,
            }),
            Some(first) => data_refusal(&self.config, first, &self.data),
        };
        let Some((received, body)) = self.build(&trigger, http::Method::POST, refusal) else {
            return;
        };
        assert_eq!(received.path, format!("/apps/{APP_ID}/events"));
        assert!(received.params.is_empty(), "{:?}", received.params);
        assert_eq!(body["name"], event.as_str());
        assert_eq!(body["channels"], json!(self.channels));
        check_sent_data(&self.config, &self.channels[0], &self.data, &body["data"]);
        assert_eq!(
            body.get("socket_id"),
            self.socket_id.as_ref().map(|s| json!(s)).as_ref()
        );
        assert_eq!(body.get("info"), info_param(&self.info).map(Value::from).as_ref());
    }

    fn send_to_user(&self, user: &UserId, event: &EventName) {
        let channel = ChannelName::server_to_user(user);
        assert_eq!(
            channel.as_str(),
            format!("{}{user}", limits::SERVER_TO_USER_PREFIX)
        );
        let trigger = Trigger::send_to_user(user, event.clone(), self.data.clone());
        let refusal = data_refusal(&self.config, &channel, &self.data);
        let Some((received, body)) = self.build(&trigger, http::Method::POST, refusal) else {
            return;
        };
        assert_eq!(received.path, format!("/apps/{APP_ID}/events"));
        assert_eq!(body["channels"], json!([channel]));
        check_sent_data(&self.config, &channel, &self.data, &body["data"]);
    }

    /// One event per channel.
    fn batch(&self, event: &EventName) {
        let events = self.channels.iter().map(|channel| {
            let mut event = BatchEvent::new(channel.clone(), event.clone(), self.data.clone())
                .info(self.info.iter().copied());
            if let Some(socket_id) = &self.socket_id {
                event = event.socket_id(socket_id.clone());
            }
            event
        });
        let batch = TriggerBatch::new(events);
        let count = self.channels.len();
        let refusal = if count == 0 {
            Some(RequestError::NoEvents)
        } else if count > MAX_BATCH_EVENTS {
            Some(RequestError::TooManyEvents {
                count,
                max: MAX_BATCH_EVENTS,
            })
        } else {
            self.channels
                .iter()
                .find_map(|channel| data_refusal(&self.config, channel, &self.data))
        };
        let Some((received, body)) = self.build(&batch, http::Method::POST, refusal) else {
            return;
        };
        assert_eq!(received.path, format!("/apps/{APP_ID}/batch_events"));
        let sent = body["batch"].as_array().expect("a batch body holds an array");
        assert_eq!(sent.len(), count);
        for (item, channel) in sent.iter().zip(&self.channels) {
            assert_eq!(item["channel"], channel.as_str());
            assert_eq!(item["name"], event.as_str());
            check_sent_data(&self.config, channel, &self.data, &item["data"]);
            assert_eq!(
                item.get("socket_id"),
                self.socket_id.as_ref().map(|s| json!(s)).as_ref()
            );
            assert_eq!(item.get("info"), info_param(&self.info).map(Value::from).as_ref());
        }
    }

    fn get_channel(&self, channel: &ChannelName) {
        let call = GetChannel::new(channel.clone()).info(self.info.iter().copied());
        if let Some((received, _)) = self.build(&call, http::Method::GET, None) {
            assert_eq!(received.path, format!("/apps/{APP_ID}/channels/{channel}"));
            let info = info_param(&self.info);
            assert_eq!(received.params.get("info"), info.as_ref());
            assert_eq!(received.params.len(), usize::from(info.is_some()));
        }
        let call = GetPresenceUsers::new(channel.clone());
        if let Some((received, _)) = self.build(&call, http::Method::GET, None) {
            assert_eq!(received.path, format!("/apps/{APP_ID}/channels/{channel}/users"));
            assert!(received.params.is_empty(), "{:?}", received.params);
        }
    }

    fn list_channels(&self, prefix: Option<&str>) {
        let mut call = ListChannels::new().info(self.info.iter().copied());
        if let Some(prefix) = prefix {
            call = call.prefix(prefix);
        }
        if let Some((received, _)) = self.build(&call, http::Method::GET, None) {
            assert_eq!(received.path, format!("/apps/{APP_ID}/channels"));
            let info = info_param(&self.info);
            assert_eq!(
                received.params.get("filter_by_prefix").map(String::as_str),
                prefix
            );
            assert_eq!(received.params.get("info"), info.as_ref());
            assert_eq!(
                received.params.len(),
                usize::from(prefix.is_some()) + usize::from(info.is_some())
            );
        }
    }

    fn terminate(&self, user: &UserId) {
        let call = TerminateUserConnections::new(user.clone());
        if let Some((received, body)) = self.build(&call, http::Method::POST, None) {
            assert_eq!(
                received.path,
                format!("/apps/{APP_ID}/users/{user}/terminate_connections")
            );
            assert_eq!(body, json!({}));
        }
    }

    fn notify(&self, interests: &[String], alert: &str) {
        let first_invalid = interests.iter().find(|i| !limits::is_interest(i));
        let notification = match (Notification::new(interests.iter().cloned()), first_invalid) {
            (Ok(notification), None) => notification,
            (Err(e), Some(invalid)) => {
                assert_eq!(e.kind(), ValueKind::Interest);
                assert_eq!(e.value(), invalid);
                assert_eq!(e.rule(), limits::INTEREST_RULE);
                return;
            }
            (Ok(_), Some(invalid)) => panic!("interest {invalid:?} accepted against the rule"),
            (Err(e), None) => panic!("valid interests refused: {e}"),
        };
        let notification = notification.apns(json!({"aps": {"alert": alert}}));
        let count = interests.len();
        let refusal = (!(1..=MAX_INTERESTS).contains(&count)).then_some(RequestError::InterestCount {
            count,
            max: MAX_INTERESTS,
        });
        let Some((received, body)) = self.build(&notification, http::Method::POST, refusal) else {
            return;
        };
        assert_eq!(
            received.path,
            format!("/server_api/v1/apps/{APP_ID}/notifications")
        );
        assert_eq!(body["interests"], json!(interests));
        assert_eq!(body["apns"]["aps"]["alert"], alert);
    }
}
