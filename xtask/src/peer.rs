//! Real Pusher-compatible servers ("peers") on loopback, to test the library against something that
//! was not written by us. `shared/spec/PEERS.md` is the authority on how each peer is installed and
//! configured.
//!
//! Everything lives under `<workspace>/target/peers/<peer>/`: the npm install itself, and a `run/`
//! directory holding, per started server, its config (`soketi-PORT.json`), its log
//! (`soketi-PORT.log`) and a state file (`soketi-PORT.state`) that `cargo xtask peer stop` reads.
//!
//! Typical use from a test harness:
//!
//! ```text
//! xtask::peer::install(Peer::Soketi)?;
//! let server = xtask::peer::start(Peer::Soketi, &StartOptions::default())?;
//! // ... talk to server.pusher_url() ...
//! drop(server); // or server.stop(): stops the process this call started
//! ```

use std::fmt;
use std::fs;
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::str::FromStr;
use std::thread;
use std::time::{Duration, Instant};

use crate::workspace_root;

/// The soketi release the CI peer is pinned to.
pub const SOKETI_VERSION: &str = "1.6.1";

/// Where `uWebSockets.js` is taken from instead of soketi's own (unreachable) git dependency; a
/// registry copy that ships the Node 20 binary (see PEERS.md).
pub const UWS_OVERRIDE: &str = "npm:@trufflesuite/uws-js-unofficial@20.30.0-unofficial.0";

/// How long [`start`] waits for a started server to answer `GET /ready` with 200.
pub const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// How long [`RunningPeer::stop`] waits after SIGTERM before sending SIGKILL.
pub const STOP_GRACE: Duration = Duration::from_secs(5);

/// The only address a peer listens on or talks to.
const LOOPBACK: &str = "127.0.0.1";

/// soketi's entry point, relative to its install directory.
const SOKETI_SERVER_JS: &str = "node_modules/@soketi/soketi/bin/server.js";

/// Written after a successful install; holds the `package.json` it was installed from.
const INSTALL_STAMP: &str = ".xtask-installed";

/// Webhook events the started soketi sends when a webhook URL is given.
pub const WEBHOOK_EVENT_TYPES: [&str; 5] = [
    "channel_occupied",
    "channel_vacated",
    "member_added",
    "member_removed",
    "client_event",
];

/// A server implementation that xtask knows how to install and run.
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
        workspace_root().join("target").join("peers").join(self.name())
    }

    /// Directory holding configs, logs and state files of started servers.
    pub fn run_dir(self) -> PathBuf {
        self.dir().join("run")
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
        Peer::Soketi => install_soketi(),
    }
}

/// Whether the pinned version of `peer` is installed (as recorded by a successful [`install`]).
pub fn is_installed(peer: Peer) -> bool {
    match peer {
        Peer::Soketi => soketi_installed(&peer.dir()),
    }
}

/// The `package.json` soketi is installed from.
fn soketi_package_json() -> String {
    format!(
        r#"{{
  "name": "pusher-rs-peer-soketi",
  "private": true,
  "description": "soketi, installed by `cargo xtask peer install soketi` for conformance tests",
  "dependencies": {{
    "@soketi/soketi": "{SOKETI_VERSION}"
  }},
  "overrides": {{
    "uWebSockets.js": "{UWS_OVERRIDE}"
  }}
}}
"#
    )
}

fn soketi_installed(dir: &Path) -> bool {
    let stamp_ok = fs::read_to_string(dir.join(INSTALL_STAMP)).is_ok_and(|s| s == soketi_package_json());
    let version_ok = fs::read_to_string(dir.join("node_modules/@soketi/soketi/package.json"))
        .is_ok_and(|s| s.contains(&format!("\"version\": \"{SOKETI_VERSION}\"")));
    stamp_ok && version_ok && dir.join(SOKETI_SERVER_JS).is_file()
}

fn install_soketi() -> Result<Installed, String> {
    let dir = Peer::Soketi.dir();
    npm_install(&dir, &soketi_package_json(), soketi_installed).map_err(|e| match e {
        NpmError::Missing(why) => format!("{why}; soketi is installed with npm (Node.js 20)"),
        NpmError::Failed(why) => why,
        NpmError::Incomplete => format!(
            "npm install succeeded but {} is missing or not version {SOKETI_VERSION}",
            dir.join(SOKETI_SERVER_JS).display()
        ),
    })
}

