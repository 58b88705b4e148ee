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
//! pusher.trigger("my-channel", "my-event", &serde_json::json!({"message": "hello"}))?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::api::RequestError;
use crate::api::{
    BatchResponse, ChannelAttribute, ChannelState, ChannelsList, GetChannel, GetPresenceUsers, ListChannels,
    Notification, NotifyResponse, Operation, PresenceUsers, RequestContext, TerminateUserConnections,
    TerminateUserConnectionsResponse, ToEventData, Trigger, TriggerBatch, TriggerResponse,
};
use crate::auth::{
    self, AuthError, ChannelAuthRequest, ChannelAuthorization, PresenceMember, UserAuthRequest,
    UserAuthentication, UserData,
};
use crate::config::Config;
use crate::error::Error;
use crate::http_client::{AsyncHttpClient, Blocking, HttpClient};
use crate::names::{ChannelName, EventName, UserId};
use crate::sources::{Clock, NonceSource};
use crate::webhook::WebhookError;
use crate::webhook::{Webhook, WebhookVerifier};

mod arguments;
mod builder;

pub use arguments::{IntoBatchEvent, IntoChannels, TriggerOptions};
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
    ///
    /// ```
    /// use pusher_core::{Blocking, Config, Pusher, TransportError};
    ///
    /// // Any HTTP client: here a closure answering every request itself.
    /// let http = Blocking(|_: http::Request<Vec<u8>>| -> Result<_, TransportError> { Ok(http::Response::new(b"{}".to_vec())) });
    /// let pusher = Pusher::new(Config::new("1", "key", "secret")?, http);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use pusher_core::{Config, NoNonces, Pusher};
    ///
    /// # let http = ();
    /// let pusher = Pusher::with_sources(Config::new("1", "key", "secret")?, http, || Duration::from_secs(1_700_000_000), NoNonces);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// # fn demo<C>(pusher: pusher_core::Pusher<C>) -> Result<(), Box<dyn std::error::Error>> {
    /// let frozen = pusher.with_clock(|| Duration::from_secs(1_700_000_000));
    /// # Ok(()) }
    /// ```
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Replaces the nonce source.
    ///
    /// ```
    /// use pusher_core::{RandomError, NONCE_LEN};
    ///
    /// # fn demo<C>(pusher: pusher_core::Pusher<C>) -> Result<(), Box<dyn std::error::Error>> {
    /// let fixed = pusher.with_nonces(|| -> Result<[u8; NONCE_LEN], RandomError> { Ok([7; NONCE_LEN]) });
    /// # Ok(()) }
    /// ```
    pub fn with_nonces(mut self, nonces: impl NonceSource + 'static) -> Self {
        self.nonces = Arc::new(nonces);
        self
    }

    /// Replaces the webhook verifier (e.g. to add credentials or change the accepted age).
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use pusher_core::webhook::WebhookVerifier;
    ///
    /// # fn demo<C>(pusher: pusher_core::Pusher<C>) -> Result<(), Box<dyn std::error::Error>> {
    /// let verifier = WebhookVerifier::new(pusher.config())
    ///     .additional_credentials("old-key", "old-secret")
    ///     .max_age(Duration::from_secs(60));
    /// let pusher = pusher.with_webhook_verifier(verifier);
    /// # Ok(()) }
    /// ```
    pub fn with_webhook_verifier(mut self, verifier: WebhookVerifier) -> Self {
        self.webhooks = verifier;
        self
    }

    /// The configuration.
    ///
    /// ```
    /// # fn demo<C>(pusher: pusher_core::Pusher<C>) -> Result<(), Box<dyn std::error::Error>> {
    /// println!("app {} on {}", pusher.config().app_id(), pusher.config().api_endpoint().host());
    /// # Ok(()) }
    /// ```
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The HTTP client.
    ///
    /// ```
    /// # fn demo<C>(pusher: pusher_core::Pusher<C>) -> Result<(), Box<dyn std::error::Error>> {
    /// let http = pusher.http_client();
    /// # Ok(()) }
    /// ```
    pub fn http_client(&self) -> &C {
        &self.http
    }

    /// Builds `operation`'s signed request at the clock's current time, without sending it.
    ///
    /// ```
    /// use pusher_core::api::ListChannels;
    ///
    /// # fn demo<C>(pusher: pusher_core::Pusher<C>) -> Result<(), Box<dyn std::error::Error>> {
    /// let request = pusher.build_request(&ListChannels::new())?;
    /// assert!(request.uri().query().unwrap_or_default().contains("auth_signature="));
    /// # Ok(()) }
    /// ```
    pub fn build_request<O: Operation>(&self, operation: &O) -> Result<http::Request<Vec<u8>>, RequestError> {
        let context = RequestContext {
            timestamp: self.clock.now().as_secs(),
            nonces: &*self.nonces,
        };
        operation.build_request(&self.config, &context)
    }

    /// Authorizes a subscription to a `private-` or `private-encrypted-` channel.
    ///
    /// ```
    /// # fn demo<C>(pusher: pusher_core::Pusher<C>) -> Result<(), Box<dyn std::error::Error>> {
    /// let answer = pusher.authorize_channel("123.456", "private-orders")?;
    /// let json = serde_json::to_string(&answer)?; // {"auth":"KEY:SIGNATURE"}
    /// # Ok(()) }
    /// ```
    pub fn authorize_channel(
        &self,
        socket_id: &str,
        channel: &str,
    ) -> Result<ChannelAuthorization, AuthError> {
        auth::authorize_channel(&self.config, &socket_id.parse()?, &channel.parse()?)
    }

    /// Authorizes a subscription to a `presence-` channel as `user_id`, with `user_info` (any
    /// serializable value; `&()` for none).
    pub fn authorize_presence_channel<T: Serialize + ?Sized>(
        &self,
        socket_id: &str,
        channel: &str,
        user_id: &str,
        user_info: &T,
    ) -> Result<ChannelAuthorization, AuthError> {
        let member = PresenceMember::new(user_id.parse()?).user_info(user_info)?;
        auth::authorize_presence_channel(&self.config, &socket_id.parse()?, &channel.parse()?, &member)
    }

    /// Authenticates a user sign-in; `user_data` is a JSON object with a string `id`
    /// (see [`UserData`]).
    ///
    /// ```
    /// # fn demo<C>(pusher: pusher_core::Pusher<C>) -> Result<(), Box<dyn std::error::Error>> {
    /// let answer = pusher.authenticate_user("123.456", &serde_json::json!({"id": "ada"}))?;
    /// assert_eq!(answer.user_data, r#"{"id":"ada"}"#);
    /// # Ok(()) }
    /// ```
    pub fn authenticate_user<T: Serialize + ?Sized>(
        &self,
        socket_id: &str,
        user_data: &T,
    ) -> Result<UserAuthentication, AuthError> {
        auth::authenticate_user(&self.config, &socket_id.parse()?, user_data)
    }

    /// Answers a channel-authorization request from pusher-js for the signed-in `user`: see
    /// [`auth::authorize`].
    ///
    /// ```
    /// use pusher_core::auth::{ChannelAuthRequest, UserData};
    ///
    /// # fn demo<C>(pusher: pusher_core::Pusher<C>) -> Result<(), Box<dyn std::error::Error>> {
    /// let request = ChannelAuthRequest::from_form(b"socket_id=123.456&channel_name=presence-room")?;
    /// let answer = pusher.authorize(&request, &UserData::new("ada".parse()?))?;
    /// # Ok(()) }
    /// ```
    pub fn authorize(
        &self,
        request: &ChannelAuthRequest,
        user: &UserData,
    ) -> Result<ChannelAuthorization, AuthError> {
        auth::authorize(&self.config, request, user)
    }

    /// Answers a user-authentication request from pusher-js: see [`auth::authenticate`].
    ///
    /// ```
    /// use pusher_core::auth::{UserAuthRequest, UserData};
    ///
    /// # fn demo<C>(pusher: pusher_core::Pusher<C>) -> Result<(), Box<dyn std::error::Error>> {
    /// let request = UserAuthRequest::from_form(b"socket_id=123.456")?;
    /// let answer = pusher.authenticate(&request, &UserData::new("ada".parse()?))?;
    /// # Ok(()) }
    /// ```
    pub fn authenticate(
        &self,
        request: &UserAuthRequest,
        user: &UserData,
    ) -> Result<UserAuthentication, AuthError> {
        auth::authenticate(&self.config, request, user)
    }

    /// The whole channel-authorization endpoint pusher-js calls, for any web framework: reads
    /// the form body it posted, asks `may_subscribe` whether the signed-in `user` may subscribe to
    /// the channel, and answers — `200` with the JSON pusher-js expects, `403` when
    /// `may_subscribe` says no, `400` when the request is not what pusher-js sends (the body
    /// then says why, in words).
    ///
    /// ```
    /// # use pusher_core::{Blocking, Config, Pusher, TransportError};
    /// use pusher_core::auth::UserData;
    ///
    /// # let pusher = Pusher::new(Config::new("1", "key", "secret")?, Blocking(|_: http::Request<Vec<u8>>| -> Result<http::Response<Vec<u8>>, TransportError> { unreachable!() }));
    /// let user = UserData::new("ada".parse()?);
    /// let body = b"socket_id=123.456&channel_name=private-ada";
    /// let response = pusher.channel_auth_endpoint(body, &user, |channel| channel == "private-ada");
    /// assert_eq!(response.status(), 200);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn channel_auth_endpoint(
        &self,
        form_body: &[u8],
        user: &UserData,
        may_subscribe: impl FnOnce(&ChannelName) -> bool,
    ) -> http::Response<Vec<u8>> {
        let request = match ChannelAuthRequest::from_form(form_body) {
            Ok(request) => request,
            Err(error) => return endpoint::refusal(http::StatusCode::BAD_REQUEST, &error),
        };
        if !may_subscribe(request.channel()) {
            let reason = format!("user {} may not subscribe to {}", user.id(), request.channel());
            return endpoint::refusal(http::StatusCode::FORBIDDEN, &reason);
        }
        endpoint::answer(self.authorize(&request, user))
    }

    /// The whole user-authentication endpoint pusher-js calls (`userAuthentication`), for any web
    /// framework: reads the form body it posted and signs `user` in on that connection — `200`
    /// with the JSON pusher-js expects, `400` when the request is not what pusher-js sends.
    ///
    /// ```
    /// use pusher_core::auth::UserData;
    ///
    /// # fn demo<C>(pusher: pusher_core::Pusher<C>) -> Result<(), Box<dyn std::error::Error>> {
    /// let response = pusher.user_auth_endpoint(b"socket_id=123.456", &UserData::new("ada".parse()?));
    /// assert_eq!(response.status(), 200);
    /// # Ok(()) }
    /// ```
    pub fn user_auth_endpoint(&self, form_body: &[u8], user: &UserData) -> http::Response<Vec<u8>> {
        match UserAuthRequest::from_form(form_body) {
            Ok(request) => endpoint::answer(self.authenticate(&request, user)),
            Err(error) => endpoint::refusal(http::StatusCode::BAD_REQUEST, &error),
        }
    }

    /// Verifies a webhook's headers and raw body against the clock's current time.
    ///
    /// ```
    /// # fn demo<C>(pusher: pusher_core::Pusher<C>, headers: http::HeaderMap, body: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
    /// let webhook = pusher.verify_webhook(&headers, body)?;
    /// for event in &webhook.events {
    ///     println!("{event:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn verify_webhook(&self, headers: &http::HeaderMap, body: &[u8]) -> Result<Webhook, WebhookError> {
        self.webhooks.verify_headers(headers, body, self.clock.now())
    }

    /// Verifies a webhook request as a web framework hands it over, headers and raw body.
    ///
    /// ```
    /// # fn demo<C>(pusher: pusher_core::Pusher<C>, request: http::Request<Vec<u8>>) -> Result<(), Box<dyn std::error::Error>> {
    /// let webhook = pusher.verify_webhook_request(&request)?;
    /// # Ok(()) }
    /// ```
    pub fn verify_webhook_request<B: AsRef<[u8]>>(
        &self,
        request: &http::Request<B>,
    ) -> Result<Webhook, WebhookError> {
        self.verify_webhook(request.headers(), request.body().as_ref())
    }

    /// Verifies a webhook from the `X-Pusher-Key` and `X-Pusher-Signature` header values and the
    /// raw body.
    ///
    /// ```
    /// # fn demo<C>(pusher: pusher_core::Pusher<C>, key: &str, signature: &str, body: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
    /// let webhook = pusher.verify_webhook_parts(key, signature, body)?;
    /// # Ok(()) }
    /// ```
    pub fn verify_webhook_parts(
        &self,
        key: &str,
        signature: &str,
        body: &[u8],
    ) -> Result<Webhook, WebhookError> {
        self.webhooks
            .verify(Some(key), Some(signature), body, self.clock.now())
    }
}

