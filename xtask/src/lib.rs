//! Project automation for the pusher-rs workspace.
//!
//! The `cargo xtask` binary (see `src/main.rs`) is a thin command-line front end over this library:
//!
//! - [`ci`]: the full check run behind `.ci/run` (`cargo xtask ci`).
//! - [`tidy`]: the repository rules behind `cargo xtask tidy` (also a `ci` step).
//! - [`peer`]: installing, starting and stopping real Pusher-compatible servers on loopback
//!   (`cargo xtask peer ...`), reusable from test crates that need a running server.

pub mod ci;
pub mod peer;
pub mod tidy;

use std::path::{Path, PathBuf};

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
