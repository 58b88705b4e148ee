//! soketi: its pinned version, its config file, and how a server is started.

use std::fs;
use std::io;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::files::{json_text, write_file};
use crate::loopback::{LOOPBACK, READY_TIMEOUT, free_tcp_port, free_udp_port, wait_ready};
use crate::npm::{NpmError, NpmPackage};
use crate::process::log_tail;
use crate::state::State;
use crate::{AppCredentials, Installed, Peer, RunningPeer, StartOptions, pusher_url};

/// The soketi release the CI peer is pinned to.
pub const SOKETI_VERSION: &str = "1.6.1";

/// Where `uWebSockets.js` is taken from instead of soketi's own (unreachable) git dependency; a
/// registry copy that ships the Node 20 binary (see this crate's README).
pub const UWS_OVERRIDE: &str = "npm:@trufflesuite/uws-js-unofficial@20.30.0-unofficial.0";

/// Webhook events the started soketi sends when a webhook URL is given.
pub const WEBHOOK_EVENT_TYPES: [&str; 5] = [
    "channel_occupied",
    "channel_vacated",
    "member_added",
    "member_removed",
    "client_event",
];

/// soketi's entry point, relative to its install directory.
const SOKETI_SERVER_JS: &str = "node_modules/@soketi/soketi/bin/server.js";

const SOKETI: NpmPackage = NpmPackage {
    local_name: "pusher-rs-peer-soketi",
    description: "soketi, installed by `cargo xtask peer install soketi` for conformance tests",
    package: "@soketi/soketi",
    version: SOKETI_VERSION,
    overrides: &[("uWebSockets.js", UWS_OVERRIDE)],
    entry: Some(SOKETI_SERVER_JS),
};

pub(crate) fn is_installed() -> bool {
    SOKETI.is_installed_in(&Peer::Soketi.dir())
}

