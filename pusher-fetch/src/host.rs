//! Time and randomness from the JavaScript host: `Date.now()` and `crypto.getRandomValues`.
//!
//! `wasm32-unknown-unknown` has no operating system to ask, so pusher-core's
//! [`SystemClock`](pusher_core::SystemClock) and [`OsRandom`](pusher_core::OsRandom) do not exist
//! there; these take their place (see [`pusher_core::Pusher::with_sources`]).

use std::time::Duration;

use pusher_core::NONCE_LEN;
use pusher_core::sources::{Clock, NonceSource, RandomError};
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use crate::error::in_words;

#[wasm_bindgen]
extern "C" {
    /// `crypto.getRandomValues(array)`: fills `array` with cryptographically strong random bytes.
    #[wasm_bindgen(catch, js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(array: &js_sys::Uint8Array) -> Result<JsValue, JsValue>;
}

/// The host's clock: `Date.now()`, in milliseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, Default)]
pub struct HostClock;

impl Clock for HostClock {
    fn now(&self) -> Duration {
        // A clock before 1970 (or not a number) reads as the epoch: requests then fail
        // authentication, visibly. `as` saturates, and maps NaN to 0.
        Duration::from_millis(js_sys::Date::now() as u64)
    }
}

/// Nonces from the host's `crypto.getRandomValues` (Web Crypto: every edge runtime, browser and
/// Node.js from 19 on; Node.js 18 with `--experimental-global-webcrypto`).
#[derive(Debug, Clone, Copy, Default)]
pub struct HostRandom;

impl NonceSource for HostRandom {
    fn nonce(&self) -> Result<[u8; NONCE_LEN], RandomError> {
        let array = js_sys::Uint8Array::new_with_length(NONCE_LEN as u32);
        get_random_values(&array)
            .map_err(|e| RandomError(format!("crypto.getRandomValues failed: {}", in_words(&e))))?;
        let mut nonce = [0u8; NONCE_LEN];
        array.copy_to(&mut nonce);
        Ok(nonce)
    }
}
