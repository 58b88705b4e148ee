//! pusher-js, the browser client library, installed to run under Node.js in the browser-client
//! check.

use std::path::PathBuf;

use crate::npm::NpmPackage;
use crate::peers_dir;

/// The pusher-js version the browser-client check runs.
pub const PUSHER_JS_VERSION: &str = "8.6.0";

const PUSHER_JS: NpmPackage = NpmPackage::plain(
    "pusher-rs-peer-pusher-js",
    "pusher-js, installed by xtask for the browser-client check",
    "pusher-js",
    PUSHER_JS_VERSION,
);

/// Where pusher-js is installed: `target/peers/pusher-js/`.
pub fn pusher_js_dir() -> PathBuf {
    peers_dir().join("pusher-js")
}

/// Installs pusher-js (the browser client library, run under Node.js by the browser-client check
/// and served to the browser by the web demo) under `target/peers/pusher-js/`; returns that
/// directory. Idempotent and fast when already installed.
pub fn install_pusher_js() -> Result<PathBuf, String> {
    PUSHER_JS.install_into(pusher_js_dir())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_is_the_one_installs_are_stamped_with() {
        let expected = r#"{
  "name": "pusher-rs-peer-pusher-js",
  "private": true,
  "description": "pusher-js, installed by xtask for the browser-client check",
  "dependencies": {
    "pusher-js": "8.6.0"
  }
}
"#;
        assert_eq!(PUSHER_JS.manifest().as_deref(), Ok(expected));
    }
}