/// The pusher-js version the browser-client check runs.
pub const PUSHER_JS_VERSION: &str = "8.6.0";

/// Where pusher-js is installed: `target/peers/pusher-js/`.
pub fn pusher_js_dir() -> PathBuf {
    workspace_root().join("target").join("peers").join("pusher-js")
}

fn pusher_js_package_json() -> String {
    format!(
        r#"{{
  "name": "pusher-rs-peer-pusher-js",
  "private": true,
  "description": "pusher-js, installed by xtask for the browser-client check",
  "dependencies": {{
    "pusher-js": "{PUSHER_JS_VERSION}"
  }}
}}
"#
    )
}

fn pusher_js_installed(dir: &Path) -> bool {
    let stamp_ok = fs::read_to_string(dir.join(INSTALL_STAMP)).is_ok_and(|s| s == pusher_js_package_json());
    let version_ok = fs::read_to_string(dir.join("node_modules/pusher-js/package.json"))
        .is_ok_and(|s| s.contains(&format!("\"version\": \"{PUSHER_JS_VERSION}\"")));
    stamp_ok && version_ok
}

/// Installs pusher-js (the browser client library, run here under Node.js) under
/// `target/peers/pusher-js/`; returns that directory. Idempotent and fast when already installed.
pub fn install_pusher_js() -> Result<PathBuf, String> {
    let dir = pusher_js_dir();
    npm_install(&dir, &pusher_js_package_json(), pusher_js_installed).map_err(|e| match e {
        NpmError::Missing(why) => format!("{why}; pusher-js is installed with npm (Node.js 20)"),
        NpmError::Failed(why) => why,
        NpmError::Incomplete => format!("npm install succeeded but pusher-js {PUSHER_JS_VERSION} is missing"),
    })?;
    Ok(dir)
}

/// Why [`npm_install`] failed.
enum NpmError {
    /// npm cannot be run.
    Missing(String),
    /// `npm install` failed.
    Failed(String),
    /// `npm install` succeeded but the package is not there.
    Incomplete,
}

/// `npm install` of `manifest` (a package.json) in `dir`, unless `installed(dir)` already holds.
fn npm_install(dir: &Path, manifest: &str, installed: fn(&Path) -> bool) -> Result<Installed, NpmError> {
    if installed(dir) {
        return Ok(Installed::AlreadyPresent);
    }
    match Command::new("npm")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
    {
        Ok(status) if status.success() => {}
        Ok(status) => return Err(NpmError::Missing(format!("`npm --version` failed ({status})"))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(NpmError::Missing("npm was not found on PATH".to_owned()));
        }
        Err(e) => return Err(NpmError::Missing(format!("could not run npm: {e}"))),
    }
    let failed = NpmError::Failed;
    fs::create_dir_all(dir).map_err(|e| failed(format!("could not create {}: {e}", dir.display())))?;
    let stamp = dir.join(INSTALL_STAMP);
    remove_if_present(&stamp).map_err(failed)?;
    write_file(&dir.join("package.json"), manifest).map_err(failed)?;

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
    write_file(&stamp, manifest).map_err(failed)?;
    if !installed(dir) {
        remove_if_present(&stamp).map_err(failed)?;
        return Err(NpmError::Incomplete);
    }
    Ok(Installed::Fresh)
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

/// Credentials of the single app a started server knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppCredentials {
    /// Numeric app id (as a string, as Pusher URLs carry it).
    pub id: String,
    /// App key.
    pub key: String,
    /// App secret.
    pub secret: String,
}

impl AppCredentials {
    /// Fresh random credentials: a six-digit numeric id, a 20-hex-digit key and a 32-hex-digit secret.
    pub fn random() -> Result<Self, String> {
        let bytes = random_bytes(4 + 10 + 16)?;
        let n = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        Ok(AppCredentials {
            id: (100_000 + n % 900_000).to_string(),
            key: hex(&bytes[4..14]),
            secret: hex(&bytes[14..30]),
        })
    }
}

/// The `http://KEY:SECRET@127.0.0.1:PORT/apps/ID` URL for an app on a loopback server.
pub fn pusher_url(app: &AppCredentials, port: u16) -> String {
    format!(
        "http://{}:{}@{LOOPBACK}:{port}/apps/{}",
        app.key, app.secret, app.id
    )
}

/// How [`RunningPeer::stop`] ended the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// It exited after SIGTERM.
    Terminated,
    /// It ignored SIGTERM for [`STOP_GRACE`] and was killed.
    Killed,
    /// It was no longer running (or its pid now belongs to another program, which was left alone).
    WasNotRunning,
}

