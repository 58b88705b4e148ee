//! Triggering events: one event on 1 to 100 channels, or a batch of 1 to 10 events.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::RequestError;
use super::body;
use super::{ChannelAttribute, Operation, RequestContext, info_param};
use crate::config::{Config, MasterKey};
use crate::encryption;
use crate::limits::MAX_TRIGGER_CHANNELS;
use crate::names::{ChannelName, EventName, SocketId, UserId};
use crate::request::{Unsigned, app_path};
use crate::response::{ResponseError, parse_json};

/// An event's `data`: always a string on the wire.
///
/// Made from a serializable value (serialized exactly once) or from a string that is already
/// encoded, sent as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventData(String);

impl EventData {
    /// Serializes `value` to JSON, once.
    pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<Self, RequestError> {
        thread_local! {
            // The thread's buffer to serialize into, so that the data itself is allocated once,
            // at its exact size: a publisher may hold thousands of events queued.
            static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
        }
        /// A buffer larger than this is not kept for the next event (the ceiling is 10 KB).
        const KEEP: usize = 64 * 1024;
        let exact = |json: &[u8]| {
            std::str::from_utf8(json)
                .map(|json| Self(json.to_owned()))
                .map_err(|_| RequestError::Serialize(serde::ser::Error::custom("the JSON is not UTF-8")))
        };
        let in_scratch = SCRATCH.try_with(|scratch| {
            // Taken already when a value's `Serialize` makes event data itself: it gets its own.
            let mut json = scratch.try_borrow_mut().ok()?;
            json.clear();
            let data = serde_json::to_writer(&mut *json, value)
                .map_err(RequestError::Serialize)
                .and_then(|()| exact(&json));
            if json.capacity() > KEEP {
                *json = Vec::new();
            }
            Some(data)
        });
        match in_scratch {
            Ok(Some(data)) => data,
            _ => {
                let mut json = Vec::with_capacity(128);
                serde_json::to_writer(&mut json, value).map_err(RequestError::Serialize)?;
                exact(&json)
            }
        }
    }

    /// Sends `encoded` as it is: it is already the event's data.
    pub fn encoded(encoded: impl Into<String>) -> Self {
        Self(encoded.into())
    }

    /// The data as it is sent (before encryption).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Anything a trigger accepts as data: a serializable value, or an [`EventData`].
pub trait ToEventData {
    /// The event data.
    fn to_event_data(&self) -> Result<EventData, RequestError>;
}

impl<T: Serialize + ?Sized> ToEventData for T {
    fn to_event_data(&self) -> Result<EventData, RequestError> {
        EventData::json(self)
    }
}

impl ToEventData for EventData {
    fn to_event_data(&self) -> Result<EventData, RequestError> {
        Ok(self.clone())
    }
}

/// What one channel reports when a trigger asks for `info`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct ChannelInfo {
    /// Distinct users on a presence channel, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_count: Option<u64>,
    /// Subscribed connections, when asked for and enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_count: Option<u64>,
}

/// The master key an encrypted channel needs.
fn master_key<'c>(config: &'c Config, channel: &ChannelName) -> Result<&'c MasterKey, RequestError> {
    config.master_key().ok_or_else(|| RequestError::NoMasterKey {
        channel: channel.to_string(),
    })
}

/// Checks `data` for `channel` as it would be sent, without encrypting: a master key for an
/// encrypted channel, and the size after encryption within the payload ceiling.
fn check_data(config: &Config, channel: &ChannelName, data: &EventData) -> Result<(), RequestError> {
    let size = if channel.is_encrypted() {
        master_key(config, channel)?;
        encryption::envelope_len(data.as_str().len())
    } else {
        data.as_str().len()
    };
    if size > config.max_payload_bytes() {
        return Err(RequestError::PayloadTooLarge {
            channel: channel.to_string(),
            size,
            max: config.max_payload_bytes(),
        });
    }
    Ok(())
}

