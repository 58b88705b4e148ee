//! A started server's process: whether it is alive, signals, stopping it, and the end of its log.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::files::remove_if_present;
use crate::loopback::LOOPBACK;
use crate::state::State;
use crate::{AppCredentials, Peer};

/// How long [`RunningPeer::stop`] waits after SIGTERM before sending SIGKILL.
pub const STOP_GRACE: Duration = Duration::from_secs(5);

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
/// When this value started the process itself ([`start`](crate::start)), it owns it: dropping it
/// stops the server. Values read back from state files ([`recorded`](crate::recorded)) and
/// [`detach`](RunningPeer::detach)ed ones do not; call [`stop`](RunningPeer::stop) to stop those.
#[derive(Debug)]
pub struct RunningPeer {
    state: State,
    state_path: PathBuf,
    child: Option<Child>,
    owned: bool,
    stopped: bool,
}

impl RunningPeer {
    /// A server this process just spawned as `child`: owned, so dropping it stops the server.
    pub(crate) fn spawned(state: State, state_path: PathBuf, child: Child) -> RunningPeer {
        RunningPeer {
            state,
            state_path,
            child: Some(child),
            owned: true,
            stopped: false,
        }
    }

    /// A server read back from its state file at `state_path`: not owned.
    pub(crate) fn recorded(state: State, state_path: PathBuf) -> RunningPeer {
        RunningPeer {
            state,
            state_path,
            child: None,
            owned: false,
            stopped: false,
        }
    }

    /// Which server this is.
    pub fn peer(&self) -> Peer {
        self.state.peer
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

    /// How the process exited, when this value spawned it and it has exited.
    pub(crate) fn exit_status(&mut self) -> Option<ExitStatus> {
        self.child.as_mut()?.try_wait().ok().flatten()
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
        Err(format!(
            "{} (pid {pid}) is still alive after SIGKILL",
            self.state.peer
        ))
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
            Ok(cmdline) => String::from_utf8_lossy(&cmdline).contains(self.state.peer.name()),
            Err(_) => true,
        }
    }
}

impl Drop for RunningPeer {
    fn drop(&mut self) {
        if self.is_owned()
            && let Err(e) = self.stop()
        {
            eprintln!(
                "peer: could not stop {} (pid {}): {e}",
                self.state.peer, self.state.pid
            );
        }
    }
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
pub(crate) fn log_tail(path: &Path, n: usize) -> String {
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