/// A started server.
///
/// When this value started the process itself ([`start`]), it owns it: dropping it stops the server.
/// Values read back from state files ([`recorded`]) and [`detach`](RunningPeer::detach)ed ones do not;
/// call [`stop`](RunningPeer::stop) to stop those.
#[derive(Debug)]
pub struct RunningPeer {
    peer: Peer,
    state: State,
    state_path: PathBuf,
    child: Option<Child>,
    owned: bool,
    stopped: bool,
}

impl RunningPeer {
    /// Which server this is.
    pub fn peer(&self) -> Peer {
        self.peer
    }

    /// Process id of the server.
    pub fn pid(&self) -> u32 {
        self.state.pid
    }

    /// TCP port of the HTTP API and WebSocket endpoint, on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.state.port
    }

    /// `http://KEY:SECRET@127.0.0.1:PORT/apps/ID`.
    pub fn pusher_url(&self) -> &str {
        &self.state.pusher_url
    }

    /// The app the server knows.
    pub fn app(&self) -> &AppCredentials {
        &self.state.app
    }

    /// `ws://127.0.0.1:PORT/app/KEY?protocol=7`, the WebSocket endpoint for the app.
    pub fn ws_url(&self) -> String {
        format!(
            "ws://{LOOPBACK}:{}/app/{}?protocol=7",
            self.state.port, self.state.app.key
        )
    }

    /// The server's combined stdout and stderr.
    pub fn log_path(&self) -> &Path {
        &self.state.log
    }

    /// The state file that `cargo xtask peer stop` reads.
    pub fn state_path(&self) -> &Path {
        &self.state_path
    }

    /// Whether dropping this value stops the server.
    pub fn is_owned(&self) -> bool {
        self.owned && !self.stopped
    }

    /// Leaves the server running after this value is gone; its state file still records it for
    /// `cargo xtask peer stop`.
    pub fn detach(mut self) {
        self.owned = false;
    }

    /// Stops the server: SIGTERM (with the `kill` command), then SIGKILL if it is still alive after
    /// [`STOP_GRACE`]. Removes its state and config files (the log stays). Only ever signals this
    /// server's own pid, and not even that when the pid no longer belongs to a soketi process.
    /// Stopping twice is harmless.
    pub fn stop(&mut self) -> Result<Stopped, String> {
        if self.stopped {
            return Ok(Stopped::WasNotRunning);
        }
        let outcome = if !self.is_alive() || !self.is_peer_process() {
            Ok(Stopped::WasNotRunning)
        } else {
            self.terminate()
        };
        if outcome.is_ok() {
            self.stopped = true;
            remove_if_present(&self.state_path)?;
            remove_if_present(&self.state.config)?;
        }
        outcome
    }

    fn terminate(&mut self) -> Result<Stopped, String> {
        let pid = self.state.pid;
        send_signal("TERM", pid)?;
        if self.wait_gone(STOP_GRACE) {
            return Ok(Stopped::Terminated);
        }
        send_signal("KILL", pid)?;
        if self.wait_gone(Duration::from_secs(5)) {
            return Ok(Stopped::Killed);
        }
        Err(format!("{} (pid {pid}) is still alive after SIGKILL", self.peer))
    }

    fn wait_gone(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if !self.is_alive() {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    fn is_alive(&mut self) -> bool {
        match &mut self.child {
            // Our own child: `try_wait` also reaps it, so it does not linger as a zombie.
            Some(child) => matches!(child.try_wait(), Ok(None)),
            None => pid_alive(self.state.pid),
        }
    }

    /// Guards against pid reuse for servers read back from a state file: the process must still be
    /// a soketi (its command line is `node .../@soketi/soketi/bin/server.js` until soketi renames
    /// itself to `soketi-server`). When that cannot be read, assume it is.
    fn is_peer_process(&self) -> bool {
        if self.child.is_some() {
            return true;
        }
        match fs::read(format!("/proc/{}/cmdline", self.state.pid)) {
            Ok(cmdline) => String::from_utf8_lossy(&cmdline).contains(self.peer.name()),
            Err(_) => true,
        }
    }

    fn wait_ready(&mut self, timeout: Duration) -> Result<(), String> {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.state.port));
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(child) = &mut self.child
                && let Ok(Some(status)) = child.try_wait()
            {
                return Err(format!("{} exited before it was ready ({status})", self.peer));
            }
            let last = match http_get_status(addr, "/ready") {
                Ok(200) => return Ok(()),
                Ok(code) => format!("HTTP {code}"),
                Err(e) => e,
            };
            if Instant::now() >= deadline {
                return Err(format!(
                    "{} did not answer 200 on http://{addr}/ready within {} s (last: {last})",
                    self.peer,
                    timeout.as_secs()
                ));
            }
            thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for RunningPeer {
    fn drop(&mut self) {
        if self.is_owned()
            && let Err(e) = self.stop()
        {
            eprintln!("peer: could not stop {} (pid {}): {e}", self.peer, self.state.pid);
        }
    }
}

/// Starts `peer` on free loopback ports with one freshly generated app, and waits until it answers
/// `GET /ready` with 200 (at most [`READY_TIMEOUT`]).
///
/// The returned value owns the process: dropping it stops the server (see [`RunningPeer::detach`]).
/// When the server does not become ready it is killed and the error carries the end of its log.
pub fn start(peer: Peer, options: &StartOptions) -> Result<RunningPeer, String> {
    match peer {
        Peer::Soketi => start_soketi(options),
    }
}

/// Ports a soketi instance listens on, all on 127.0.0.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SoketiPorts {
    /// HTTP API and WebSockets (TCP).
    http: u16,
    /// The metrics/usage server, which soketi starts even with metrics disabled (TCP).
    metrics: u16,
    /// Cluster discovery (node-discover, UDP).
    cluster: u16,
}

