//! The web demo: a chat page on pusher-js, served and authorized by this app.
//!
//! ```sh
//! cargo run --example web_demo
//! ```
//!
//! Without `PUSHER_URL` it starts a local Pusher-compatible server (`pusher-emulator`) in-process
//! and points its webhooks at this app. With `PUSHER_URL=http[s]://KEY:SECRET@HOST[:PORT]/apps/ID`
//! it uses that server instead; point the server's webhooks at `/pusher/webhook` to see them.
//!
//! `WEB_DEMO_PORT` picks the port on 127.0.0.1 (default 3000; 0 for any free one), and
//! `PUSHER_ENCRYPTION_MASTER_KEY_BASE64` the master key of the encrypted channel (default: one
//! generated for this run).

use std::env::{self, VarError};
use std::error::Error;
use std::net::Ipv4Addr;
use std::process::ExitCode;

use pusher::{MasterKey, PUSHER_URL_ENV, Pusher};
use pusher_emulator::Emulator;
use pusher_web_demo::{App, WEBHOOK_PATH, page};
use tokio::net::TcpListener;

/// The port on 127.0.0.1 the app listens on, unless `WEB_DEMO_PORT` says otherwise.
const DEFAULT_PORT: u16 = 3000;

/// Where the master key of the encrypted channel comes from.
const MASTER_KEY_ENV: &str = "PUSHER_ENCRYPTION_MASTER_KEY_BASE64";

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("web demo: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn Error>> {
    let port = match env_var("WEB_DEMO_PORT")? {
        Some(port) => port
            .parse()
            .map_err(|_| format!("WEB_DEMO_PORT={port:?} is not a port number"))?,
        None => DEFAULT_PORT,
    };
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port} ({e}); set WEB_DEMO_PORT to another port"))?;
    let address = listener.local_addr()?;

    // The Pusher server: the one in PUSHER_URL, or an emulator sending its webhooks here. The
    // emulator stops when `emulator` is dropped, at the end of `run`.
    let (builder, emulator) = match env_var(PUSHER_URL_ENV)? {
        Some(url) => (Pusher::builder_from_url(&url), None),
        None => {
            let emulator = Emulator::builder()
                .webhook_url(format!("http://{address}{WEBHOOK_PATH}"))
                .start()
                .await?;
            (Pusher::builder_from_url(&emulator.pusher_url()), Some(emulator))
        }
    };
    let pusher = builder.encryption_master_key(master_key()?).build()?;
    let app = App::new(pusher, page::installed_pusher_js());

    match &emulator {
        Some(emulator) => println!(
            "Pusher server: pusher-emulator, in-process at {}",
            emulator.http_url()
        ),
        None => println!(
            "Pusher server: {} (from PUSHER_URL); point its webhooks at {WEBHOOK_PATH} on this app",
            app.pusher().config().api_endpoint().base_url()
        ),
    }
    if !app.pusher_js().is_file() {
        println!("pusher-js: from {} (no local copy)", page::PUSHER_JS_CDN);
    }
    println!("Open http://{address}/ in two browser tabs, with a name in each. Ctrl-C stops.");

    axum::serve(listener, app.router())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

/// The encrypted channel's master key: from `PUSHER_ENCRYPTION_MASTER_KEY_BASE64`, else 32
/// random bytes for this run (enough while one app process serves every page). Never printed.
fn master_key() -> Result<MasterKey, String> {
    match env_var(MASTER_KEY_ENV)? {
        Some(key) => MasterKey::from_base64(&key).map_err(|e| format!("{MASTER_KEY_ENV}: {e}")),
        None => {
            let mut key = [0u8; 32];
            getrandom::fill(&mut key).map_err(|e| format!("cannot generate a master key: {e}"))?;
            Ok(MasterKey::from(key))
        }
    }
}

/// The environment variable `name`, or `None` when it is not set.
fn env_var(name: &str) -> Result<Option<String>, String> {
    match env::var(name) {
        Ok(value) => Ok(Some(value)),
        Err(VarError::NotPresent) => Ok(None),
        Err(VarError::NotUnicode(_)) => Err(format!("{name} is not UTF-8")),
    }
}
