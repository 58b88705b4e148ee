//! Sans-io core of a Pusher Channels HTTP API client.

pub mod error;
pub mod http_client;
pub mod sources;

pub use error::{
    AuthError, ConfigError, DecryptError, Error, RandomError, RequestError, ResponseError, ResponseErrorKind,
    TransportError, TransportErrorKind, ValidationError, ValueKind, WebhookError,
};
pub use http_client::{AsyncHttpClient, HttpClient};
pub use sources::{Clock, NONCE_LEN, NoNonces, NonceSource};
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub use sources::{OsRandom, SystemClock};