fn start_soketi(options: &StartOptions) -> Result<RunningPeer, String> {
    let peer = Peer::Soketi;
    let dir = peer.dir();
    if !soketi_installed(&dir) {
        return Err(format!(
            "soketi {SOKETI_VERSION} is not installed under {}; run `cargo xtask peer install soketi` first",
            dir.display()
        ));
    }
    let run_dir = peer.run_dir();
    fs::create_dir_all(&run_dir).map_err(|e| format!("could not create {}: {e}", run_dir.display()))?;

    let http = free_tcp_port()?;
    let mut metrics = free_tcp_port()?;
    while metrics == http {
        metrics = free_tcp_port()?;
    }
    let ports = SoketiPorts {
        http,
        metrics,
        cluster: free_udp_port()?,
    };
    let app = AppCredentials::random()?;

    let config_path = run_dir.join(format!("soketi-{http}.json"));
    let log_path = run_dir.join(format!("soketi-{http}.log"));
    let state_path = run_dir.join(format!("soketi-{http}.state"));
    write_file(
        &config_path,
        &soketi_config(ports, &app, options.webhook_url.as_deref()).render(),
    )?;
    let log =
        fs::File::create(&log_path).map_err(|e| format!("could not create {}: {e}", log_path.display()))?;
    let log_err = log
        .try_clone()
        .map_err(|e| format!("could not reopen {}: {e}", log_path.display()))?;

    let mut cmd = Command::new("node");
    cmd.arg(SOKETI_SERVER_JS)
        .arg("start")
        .arg(format!("--config={}", config_path.display()))
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err);
    // soketi lets `SOKETI_*` variables override the config file: keep the caller's out of it.
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("SOKETI_") {
            cmd.env_remove(name);
        }
    }
    if options.own_process_group {
        cmd.process_group(0);
    }
    let child = cmd.spawn().map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => "node was not found on PATH; soketi needs Node.js 20".to_owned(),
        _ => format!("could not start soketi: {e}"),
    })?;

    let state = State {
        peer,
        pid: child.id(),
        port: ports.http,
        pusher_url: pusher_url(&app, ports.http),
        app,
        log: log_path.clone(),
        config: config_path,
    };
    let mut running = RunningPeer {
        peer,
        state,
        state_path,
        child: Some(child),
        owned: true,
        stopped: false,
    };
    // Recorded before waiting, so that `peer stop` finds the server even if this process dies now.
    write_file(&running.state_path, &running.state.render())?;

    if let Err(e) = running.wait_ready(READY_TIMEOUT) {
        let stopped = running.stop();
        let mut msg = format!(
            "{e}\n--- last lines of {} ---\n{}",
            log_path.display(),
            log_tail(&log_path, 40)
        );
        if let Err(stop_err) = stopped {
            msg.push_str(&format!("\nalso: {stop_err}"));
        }
        return Err(msg);
    }
    Ok(running)
}

