//! The WebAssembly steps of `cargo xtask ci`.
//!
//! - `wasm`: pusher-core builds for `wasm32-unknown-unknown`.
//! - `edge`: the edge example (`edge-example/`, a Worker-style handler over `pusher-fetch`) is built
//!   for that target as an edge function ships it ([`PROFILE`]), bound for Node.js with
//!   `wasm-bindgen`, shrunk with binaryen's `wasm-opt`, and run under Node.js against the emulator
//!   by its `node` test. The step prints the `.wasm` sizes at each stage.
//!
//! The step installs what it needs, and fails saying what is missing when it cannot: the target
//! with rustup; `wasm-bindgen-cli` of the version of the `wasm-bindgen` crate in `Cargo.lock`
//! (the two must match) with `cargo install`, under `target/tools/`; binaryen with npm (through
//! pusher-peers). Node.js 20 must be on the PATH.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::ci::{WASM_TARGET, capture, cargo, run_cmd};

/// The cargo profile the edge example is built with (workspace `Cargo.toml`): size first.
const PROFILE: &str = "wasm-release";

/// The edge example's package, and the stem of the files it builds.
const EDGE_PACKAGE: &str = "pusher-edge-example";
const EDGE_STEM: &str = "pusher_edge_example";

/// The `wasm` step: pusher-core builds for [`WASM_TARGET`].
pub(crate) fn core(root: &Path) -> Result<(), String> {
    add_target()?;
    run_cmd(cargo(root).args(["build", "-p", "pusher-core", "--target", WASM_TARGET]))
}

/// The `edge` step: the edge example, built, bound, shrunk, and run under Node.js.
pub(crate) fn edge(root: &Path) -> Result<(), String> {
    add_target()?;
    let wasm_bindgen = install_wasm_bindgen(root)?;
    let wasm_opt = pusher_peers::install_wasm_opt()?;
    println!("binaryen {} (wasm-opt) installed", pusher_peers::BINARYEN_VERSION);

    run_cmd(cargo(root).args([
        "build",
        "-p",
        EDGE_PACKAGE,
        "--target",
        WASM_TARGET,
        "--profile",
        PROFILE,
    ]))?;
    let target_dir = target_dir(root)?;
    let built = target_dir
        .join(WASM_TARGET)
        .join(PROFILE)
        .join(format!("{EDGE_STEM}.wasm"));
    let package = target_dir.join("edge-example").join("pkg");
    run_cmd(
        Command::new(&wasm_bindgen)
            .args(["--target", "nodejs", "--out-dir"])
            .arg(&package)
            .arg(&built),
    )?;
    let bound = package.join(format!("{EDGE_STEM}_bg.wasm"));
    let bound_size = size(&bound)?;
    run_cmd(
        Command::new(&wasm_opt)
            .arg("-Oz")
            .arg(&bound)
            .arg("-o")
            .arg(&bound),
    )?;
    println!("edge example .wasm sizes:");
    for (stage, bytes) in [
        ("as built (profile wasm-release, with names)", size(&built)?),
        ("bound by wasm-bindgen (with names)", bound_size),
        ("shrunk by wasm-opt -Oz: what ships", size(&bound)?),
    ] {
        println!("  {stage:<45} {bytes:>9} bytes");
    }

    run_cmd(
        cargo(root)
            .args(["test", "-p", EDGE_PACKAGE, "--test", "node", "--", "--nocapture"])
            .env("PUSHER_EDGE_PKG", &package),
    )
}

/// Adds [`WASM_TARGET`] with rustup unless it is installed.
fn add_target() -> Result<(), String> {
    let installed = capture(Command::new("rustup").args(["target", "list", "--installed"]))?;
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        return Ok(());
    }
    run_cmd(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// `wasm-bindgen` of the version of the `wasm-bindgen` crate in `Cargo.lock`, installed under
/// `target/tools/wasm-bindgen-VERSION/` unless it is there already; its path.
fn install_wasm_bindgen(root: &Path) -> Result<PathBuf, String> {
    let version = locked_version(&capture(cargo(root).args(["pkgid", "wasm-bindgen"]))?)?;
    let install_root = root
        .join("target")
        .join("tools")
        .join(format!("wasm-bindgen-{version}"));
    let program = install_root.join("bin").join("wasm-bindgen");
    let wanted = format!("wasm-bindgen {version}");
    let installed = || {
        Command::new(&program)
            .arg("--version")
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == wanted)
    };
    if installed() {
        println!("{wanted} already installed");
        return Ok(program);
    }
    let install = |locked: &[&str]| {
        run_cmd(
            cargo(root)
                .args(["install", "wasm-bindgen-cli", "--version", &version, "--root"])
                .arg(&install_root)
                .args(locked),
        )
    };
    // With the versions its release was tested with; when the registry no longer serves one of
    // them (yanked), with the newest compatible ones.
    if let Err(locked) = install(&["--locked"]) {
        println!("({locked}; installing again without --locked)");
        install(&[]).map_err(|e| format!("cannot install wasm-bindgen-cli {version}: {e}"))?;
    }
    if installed() {
        Ok(program)
    } else {
        Err(format!(
            "{} does not say `{wanted}` after installing",
            program.display()
        ))
    }
}

/// The version in `cargo pkgid` output: `registry+https://...#wasm-bindgen@0.2.100`.
fn locked_version(pkgid: &str) -> Result<String, String> {
    pkgid
        .trim()
        .rsplit_once('@')
        .map(|(_, version)| version.to_owned())
        .filter(|version| !version.is_empty())
        .ok_or_else(|| format!("no version in `cargo pkgid wasm-bindgen` output {pkgid:?}"))
}

/// Cargo's target directory, as `cargo metadata` says (`CARGO_TARGET_DIR` and config included).
fn target_dir(root: &Path) -> Result<PathBuf, String> {
    let metadata = capture(cargo(root).args(["metadata", "--format-version", "1", "--no-deps"]))?;
    let metadata: serde_json::Value =
        serde_json::from_str(&metadata).map_err(|e| format!("`cargo metadata` printed no JSON: {e}"))?;
    metadata["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .ok_or_else(|| "`cargo metadata` names no target_directory".to_owned())
}

fn size(path: &Path) -> Result<u64, String> {
    fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_is_after_the_at() {
        let pkgid = "registry+https://github.com/rust-lang/crates.io-index#wasm-bindgen@0.2.130\n";
        assert_eq!(locked_version(pkgid), Ok("0.2.130".to_owned()));
        assert!(locked_version("wasm-bindgen").is_err());
        assert!(locked_version("wasm-bindgen@").is_err());
    }
}
