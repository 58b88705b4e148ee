//! What the calls of [`Pusher`](super::Pusher) take, from plain strings, validated when the call
//! is made: one channel or several ([`IntoChannels`]), a trigger's options ([`TriggerOptions`]),
//! the events of a batch ([`IntoBatchEvent`]).

use crate::api::{BatchEvent, ChannelAttribute, RequestError, ToEventData, Trigger};
use crate::names::{ChannelName, EventName, SocketId, ValidationError};

/// One channel or several: `"news"`, a `String`, a [`ChannelName`], or an array, slice or `Vec`
/// of any of them.
///
/// ```
/// use pusher_core::IntoChannels;
///
/// assert_eq!("news".into_channels()?.len(), 1);
/// assert_eq!(["a", "b"].into_channels()?.len(), 2);
/// assert_eq!(vec![String::from("a")].into_channels()?[0], "a");
/// assert!("not a channel!".into_channels().is_err());
/// # Ok::<(), pusher_core::ValidationError>(())
/// ```
pub trait IntoChannels {
    /// The channels, each checked against its rule.
    ///
    /// # Errors
    ///
    /// The first name that breaks the channel name rule.
    fn into_channels(self) -> Result<Vec<ChannelName>, ValidationError>;
}

fn each<S: AsRef<str>>(names: &[S]) -> Result<Vec<ChannelName>, ValidationError> {
    names
        .iter()
        .map(|name| ChannelName::try_from(name.as_ref()))
        .collect()
}

impl IntoChannels for &str {
    fn into_channels(self) -> Result<Vec<ChannelName>, ValidationError> {
        Ok(vec![ChannelName::try_from(self)?])
    }
}

impl IntoChannels for String {
    fn into_channels(self) -> Result<Vec<ChannelName>, ValidationError> {
        Ok(vec![ChannelName::try_from(self)?])
    }
}

impl IntoChannels for &String {
    fn into_channels(self) -> Result<Vec<ChannelName>, ValidationError> {
        self.as_str().into_channels()
    }
}

impl IntoChannels for ChannelName {
    fn into_channels(self) -> Result<Vec<ChannelName>, ValidationError> {
        Ok(vec![self])
    }
}

impl IntoChannels for &ChannelName {
    fn into_channels(self) -> Result<Vec<ChannelName>, ValidationError> {
        Ok(vec![self.clone()])
    }
}

impl<S: AsRef<str>, const N: usize> IntoChannels for [S; N] {
    fn into_channels(self) -> Result<Vec<ChannelName>, ValidationError> {
        each(&self)
    }
}

impl<S: AsRef<str>, const N: usize> IntoChannels for &[S; N] {
    fn into_channels(self) -> Result<Vec<ChannelName>, ValidationError> {
        each(self)
    }
}

impl<S: AsRef<str>> IntoChannels for &[S] {
    fn into_channels(self) -> Result<Vec<ChannelName>, ValidationError> {
        each(self)
    }
}

impl<S: AsRef<str>> IntoChannels for Vec<S> {
    fn into_channels(self) -> Result<Vec<ChannelName>, ValidationError> {
        each(&self)
    }
}

impl<S: AsRef<str>> IntoChannels for &Vec<S> {
    fn into_channels(self) -> Result<Vec<ChannelName>, ValidationError> {
        each(self)
    }
}

/// The options of a trigger: the connection not to send the event to, and the channel attributes
/// to ask for in the answer.
///
/// ```
/// use pusher_core::TriggerOptions;
/// use pusher_core::api::ChannelAttribute::{SubscriptionCount, UserCount};
///
/// let options = TriggerOptions::new().socket_id("123.456").info([UserCount, SubscriptionCount]);
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TriggerOptions {
    socket_id: Option<String>,
    info: Vec<ChannelAttribute>,
}

impl TriggerOptions {
    /// No options: what [`trigger`](super::Pusher::trigger) sends.
    pub fn new() -> Self {
        Self::default()
    }

    /// Does not send the event to the connection with this socket id (usually the one whose
    /// action caused it). Checked when the trigger is made.
    #[must_use]
    pub fn socket_id(mut self, socket_id: impl Into<String>) -> Self {
        self.socket_id = Some(socket_id.into());
        self
    }

    /// Asks for these attributes of each channel in the answer
    /// ([`TriggerResponse::channels`](crate::api::TriggerResponse::channels)).
    #[must_use]
    pub fn info(mut self, attributes: impl IntoIterator<Item = ChannelAttribute>) -> Self {
        self.info.extend(attributes);
        self
    }

    /// `trigger` with these options applied, the socket id checked.
    pub(crate) fn apply(self, trigger: Trigger) -> Result<Trigger, ValidationError> {
        let trigger = trigger.info(self.info);
        match self.socket_id {
            Some(socket_id) => Ok(trigger.socket_id(SocketId::try_from(socket_id)?)),
            None => Ok(trigger),
        }
    }
}

/// One event of a batch: a [`BatchEvent`], or `(channel, event, &data)` from plain strings.
///
/// ```
/// use pusher_core::IntoBatchEvent;
///
/// let event = ("orders", "created", &serde_json::json!({"id": 1})).into_batch_event()?;
/// # let _ = event;
/// assert!(("bad channel!", "created", &1).into_batch_event().is_err());
/// # Ok::<(), pusher_core::api::RequestError>(())
/// ```
pub trait IntoBatchEvent {
    /// The event, validated.
    ///
    /// # Errors
    ///
    /// A name that breaks its rule, or data that does not serialize.
    fn into_batch_event(self) -> Result<BatchEvent, RequestError>;
}

impl IntoBatchEvent for BatchEvent {
    fn into_batch_event(self) -> Result<BatchEvent, RequestError> {
        Ok(self)
    }
}

impl<C, E, D> IntoBatchEvent for (C, E, &D)
where
    C: AsRef<str>,
    E: AsRef<str>,
    D: ToEventData + ?Sized,
{
    fn into_batch_event(self) -> Result<BatchEvent, RequestError> {
        let (channel, event, data) = self;
        Ok(BatchEvent::new(
            ChannelName::try_from(channel.as_ref())?,
            EventName::try_from(event.as_ref())?,
            data.to_event_data()?,
        ))
    }
}

/// Every event of a batch, validated; an error names the event by its index.
pub(crate) fn batch_events<I>(events: I) -> Result<Vec<BatchEvent>, RequestError>
where
    I: IntoIterator,
    I::Item: IntoBatchEvent,
{
    events
        .into_iter()
        .enumerate()
        .map(|(index, event)| {
            event.into_batch_event().map_err(|error| RequestError::InBatch {
                index,
                error: Box::new(error),
            })
        })
        .collect()
}