/// The data as sent (after [`check_data`]): encrypted under a fresh nonce for an encrypted
/// channel, else the data itself.
fn data_as_sent<'a>(
    config: &Config,
    context: &RequestContext<'_>,
    channel: &ChannelName,
    data: &'a EventData,
) -> Result<Cow<'a, str>, RequestError> {
    if !channel.is_encrypted() {
        return Ok(Cow::Borrowed(data.as_str()));
    }
    let master_key = master_key(config, channel)?;
    let nonce = context.nonces.nonce().map_err(RequestError::Random)?;
    Ok(Cow::Owned(encryption::encrypt(
        channel.as_str(),
        master_key,
        &nonce,
        data.as_str().as_bytes(),
    )))
}

/// `POST`s the JSON `body` to `/apps/{id}{suffix}`.
fn post(
    config: &Config,
    context: &RequestContext<'_>,
    suffix: &str,
    body: Vec<u8>,
) -> Result<http::Request<Vec<u8>>, RequestError> {
    Unsigned {
        method: http::Method::POST,
        endpoint: config.api_endpoint(),
        path: &app_path!(config, suffix),
        params: &[],
        body,
    }
    .sign(config, context.timestamp)
}

/// Triggers one event on 1 to 100 channels: `POST /apps/{id}/events`.
#[derive(Debug, Clone)]
pub struct Trigger {
    channels: Vec<ChannelName>,
    event: EventName,
    data: EventData,
    socket_id: Option<SocketId>,
    info: Vec<ChannelAttribute>,
}

impl Trigger {
    /// `event` with `data` on `channels`.
    pub fn new(channels: impl IntoIterator<Item = ChannelName>, event: EventName, data: EventData) -> Self {
        Self {
            channels: channels.into_iter().collect(),
            event,
            data,
            socket_id: None,
            info: Vec::new(),
        }
    }

    /// `event` with `data` to every connection `user` has signed in with (`#server-to-user-{id}`).
    pub fn send_to_user(user: &UserId, event: EventName, data: EventData) -> Self {
        Self::new([ChannelName::server_to_user(user)], event, data)
    }

    /// Excludes the connection with this socket id from receiving the event.
    pub fn socket_id(mut self, socket_id: SocketId) -> Self {
        self.socket_id = Some(socket_id);
        self
    }

    /// Asks for these attributes of each channel in the response.
    pub fn info(mut self, attributes: impl IntoIterator<Item = ChannelAttribute>) -> Self {
        self.info.extend(attributes);
        self
    }

    /// The channels.
    pub fn channels(&self) -> &[ChannelName] {
        &self.channels
    }

    /// Checks every limit [`build_request`](Operation::build_request) checks, without building
    /// the request or encrypting: 1 to 100 channels, an encrypted channel alone and with a master
    /// key, the data within the payload ceiling as it would be sent.
    ///
    /// ```
    /// use pusher_core::api::{EventData, Trigger};
    /// use pusher_core::{Config, RequestError};
    ///
    /// let config = Config::builder("1", "key", "secret").max_payload_bytes(8).build()?;
    /// let trigger = Trigger::new(["a".parse()?], "e".parse()?, EventData::encoded("123456789"));
    /// assert!(matches!(trigger.check(&config), Err(RequestError::PayloadTooLarge { size: 9, .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check(&self, config: &Config) -> Result<(), RequestError> {
        let count = self.channels.len();
        let first = self.channels.first().ok_or(RequestError::NoChannels)?;
        if count > MAX_TRIGGER_CHANNELS {
            return Err(RequestError::TooManyChannels {
                count,
                max: MAX_TRIGGER_CHANNELS,
            });
        }
        if count > 1
            && let Some(encrypted) = self.channels.iter().find(|c| c.is_encrypted())
        {
            return Err(RequestError::EncryptedChannelNotAlone {
                channel: encrypted.to_string(),
                count,
            });
        }
        // With several channels none is encrypted, so the data is the same for all: check it once.
        check_data(config, first, &self.data)
    }
}

impl Operation for Trigger {
    type Output = TriggerResponse;

    fn build_request(
        &self,
        config: &Config,
        context: &RequestContext<'_>,
    ) -> Result<http::Request<Vec<u8>>, RequestError> {
        self.check(config)?;
        let first = self.channels.first().ok_or(RequestError::NoChannels)?;
        let data = data_as_sent(config, context, first, &self.data)?;
        let info = info_param(&self.info);
        let fields = body::Fields {
            name: self.event.as_str(),
            data: &data,
            socket_id: self.socket_id.as_ref().map(SocketId::as_str),
            info: info.as_deref(),
        };
        post(config, context, "/events", body::trigger(&self.channels, fields))
    }

