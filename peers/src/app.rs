//! The one app a started server knows, and the `PUSHER_URL` that names it.

use crate::loopback::LOOPBACK;

/// Credentials of the single app a started server knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppCredentials {
    /// Numeric app id (as a string, as Pusher URLs carry it).
    pub id: String,
    /// App key.
    pub key: String,
    /// App secret.
    pub secret: String,
}

impl AppCredentials {
    /// Fresh random credentials: a six-digit numeric id, a 20-hex-digit key and a 32-hex-digit secret.
    pub fn random() -> Result<Self, String> {
        let mut bytes = [0u8; 4 + 10 + 16];
        getrandom::fill(&mut bytes).map_err(|e| format!("no randomness for app credentials: {e}"))?;
        let n = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        Ok(AppCredentials {
            id: (100_000 + n % 900_000).to_string(),
            key: hex::encode(&bytes[4..14]),
            secret: hex::encode(&bytes[14..30]),
        })
    }
}

/// The `http://KEY:SECRET@127.0.0.1:PORT/apps/ID` URL for an app on a loopback server.
pub fn pusher_url(app: &AppCredentials, port: u16) -> String {
    format!(
        "http://{}:{}@{LOOPBACK}:{port}/apps/{}",
        app.key, app.secret, app.id
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Fixed credentials for tests.
    pub(crate) fn sample_app() -> AppCredentials {
        AppCredentials {
            id: "123456".to_owned(),
            key: "0123456789abcdef0123".to_owned(),
            secret: "fedcba9876543210fedcba9876543210".to_owned(),
        }
    }

    #[test]
    fn random_credentials_have_the_expected_shape() {
        let (a, b) = (AppCredentials::random(), AppCredentials::random());
        assert!(a.is_ok() && b.is_ok());
        let (a, b) = (
            a.unwrap_or_else(|_| sample_app()),
            b.unwrap_or_else(|_| sample_app()),
        );
        assert_ne!(a, b);
        assert_eq!(a.id.len(), 6);
        assert!(a.id.bytes().all(|c| c.is_ascii_digit()) && !a.id.starts_with('0'));
        assert_eq!((a.key.len(), a.secret.len()), (20, 32));
        assert!(
            a.key
                .bytes()
                .chain(a.secret.bytes())
                .all(|c| c.is_ascii_hexdigit())
        );
    }
}
