//! playwright-core, the library that drives headless Chromium in the web demo's browser check. It
//! downloads no browser: the check runs the system's Chromium.

use std::path::PathBuf;

use crate::npm::NpmPackage;
use crate::peers_dir;

/// The playwright-core version the browser check runs.
pub const PLAYWRIGHT_CORE_VERSION: &str = "1.65.1";

/// Installs playwright-core under `target/peers/playwright-core/`; returns that directory.
/// Idempotent and fast when already installed.
pub fn install_playwright_core() -> Result<PathBuf, String> {
    let package = NpmPackage::plain(
        "pusher-rs-peer-playwright-core",
        "playwright-core, installed by xtask for the browser check",
        "playwright-core",
        PLAYWRIGHT_CORE_VERSION,
    );
    package.install_into(peers_dir().join("playwright-core"))
}
