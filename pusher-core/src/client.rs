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

use crate::api::{
    BatchEvent, BatchResponse, ChannelAttribute, ChannelState, ChannelsList, GetChannel, GetPresenceUsers,
    ListChannels, Notification, NotifyResponse, Operation, PresenceUsers, RequestContext,
    TerminateUserConnections, TerminateUserConnectionsResponse, ToEventData, Trigger, TriggerBatch,
    TriggerResponse,
};
use crate::auth::{self, ChannelAuthorization, PresenceMember, UserAuthentication};
use crate::config::{Config, ConfigBuilder, Scheme};
use crate::error::{AuthError, BuildError, ConfigError, Error, RequestError, WebhookError};
use crate::http_client::{AsyncHttpClient, BuildHttpClient, HttpClient, HttpOptions};
use crate::names::{ChannelName, EventName, SocketId, UserId};
use crate::sources::{Clock, NonceSource};
use crate::webhook::{Webhook, WebhookVerifier};

/// Marks an [`HttpClient`] as the blocking client of a [`Pusher`]: `Pusher<Blocking<C>>`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Blocking<C>(pub C);

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

/// The name of the environment variable [`Pusher::from_env`] reads.
pub const PUSHER_URL_ENV: &str = "PUSHER_URL";

impl<C: BuildHttpClient> Pusher<C> {
    /// A client for `api-{cluster}.pusher.com` with every default.
    pub fn from_credentials(
        app_id: impl Into<String>,
        key: impl Into<String>,
        secret: impl Into<String>,
        cluster: impl Into<String>,
    ) -> Result<Self, BuildError> {
        Self::builder(app_id, key, secret).cluster(cluster).build()
    }

    /// A client for `http[s]://KEY:SECRET@HOST[:PORT]/apps/APP_ID` with every default.
    pub fn from_url(url: &str) -> Result<Self, BuildError> {
        Self::builder_from_url(url).build()
    }

    /// A client for the URL in the `PUSHER_URL` environment variable.
    pub fn from_env() -> Result<Self, BuildError> {
        let url = std::env::var(PUSHER_URL_ENV).map_err(|_| BuildError::MissingEnv(PUSHER_URL_ENV))?;
        Self::from_url(&url)
    }
}

impl<C> Pusher<C> {
    /// A builder for every optional setting, starting from the three credentials.
    pub fn builder(
        app_id: impl Into<String>,
        key: impl Into<String>,
        secret: impl Into<String>,
    ) -> PusherBuilder<C> {
        PusherBuilder::from_config(Ok(ConfigBuilder::new(app_id, key, secret)))
    }

    /// A builder starting from a `PUSHER_URL`-style URL (an invalid URL fails at `build`).
    pub fn builder_from_url(url: &str) -> PusherBuilder<C> {
        PusherBuilder::from_config(ConfigBuilder::from_url(url))
    }
}

/// Builds a [`Pusher`]: the configuration's settings, the HTTP client's and the sources of time and
/// randomness.
pub struct PusherBuilder<C> {
    config: Result<ConfigBuilder, ConfigError>,
    options: HttpOptions,
    http: Option<C>,
    clock: Option<Arc<dyn Clock>>,
    nonces: Option<Arc<dyn NonceSource>>,
}

impl<C: fmt::Debug> fmt::Debug for PusherBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PusherBuilder")
            .field("config", &self.config)
            .field("options", &self.options)
            .field("http", &self.http)
            .finish_non_exhaustive()
    }
}

impl<C> PusherBuilder<C> {
    fn from_config(config: Result<ConfigBuilder, ConfigError>) -> Self {
        Self {
            config,
            options: HttpOptions::default(),
            http: None,
            clock: None,
            nonces: None,
        }
    }

    fn map_config(mut self, f: impl FnOnce(ConfigBuilder) -> ConfigBuilder) -> Self {
        self.config = self.config.map(f);
        self
    }

    /// Uses the cluster's host `api-{cluster}.pusher.com`.
    pub fn cluster(self, cluster: impl Into<String>) -> Self {
        self.map_config(|c| c.cluster(cluster))
    }

    /// Sends requests to this host (wins over the cluster).
    pub fn host(self, host: impl Into<String>) -> Self {
        self.map_config(|c| c.host(host))
    }

    /// An explicit port.
    pub fn port(self, port: u16) -> Self {
        self.map_config(|c| c.port(port))
    }

    /// HTTP or HTTPS (default HTTPS).
    pub fn scheme(self, scheme: Scheme) -> Self {
        self.map_config(|c| c.scheme(scheme))
    }

    /// The base64 master key for end-to-end encrypted channels.
    pub fn encryption_master_key_base64(self, key: &str) -> Self {
        self.map_config(|c| c.encryption_master_key_base64(key))
    }

    /// The ceiling on an event's `data` size as sent (default 10,240 bytes).
    pub fn max_payload_bytes(self, bytes: usize) -> Self {
        self.map_config(|c| c.max_payload_bytes(bytes))
    }

    /// The native push notification host.
    pub fn notify_host(self, host: impl Into<String>) -> Self {
        self.map_config(|c| c.notify_host(host))
    }

    /// The whole request's deadline (default 5 s). Ignored when an HTTP client is given.
    pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
        self.options.timeout = timeout;
        self
    }

    /// The connection's deadline (default 5 s). Ignored when an HTTP client is given.
    pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.options.connect_timeout = timeout;
        self
    }

    /// The largest response body read (default 8 MiB). Ignored when an HTTP client is given.
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.options.max_response_body = bytes;
        self
    }

    /// Uses this HTTP client instead of making one.
    pub fn http_client(mut self, http: C) -> Self {
        self.http = Some(http);
        self
    }

    /// Uses this clock (default: the system clock).
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Uses this nonce source (default: the operating system's random source).
    pub fn nonces(mut self, nonces: impl NonceSource + 'static) -> Self {
        self.nonces = Some(Arc::new(nonces));
        self
    }

    /// Builds the client with `http`, whatever its type.
    pub fn build_with(self, http: C) -> Result<Pusher<C>, BuildError> {
        let config = self.config?.build()?;
        #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
        let (clock, nonces): (Arc<dyn Clock>, Arc<dyn NonceSource>) = (
            self.clock
                .unwrap_or_else(|| Arc::new(crate::sources::SystemClock)),
            self.nonces.unwrap_or_else(|| Arc::new(crate::sources::OsRandom)),
        );
        #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
        let (clock, nonces) = (
            self.clock.ok_or(BuildError::NoDefaultSource("clock"))?,
            self.nonces.ok_or(BuildError::NoDefaultSource("nonce source"))?,
        );
        Ok(Pusher {
            webhooks: WebhookVerifier::new(&config),
            config,
            clock,
            nonces,
            http,
        })
    }

    /// Builds the client, making the HTTP client from the timeouts and body cap unless one was given.
    pub fn build(mut self) -> Result<Pusher<C>, BuildError>
    where
        C: BuildHttpClient,
    {
        let http = match self.http.take() {
            Some(http) => http,
            None => C::build_http_client(&self.options).map_err(BuildError::Http)?,
        };
        self.build_with(http)
    }
}
