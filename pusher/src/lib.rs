#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// The `http` crate, whose types webhook verification and the auth endpoints take and return.
pub use http;
pub use pusher_core;
pub use pusher_core::api::{ChannelAttribute, EventData};
pub use pusher_core::auth::{ChannelAuthRequest, UserAuthRequest, UserData};
pub use pusher_core::webhook::{Webhook, WebhookEvent};
pub use pusher_core::{
    AsyncHttpClient, AuthError, Blocking, BuildError, BuildHttpClient, ChannelKind, ChannelName, Clock,
    Config, ConfigBuilder, ConfigError, DecryptError, Error, EventName, HttpClient, HttpClientBuilder,
    HttpOptions, IntoBatchEvent, IntoChannels, MasterKey, NonceSource, PUSHER_URL_ENV, PusherBuilder,
    RandomError, RequestError, ResponseError, ResponseErrorKind, Scheme, SocketId, TlsFailure,
    TransportError, TransportErrorKind, TriggerOptions, UserId, ValidationError, ValueKind, WebhookError,
};
pub use pusher_core::{api, auth, config, encryption, error, http_client, limits, names, signing, webhook};
/// The `serde_json` crate, for the `json!` data the examples send.
pub use serde_json;

#[cfg(feature = "publisher")]
pub mod publisher;

/// The isahc adapter (feature `isahc`).
#[cfg(feature = "isahc")]
#[cfg_attr(docsrs, doc(cfg(feature = "isahc")))]
pub use pusher_isahc;
/// The reqwest adapter (feature `reqwest`, on by default).
#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
pub use pusher_reqwest;
/// The ureq adapter (feature `ureq`).
#[cfg(feature = "ureq")]
#[cfg_attr(docsrs, doc(cfg(feature = "ureq")))]
pub use pusher_ureq;

/// The asynchronous client, over reqwest (feature `reqwest`, on by default; with it off, over
/// isahc with the feature `isahc`). Every call is a method of it: see [`pusher_core::Pusher`] for
/// the list, each with an example.
#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
pub type Pusher = pusher_core::Pusher<pusher_reqwest::ReqwestClient>;

/// The asynchronous client, over isahc (feature `isahc`, with `reqwest` off). Every call is a
/// method of it: see [`pusher_core::Pusher`] for the list, each with an example.
#[cfg(all(feature = "isahc", not(feature = "reqwest")))]
#[cfg_attr(docsrs, doc(cfg(feature = "isahc")))]
pub type Pusher = pusher_core::Pusher<pusher_isahc::IsahcClient>;

/// The blocking client, `blocking::Pusher`: over ureq (feature
/// `ureq`), else reqwest's blocking client (features `reqwest` and `blocking`), else isahc (feature
/// `isahc`). The same calls as the asynchronous client, without `.await`.
pub mod blocking {
    /// The blocking client, over ureq.
    #[cfg(feature = "ureq")]
    #[cfg_attr(docsrs, doc(cfg(feature = "ureq")))]
    pub type Pusher = pusher_core::Pusher<pusher_core::Blocking<pusher_ureq::UreqClient>>;

    /// The blocking client, over reqwest's blocking client.
    #[cfg(all(not(feature = "ureq"), feature = "reqwest", feature = "blocking"))]
    #[cfg_attr(docsrs, doc(cfg(all(feature = "reqwest", feature = "blocking"))))]
    pub type Pusher = pusher_core::Pusher<pusher_core::Blocking<pusher_reqwest::blocking::ReqwestClient>>;

    /// The blocking client, over isahc.
    #[cfg(all(
        not(feature = "ureq"),
        not(all(feature = "reqwest", feature = "blocking")),
        feature = "isahc"
    ))]
    #[cfg_attr(docsrs, doc(cfg(feature = "isahc")))]
    pub type Pusher = pusher_core::Pusher<pusher_core::Blocking<pusher_isahc::IsahcClient>>;
}