/// The calls' operations, built from caller strings: one place for both modes.
mod calls {
    use super::*;

    pub(super) fn trigger<D: ToEventData + ?Sized>(
        channels: impl IntoChannels,
        event: &str,
        data: &D,
        options: TriggerOptions,
    ) -> Result<Trigger, Error> {
        let trigger = Trigger::new(
            channels.into_channels()?,
            EventName::try_from(event)?,
            data.to_event_data()?,
        );
        Ok(options.apply(trigger)?)
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

/// The answers of the auth endpoints, as HTTP responses.
mod endpoint {
    use serde::Serialize;

    use crate::auth::AuthError;

    /// `200` with `answer` as JSON, or `403` naming why it cannot be given (a public channel, an
    /// encrypted one without a master key, ...).
    pub(super) fn answer<T: Serialize>(answer: Result<T, AuthError>) -> http::Response<Vec<u8>> {
        let json = answer.and_then(|answer| serde_json::to_vec(&answer).map_err(AuthError::Serialize));
        match json {
            Ok(json) => response(http::StatusCode::OK, "application/json", json),
            Err(error) => refusal(http::StatusCode::FORBIDDEN, &error),
        }
    }

    /// `status` with `reason` as plain text.
    pub(super) fn refusal(
        status: http::StatusCode,
        reason: &dyn std::fmt::Display,
    ) -> http::Response<Vec<u8>> {
        response(
            status,
            "text/plain; charset=utf-8",
            reason.to_string().into_bytes(),
        )
    }

    fn response(
        status: http::StatusCode,
        content_type: &'static str,
        body: Vec<u8>,
    ) -> http::Response<Vec<u8>> {
        let mut response = http::Response::new(body);
        *response.status_mut() = status;
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static(content_type),
        );
        response
    }
}

/// Generates the calls of one mode; `[$($await)*]` is `[.await]` for the asynchronous mode, `$demo`
/// the hidden first line of the examples (a function taking `pusher` in that mode) and `$aw` the
/// text `.await` or nothing.
macro_rules! calls {
    ($($async:ident)? ; [$($await:tt)*] ; $demo:literal, $aw:literal) => {
        /// Triggers `event` with `data` (any serializable value, serialized once, or an
        /// [`EventData`](crate::api::EventData)) on one channel or up to 100
        /// ([`IntoChannels`]).
        ///
        /// ```
        #[doc = $demo]
        #[doc = concat!("pusher.trigger(\"orders\", \"created\", &serde_json::json!({\"id\": 1}))", $aw, "?;")]
        #[doc = concat!("pusher.trigger([\"orders\", \"audit\"], \"created\", \"a plain string\")", $aw, "?;")]
        /// # Ok(()) }
        /// ```
        pub $($async)? fn trigger<D: ToEventData + ?Sized>(
            &self,
            channels: impl IntoChannels,
            event: &str,
            data: &D,
        ) -> Result<TriggerResponse, Error> {
            self.send(calls::trigger(channels, event, data, TriggerOptions::new())?)$($await)*
        }

        /// Triggers like [`trigger`](Self::trigger), with `options`: a connection to leave out,
        /// channel attributes to ask for (the answer's
        /// [`channels`](crate::api::TriggerResponse::channels)).
        ///
        /// ```
        /// use pusher_core::TriggerOptions;
        /// use pusher_core::api::ChannelAttribute::UserCount;
        ///
        #[doc = $demo]
        /// let options = TriggerOptions::new().socket_id("123.456").info([UserCount]);
        #[doc = concat!("let answer = pusher.trigger_with(\"presence-room\", \"moved\", &[3, 4], options)", $aw, "?;")]
        /// let members = answer.channels.get("presence-room").and_then(|c| c.user_count);
        /// # Ok(()) }
        /// ```
        pub $($async)? fn trigger_with<D: ToEventData + ?Sized>(
            &self,
            channels: impl IntoChannels,
            event: &str,
            data: &D,
            options: TriggerOptions,
        ) -> Result<TriggerResponse, Error> {
            self.send(calls::trigger(channels, event, data, options)?)$($await)*
        }

        /// Triggers 1 to 10 events, each on its own channel: [`BatchEvent`](crate::api::BatchEvent)s or
        /// `(channel, event, &data)` tuples of plain strings ([`IntoBatchEvent`]); an invalid one
        /// is an error naming its index, and nothing is sent.
        ///
        /// ```
        /// use serde_json::json;
        ///
        #[doc = $demo]
        #[doc = concat!("pusher.trigger_batch([(\"orders\", \"created\", &json!({\"id\": 1})), (\"stock\", \"low\", &json!({\"sku\": 7}))])", $aw, "?;")]
        /// # Ok(()) }
        /// ```
        pub $($async)? fn trigger_batch<I>(&self, events: I) -> Result<BatchResponse, Error>
        where
            I: IntoIterator,
            I::Item: IntoBatchEvent,
        {
            self.send(TriggerBatch::new(arguments::batch_events(events)?))$($await)*
        }

        /// Sends `event` with `data` to every connection `user_id` has signed in with.
        ///
        /// ```
        #[doc = $demo]
        #[doc = concat!("pusher.send_to_user(\"ada\", \"order-shipped\", &serde_json::json!({\"id\": 1}))", $aw, "?;")]
        /// # Ok(()) }
        /// ```
        pub $($async)? fn send_to_user<D: ToEventData + ?Sized>(
            &self,
            user_id: &str,
            event: &str,
            data: &D,
        ) -> Result<TriggerResponse, Error> {
            self.send(calls::send_to_user(user_id, event, data)?)$($await)*
        }

        /// One channel's state, with the attributes asked for.
        ///
        /// ```
        /// use pusher_core::api::ChannelAttribute::{SubscriptionCount, UserCount};
        ///
        #[doc = $demo]
        #[doc = concat!("let state = pusher.channel(\"presence-room\", &[UserCount, SubscriptionCount])", $aw, "?;")]
        /// println!("occupied: {}, users: {:?}", state.occupied, state.user_count);
        /// # Ok(()) }
        /// ```
        pub $($async)? fn channel(&self, channel: &str, info: &[ChannelAttribute]) -> Result<ChannelState, Error> {
            self.send(calls::channel(channel, info)?)$($await)*
        }

        /// The occupied channels, optionally only those starting with `prefix`.
        ///
        /// ```
        /// use pusher_core::api::ChannelAttribute::UserCount;
        ///
        #[doc = $demo]
        #[doc = concat!("let list = pusher.channels(Some(\"presence-\"), &[UserCount])", $aw, "?;")]
        /// for (name, channel) in &list.channels {
        ///     println!("{name}: {:?} users", channel.user_count);
        /// }
        /// # Ok(()) }
        /// ```
        pub $($async)? fn channels(
            &self,
            prefix: Option<&str>,
            info: &[ChannelAttribute],
        ) -> Result<ChannelsList, Error> {
            self.send(calls::channels(prefix, info))$($await)*
        }

        /// The users on a presence channel.
        ///
        /// ```
        #[doc = $demo]
        #[doc = concat!("let users = pusher.presence_users(\"presence-room\")", $aw, "?;")]
        /// let ids: Vec<&str> = users.users.iter().map(|user| user.id.as_str()).collect();
        /// # Ok(()) }
        /// ```
        pub $($async)? fn presence_users(&self, channel: &str) -> Result<PresenceUsers, Error> {
            self.send(calls::presence_users(channel)?)$($await)*
        }

        /// Closes every connection of `user_id`.
        ///
        /// ```
        #[doc = $demo]
        #[doc = concat!("pusher.terminate_user_connections(\"ada\")", $aw, "?;")]
        /// # Ok(()) }
        /// ```
        pub $($async)? fn terminate_user_connections(
            &self,
            user_id: &str,
        ) -> Result<TerminateUserConnectionsResponse, Error> {
            self.send(calls::terminate(user_id)?)$($await)*
        }

        /// Sends a native push notification (beta) to the devices subscribed to its interests.
        ///
        /// ```
        /// use pusher_core::api::Notification;
        ///
        #[doc = $demo]
        /// let notification = Notification::new(["donuts"])?
        ///     .fcm(serde_json::json!({"notification": {"title": "Hello"}}));
        #[doc = concat!("pusher.notify(notification)", $aw, "?;")]
        /// # Ok(()) }
        /// ```
        pub $($async)? fn notify(&self, notification: Notification) -> Result<NotifyResponse, Error> {
            self.send(notification)$($await)*
        }
    };
}

impl<C: HttpClient> Pusher<Blocking<C>> {
    /// Builds, sends and parses any call ([`Operation`]): what every other call does.
    ///
    /// ```
    /// use pusher_core::api::GetChannel;
    ///
    /// # fn demo<C: pusher_core::HttpClient>(pusher: pusher_core::Pusher<pusher_core::Blocking<C>>) -> Result<(), pusher_core::Error> {
    /// let state = pusher.send(GetChannel::new("orders".parse()?).with_user_count())?;
    /// # Ok(()) }
    /// ```
    pub fn send<O: Operation>(&self, operation: O) -> Result<O::Output, Error> {
        let request = self.build_request(&operation)?;
        let response = self.http.0.send(request)?;
        Ok(operation.parse_response(response)?)
    }

    calls!(
        ;
        [];
        "# fn demo<C: pusher_core::HttpClient>(pusher: pusher_core::Pusher<pusher_core::Blocking<C>>) -> Result<(), pusher_core::Error> {",
        ""
    );
}

impl<C: AsyncHttpClient> Pusher<C> {
    /// Builds, sends and parses any call ([`Operation`]): what every other call does.
    ///
    /// ```
    /// use pusher_core::api::GetChannel;
    ///
    /// # async fn demo<C: pusher_core::AsyncHttpClient>(pusher: pusher_core::Pusher<C>) -> Result<(), pusher_core::Error> {
    /// let state = pusher.send(GetChannel::new("orders".parse()?).with_user_count()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn send<O: Operation>(&self, operation: O) -> Result<O::Output, Error> {
        let request = self.build_request(&operation)?;
        let response = self.http.send(request).await?;
        Ok(operation.parse_response(response)?)
    }

    calls!(
        async;
        [.await];
        "# async fn demo<C: pusher_core::AsyncHttpClient>(pusher: pusher_core::Pusher<C>) -> Result<(), pusher_core::Error> {",
        ".await"
    );
}
