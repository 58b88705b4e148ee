//! The state file written per started server (`run/<peer>-<port>.state`), so that a later process
//! (`cargo xtask peer stop`) can find and stop it; and reading those files back.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::PathBuf;

use crate::{AppCredentials, Peer, RunningPeer};

/// What a state file records about a started server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct State {
    pub(crate) peer: Peer,
    pub(crate) pid: u32,
    pub(crate) port: u16,
    pub(crate) app: AppCredentials,
    pub(crate) pusher_url: String,
    /// The server's combined stdout and stderr.
    pub(crate) log: PathBuf,
    /// The server's config file, removed when it stops.
    pub(crate) config: PathBuf,
}

impl State {
    /// The file's text: one `key=value` line per field.
    pub(crate) fn render(&self) -> String {
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

    /// Reads what [`render`](State::render) wrote.
    pub(crate) fn parse(text: &str) -> Result<State, String> {
        let mut fields = BTreeMap::new();
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

/// The servers of `peer` started by this crate and recorded in state files (for example by
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
        found.push(RunningPeer::recorded(state, path));
    }
    found.sort_by_key(|p| p.port());
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::tests::sample_app;
    use crate::pusher_url;

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
}
