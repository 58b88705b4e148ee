//! pusher-js, the browser client library, installed to run under Node.js in the browser-client
//! check.

use std::path::PathBuf;

use crate::npm::NpmPackage;
use crate::peers_dir;

/// The pusher-js version the browser-client check runs.
pub const PUSHER_JS_VERSION: &str = "8.6.0";

const PUSHER_JS: NpmPackage = NpmPackage {
    local_name: "pusher-rs-peer-pusher-js",
    description: "pusher-js, installed by xtask for the browser-client check",
    package: "pusher-js",
    version: PUSHER_JS_VERSION,
    overrides: &[],
    entry: None,
};

/// Where pusher-js is installed: `target/peers/pusher-js/`.
pub fn pusher_js_dir() -> PathBuf {
    peers_dir().join("pusher-js")
}

/// Installs pusher-js (the browser client library, run here under Node.js) under
/// `target/peers/pusher-js/`; returns that directory. Idempotent and fast when already installed.
pub fn install_pusher_js() -> Result<PathBuf, String> {
    let dir = pusher_js_dir();
    PUSHER_JS.install_or_say_why(&dir)?;
    Ok(dir)
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
