//! Time and randomness, which come in from outside so that every request is reproducible.
//!
//! The generic client uses [`SystemClock`] and [`OsRandom`] unless told otherwise; tests pass a
//! fixed clock and nonce. Closures implement both traits.

use std::time::Duration;

/// The length of an encryption nonce (XSalsa20), in bytes.
pub const NONCE_LEN: usize = 24;

/// A source of the current time.
pub trait Clock: Send + Sync {
    /// The time elapsed since the Unix epoch.
    fn now(&self) -> Duration;
}

impl<F> Clock for F
where
    F: Fn() -> Duration + Send + Sync,
{
    fn now(&self) -> Duration {
        self()
    }
}

/// A source of fresh random nonces for end-to-end encryption.
pub trait NonceSource: Send + Sync {
    /// A fresh 24-byte nonce. Never return the same nonce twice for the same key.
    fn nonce(&self) -> Result<[u8; NONCE_LEN], RandomError>;
}

impl<F> NonceSource for F
where
    F: Fn() -> Result<[u8; NONCE_LEN], RandomError> + Send + Sync,
{
    fn nonce(&self) -> Result<[u8; NONCE_LEN], RandomError> {
        self()
    }
}

/// A nonce source that has none: for requests that encrypt nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoNonces;

impl NonceSource for NoNonces {
    fn nonce(&self) -> Result<[u8; NONCE_LEN], RandomError> {
        Err(RandomError("no nonce source was given".to_owned()))
    }
}

/// The system clock.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
impl Clock for SystemClock {
    fn now(&self) -> Duration {
        // A clock set before 1970 reads as the epoch: requests then fail authentication, visibly.
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
    }
}

/// Nonces from the operating system's random source.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
#[derive(Debug, Clone, Copy, Default)]
pub struct OsRandom;

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
impl NonceSource for OsRandom {
    fn nonce(&self) -> Result<[u8; NONCE_LEN], RandomError> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| RandomError(e.to_string()))?;
        Ok(nonce)
    }
}

/// The source of randomness failed.
#[derive(Debug, Clone, thiserror::Error)]
#[error("random source failed: {0}")]
pub struct RandomError(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_nonces_differ() {
        assert_ne!(OsRandom.nonce().unwrap(), OsRandom.nonce().unwrap());
    }

    #[test]
    fn system_clock_is_after_2020() {
        assert!(SystemClock.now().as_secs() > 1_577_836_800);
    }

    #[test]
    fn no_nonces_is_an_error() {
        assert!(NoNonces.nonce().is_err());
    }
}
