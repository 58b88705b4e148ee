//! The server under test: named by the environment, or started here (soketi or the emulator).

use std::sync::Arc;

use pusher_core::{Config, ConfigBuilder, MasterKey, Scheme};
use pusher_emulator::{Emulator, WebhookInbox};
use pusher_peers::{Peer, RunningPeer, StartOptions};
use tokio::net::TcpListener;

/// The server's `PUSHER_URL`.
pub const URL_ENV: &str = "PUSHER_CONFORMANCE_URL";
/// Where the suite listens for the server's webhooks.
pub const WEBHOOK_ADDR_ENV: &str = "PUSHER_CONFORMANCE_WEBHOOK_ADDR";
/// Which server to start when [`URL_ENV`] is not set: `soketi` (default) or `emulator`.
pub const SERVER_ENV: &str = "PUSHER_CONFORMANCE_SERVER";

/// The known ways a server differs from PROTOCOL.md, each harmless to a caller and each checked the
/// way the server behaves.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quirks {
    /// The channel list ignores `info` and reports `subscription_count` only (soketi).
    pub list_ignores_info: bool,
    /// A request is accepted whatever its `auth_key`, when it is signed with the app's secret: the
    /// secret is what proves who sent it (soketi).
    pub ignores_auth_key: bool,
    /// A trigger or a batch is answered `{"ok": true}` whatever its `info` asks for, with no
    /// channel attributes; the events are delivered all the same (soketi).
    pub trigger_ignores_info: bool,
    /// The push notification call is not served: it is answered 404. soketi implements Channels
    /// only, and Pusher serves push notifications on a host of their own (PROTOCOL §10).
    pub no_push_notifications: bool,
}

impl Quirks {
    /// soketi 1.6's.
    pub const SOKETI: Quirks = Quirks {
        list_ignores_info: true,
        ignores_auth_key: true,
        trigger_ignores_info: true,
        no_push_notifications: true,
    };
}

/// What keeps a server the suite started alive.
#[derive(Debug)]
enum Owned {
    External,
    Soketi(RunningPeer),
    Emulator(Emulator),
}

/// A running server and the suite's view of it.
#[derive(Debug)]
pub struct Target {
    /// What the server is, for the report.
    pub name: String,
    /// The configuration every client uses (with a fresh encryption master key). Its push
    /// notifications go to the server itself, as the emulator serves them on its port.
    pub config: Config,
    /// `ws://HOST:PORT/app/KEY?protocol=7`.
    pub ws_url: String,
    /// The webhooks received.
    pub inbox: Arc<WebhookInbox>,
    /// Where the server is known to differ from the protocol.
    pub quirks: Quirks,
    /// The configurations with one credential wrong: the secret, the key, the app id.
    impostors: [Config; 3],
    owned: Owned,
}

