//! What the page needs besides its own files: pusher-js, and how to reach the Pusher server.

use std::path::PathBuf;

use pusher::Config;
use pusher::serde_json::{Value, json};

/// The pusher-js build the page loads: the one that can decrypt `private-encrypted-` channels.
pub const PUSHER_JS_BUILD: &str = "pusher-with-encryption.min.js";

/// Where the page gets pusher-js when no local copy is installed: Pusher's CDN.
pub const PUSHER_JS_CDN: &str = "https://js.pusher.com/8.4.0/pusher-with-encryption.min.js";

/// The local copy of pusher-js the app serves when it is there: the one `cargo xtask ci` installs
/// with npm for its browser checks, under `target/peers/pusher-js/`.
pub fn installed_pusher_js() -> PathBuf {
    pusher_peers::pusher_js_dir()
        .join("node_modules/pusher-js/dist/web")
        .join(PUSHER_JS_BUILD)
}

/// What the page passes to `new Pusher(key, options)` to reach the server `config` talks to, as
/// `{"key": .., "options": {..}}`.
///
/// On Pusher itself (`api-CLUSTER.pusher.com`) the cluster is enough. Any other server (soketi, the
/// emulator) serves its WebSocket on the host and port of its HTTP API, over TLS when the API is
/// HTTPS; pusher-js still wants a cluster, which the explicit host then overrides.
pub fn client_settings(config: &Config) -> Value {
    let api = config.api_endpoint();
    let options = match config.cluster() {
        Some(cluster) => json!({"cluster": cluster, "forceTLS": true}),
        None => json!({
            "cluster": "mt1",
            "wsHost": api.host(),
            "wsPort": api.port(),
            "wssPort": api.port(),
            "forceTLS": api.scheme() == pusher::Scheme::Https,
            "enabledTransports": ["ws", "wss"],
            "disableStats": true,
        }),
    };
    json!({"key": config.key(), "options": options})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn on_pusher_the_cluster_is_enough() {
        let config = Config::from_url("https://key:secret@api-eu.pusher.com/apps/1").unwrap();
        assert_eq!(
            client_settings(&config),
            json!({"key": "key", "options": {"cluster": "eu", "forceTLS": true}})
        );
    }

    #[test]
    fn another_server_is_reached_on_its_api_host_and_port() {
        let config = Config::from_url("http://key:secret@127.0.0.1:6001/apps/1").unwrap();
        let settings = client_settings(&config);
        let options = &settings["options"];
        assert_eq!(options["wsHost"], "127.0.0.1");
        assert_eq!(options["wsPort"], 6001);
        assert_eq!(options["forceTLS"], false);
        let config = Config::from_url("https://key:secret@soketi.example.com/apps/1").unwrap();
        let settings = client_settings(&config);
        assert_eq!(settings["options"]["wssPort"], 443);
        assert_eq!(settings["options"]["forceTLS"], true);
    }
}