pub(crate) fn install() -> Result<Installed, String> {
    let dir = Peer::Soketi.dir();
    SOKETI.install_in(&dir).map_err(|e| match e {
        NpmError::Missing(why) => format!("{why}; soketi is installed with npm (Node.js 20)"),
        NpmError::Failed(why) => why,
        NpmError::Incomplete => format!(
            "npm install succeeded but {} is missing or not version {SOKETI_VERSION}",
            dir.join(SOKETI_SERVER_JS).display()
        ),
    })
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

impl SoketiPorts {
    /// Free ports, the two TCP ones distinct.
    fn free() -> Result<SoketiPorts, String> {
        let http = free_tcp_port()?;
        let mut metrics = free_tcp_port()?;
        while metrics == http {
            metrics = free_tcp_port()?;
        }
        Ok(SoketiPorts {
            http,
            metrics,
            cluster: free_udp_port()?,
        })
    }
}

/// soketi's config file. Keys are soketi 1.6.1's own option paths: `Server.options` in
/// `dist/server.js` for the defaults, `dist/cli/cli.js` (`envVariables`) for the names it reads, and
/// `dist/app.js` for the per-app fields. The file is applied key by key with `dot.set`, so a
/// dotted key changes one option and leaves its siblings at their defaults.
fn config(ports: SoketiPorts, app: &AppCredentials, webhook_url: Option<&str>) -> Value {
    let webhooks: Vec<Value> = webhook_url
        .map(|url| json!({"url": url, "event_types": WEBHOOK_EVENT_TYPES}))
        .into_iter()
        .collect();
    json!({
        "debug": false,
        "host": LOOPBACK,
        "port": ports.http,
        "mode": "full",
        // On SIGTERM soketi waits this long (default 3000 ms) before it closes: keep stops quick.
        "shutdownGracePeriod": 100,
        "adapter.driver": "local",
        // soketi always runs node-discover with the whole `cluster` object: `address` is the UDP bind
        // address, and with `unicast` set it sends its hellos there instead of broadcasting.
        "cluster.address": LOOPBACK,
        "cluster.hostname": LOOPBACK,
        "cluster.unicast": LOOPBACK,
        "cluster.broadcast": LOOPBACK,
        "cluster.port": ports.cluster,
        // The metrics server (which also serves /usage) listens even when metrics are disabled.
        "metrics.enabled": false,
        "metrics.host": LOOPBACK,
        "metrics.port": ports.metrics,
        "appManager.driver": "array",
        "appManager.array.apps": [{
            "id": app.id,
            "key": app.key,
            "secret": app.secret,
            "enabled": true,
            "enableClientMessages": true,
            "enableUserAuthentication": true,
            "maxConnections": -1,
            "maxBackendEventsPerSecond": -1,
            "maxClientEventsPerSecond": -1,
            "maxReadRequestsPerSecond": -1,
            "webhooks": webhooks,
        }],
    })
}

pub(crate) fn start(options: &StartOptions) -> Result<RunningPeer, String> {
    let peer = Peer::Soketi;
    let dir = peer.dir();
    if !is_installed() {
        return Err(format!(
            "soketi {SOKETI_VERSION} is not installed under {}; run `cargo xtask peer install soketi` first",
            dir.display()
        ));
    }
    let run_dir = peer.run_dir();
    fs::create_dir_all(&run_dir).map_err(|e| format!("could not create {}: {e}", run_dir.display()))?;

    let ports = SoketiPorts::free()?;
    let app = AppCredentials::random()?;

    let config_path = peer.run_file(ports.http, "json");
    let log_path = peer.run_file(ports.http, "log");
    let state_path = peer.run_file(ports.http, "state");
    write_file(
        &config_path,
        &json_text(&config(ports, &app, options.webhook_url.as_deref()))?,
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
    // Recorded before waiting, so that `peer stop` finds the server even if this process dies now.
    write_file(&state_path, &state.render())?;
    let mut running = RunningPeer::spawned(state, state_path, child);

    if let Err(e) = wait_ready(&mut running, READY_TIMEOUT) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::tests::sample_app;

    const PORTS: SoketiPorts = SoketiPorts {
        http: 40001,
        metrics: 40002,
        cluster: 40003,
    };

    /// Every string value anywhere in `json`, with the dotted path leading to it.
    fn strings(json: &Value, path: &str, out: &mut Vec<(String, String)>) {
        match json {
            Value::String(s) => out.push((path.to_owned(), s.clone())),
            Value::Array(items) => items.iter().for_each(|i| strings(i, path, out)),
            Value::Object(fields) => {
                fields
                    .iter()
                    .for_each(|(k, v)| strings(v, &format!("{path}.{k}"), out));
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    fn field<'a>(json: &'a Value, key: &str) -> Option<&'a Value> {
        json.as_object()?.get(key)
    }

    #[test]
    fn config_keeps_every_address_on_loopback() {
        let config = config(PORTS, &sample_app(), Some("http://127.0.0.1:9/hook"));
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
        assert_eq!(field(&config, "metrics.enabled"), Some(&Value::Bool(false)));
        let ports: Vec<&Value> = ["port", "metrics.port", "cluster.port"]
            .iter()
            .map(|k| field(&config, k).unwrap_or(&Value::Bool(false)))
            .collect();
        assert_eq!(ports, [&json!(40001), &json!(40002), &json!(40003)]);
    }

    #[test]
    fn config_app_and_webhooks() {
        let rendered = json_text(&config(PORTS, &sample_app(), Some("http://127.0.0.1:9/a\"b")));
        let rendered = rendered.unwrap_or_default();
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
        let without = json_text(&config(PORTS, &sample_app(), None)).unwrap_or_default();
        assert!(without.contains(r#""webhooks": []"#), "{without}");
    }

    #[test]
    fn manifest_is_the_one_installs_are_stamped_with() {
        let expected = r#"{
  "name": "pusher-rs-peer-soketi",
  "private": true,
  "description": "soketi, installed by `cargo xtask peer install soketi` for conformance tests",
  "dependencies": {
    "@soketi/soketi": "1.6.1"
  },
  "overrides": {
    "uWebSockets.js": "npm:@trufflesuite/uws-js-unofficial@20.30.0-unofficial.0"
  }
}
"#;
        assert_eq!(SOKETI.manifest().as_deref(), Ok(expected));
    }
}
