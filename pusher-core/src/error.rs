//! Every error type, each defined beside what raises it, and [`Error`], what a call through the
//! generic client returns.
//!
//! | error | raised by | defined in |
//! |---|---|---|
//! | [`ConfigError`] | credentials, hosts, URLs and keys that cannot make a [`Config`](crate::Config) | [`config`](crate::config) |
//! | [`ValidationError`] | a channel name, event name, socket id, user id or interest that breaks its rule | [`names`](crate::names) |
//! | [`RequestError`] | a call refused before any request is built (limits, encryption, serialization) | [`api`](crate::api) |
//! | [`RandomError`] | a nonce source that failed | [`sources`](crate::sources) |
//! | [`TransportError`] | an HTTP client that could not complete the exchange (raised by adapters) | [`http_client`](crate::http_client) |
//! | [`ResponseError`] | a server that refused, or answered with a body the call cannot read | [`response`](crate::response) |
//! | [`Error`] | a call through the generic client: one of the three above | here |
//! | [`BuildError`] | a client that cannot be built | [`Pusher`](crate::Pusher)'s builder |
//! | [`AuthError`] | a channel authorization or user authentication that cannot be produced | [`auth`](crate::auth) |
//! | [`WebhookError`] | a webhook that does not verify or parse | [`webhook`](crate::webhook) |
//! | [`DecryptError`] | encrypted data that cannot be opened | [`encryption`](crate::encryption) |
//!
//! No error message ever contains the app secret or the encryption master key.

use http::StatusCode;

pub use crate::api::RequestError;
pub use crate::auth::AuthError;
pub use crate::client::BuildError;
pub use crate::config::ConfigError;
pub use crate::encryption::DecryptError;
pub use crate::http_client::{TlsFailure, TransportError, TransportErrorKind};
pub use crate::names::{ValidationError, ValueKind};
pub use crate::response::{ResponseError, ResponseErrorKind};
pub use crate::sources::RandomError;
pub use crate::webhook::WebhookError;

/// What a call through the generic client returns on failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The call was refused before a request was built.
    #[error(transparent)]
    Request(#[from] RequestError),
    /// The HTTP exchange failed.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The server refused, or answered with an unreadable body.
    #[error(transparent)]
    Response(#[from] ResponseError),
}

impl From<ValidationError> for Error {
    fn from(error: ValidationError) -> Self {
        Error::Request(RequestError::Invalid(error))
    }
}

impl Error {
    /// The response error, when the server refused the call.
    pub fn as_response(&self) -> Option<&ResponseError> {
        match self {
            Error::Response(e) => Some(e),
            _ => None,
        }
    }

    /// The status of the refusal, when the server answered: the HTTP status, or the code a
    /// refusal in a success body carried (see [`ResponseError::status`]).
    pub fn status(&self) -> Option<StatusCode> {
        self.as_response().map(ResponseError::status)
    }
}