impl Target {
    /// Connects to the server the environment names, or starts one. Must run inside a Tokio runtime.
    pub async fn from_env() -> Result<Target, String> {
        if let Ok(url) = std::env::var(URL_ENV) {
            let addr = std::env::var(WEBHOOK_ADDR_ENV)
                .map_err(|_| format!("{URL_ENV} is set but {WEBHOOK_ADDR_ENV} is not"))?;
            let listener = TcpListener::bind(&addr)
                .await
                .map_err(|e| format!("cannot listen for webhooks on {addr}: {e}"))?;
            // A server named by URL is held to the protocol unless it is declared to be soketi.
            let quirks = match std::env::var(SERVER_ENV).as_deref() {
                Ok("soketi") => Quirks::SOKETI,
                _ => Quirks::default(),
            };
            return Self::new(
                format!("server at {URL_ENV}"),
                &url,
                listener,
                quirks,
                Owned::External,
            );
        }
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("cannot listen for webhooks: {e}"))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let webhook_url = format!("http://127.0.0.1:{port}/");
        match std::env::var(SERVER_ENV).as_deref() {
            Ok("emulator") => {
                let emulator = Emulator::builder()
                    .webhook_url(webhook_url)
                    .start()
                    .await
                    .map_err(|e| format!("cannot start the emulator: {e}"))?;
                let url = emulator.pusher_url();
                Self::new(
                    "pusher-emulator".into(),
                    &url,
                    listener,
                    Quirks::default(),
                    Owned::Emulator(emulator),
                )
            }
            Ok("soketi") | Err(_) => {
                let soketi = tokio::task::spawn_blocking(move || start_soketi(webhook_url))
                    .await
                    .map_err(|e| e.to_string())??;
                let url = soketi.pusher_url().to_owned();
                Self::new(
                    "soketi".into(),
                    &url,
                    listener,
                    Quirks::SOKETI,
                    Owned::Soketi(soketi),
                )
            }
            Ok(other) => Err(format!("{SERVER_ENV}={other}: expected soketi or emulator")),
        }
    }

    fn new(
        name: String,
        url: &str,
        listener: TcpListener,
        quirks: Quirks,
        owned: Owned,
    ) -> Result<Target, String> {
        let mut master = [0u8; 32];
        getrandom::fill(&mut master).map_err(|e| e.to_string())?;
        let plain = Config::from_url(url).map_err(|e| format!("{name}: {e}"))?;
        let api = plain.api_endpoint();
        let config = ConfigBuilder::from_url(url)
            .and_then(|b| {
                b.encryption_master_key(MasterKey::from_bytes(&master)?)
                    .notify_host(api.host())
                    .notify_scheme(api.scheme())
                    .notify_port(api.port())
                    .build()
            })
            .map_err(|e| format!("{name}: {e}"))?;
        let impostor = |credential, value: &str| {
            let url = with_credential(url, credential, value)
                .ok_or_else(|| format!("{name}: the URL is not http[s]://KEY:SECRET@HOST/apps/APP_ID"))?;
            Config::from_url(&url).map_err(|e| format!("{name}: {e}"))
        };
        let unknown_app = format!("{}0", config.app_id());
        let impostors = [
            impostor(Credential::Secret, "not-the-secret")?,
            impostor(Credential::Key, "not-the-key")?,
            impostor(Credential::AppId, &unknown_app)?,
        ];
        let endpoint = config.api_endpoint();
        let ws_scheme = match endpoint.scheme() {
            Scheme::Https => "wss",
            _ => "ws",
        };
        let ws_url = format!(
            "{ws_scheme}://{}:{}/app/{}?protocol=7",
            endpoint.host(),
            endpoint.port(),
            config.key()
        );
        Ok(Target {
            name,
            config,
            ws_url,
            inbox: WebhookInbox::serve(listener).map_err(|e| format!("webhook listener: {e}"))?,
            quirks,
            impostors,
            owned,
        })
    }

    /// The emulator, when the suite started one.
    pub fn emulator(&self) -> Option<&Emulator> {
        match &self.owned {
            Owned::Emulator(emulator) => Some(emulator),
            Owned::External | Owned::Soketi(_) => None,
        }
    }

    /// A configuration with the same app and key but another secret: what a forger has.
    pub fn wrong_secret_config(&self) -> &Config {
        &self.impostors[0]
    }

    /// A configuration with the same app and secret but another key.
    pub fn wrong_key_config(&self) -> &Config {
        &self.impostors[1]
    }

    /// A configuration with this app's key and secret for an app id the server does not know.
    pub fn unknown_app_config(&self) -> &Config {
        &self.impostors[2]
    }

    /// Stops a server the suite started.
    pub fn stop(self) -> Result<(), String> {
        match self.owned {
            Owned::External => Ok(()),
            Owned::Soketi(mut soketi) => soketi.stop().map(drop),
            Owned::Emulator(emulator) => {
                emulator.stop();
                Ok(())
            }
        }
    }
}

/// One of the credentials in a `PUSHER_URL`.
#[derive(Debug, Clone, Copy)]
enum Credential {
    AppId,
    Key,
    Secret,
}

/// `url`, `http[s]://KEY:SECRET@HOST[:PORT]/apps/APP_ID`, with `credential` replaced by `value`
/// (the URL keeps its other parts as written).
fn with_credential(url: &str, credential: Credential, value: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let (userinfo, rest) = rest.rsplit_once('@')?;
    let (key, secret) = userinfo.split_once(':')?;
    let (host, app_id) = rest.split_once("/apps/")?;
    let (key, secret, app_id) = match credential {
        Credential::AppId => (key, secret, value),
        Credential::Key => (value, secret, app_id),
        Credential::Secret => (key, value, app_id),
    };
    Some(format!("{scheme}://{key}:{secret}@{host}/apps/{app_id}"))
}

fn start_soketi(webhook_url: String) -> Result<RunningPeer, String> {
    pusher_peers::install(Peer::Soketi).map_err(|e| format!("cannot install soketi: {e}"))?;
    let options = StartOptions {
        webhook_url: Some(webhook_url),
        ..StartOptions::default()
    };
    pusher_peers::start(Peer::Soketi, &options).map_err(|e| format!("cannot start soketi: {e}"))
}
