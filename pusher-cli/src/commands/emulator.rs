//! `emulator`: the local Pusher-compatible server of pusher-emulator.

use clap::Args;
use pusher_emulator::{DEFAULT_MAX_EVENTS, DEFAULT_MAX_PAYLOAD_BYTES, Emulator};
use serde::Serialize;

use super::Context;
use crate::failure::Failure;
use crate::output::status;
use crate::until::Until;

/// Run a local Pusher-compatible server (HTTP API, WebSocket protocol 7, webhooks); prints its
/// PUSHER_URL
#[derive(Args)]
#[command(after_help = "\
It serves on 127.0.0.1 until interrupted (or --timeout), and prints PUSHER_URL=... and
PUSHER_WS_URL=... on stdout. Credentials not given are generated. Point pusher-js at it with
{ wsHost: \"127.0.0.1\", wsPort: PORT, forceTLS: false, enabledTransports: [\"ws\"] }.

Example:
  pusher emulator --port 6001 --webhook-url http://127.0.0.1:9000/")]
pub(crate) struct EmulatorArgs {
    /// Listen on 127.0.0.1:PORT (default: a free port)
    #[arg(long, default_value_t = 0)]
    port: u16,

    /// The app id, decimal digits (default: random)
    #[arg(long, value_name = "ID")]
    app_id: Option<String>,

    /// The app key (default: random)
    #[arg(long)]
    key: Option<String>,

    /// The app secret (default: random)
    #[arg(long)]
    secret: Option<String>,

    /// POST signed webhooks to this http:// URL
    #[arg(long, value_name = "URL")]
    webhook_url: Option<String>,

    /// The largest event data accepted, in bytes
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_PAYLOAD_BYTES)]
    max_payload_bytes: usize,

    /// Keep the latest N events received for inspection, dropping the oldest
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_EVENTS)]
    max_events: usize,

    /// Refuse client events
    #[arg(long)]
    no_client_events: bool,

    /// Do not log each HTTP API request to stderr
    #[arg(long)]
    quiet: bool,
}

/// Where the emulator serves, as printed.
#[derive(Debug, Serialize)]
struct Served {
    pusher_url: String,
    ws_url: String,
}

impl EmulatorArgs {
    pub(crate) async fn run(self, context: &Context<'_>) -> Result<(), Failure> {
        let mut options = pusher_emulator::Options::default();
        options.port = self.port;
        options.app_id = self.app_id;
        options.key = self.key;
        options.secret = self.secret;
        options.webhook_url = self.webhook_url;
        options.max_payload_bytes = Some(self.max_payload_bytes);
        options.max_events = Some(self.max_events);
        options.no_client_events = self.no_client_events;
        options.quiet = self.quiet;
        let emulator = options
            .apply(Emulator::builder())
            .start()
            .await
            .map_err(|e| match e {
                pusher_emulator::StartError::InvalidSetting(_) => Failure::invalid(e.to_string()),
                other => Failure::network(other.to_string()),
            })?;
        // The emulator's own generated credentials: printing them is what this command is for.
        let served = Served {
            pusher_url: emulator.pusher_url(),
            ws_url: emulator.ws_url(),
        };
        context.output.show(&served, || {
            format!(
                "PUSHER_URL={}\nPUSHER_WS_URL={}",
                served.pusher_url, served.ws_url
            )
        })?;
        status(&format!(
            "emulator serving on {}; Ctrl-C stops it",
            emulator.addr()
        ));
        Until::new(context.timeout, None).stopped().await;
        emulator.stop();
        Ok(())
    }
}
