//! `cargo xtask ci`'s `browser` step: the web demo (examples/web-demo) in a real browser.
//!
//! Runs the demo as `cargo run --example web_demo` does (with its in-process emulator, on a free
//! port), then `xtask/browser/check.cjs`, which drives two pages in headless Chromium with
//! playwright-core and reports each check. What the step needs it installs: Debian's `chromium`
//! with apt-get when `/usr/bin/chromium` is missing, pusher-js (which the demo serves to the pages)
//! and playwright-core with npm under `target/peers/`. A browser that cannot start fails the step.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use crate::ci::{capture, cargo, run_cmd};

/// The browser the check drives: Debian's `chromium` package.
const CHROMIUM: &str = "/usr/bin/chromium";

/// The demo, as users start it.
const DEMO: [&str; 4] = ["-p", "pusher-web-demo", "--example", "web_demo"];

/// How long the built demo may take to print its address.
const DEMO_START_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs the step.
pub(crate) fn run(root: &Path) -> Result<(), String> {
    install_chromium()?;
    let version = capture(Command::new(CHROMIUM).arg("--version"))?;
    println!("{}", version.trim());
    // The demo serves this copy to the pages: the check needs no CDN.
    pusher_peers::install_pusher_js()?;
    let playwright = pusher_peers::install_playwright_core()?;
    run_cmd(cargo(root).arg("build").args(DEMO))?;
    let demo = Demo::start(root)?;
    println!("web demo at {}", demo.url);
    run_cmd(
        Command::new("node")
            .arg(root.join("xtask/browser/check.cjs"))
            .env("PLAYWRIGHT_CORE", playwright.join("node_modules/playwright-core"))
            .env("CHROMIUM", CHROMIUM)
            .env("DEMO_URL", &demo.url)
            .current_dir(root),
    )
}

/// Installs Debian's `chromium` when [`CHROMIUM`] is missing: as root, or through `sudo` when it
/// needs no password.
fn install_chromium() -> Result<(), String> {
    if Path::new(CHROMIUM).exists() {
        return Ok(());
    }
    println!("{CHROMIUM} is missing: installing Debian's chromium package");
    let as_root = capture(Command::new("id").arg("-u"))?.trim() == "0";
    let apt_get = |args: &[&str]| {
        let mut cmd = if as_root {
            Command::new("apt-get")
        } else {
            let mut sudo = Command::new("sudo");
            sudo.args(["-n", "apt-get"]);
            sudo
        };
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    let why = |e: String| {
        format!(
            "{e}\nChromium is needed for the browser check: install it with `apt-get install chromium` as root"
        )
    };
    run_cmd(&mut apt_get(&["update", "-q"])).map_err(why)?;
    run_cmd(&mut apt_get(&[
        "install",
        "-y",
        "-q",
        "--no-install-recommends",
        "chromium",
    ]))
    .map_err(why)?;
    if !Path::new(CHROMIUM).exists() {
        return Err(format!(
            "the chromium package was installed but {CHROMIUM} is not there"
        ));
    }
    Ok(())
}

/// The running demo. Dropping it stops it.
struct Demo {
    child: Child,
    url: String,
}

impl Demo {
    /// Starts the demo on a free port of 127.0.0.1 and waits for the address it prints; what it
    /// prints is passed on.
    fn start(root: &Path) -> Result<Demo, String> {
        let mut child = cargo(root)
            .args(["run", "-q"])
            .args(DEMO)
            .env("WEB_DEMO_PORT", "0")
            .env_remove("PUSHER_URL")
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("could not run the web demo: {e}"))?;
        let stdout = child.stdout.take().ok_or("the web demo's stdout is not piped")?;
        let (lines, received) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                println!("web demo | {line}");
                let _ = lines.send(line);
            }
        });
        // From here `demo` owns the process: an early return stops it.
        let mut demo = Demo {
            child,
            url: String::new(),
        };
        let deadline = Instant::now() + DEMO_START_TIMEOUT;
        while demo.url.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = received.recv_timeout(left).map_err(|e| match e {
                RecvTimeoutError::Timeout => {
                    format!("the web demo printed no address within {DEMO_START_TIMEOUT:?}")
                }
                RecvTimeoutError::Disconnected => {
                    "the web demo ended without printing its address".to_owned()
                }
            })?;
            if let Some(url) = page_address(&line) {
                demo.url = url.to_owned();
            }
        }
        Ok(demo)
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        // `cargo run` replaced itself with the demo: this is the demo's process.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The page's address in a line the demo printed: `Open http://127.0.0.1:PORT/ in ...`.
fn page_address(line: &str) -> Option<&str> {
    line.strip_prefix("Open ")?
        .split_whitespace()
        .next()
        .filter(|url| url.starts_with("http://127.0.0.1:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_is_read_from_the_line_that_gives_it() {
        assert_eq!(
            page_address("Open http://127.0.0.1:3000/ in two browser tabs"),
            Some("http://127.0.0.1:3000/")
        );
        assert_eq!(
            page_address("Pusher server: pusher-emulator, in-process at http://127.0.0.1:1"),
            None
        );
        assert_eq!(page_address("Open https://example.com/ now"), None);
    }
}
