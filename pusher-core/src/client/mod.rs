//! The generic client: every call as one method over any HTTP client.
//!
//! `Pusher<C>` is asynchronous when `C` is an [`AsyncHttpClient`], and blocking when it is a
//! [`Blocking`] wrapper around an [`HttpClient`]. Either way a call is built, sent and parsed by the
//! same [`Operation`]; only the thin method that awaits (or not) differs.
//!
//! ```
//! use pusher_core::{Blocking, Config, Pusher, TransportError};
//!
//! // Any closure is a client: here one that answers every request itself.
//! let http = Blocking(|_request: http::Request<Vec<u8>>| -> Result<_, TransportError> {
//!     Ok(http::Response::new(b"{}".to_vec()))
//! });
//! let pusher = Pusher::new(Config::new("1", "key", "secret")?, http);
//! pusher.trigger(["my-channel"], "my-event", &serde_json::json!({"message": "hello"}))?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::api::RequestError;
use crate::api::{
    BatchEvent, BatchResponse, ChannelAttribute, ChannelState, ChannelsList, GetChannel, GetPresenceUsers,
    ListChannels, Notification, NotifyResponse, Operation, PresenceUsers, RequestContext,
    TerminateUserConnections, TerminateUserConnectionsResponse, ToEventData, Trigger, TriggerBatch,
    TriggerResponse,
};
use crate::auth::AuthError;
use crate::auth::{self, ChannelAuthorization, PresenceMember, UserAuthentication};
use crate::config::Config;
use crate::error::Error;
use crate::http_client::{AsyncHttpClient, Blocking, HttpClient};
use crate::names::{ChannelName, EventName, SocketId, UserId};
use crate::sources::{Clock, NonceSource};
use crate::webhook::WebhookError;
use crate::webhook::{Webhook, WebhookVerifier};

mod builder;

pub use builder::{BuildError, PUSHER_URL_ENV, PusherBuilder};

/// A Pusher Channels client over the HTTP client `C`. Cheap to clone when `C` is.
#[derive(Clone)]
pub struct Pusher<C> {
    config: Config,
    clock: Arc<dyn Clock>,
    nonces: Arc<dyn NonceSource>,
    webhooks: WebhookVerifier,
    http: C,
}

impl<C: fmt::Debug> fmt::Debug for Pusher<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pusher")
            .field("config", &self.config)
            .field("http", &self.http)
            .finish_non_exhaustive()
    }
}

impl<C> Pusher<C> {
    /// A client with the system clock and the operating system's random source.
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    pub fn new(config: Config, http: C) -> Self {
        Self::with_sources(
            config,
            http,
            crate::sources::SystemClock,
            crate::sources::OsRandom,
        )
    }

    /// A client with the given clock and nonce source (tests; platforms without an OS clock).
    pub fn with_sources(
        config: Config,
        http: C,
        clock: impl Clock + 'static,
        nonces: impl NonceSource + 'static,
    ) -> Self {
        Self {
            webhooks: WebhookVerifier::new(&config),
            config,
            clock: Arc::new(clock),
            nonces: Arc::new(nonces),
            http,
        }
    }

    /// Replaces the clock.
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Replaces the nonce source.
    pub fn with_nonces(mut self, nonces: impl NonceSource + 'static) -> Self {
        self.nonces = Arc::new(nonces);
        self
    }

    /// Replaces the webhook verifier (e.g. to add credentials or change the accepted age).
    pub fn with_webhook_verifier(mut self, verifier: WebhookVerifier) -> Self {
        self.webhooks = verifier;
        self
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The HTTP client.
    pub fn http_client(&self) -> &C {
        &self.http
    }

    /// Builds `operation`'s signed request at the clock's current time.
    pub fn build_request<O: Operation>(&self, operation: &O) -> Result<http::Request<Vec<u8>>, RequestError> {
        let context = RequestContext {
            timestamp: self.clock.now().as_secs(),
            nonces: &*self.nonces,
        };
        operation.build_request(&self.config, &context)
    }

    /// Authorizes a subscription to a `private-` or `private-encrypted-` channel.
    pub fn authorize_channel(
        &self,
        socket_id: &str,
        channel: &str,
    ) -> Result<ChannelAuthorization, AuthError> {
        auth::authorize_channel(&self.config, &socket_id.parse()?, &channel.parse()?)
    }

    /// Authorizes a subscription to a `presence-` channel as `user_id`, with optional `user_info`.
    pub fn authorize_presence_channel<T: Serialize + ?Sized>(
        &self,
        socket_id: &str,
        channel: &str,
        user_id: &str,
        user_info: Option<&T>,
    ) -> Result<ChannelAuthorization, AuthError> {
        let mut member = PresenceMember::new(user_id.parse()?);
        if let Some(info) = user_info {
            member = member.user_info(info)?;
        }
        auth::authorize_presence_channel(&self.config, &socket_id.parse()?, &channel.parse()?, &member)
    }

    /// Authenticates a user sign-in; `user_data` is a JSON object with a string `id`
    /// (see [`UserData`](crate::auth::UserData)).
    pub fn authenticate_user<T: Serialize + ?Sized>(
        &self,
        socket_id: &str,
        user_data: &T,
    ) -> Result<UserAuthentication, AuthError> {
        auth::authenticate_user(&self.config, &socket_id.parse()?, user_data)
    }

    /// Verifies a webhook's headers and raw body against the clock's current time.
    pub fn verify_webhook(&self, headers: &http::HeaderMap, body: &[u8]) -> Result<Webhook, WebhookError> {
        self.webhooks.verify_headers(headers, body, self.clock.now())
    }
}

/// The calls' operations, built from caller strings: one place for both modes.
mod calls {
    use super::*;

