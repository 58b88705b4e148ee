//! Real Pusher-compatible servers ("peers") on loopback, to test the library against something that
//! was not written by us; pusher-js, the browser library, for the browser-client check and the web
//! demo; playwright-core, which drives headless Chromium in the web demo's browser check; and
//! binaryen's `wasm-opt`, for the edge example's WebAssembly.
//! How each peer is installed and configured, and why: this crate's README.
//!
//! Everything lives under `<workspace>/target/peers/`: each npm install in a directory of its own
//! (`target/peers/soketi/`, `target/peers/pusher-js/`, `target/peers/playwright-core/`,
//! `target/peers/binaryen/`), and for a
//! peer a `run/` directory holding, per started server, its config (`soketi-PORT.json`), its log
//! (`soketi-PORT.log`) and a state file (`soketi-PORT.state`) that `cargo xtask peer stop` reads.
//!
//! Typical use from a test harness:
//!
//! ```no_run
//! use pusher_peers::{Peer, StartOptions};
//!
//! # fn main() -> Result<(), String> {
//! pusher_peers::install(Peer::Soketi)?;
//! let mut server = pusher_peers::start(Peer::Soketi, &StartOptions::default())?;
//! // ... talk to server.pusher_url() ...
//! server.stop()?; // or drop it: that stops the process `start` started
//! # Ok(()) }
//! ```
//!
//! `cargo xtask peer install|start|stop soketi` is the command line over this crate.

mod app;
mod binaryen;
mod files;
mod loopback;
mod npm;
mod playwright;
mod process;
mod pusher_js;
mod soketi;
mod state;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

pub use app::{AppCredentials, pusher_url};
pub use binaryen::{BINARYEN_VERSION, install_wasm_opt};
pub use loopback::{READY_TIMEOUT, free_tcp_port, free_udp_port, http_get_status};
pub use playwright::{PLAYWRIGHT_CORE_VERSION, install_playwright_core};
pub use process::{RunningPeer, STOP_GRACE, Stopped};
pub use pusher_js::{PUSHER_JS_VERSION, install_pusher_js, pusher_js_dir};
pub use soketi::{SOKETI_VERSION, UWS_OVERRIDE, WEBHOOK_EVENT_TYPES};
pub use state::recorded;

/// The root of the workspace (the directory holding the top-level `Cargo.toml`).
///
/// Derived from where this crate lives, so it is the same whichever directory the caller runs in.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| manifest_dir.join(".."))
}

/// `<workspace>/target/peers`: where everything this crate installs and runs lives.
fn peers_dir() -> PathBuf {
    workspace_root().join("target").join("peers")
}

/// A server implementation that this crate knows how to install and run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Peer {
    /// soketi (npm `@soketi/soketi`), the CI peer.
    Soketi,
}

impl Peer {
    /// All known peers.
    pub const ALL: [Peer; 1] = [Peer::Soketi];

    /// The peer's command-line name.
    pub fn name(self) -> &'static str {
        match self {
            Peer::Soketi => "soketi",
        }
    }

    /// Install directory: `<workspace>/target/peers/<name>`.
    pub fn dir(self) -> PathBuf {
        peers_dir().join(self.name())
    }

    /// Directory holding configs, logs and state files of started servers.
    pub fn run_dir(self) -> PathBuf {
        self.dir().join("run")
    }

    /// One of the files of the server started on `port`: `run/<name>-<port>.<extension>`.
    fn run_file(self, port: u16, extension: &str) -> PathBuf {
        self.run_dir().join(format!("{}-{port}.{extension}", self.name()))
    }
}

impl fmt::Display for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Peer {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Peer::ALL.into_iter().find(|p| p.name() == s).ok_or_else(|| {
            let known: Vec<&str> = Peer::ALL.iter().map(|p| p.name()).collect();
            format!("unknown peer `{s}` (known: {})", known.join(", "))
        })
    }
}

/// What [`install`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Installed {
    /// The pinned version was already installed; nothing was run.
    AlreadyPresent,
    /// The package manager ran and the install checked out.
    Fresh,
}

/// Installs `peer` under [`Peer::dir`]. Fast and does nothing when the pinned version is already there.
///
/// Fails, saying why, when npm is missing or the install does not succeed.
pub fn install(peer: Peer) -> Result<Installed, String> {
    match peer {
        Peer::Soketi => soketi::install(),
    }
}

/// Whether the pinned version of `peer` is installed (as recorded by a successful [`install`]).
pub fn is_installed(peer: Peer) -> bool {
    match peer {
        Peer::Soketi => soketi::is_installed(),
    }
}

/// Options for [`start`].
#[derive(Debug, Clone, Default)]
pub struct StartOptions {
    /// Where the server POSTs webhooks (all of [`WEBHOOK_EVENT_TYPES`]); none when `None`.
    pub webhook_url: Option<String>,
    /// Run the server in a process group of its own, so that it outlives the caller and a Ctrl-C in
    /// the caller's terminal. For `cargo xtask peer start`; a harness that owns the server leaves
    /// this off so that the server goes down with it.
    pub own_process_group: bool,
}

/// Starts `peer` on free loopback ports with one freshly generated app, and waits until it answers
/// `GET /ready` with 200 (at most [`READY_TIMEOUT`]).
///
/// The returned value owns the process: dropping it stops the server (see [`RunningPeer::detach`]).
/// When the server does not become ready it is killed and the error carries the end of its log.
pub fn start(peer: Peer, options: &StartOptions) -> Result<RunningPeer, String> {
    match peer {
        Peer::Soketi => soketi::start(options),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peer_names_parse() {
        assert_eq!("soketi".parse::<Peer>(), Ok(Peer::Soketi));
        assert!("pusher".parse::<Peer>().is_err());
        assert!(Peer::Soketi.dir().ends_with("target/peers/soketi"));
    }
}
