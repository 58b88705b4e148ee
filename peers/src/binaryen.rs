//! binaryen, whose `wasm-opt` shrinks the edge example's WebAssembly in `cargo xtask ci`: the npm
//! package ships it (compiled to JavaScript and WebAssembly, run by Node.js).

use std::path::PathBuf;

use crate::npm::NpmPackage;
use crate::peers_dir;

/// The binaryen version whose `wasm-opt` is run.
pub const BINARYEN_VERSION: &str = "132.0.0";

/// `wasm-opt`, relative to the install directory.
const WASM_OPT: &str = "node_modules/.bin/wasm-opt";

const BINARYEN: NpmPackage = NpmPackage {
    local_name: "pusher-rs-tool-binaryen",
    description: "binaryen's wasm-opt, installed by xtask to shrink the edge example's WebAssembly",
    package: "binaryen",
    version: BINARYEN_VERSION,
    overrides: &[],
    entry: Some(WASM_OPT),
};

/// Installs binaryen under `target/peers/binaryen/` and returns the path of its `wasm-opt`.
/// Idempotent and fast when already installed.
pub fn install_wasm_opt() -> Result<PathBuf, String> {
    Ok(BINARYEN
        .install_into(peers_dir().join("binaryen"))?
        .join(WASM_OPT))
}