    fn channel_list<I>(channels: I) -> Result<Vec<ChannelName>, Error>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        Ok(channels
            .into_iter()
            .map(|c| ChannelName::try_from(c.as_ref()))
            .collect::<Result<_, _>>()?)
    }

    pub(super) fn trigger<I, D>(channels: I, event: &str, data: &D) -> Result<Trigger, Error>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
        D: ToEventData + ?Sized,
    {
        Ok(Trigger::new(
            channel_list(channels)?,
            EventName::try_from(event)?,
            data.to_event_data()?,
        ))
    }

    pub(super) fn trigger_excluding<I, D>(
        channels: I,
        event: &str,
        data: &D,
        socket_id: &str,
    ) -> Result<Trigger, Error>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
        D: ToEventData + ?Sized,
    {
        Ok(trigger(channels, event, data)?.socket_id(SocketId::try_from(socket_id)?))
    }

    pub(super) fn send_to_user<D: ToEventData + ?Sized>(
        user_id: &str,
        event: &str,
        data: &D,
    ) -> Result<Trigger, Error> {
        Ok(Trigger::send_to_user(
            &UserId::try_from(user_id)?,
            EventName::try_from(event)?,
            data.to_event_data()?,
        ))
    }

    pub(super) fn channel(channel: &str, info: &[ChannelAttribute]) -> Result<GetChannel, Error> {
        Ok(GetChannel::new(channel.parse()?).info(info.iter().copied()))
    }

    pub(super) fn channels(prefix: Option<&str>, info: &[ChannelAttribute]) -> ListChannels {
        let list = ListChannels::new().info(info.iter().copied());
        match prefix {
            Some(prefix) => list.prefix(prefix),
            None => list,
        }
    }

    pub(super) fn presence_users(channel: &str) -> Result<GetPresenceUsers, Error> {
        Ok(GetPresenceUsers::new(channel.parse()?))
    }

    pub(super) fn terminate(user_id: &str) -> Result<TerminateUserConnections, Error> {
        Ok(TerminateUserConnections::new(user_id.parse()?))
    }
}

/// Generates the calls of one mode; `$($await)*` is `.await` for the asynchronous mode.
macro_rules! calls {
    ($($async:ident)? ; $($await:tt)*) => {
        /// Triggers `event` with `data` (any serializable value, serialized once, or an
        /// [`EventData`](crate::api::EventData)) on 1 to 100 channels.
        pub $($async)? fn trigger<I, D>(&self, channels: I, event: &str, data: &D) -> Result<TriggerResponse, Error>
        where
            I: IntoIterator,
            I::Item: AsRef<str>,
            D: ToEventData + ?Sized,
        {
            self.send(calls::trigger(channels, event, data)?)$($await)*
        }

        /// Triggers like [`trigger`](Self::trigger), but not to the connection `socket_id`.
        pub $($async)? fn trigger_excluding<I, D>(
            &self,
            channels: I,
            event: &str,
            data: &D,
            socket_id: &str,
        ) -> Result<TriggerResponse, Error>
        where
            I: IntoIterator,
            I::Item: AsRef<str>,
            D: ToEventData + ?Sized,
        {
            self.send(calls::trigger_excluding(channels, event, data, socket_id)?)$($await)*
        }

        /// Triggers 1 to 10 events, each on its own channel.
        pub $($async)? fn trigger_batch(
            &self,
            events: impl IntoIterator<Item = BatchEvent>,
        ) -> Result<BatchResponse, Error> {
            self.send(TriggerBatch::new(events))$($await)*
        }

        /// Sends `event` with `data` to every connection `user_id` has signed in with.
        pub $($async)? fn send_to_user<D: ToEventData + ?Sized>(
            &self,
            user_id: &str,
            event: &str,
            data: &D,
        ) -> Result<TriggerResponse, Error> {
            self.send(calls::send_to_user(user_id, event, data)?)$($await)*
        }

        /// One channel's state, with the attributes asked for.
        pub $($async)? fn channel(&self, channel: &str, info: &[ChannelAttribute]) -> Result<ChannelState, Error> {
            self.send(calls::channel(channel, info)?)$($await)*
        }

        /// The occupied channels, optionally only those starting with `prefix`.
        pub $($async)? fn channels(
            &self,
            prefix: Option<&str>,
            info: &[ChannelAttribute],
        ) -> Result<ChannelsList, Error> {
            self.send(calls::channels(prefix, info))$($await)*
        }

        /// The users on a presence channel.
        pub $($async)? fn presence_users(&self, channel: &str) -> Result<PresenceUsers, Error> {
            self.send(calls::presence_users(channel)?)$($await)*
        }

        /// Closes every connection of `user_id`.
        pub $($async)? fn terminate_user_connections(
            &self,
            user_id: &str,
        ) -> Result<TerminateUserConnectionsResponse, Error> {
            self.send(calls::terminate(user_id)?)$($await)*
        }

        /// Sends a native push notification (beta).
        pub $($async)? fn notify(&self, notification: Notification) -> Result<NotifyResponse, Error> {
            self.send(notification)$($await)*
        }
    };
}

impl<C: HttpClient> Pusher<Blocking<C>> {
    /// Builds, sends and parses any call.
    pub fn send<O: Operation>(&self, operation: O) -> Result<O::Output, Error> {
        let request = self.build_request(&operation)?;
        let response = self.http.0.send(request)?;
        Ok(operation.parse_response(response)?)
    }

    calls!(;);
}

impl<C: AsyncHttpClient> Pusher<C> {
    /// Builds, sends and parses any call.
    pub async fn send<O: Operation>(&self, operation: O) -> Result<O::Output, Error> {
        let request = self.build_request(&operation)?;
        let response = self.http.send(request).await?;
        Ok(operation.parse_response(response)?)
    }

    calls!(async; .await);
}