/// The servers of `peer` started by xtask and recorded in state files (for example by
/// `cargo xtask peer start`), oldest port first. The returned values do not own their processes.
pub fn recorded(peer: Peer) -> Result<Vec<RunningPeer>, String> {
    let run_dir = peer.run_dir();
    let entries = match fs::read_dir(&run_dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("could not read {}: {e}", run_dir.display())),
    };
    let prefix = format!("{}-", peer.name());
    let mut found = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("could not read {}: {e}", run_dir.display()))?
            .path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !(name.starts_with(&prefix) && name.ends_with(".state")) {
            continue;
        }
        let text =
            fs::read_to_string(&path).map_err(|e| format!("could not read {}: {e}", path.display()))?;
        let state = State::parse(&text).map_err(|e| {
            format!(
                "{}: {e} (remove the file once the server it names is gone)",
                path.display()
            )
        })?;
        found.push(RunningPeer {
            peer,
            state,
            state_path: path,
            child: None,
            owned: false,
            stopped: false,
        });
    }
    found.sort_by_key(|p| p.state.port);
    Ok(found)
}

/// A free TCP port on 127.0.0.1 (bound to port 0, read, released).
pub fn free_tcp_port() -> Result<u16, String> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("could not find a free TCP port on {LOOPBACK}: {e}"))
}

/// A free UDP port on 127.0.0.1 (bound to port 0, read, released).
pub fn free_udp_port() -> Result<u16, String> {
    UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|s| s.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("could not find a free UDP port on {LOOPBACK}: {e}"))
}

/// `GET path` over plain HTTP/1.1 with std's `TcpStream`; returns the status code.
pub fn http_get_status(addr: SocketAddr, path: &str) -> Result<u16, String> {
    let timeout = Duration::from_secs(2);
    let mut stream =
        TcpStream::connect_timeout(&addr, Duration::from_millis(500)).map_err(|e| format!("connect: {e}"))?;
    stream
        .set_read_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    stream
        .set_write_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("send: {e}"))?;
    let mut response = Vec::new();
    let mut buf = [0u8; 1024];
    while !response.windows(2).any(|w| w == b"\r\n") && response.len() < 8192 {
        let n = stream.read(&mut buf).map_err(|e| format!("receive: {e}"))?;
        if n == 0 {
            break;
        }
        response.extend_from_slice(&buf[..n]);
    }
    parse_status_line(&response).ok_or_else(|| {
        format!(
            "not an HTTP response: {:?}",
            String::from_utf8_lossy(&response[..response.len().min(80)])
        )
    })
}

/// The status code of an HTTP/1.x response's first line.
fn parse_status_line(response: &[u8]) -> Option<u16> {
    let line_end = response.windows(2).position(|w| w == b"\r\n")?;
    let line = std::str::from_utf8(&response[..line_end]).ok()?;
    let mut parts = line.split(' ');
    if !parts.next()?.starts_with("HTTP/1.") {
        return None;
    }
    let code = parts.next()?;
    if code.len() != 3 {
        return None;
    }
    code.parse().ok()
}

/// What a state file records about a started server.
#[derive(Debug, Clone, PartialEq, Eq)]
struct State {
    peer: Peer,
    pid: u32,
    port: u16,
    app: AppCredentials,
    pusher_url: String,
    log: PathBuf,
    config: PathBuf,
}

impl State {
    fn render(&self) -> String {
        format!(
            "# Written by `cargo xtask peer start`; read by `cargo xtask peer stop`.\n\
             peer={}\npid={}\nport={}\napp_id={}\napp_key={}\napp_secret={}\npusher_url={}\nlog={}\nconfig={}\n",
            self.peer,
            self.pid,
            self.port,
            self.app.id,
            self.app.key,
            self.app.secret,
            self.pusher_url,
            self.log.display(),
            self.config.display(),
        )
    }

