//! Why a command failed, and the exit code that says so.
//!
//! | exit code | meaning |
//! |---|---|
//! | 0 | success |
//! | 2 | bad usage or invalid input: nothing was sent |
//! | 3 | the server refused (its status is in the message), or answered what cannot be read |
//! | 4 | the network failed or a deadline passed |
//! | 5 | a webhook is invalid |
//!
//! Every message comes from the library's error text or names the bad value and the rule it
//! breaks; none holds the app secret or the encryption master key.

use std::fmt;
use std::process::ExitCode;

use pusher::webhook::WebhookError;
use pusher::{AuthError, BuildError, ConfigError, DecryptError, RequestError, ValidationError};
use pusher_emulator::SubscriberError;

/// What went wrong, by the exit code it gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Bad usage or invalid input; nothing was sent (exit 2).
    Invalid,
    /// The server refused, or answered what cannot be read (exit 3).
    Refused,
    /// The network failed or a deadline passed (exit 4).
    Network,
    /// A webhook is invalid (exit 5).
    WebhookInvalid,
}

impl Kind {
    /// The process exit code.
    pub(crate) fn code(self) -> u8 {
        match self {
            Kind::Invalid => 2,
            Kind::Refused => 3,
            Kind::Network => 4,
            Kind::WebhookInvalid => 5,
        }
    }
}

/// A failed command: printed as one line on stderr, then the process exits with its code.
#[derive(Debug)]
pub(crate) enum Failure {
    /// A failure to report.
    Report {
        /// Which exit code.
        kind: Kind,
        /// One line saying what went wrong.
        message: String,
    },
    /// Whoever read stdout went away (`pusher subscribe ... | head -1`): stop quietly, with
    /// success.
    StdoutClosed,
}

impl Failure {
    /// Bad usage or invalid input (exit 2).
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::report(Kind::Invalid, message)
    }

    /// The server refused (exit 3).
    pub(crate) fn refused(message: impl Into<String>) -> Self {
        Self::report(Kind::Refused, message)
    }

    /// The network failed or a deadline passed (exit 4).
    pub(crate) fn network(message: impl Into<String>) -> Self {
        Self::report(Kind::Network, message)
    }

    fn report(kind: Kind, message: impl Into<String>) -> Self {
        Self::Report {
            kind,
            message: message.into(),
        }
    }

    /// The same failure, its message prefixed with `context` (where the bad value was).
    pub(crate) fn in_context(self, context: &str) -> Self {
        match self {
            Failure::Report { kind, message } => Failure::Report {
                kind,
                message: format!("{context}: {message}"),
            },
            other => other,
        }
    }

    /// The exit code.
    pub(crate) fn exit_code(&self) -> ExitCode {
        match self {
            Failure::Report { kind, .. } => ExitCode::from(kind.code()),
            Failure::StdoutClosed => ExitCode::SUCCESS,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Report { message, .. } => f.write_str(message),
            Failure::StdoutClosed => f.write_str("stdout was closed"),
        }
    }
}

/// `error`'s message followed by those of its sources, for the library errors whose own message
/// leaves the reason to their source ("could not serialize to JSON": why not).
fn with_sources(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

impl From<pusher::Error> for Failure {
    fn from(error: pusher::Error) -> Self {
        match error {
            pusher::Error::Request(e) => e.into(),
            // A transport error's message already says what failed, where, and why.
            pusher::Error::Transport(e) => Failure::network(e.to_string()),
            pusher::Error::Response(e) => Failure::refused(format!("the server refused: {e}")),
            other => Failure::network(other.to_string()),
        }
    }
}

impl From<RequestError> for Failure {
    fn from(error: RequestError) -> Self {
        Failure::invalid(with_sources(&error))
    }
}

impl From<ValidationError> for Failure {
    fn from(error: ValidationError) -> Self {
        Failure::invalid(error.to_string())
    }
}

impl From<ConfigError> for Failure {
    fn from(error: ConfigError) -> Self {
        Failure::invalid(error.to_string())
    }
}

impl From<AuthError> for Failure {
    fn from(error: AuthError) -> Self {
        Failure::invalid(with_sources(&error))
    }
}

impl From<BuildError> for Failure {
    fn from(error: BuildError) -> Self {
        match error {
            BuildError::Http(e) => Failure::network(format!("could not build the HTTP client: {e}")),
            other => Failure::invalid(with_sources(&other)),
        }
    }
}

impl From<WebhookError> for Failure {
    fn from(error: WebhookError) -> Self {
        Failure::report(Kind::WebhookInvalid, with_sources(&error))
    }
}

impl From<DecryptError> for Failure {
    fn from(error: DecryptError) -> Self {
        Failure::invalid(error.to_string())
    }
}

impl From<SubscriberError> for Failure {
    fn from(error: SubscriberError) -> Self {
        match error {
            SubscriberError::Server { .. } | SubscriberError::SubscriptionRejected { .. } => {
                Failure::refused(format!("the server refused: {error}"))
            }
            other => Failure::network(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_its_documented_code() {
        let codes: Vec<u8> = [Kind::Invalid, Kind::Refused, Kind::Network, Kind::WebhookInvalid]
            .into_iter()
            .map(Kind::code)
            .collect();
        assert_eq!(codes, [2, 3, 4, 5]);
    }

    #[test]
    fn a_hidden_reason_is_shown_from_the_source() {
        let parse = serde_json::from_str::<serde_json::Value>("{").unwrap_err();
        let failure = Failure::from(WebhookError::InvalidBody(parse));
        let shown = failure.to_string();
        assert!(
            shown.starts_with("webhook body is not the expected JSON: EOF"),
            "{shown}"
        );
        assert_eq!(failure.exit_code(), ExitCode::from(5));
    }
}
