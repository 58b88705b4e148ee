//! Sans-io core of a client for the [Pusher Channels](https://pusher.com/channels) HTTP API.
//!
//! Every API call is turned into a signed [`http::Request`] and every [`http::Response`] into a
//! typed result, with no sockets, no async runtime and no clock read inside the logic: time and
//! randomness come in from outside. Most applications use the `pusher` crate, which pairs this
//! core with an HTTP stack; depend on this crate alone to bring your own.
//!
//! | need | where |
//! |---|---|
//! | credentials, hosts, `PUSHER_URL` | [`Config`], [`ConfigBuilder`] |
//! | validated names | [`ChannelName`], [`EventName`], [`SocketId`], [`UserId`] |
//! | the signature of a request | [`signing`] |
//! | each REST call as build + parse | [`api`] |
//! | private / presence / encrypted channel auth, user sign-in | [`auth`] |
//! | webhooks | [`webhook`] |
//! | end-to-end encryption | [`encryption`] |
//! | the limits a request must keep | [`limits`] |
//! | plugging in an HTTP stack | [`HttpClient`], [`AsyncHttpClient`] |
//! | writing an HTTP client adapter | [`http_client`]: options, errors, the body cap, tracing |
//! | every call as one method | [`Pusher`], made by [`PusherBuilder`] |
//! | every error type | [`error`] |
//! | the wire contract the docs cite as "PROTOCOL §n" | [`protocol`] (`PROTOCOL.md` in this crate) |
//!
//! ```
//! use pusher_core::api::{Operation, RequestContext, Trigger, EventData};
//! use pusher_core::Config;
//!
//! let config = Config::from_url("http://key:secret@127.0.0.1:6001/apps/1")?;
//! let trigger = Trigger::new(["orders".parse()?], "created".parse()?, EventData::json(&[1, 2, 3])?);
//! let request = trigger.build_request(&config, &RequestContext::new(1_700_000_000))?;
//! assert_eq!(request.uri().path(), "/apps/1/events");
//! assert_eq!(request.body(), br#"{"name":"created","channels":["orders"],"data":"[1,2,3]"}"#);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod api;
pub mod auth;
mod client;
pub mod config;
pub mod encryption;
pub mod error;
pub mod http_client;
pub mod limits;
pub mod names;
#[doc = include_str!("../PROTOCOL.md")]
pub mod protocol {}
mod quote;
pub mod request;
pub mod response;
pub mod signing;
pub mod sources;
pub mod webhook;

pub use client::{IntoBatchEvent, IntoChannels, PUSHER_URL_ENV, Pusher, PusherBuilder, TriggerOptions};
pub use config::{Config, ConfigBuilder, MasterKey, Scheme};
pub use error::{
    AuthError, BuildError, ConfigError, DecryptError, Error, RandomError, RequestError, ResponseError,
    ResponseErrorKind, TlsFailure, TransportError, TransportErrorKind, ValidationError, ValueKind,
    WebhookError,
};
pub use http_client::{
    AsyncHttpClient, Blocking, BuildHttpClient, HttpClient, HttpClientBuilder, HttpOptions,
};
pub use names::{ChannelKind, ChannelName, EventName, SocketId, UserId};
pub use sources::{Clock, NONCE_LEN, NoNonces, NonceSource};
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub use sources::{OsRandom, SystemClock};

/// What the exported macros expand to.
#[doc(hidden)]
pub mod __private {
    pub use http;
}

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
