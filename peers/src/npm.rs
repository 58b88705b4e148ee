//! Installing one pinned npm package into a directory of its own, with npm.
//!
//! The directory gets a `package.json` that depends on the package, then `npm install`. A stamp
//! file, written after an install that checked out, holds that `package.json`: while the stamp
//! matches and the package is there at its pinned version, installing again does nothing.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::Path;
use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};

use crate::Installed;
use crate::files::{json_text, remove_if_present, write_file};

/// Written after a successful install; holds the `package.json` it was installed from.
const INSTALL_STAMP: &str = ".xtask-installed";

/// A pinned npm package and how it is installed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NpmPackage {
    /// `name` of the `package.json` that depends on the package.
    pub(crate) local_name: &'static str,
    /// `description` of that `package.json`.
    pub(crate) description: &'static str,
    /// The npm package.
    pub(crate) package: &'static str,
    /// Its pinned version.
    pub(crate) version: &'static str,
    /// npm `overrides`: dependencies of the package taken from elsewhere.
    pub(crate) overrides: &'static [(&'static str, &'static str)],
    /// A file, relative to the install directory, that must be there too.
    pub(crate) entry: Option<&'static str>,
}

/// The `package.json` a package is installed from.
#[derive(Serialize)]
struct Manifest {
    name: &'static str,
    private: bool,
    description: &'static str,
    dependencies: BTreeMap<&'static str, &'static str>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    overrides: BTreeMap<&'static str, &'static str>,
}

/// The part of an installed package's own `package.json` that is checked.
#[derive(Deserialize)]
struct InstalledManifest {
    version: String,
}

impl NpmPackage {
    /// The text of the `package.json` the package is installed from.
    pub(crate) fn manifest(&self) -> Result<String, String> {
        json_text(&Manifest {
            name: self.local_name,
            private: true,
            description: self.description,
            dependencies: BTreeMap::from([(self.package, self.version)]),
            overrides: self.overrides.iter().copied().collect(),
        })
    }

    /// Whether `dir` holds a checked install of the pinned version.
    pub(crate) fn is_installed_in(&self, dir: &Path) -> bool {
        let stamp_ok = fs::read_to_string(dir.join(INSTALL_STAMP))
            .is_ok_and(|stamp| self.manifest().is_ok_and(|manifest| stamp == manifest));
        let installed = dir.join("node_modules").join(self.package).join("package.json");
        let version_ok = fs::read_to_string(installed)
            .ok()
            .and_then(|text| serde_json::from_str::<InstalledManifest>(&text).ok())
            .is_some_and(|installed| installed.version == self.version);
        let entry_ok = self.entry.is_none_or(|entry| dir.join(entry).is_file());
        stamp_ok && version_ok && entry_ok
    }

    /// `npm install` of the package in `dir`, unless it is already installed there.
    pub(crate) fn install_in(&self, dir: &Path) -> Result<Installed, NpmError> {
        if self.is_installed_in(dir) {
            return Ok(Installed::AlreadyPresent);
        }
        check_npm()?;
        let failed = NpmError::Failed;
        let manifest = self.manifest().map_err(failed)?;
        fs::create_dir_all(dir).map_err(|e| failed(format!("could not create {}: {e}", dir.display())))?;
        let stamp = dir.join(INSTALL_STAMP);
        remove_if_present(&stamp).map_err(failed)?;
        write_file(&dir.join("package.json"), &manifest).map_err(failed)?;

        let status = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund"])
            .current_dir(dir)
            .env("npm_config_update_notifier", "false")
            .stdin(Stdio::null())
            .status()
            .map_err(|e| failed(format!("could not run `npm install` in {}: {e}", dir.display())))?;
        if !status.success() {
            return Err(failed(format!(
                "`npm install --no-audit --no-fund` in {} failed ({status}); see npm's output above",
                dir.display()
            )));
        }
        write_file(&stamp, &manifest).map_err(failed)?;
        if !self.is_installed_in(dir) {
            remove_if_present(&stamp).map_err(failed)?;
            return Err(NpmError::Incomplete);
        }
        Ok(Installed::Fresh)
    }
}

impl NpmPackage {
    /// [`install_in`](Self::install_in), failing with a sentence that says why.
    pub(crate) fn install_or_say_why(&self, dir: &Path) -> Result<Installed, String> {
        self.install_in(dir).map_err(|e| match e {
            NpmError::Missing(why) => format!("{why}; {} is installed with npm (Node.js 20)", self.package),
            NpmError::Failed(why) => why,
            NpmError::Incomplete => format!(
                "npm install succeeded but {} {} is missing",
                self.package, self.version
            ),
        })
    }
}

/// Why [`NpmPackage::install_in`] failed.
#[derive(Debug)]
pub(crate) enum NpmError {
    /// npm cannot be run.
    Missing(String),
    /// `npm install` failed.
    Failed(String),
    /// `npm install` succeeded but the package is not there.
    Incomplete,
}

/// Fails, saying why, when `npm --version` does not run.
fn check_npm() -> Result<(), NpmError> {
    match Command::new("npm")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
    {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(NpmError::Missing(format!("`npm --version` failed ({status})"))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            Err(NpmError::Missing("npm was not found on PATH".to_owned()))
        }
        Err(e) => Err(NpmError::Missing(format!("could not run npm: {e}"))),
    }
}
