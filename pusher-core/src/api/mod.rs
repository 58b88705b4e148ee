//! Every REST call as a pair: a builder that returns a signed `http::Request` given a timestamp,
//! and a parser that turns the `http::Response` into a typed result (PROTOCOL §3).
//!
//! Each call is a value implementing [`Operation`]; the generic client runs any of them, and so can
//! any other HTTP stack:
//!
//! ```
//! use pusher_core::api::{GetChannel, Operation, RequestContext};
//! use pusher_core::Config;
//!
//! let config = Config::new("3", "278d425bdf160c739803", "7ad3773142a6692b25b8")?;
//! let call = GetChannel::new("presence-room".parse()?).with_user_count();
//! let request = call.build_request(&config, &RequestContext::new(1353088179))?;
//! assert!(request.uri().query().unwrap().contains("info=user_count"));
//! // ... send it with any client, then:
//! let response = http::Response::new(br#"{"occupied":true,"user_count":3}"#.to_vec());
//! let state = call.parse_response(response)?;
//! assert_eq!(state.user_count, Some(3));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod body;
mod channels;
mod error;
mod notify;
mod trigger;
mod users;

use std::fmt;

pub use channels::{
    ChannelState, ChannelsList, GetChannel, GetPresenceUsers, ListChannels, PresenceUser, PresenceUsers,
};
pub use error::RequestError;
pub use notify::{Notification, NotifyResponse, WebhookLevel};
pub use trigger::{
    BatchEvent, BatchResponse, ChannelInfo, EventData, ToEventData, Trigger, TriggerBatch, TriggerResponse,
};
pub use users::{TerminateUserConnections, TerminateUserConnectionsResponse};

use crate::config::Config;
use crate::response::ResponseError;
use crate::sources::{NoNonces, NonceSource};

/// What building a request needs from outside: the time, and nonces for encryption.
#[derive(Clone, Copy)]
pub struct RequestContext<'a> {
    /// Unix seconds, sent as `auth_timestamp`.
    pub timestamp: u64,
    /// Where encryption nonces come from.
    pub nonces: &'a dyn NonceSource,
}

impl fmt::Debug for RequestContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestContext")
            .field("timestamp", &self.timestamp)
            .finish_non_exhaustive()
    }
}

impl RequestContext<'static> {
    /// A context at `timestamp` with no nonce source: enough for every call that encrypts nothing.
    pub fn new(timestamp: u64) -> Self {
        Self {
            timestamp,
            nonces: &NoNonces,
        }
    }
}

impl<'a> RequestContext<'a> {
    /// The same context, taking nonces from `nonces`.
    pub fn with_nonces(self, nonces: &'a dyn NonceSource) -> RequestContext<'a> {
        RequestContext {
            timestamp: self.timestamp,
            nonces,
        }
    }
}

/// One REST call: how to build its request and how to read its response.
pub trait Operation {
    /// The typed result of a successful call.
    type Output;

    /// Checks the limits and builds the signed request. No request is built when a limit is broken.
    fn build_request(
        &self,
        config: &Config,
        context: &RequestContext<'_>,
    ) -> Result<http::Request<Vec<u8>>, RequestError>;

    /// Reads the server's response.
    fn parse_response(&self, response: http::Response<Vec<u8>>) -> Result<Self::Output, ResponseError>;
}

/// An attribute of a channel that a call can ask for with `info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ChannelAttribute {
    /// `user_count`: distinct users on a presence channel.
    UserCount,
    /// `subscription_count`: connections subscribed (must be enabled for the app).
    SubscriptionCount,
}

impl ChannelAttribute {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelAttribute::UserCount => "user_count",
            ChannelAttribute::SubscriptionCount => "subscription_count",
        }
    }
}

impl fmt::Display for ChannelAttribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Joins attributes with `,` for an `info` parameter, each once, in a stable order.
pub(crate) fn info_param(attributes: &[ChannelAttribute]) -> Option<String> {
    let mut sorted = attributes.to_vec();
    sorted.sort();
    sorted.dedup();
    (!sorted.is_empty()).then(|| sorted.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(","))
}
