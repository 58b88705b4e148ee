#![doc = include_str!("../README.md")]

pub use pusher_core;
pub use pusher_core::{
    AsyncHttpClient, AuthError, Blocking, BuildError, BuildHttpClient, ChannelKind, ChannelName, Clock,
    Config, ConfigBuilder, ConfigError, DecryptError, Error, EventName, HttpClient, HttpClientBuilder,
    HttpOptions, MasterKey, NonceSource, PUSHER_URL_ENV, PusherBuilder, RandomError, RequestError,
    ResponseError, ResponseErrorKind, Scheme, SocketId, TransportError, TransportErrorKind, UserId,
    ValidationError, ValueKind, WebhookError,
};
pub use pusher_core::{api, auth, config, encryption, error, http_client, limits, names, signing, webhook};

#[cfg(feature = "publisher")]
pub mod publisher;

#[cfg(feature = "isahc")]
pub use pusher_isahc;
#[cfg(feature = "reqwest")]
pub use pusher_reqwest;
#[cfg(feature = "ureq")]
pub use pusher_ureq;

/// The asynchronous client over the HTTP stack the features select (reqwest, else isahc).
#[cfg(feature = "reqwest")]
pub type Pusher = pusher_core::Pusher<pusher_reqwest::ReqwestClient>;

/// The asynchronous client over the HTTP stack the features select (reqwest, else isahc).
#[cfg(all(feature = "isahc", not(feature = "reqwest")))]
pub type Pusher = pusher_core::Pusher<pusher_isahc::IsahcClient>;

/// The blocking client.
pub mod blocking {
    /// The blocking client over the HTTP stack the features select (ureq, else reqwest's blocking
    /// client with the `blocking` feature, else isahc).
    #[cfg(feature = "ureq")]
    pub type Pusher = pusher_core::Pusher<pusher_core::Blocking<pusher_ureq::UreqClient>>;

    /// The blocking client over the HTTP stack the features select (ureq, else reqwest's blocking
    /// client with the `blocking` feature, else isahc).
    #[cfg(all(not(feature = "ureq"), feature = "reqwest", feature = "blocking"))]
    pub type Pusher = pusher_core::Pusher<pusher_core::Blocking<pusher_reqwest::blocking::ReqwestClient>>;

    /// The blocking client over the HTTP stack the features select (ureq, else reqwest's blocking
    /// client with the `blocking` feature, else isahc).
    #[cfg(all(
        not(feature = "ureq"),
        not(all(feature = "reqwest", feature = "blocking")),
        feature = "isahc"
    ))]
    pub type Pusher = pusher_core::Pusher<pusher_core::Blocking<pusher_isahc::IsahcClient>>;
}