    fn parse(text: &str) -> Result<State, String> {
        let mut fields = std::collections::BTreeMap::new();
        for line in text.lines() {
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, value) = line
                .split_once('=')
                .ok_or_else(|| format!("not `key=value`: {line:?}"))?;
            fields.insert(key, value);
        }
        let get = |key: &str| {
            fields
                .get(key)
                .copied()
                .ok_or_else(|| format!("no `{key}=` line"))
        };
        let number =
            |key: &str| -> Result<u64, String> { get(key)?.parse().map_err(|e| format!("bad `{key}`: {e}")) };
        Ok(State {
            peer: get("peer")?.parse()?,
            pid: u32::try_from(number("pid")?).map_err(|e| format!("bad `pid`: {e}"))?,
            port: u16::try_from(number("port")?).map_err(|e| format!("bad `port`: {e}"))?,
            app: AppCredentials {
                id: get("app_id")?.to_owned(),
                key: get("app_key")?.to_owned(),
                secret: get("app_secret")?.to_owned(),
            },
            pusher_url: get("pusher_url")?.to_owned(),
            log: PathBuf::from(get("log")?),
            config: PathBuf::from(get("config")?),
        })
    }
}

/// soketi's config file. Keys are soketi 1.6.1's own option paths: `Server.options` in
/// `dist/server.js` for the defaults, `dist/cli/cli.js` (`envVariables`) for the names it reads, and
/// `dist/app.js` for the per-app fields. The file is applied key by key with `dot.set`, so a
/// dotted key changes one option and leaves its siblings at their defaults.
fn soketi_config(ports: SoketiPorts, app: &AppCredentials, webhook_url: Option<&str>) -> Json {
    let webhooks = match webhook_url {
        Some(url) => vec![Json::obj([
            ("url", Json::str(url)),
            (
                "event_types",
                Json::Arr(WEBHOOK_EVENT_TYPES.iter().map(|t| Json::str(t)).collect()),
            ),
        ])],
        None => Vec::new(),
    };
    let app = Json::obj([
        ("id", Json::str(&app.id)),
        ("key", Json::str(&app.key)),
        ("secret", Json::str(&app.secret)),
        ("enabled", Json::Bool(true)),
        ("enableClientMessages", Json::Bool(true)),
        ("enableUserAuthentication", Json::Bool(true)),
        ("maxConnections", Json::Num(-1)),
        ("maxBackendEventsPerSecond", Json::Num(-1)),
        ("maxClientEventsPerSecond", Json::Num(-1)),
        ("maxReadRequestsPerSecond", Json::Num(-1)),
        ("webhooks", Json::Arr(webhooks)),
    ]);
    Json::obj([
        ("debug", Json::Bool(false)),
        ("host", Json::str(LOOPBACK)),
        ("port", Json::Num(ports.http.into())),
        ("mode", Json::str("full")),
        // On SIGTERM soketi waits this long (default 3000 ms) before it closes: keep stops quick.
        ("shutdownGracePeriod", Json::Num(100)),
        ("adapter.driver", Json::str("local")),
        // soketi always runs node-discover with the whole `cluster` object: `address` is the UDP bind
        // address, and with `unicast` set it sends its hellos there instead of broadcasting.
        ("cluster.address", Json::str(LOOPBACK)),
        ("cluster.hostname", Json::str(LOOPBACK)),
        ("cluster.unicast", Json::str(LOOPBACK)),
        ("cluster.broadcast", Json::str(LOOPBACK)),
        ("cluster.port", Json::Num(ports.cluster.into())),
        // The metrics server (which also serves /usage) listens even when metrics are disabled.
        ("metrics.enabled", Json::Bool(false)),
        ("metrics.host", Json::str(LOOPBACK)),
        ("metrics.port", Json::Num(ports.metrics.into())),
        ("appManager.driver", Json::str("array")),
        ("appManager.array.apps", Json::Arr(vec![app])),
    ])
}