    fn parse_response(&self, response: http::Response<Vec<u8>>) -> Result<TriggerResponse, ResponseError> {
        parse_json(response)
    }
}

/// What a trigger returns: per-channel attributes when `info` was asked for, else empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct TriggerResponse {
    /// Attributes by channel name.
    #[serde(default)]
    pub channels: BTreeMap<String, ChannelInfo>,
}

/// One event of a batch: its own channel, name, data and options.
#[derive(Debug, Clone)]
pub struct BatchEvent {
    channel: ChannelName,
    event: EventName,
    data: EventData,
    socket_id: Option<SocketId>,
    info: Vec<ChannelAttribute>,
}

impl BatchEvent {
    /// `event` with `data` on `channel`.
    pub fn new(channel: ChannelName, event: EventName, data: EventData) -> Self {
        Self {
            channel,
            event,
            data,
            socket_id: None,
            info: Vec::new(),
        }
    }

    /// Excludes the connection with this socket id from receiving the event.
    pub fn socket_id(mut self, socket_id: SocketId) -> Self {
        self.socket_id = Some(socket_id);
        self
    }

    /// Asks for these attributes of the channel in the response.
    pub fn info(mut self, attributes: impl IntoIterator<Item = ChannelAttribute>) -> Self {
        self.info.extend(attributes);
        self
    }

    /// The channel.
    pub fn channel(&self) -> &ChannelName {
        &self.channel
    }

    /// Checks what [`TriggerBatch`] checks of each event, without building a request or
    /// encrypting: an encrypted channel has a master key, and the data is within the payload
    /// ceiling as it would be sent.
    pub fn check(&self, config: &Config) -> Result<(), RequestError> {
        check_data(config, &self.channel, &self.data)
    }
}

/// Triggers 1 to 10 events (or the configuration's [`max_batch_events`](Config::max_batch_events)),
/// each on its own channel: `POST /apps/{id}/batch_events`.
#[derive(Debug, Clone)]
pub struct TriggerBatch {
    events: Vec<BatchEvent>,
}

impl TriggerBatch {
    /// A batch of `events`.
    pub fn new(events: impl IntoIterator<Item = BatchEvent>) -> Self {
        Self {
            events: events.into_iter().collect(),
        }
    }
}

impl Operation for TriggerBatch {
    type Output = BatchResponse;

    fn build_request(
        &self,
        config: &Config,
        context: &RequestContext<'_>,
    ) -> Result<http::Request<Vec<u8>>, RequestError> {
        let count = self.events.len();
        if count == 0 {
            return Err(RequestError::NoEvents);
        }
        if count > config.max_batch_events() {
            return Err(RequestError::TooManyEvents {
                count,
                max: config.max_batch_events(),
            });
        }
        // The data as sent and the `info` parameter of each event, owned here for the body.
        let sent = self
            .events
            .iter()
            .map(|e| {
                e.check(config)?;
                Ok((
                    data_as_sent(config, context, &e.channel, &e.data)?,
                    info_param(&e.info),
                ))
            })
            .collect::<Result<Vec<_>, RequestError>>()?;
        let events: Vec<_> = self
            .events
            .iter()
            .zip(&sent)
            .map(|(e, (data, info))| {
                let fields = body::Fields {
                    name: e.event.as_str(),
                    data,
                    socket_id: e.socket_id.as_ref().map(SocketId::as_str),
                    info: info.as_deref(),
                };
                (e.channel.as_str(), fields)
            })
            .collect();
        post(config, context, "/batch_events", body::batch(&events))
    }

    fn parse_response(&self, response: http::Response<Vec<u8>>) -> Result<BatchResponse, ResponseError> {
        parse_json(response)
    }
}

/// What a batch returns: one entry per event, in order, when `info` was asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct BatchResponse {
    /// Attributes per event, in the batch's order.
    #[serde(default)]
    pub batch: Vec<ChannelInfo>,
}
