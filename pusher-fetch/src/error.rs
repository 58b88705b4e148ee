//! JavaScript's errors as [`TransportError`]s: a rejected `fetch`, a failed body read, a value
//! the host refused.

use pusher_core::{TransportError, TransportErrorKind};
use wasm_bindgen::{JsCast, JsValue};

/// The `fetch` promise was rejected: no response came.
///
/// An abort by the deadline's signal (`TimeoutError`) is a timeout; a `TypeError`, what `fetch`
/// rejects with when the network fails (refused, DNS, TLS), is a failure to connect.
pub(crate) fn fetching(error: JsValue) -> TransportError {
    let kind = match error_name(&error).as_deref() {
        Some("TimeoutError") => TransportErrorKind::Timeout,
        Some("TypeError") => TransportErrorKind::Connect,
        _ => TransportErrorKind::Other,
    };
    TransportError::new(kind, in_words(&error))
}

/// Reading the body failed: the deadline ran out (`TimeoutError`), or the stream broke.
pub(crate) fn reading(error: JsValue) -> TransportError {
    let kind = match error_name(&error).as_deref() {
        Some("TimeoutError") => TransportErrorKind::Timeout,
        _ => TransportErrorKind::Other,
    };
    TransportError::new(kind, in_words(&error))
}

/// Anything else the host threw or refused (a request it cannot make, a header it will not take),
/// saying what was being done.
pub(crate) fn other(doing: &str, error: JsValue) -> TransportError {
    TransportError::new(
        TransportErrorKind::Other,
        format!("{doing}: {}", in_words(&error)),
    )
}

/// A value of the wrong JavaScript type where `expected` was due.
pub(crate) fn unexpected(expected: &str) -> TransportError {
    TransportError::new(
        TransportErrorKind::Other,
        format!("the host gave something other than {expected}"),
    )
}

/// The `name` of a JavaScript `Error` (or `DOMException`, which has one too).
fn error_name(error: &JsValue) -> Option<String> {
    js_sys::Reflect::get(error, &JsValue::from_str("name"))
        .ok()?
        .as_string()
}

/// A JavaScript error as text: its message, then its causes' (Node.js says "fetch failed" and
/// puts the reason, such as `connect ECONNREFUSED 127.0.0.1:6001`, in the `cause`).
pub(crate) fn in_words(error: &JsValue) -> String {
    let mut words = Vec::new();
    let mut next = Some(error.clone());
    while let Some(error) = next.take() {
        match error.dyn_ref::<js_sys::Error>() {
            Some(e) => {
                words.push(String::from(e.message()));
                next = Some(e.cause()).filter(|cause| !cause.is_undefined() && words.len() < 4);
            }
            None => words.push(error.as_string().unwrap_or_else(|| format!("{error:?}"))),
        }
    }
    words.join(": ")
}