/// Just enough JSON to write a config file without a dependency.
#[derive(Debug, Clone, PartialEq)]
enum Json {
    Bool(bool),
    Num(i64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn str(s: &str) -> Json {
        Json::Str(s.to_owned())
    }

    fn obj<const N: usize>(fields: [(&str, Json); N]) -> Json {
        Json::Obj(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }

    fn render(&self) -> String {
        let mut out = String::new();
        self.render_into(&mut out, 0);
        out.push('\n');
        out
    }

    fn render_into(&self, out: &mut String, indent: usize) {
        let pad = |out: &mut String, n: usize| out.extend(std::iter::repeat_n(' ', n));
        match self {
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Num(n) => out.push_str(&n.to_string()),
            Json::Str(s) => write_json_string(out, s),
            Json::Arr(items) if items.is_empty() => out.push_str("[]"),
            Json::Arr(items) => {
                out.push_str("[\n");
                for (i, item) in items.iter().enumerate() {
                    pad(out, indent + 2);
                    item.render_into(out, indent + 2);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                pad(out, indent);
                out.push(']');
            }
            Json::Obj(fields) if fields.is_empty() => out.push_str("{}"),
            Json::Obj(fields) => {
                out.push_str("{\n");
                for (i, (key, value)) in fields.iter().enumerate() {
                    pad(out, indent + 2);
                    write_json_string(out, key);
                    out.push_str(": ");
                    value.render_into(out, indent + 2);
                    out.push_str(if i + 1 < fields.len() { ",\n" } else { "\n" });
                }
                pad(out, indent);
                out.push('}');
            }
        }
    }
}

fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn send_signal(signal: &str, pid: u32) -> Result<(), String> {
    let output = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not run `kill -{signal} {pid}`: {e}"))?;
    // Failing because the process is already gone is fine; the caller checks liveness itself.
    if !output.status.success() && pid_alive(pid) {
        return Err(format!(
            "`kill -{signal} {pid}` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(())
}

/// Whether `pid` names a live (not zombie) process. Uses /proc where there is one, else `kill -0`.
fn pid_alive(pid: u32) -> bool {
    if Path::new("/proc/self").exists() {
        return match fs::read_to_string(format!("/proc/{pid}/stat")) {
            // The state letter follows the parenthesised command name, which may itself hold ") ".
            Ok(stat) => {
                stat.rsplit_once(')')
                    .and_then(|(_, rest)| rest.trim_start().chars().next())
                    != Some('Z')
            }
            Err(_) => false,
        };
    }
    Command::new("kill")
        .args(["-0", &pid.to_string()])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The last `n` lines of a file, or a note saying why there are none.
fn log_tail(path: &Path, n: usize) -> String {
    match fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let lines: Vec<&str> = text.lines().collect();
            let tail = lines[lines.len().saturating_sub(n)..].join("\n");
            if tail.is_empty() {
                "(log is empty)".to_owned()
            } else {
                tail
            }
        }
        Err(e) => format!("(could not read log: {e})"),
    }
}

fn random_bytes(n: usize) -> Result<Vec<u8>, String> {
    let mut bytes = vec![0u8; n];
    fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| format!("could not read /dev/urandom: {e}"))?;
    Ok(bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn write_file(path: &Path, contents: &str) -> Result<(), String> {
    fs::write(path, contents).map_err(|e| format!("could not write {}: {e}", path.display()))
}

fn remove_if_present(path: &Path) -> Result<(), String> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("could not remove {}: {e}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_app() -> AppCredentials {
        AppCredentials {
            id: "123456".to_owned(),
            key: "0123456789abcdef0123".to_owned(),
            secret: "fedcba9876543210fedcba9876543210".to_owned(),
        }
    }

    const PORTS: SoketiPorts = SoketiPorts {
        http: 40001,
        metrics: 40002,
        cluster: 40003,
    };

    /// Every string value anywhere in `json`, with the dotted path leading to it.
    fn strings(json: &Json, path: &str, out: &mut Vec<(String, String)>) {
        match json {
            Json::Str(s) => out.push((path.to_owned(), s.clone())),
            Json::Arr(items) => items.iter().for_each(|i| strings(i, path, out)),
            Json::Obj(fields) => {
                fields
                    .iter()
                    .for_each(|(k, v)| strings(v, &format!("{path}.{k}"), out));
            }
            Json::Bool(_) | Json::Num(_) => {}
        }
    }

    fn field<'a>(json: &'a Json, key: &str) -> Option<&'a Json> {
        match json {
            Json::Obj(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    #[test]
    fn config_keeps_every_address_on_loopback() {
        let config = soketi_config(PORTS, &sample_app(), Some("http://127.0.0.1:9/hook"));
        let mut all = Vec::new();
        strings(&config, "", &mut all);
        let address_keys = [
            ".host",
            ".cluster.address",
            ".cluster.hostname",
            ".cluster.unicast",
            ".metrics.host",
        ];
        for key in address_keys {
            let value = all.iter().find(|(path, _)| path == key).map(|(_, v)| v.as_str());
            assert_eq!(value, Some(LOOPBACK), "{key}");
        }
        for (path, value) in &all {
            let lower = path.to_ascii_lowercase();
            if ["host", "hostname", "address", "unicast", "broadcast"]
                .iter()
                .any(|k| lower.ends_with(k))
            {
                assert_eq!(value, LOOPBACK, "{path}");
            }
            assert!(
                !value.contains("0.0.0.0") && !value.contains("255.255"),
                "{path} = {value}"
            );
        }
        assert_eq!(field(&config, "metrics.enabled"), Some(&Json::Bool(false)));
        let ports: Vec<&Json> = ["port", "metrics.port", "cluster.port"]
            .iter()
            .map(|k| field(&config, k).unwrap_or(&Json::Bool(false)))
            .collect();
        assert_eq!(ports, [&Json::Num(40001), &Json::Num(40002), &Json::Num(40003)]);
    }

    #[test]
    fn config_app_and_webhooks() {
        let rendered = soketi_config(PORTS, &sample_app(), Some("http://127.0.0.1:9/a\"b")).render();
        assert!(
            rendered.contains(r#""url": "http://127.0.0.1:9/a\"b""#),
            "{rendered}"
        );
        for event in WEBHOOK_EVENT_TYPES {
            assert!(rendered.contains(&format!("\"{event}\"")), "{event}");
        }
        for needle in [
            r#""id": "123456""#,
            r#""enableClientMessages": true"#,
            r#""enableUserAuthentication": true"#,
            r#""maxConnections": -1"#,
            r#""maxReadRequestsPerSecond": -1"#,
        ] {
            assert!(rendered.contains(needle), "{needle} missing from {rendered}");
        }
        let without = soketi_config(PORTS, &sample_app(), None).render();
        assert!(without.contains(r#""webhooks": []"#), "{without}");
    }

    #[test]
    fn json_strings_are_escaped() {
        let mut out = String::new();
        write_json_string(&mut out, "a\"b\\c\nd\u{1}é");
        assert_eq!(out, r#""a\"b\\c\nd\u0001é""#);
        let doc = Json::obj([
            ("k", Json::Arr(vec![Json::Num(1), Json::Bool(true)])),
            ("e", Json::Obj(vec![])),
        ]);
        assert_eq!(
            doc.render(),
            "{\n  \"k\": [\n    1,\n    true\n  ],\n  \"e\": {}\n}\n"
        );
    }

    #[test]
    fn state_file_round_trips() {
        let app = sample_app();
        let state = State {
            peer: Peer::Soketi,
            pid: 4242,
            port: 40001,
            pusher_url: pusher_url(&app, 40001),
            app,
            log: PathBuf::from("/tmp/x=y/soketi-40001.log"),
            config: PathBuf::from("/tmp/soketi-40001.json"),
        };
        assert_eq!(State::parse(&state.render()), Ok(state.clone()));
        assert_eq!(
            state.pusher_url,
            "http://0123456789abcdef0123:fedcba9876543210fedcba9876543210@127.0.0.1:40001/apps/123456"
        );
        assert!(State::parse("peer=soketi\npid=1\n").is_err());
        assert!(State::parse(&state.render().replace("pid=4242", "pid=-1")).is_err());
        assert!(State::parse(&state.render().replace("peer=soketi", "peer=nope")).is_err());
    }

    #[test]
    fn random_credentials_have_the_expected_shape() {
        let (a, b) = (AppCredentials::random(), AppCredentials::random());
        assert!(a.is_ok() && b.is_ok());
        let (a, b) = (
            a.unwrap_or_else(|_| sample_app()),
            b.unwrap_or_else(|_| sample_app()),
        );
        assert_ne!(a, b);
        assert_eq!(a.id.len(), 6);
        assert!(a.id.bytes().all(|c| c.is_ascii_digit()) && !a.id.starts_with('0'));
        assert_eq!((a.key.len(), a.secret.len()), (20, 32));
        assert!(
            a.key
                .bytes()
                .chain(a.secret.bytes())
                .all(|c| c.is_ascii_hexdigit())
        );
    }

    #[test]
    fn status_lines() {
        assert_eq!(parse_status_line(b"HTTP/1.1 200 OK\r\n\r\nOK"), Some(200));
        assert_eq!(
            parse_status_line(b"HTTP/1.0 503 Service Unavailable\r\n"),
            Some(503)
        );
        assert_eq!(parse_status_line(b"HTTP/1.1 200 OK"), None);
        assert_eq!(parse_status_line(b"SSH-2.0-OpenSSH\r\n"), None);
    }

    #[test]
    fn peer_names_parse() {
        assert_eq!("soketi".parse::<Peer>(), Ok(Peer::Soketi));
        assert!("pusher".parse::<Peer>().is_err());
        assert!(Peer::Soketi.dir().ends_with("target/peers/soketi"));
    }
}
