//! The browser-client check: pusher-js (the browser library, run under Node.js) against the
//! emulator, authorized by this library — the path a real web app takes.
//!
//! `conformance/pusher-js/client.cjs` connects, subscribes to a public, a private, a presence and an
//! encrypted channel and signs in, asking this driver for every authorization over stdin/stdout;
//! the driver answers with `pusher_core::auth`, triggers events with `pusher::Pusher`'s core, and
//! checks what pusher-js reports.

use std::collections::VecDeque;
use std::path::Path;
use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};

use pusher_core::auth::{self, PresenceMember, UserData};
use pusher_core::{Config, ConfigBuilder, MasterKey};
use pusher_emulator::Emulator;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

use crate::clients::{Client, Mode};

const WAIT: Duration = Duration::from_secs(10);
const USER: &str = "js-user";
const CHANNELS: [&str; 4] = ["js-public", "private-js", "presence-js", "private-encrypted-js"];

/// The pusher-js process and the driver's side of its conversation.
struct Browser {
    child: Child,
    stdin: ChildStdin,
    lines: Lines<BufReader<ChildStdout>>,
    seen: VecDeque<Value>,
    config: Config,
}

impl Browser {
    async fn send(&mut self, line: &Value) -> Result<(), String> {
        let text = format!("{line}\n");
        self.stdin
            .write_all(text.as_bytes())
            .await
            .map_err(|e| format!("writing to pusher-js: {e}"))
    }

    /// Answers every authorization request, and returns the first message `want` accepts.
    async fn until(&mut self, what: &str, want: impl Fn(&Value) -> bool) -> Result<Value, String> {
        if let Some(i) = self.seen.iter().position(&want) {
            return self.seen.remove(i).ok_or_else(|| "lost message".to_owned());
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = match tokio::time::timeout(left, self.lines.next_line()).await {
                Err(_) => {
                    return Err(format!(
                        "pusher-js: no {what} within {WAIT:?}; saw {:?}",
                        self.seen
                    ));
                }
                Ok(Err(e)) => return Err(format!("reading pusher-js: {e}")),
                Ok(Ok(None)) => return Err(format!("pusher-js exited while waiting for {what}")),
                Ok(Ok(Some(line))) => line,
            };
            let message: Value =
                serde_json::from_str(&line).map_err(|e| format!("pusher-js printed {line:?}: {e}"))?;
            match message["type"].as_str() {
                Some("channel_auth" | "user_auth") => self.authorize(&message).await?,
                _ if want(&message) => return Ok(message),
                _ => self.seen.push_back(message),
            }
        }
    }

    /// Answers an authorization request with this library's authorization.
    async fn authorize(&mut self, request: &Value) -> Result<(), String> {
        let socket_id = request["socket_id"].as_str().unwrap_or_default();
        let socket_id = socket_id.parse().map_err(|e| format!("{e}"))?;
        let response = if request["type"] == "user_auth" {
            let user = UserData::new(USER.parse().map_err(|e| format!("{e}"))?);
            serde_json::to_value(
                auth::authenticate_user(&self.config, &socket_id, &user).map_err(|e| e.to_string())?,
            )
        } else {
            let channel = request["channel"].as_str().unwrap_or_default();
            let channel: pusher_core::ChannelName = channel.parse().map_err(|e| format!("{e}"))?;
            let authorization = if channel.is_presence() {
                let member = PresenceMember::new(USER.parse().map_err(|e| format!("{e}"))?)
                    .user_info(&json!({"name": "From pusher-js"}))
                    .map_err(|e| e.to_string())?;
                auth::authorize_presence_channel(&self.config, &socket_id, &channel, &member)
            } else {
                auth::authorize_channel(&self.config, &socket_id, &channel)
            };
            serde_json::to_value(authorization.map_err(|e| e.to_string())?)
        }
        .map_err(|e| e.to_string())?;
        self.send(&json!({"id": request["id"], "response": response}))
            .await
    }
}

async fn launch(emulator: &Emulator, config: Config) -> Result<Browser, String> {
    let dir = tokio::task::spawn_blocking(pusher_peers::install_pusher_js)
        .await
        .map_err(|e| e.to_string())??;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("pusher-js/client.cjs");
    let mut child = Command::new("node")
        .arg(&script)
        .env("PUSHER_JS_MODULE", dir.join("node_modules/pusher-js"))
        .env("PUSHER_KEY", emulator.key())
        .env("WS_HOST", "127.0.0.1")
        .env("WS_PORT", emulator.port().to_string())
        .env("CHANNELS", CHANNELS.join(","))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot run node {}: {e}", script.display()))?;
    let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err("node's stdio is not piped".into());
    };
    Ok(Browser {
        child,
        stdin,
        lines: BufReader::new(stdout).lines(),
        seen: VecDeque::new(),
        config,
    })
}

/// The checks, in order; each returns its name and outcome.
async fn checks(
    browser: &mut Browser,
    client: &Client,
    emulator: &Emulator,
) -> Vec<(&'static str, Result<(), String>)> {
    let mut results = Vec::new();
    let connected = browser
        .until("connection", |m| m["type"] == "connected")
        .await
        .map(drop);
    let ok = connected.is_ok();
    results.push(("connects", connected));
    if !ok {
        return results;
    }
    for channel in CHANNELS {
        let subscribed = browser
            .until(&format!("subscription to {channel}"), |m| {
                m["type"] == "subscribed" && m["channel"] == channel
            })
            .await
            .and_then(|m| match channel.starts_with("presence-") {
                true if m["members"] != json!([USER]) => Err(format!("members {}", m["members"])),
                _ => Ok(()),
            });
        results.push((subscribe_check(channel), subscribed));
    }
    for (i, channel) in CHANNELS.into_iter().enumerate() {
        let data = json!({"index": i, "text": "from Rust ✓"});
        let delivered = deliver(browser, client, channel, &data).await;
        results.push((event_check(channel), delivered));
    }
    let signed_in = sign_in_and_receive(browser, client, emulator).await;
    let ok = signed_in.is_ok();
    results.push(("signs in and receives an event sent to the user", signed_in));
    if ok {
        let terminated = async {
            client
                .send(pusher_core::api::TerminateUserConnections::new(
                    USER.parse().map_err(|e| format!("{e}"))?,
                ))
                .await
                .map_err(|e| e.to_string())?;
            browser
                .until("disconnection", |m| {
                    m["type"] == "state" && m["current"] != "connected"
                })
                .await
                .map(drop)
        }
        .await;
        results.push(("is disconnected by terminate_user_connections", terminated));
    }
    results
}

fn subscribe_check(channel: &str) -> &'static str {
    match channel {
        "js-public" => "subscribes to a public channel",
        "private-js" => "subscribes to a private channel with our authorization",
        "presence-js" => "subscribes to a presence channel with our authorization, member listed",
        _ => "subscribes to an encrypted channel with our authorization",
    }
}

fn event_check(channel: &str) -> &'static str {
    match channel {
        "js-public" => "receives a triggered event on the public channel",
        "private-js" => "receives a triggered event on the private channel",
        "presence-js" => "receives a triggered event on the presence channel",
        _ => "decrypts a triggered event on the encrypted channel",
    }
}

async fn deliver(browser: &mut Browser, client: &Client, channel: &str, data: &Value) -> Result<(), String> {
    let trigger = pusher_core::api::Trigger::new(
        [channel.parse().map_err(|e| format!("{e}"))?],
        "from-rust".parse().map_err(|e| format!("{e}"))?,
        pusher_core::api::EventData::json(data).map_err(|e| e.to_string())?,
    );
    client.send(trigger).await.map_err(|e| e.to_string())?;
    let event = browser
        .until(&format!("the event on {channel}"), |m| {
            m["type"] == "event" && m["channel"] == channel && m["event"] == "from-rust"
        })
        .await?;
    if event["data"] == *data {
        Ok(())
    } else {
        Err(format!("pusher-js saw data {}, expected {data}", event["data"]))
    }
}

async fn sign_in_and_receive(
    browser: &mut Browser,
    client: &Client,
    emulator: &Emulator,
) -> Result<(), String> {
    browser.send(&json!({"command": "signin"})).await?;
    // pusher-js subscribes to the user's channel once signed in.
    let user_channel = format!("#server-to-user-{USER}");
    let deadline = Instant::now() + WAIT;
    while emulator
        .channel(&user_channel)
        .is_none_or(|c| c.subscription_count == 0)
    {
        // Keep answering the sign-in's authorization request meanwhile.
        let _ = tokio::time::timeout(Duration::from_millis(50), browser.until("nothing", |_| false)).await;
        if Instant::now() > deadline {
            return Err(format!(
                "pusher-js did not sign in (no subscription to {user_channel})"
            ));
        }
    }
    let data = json!({"hello": USER});
    let to_user = pusher_core::api::Trigger::send_to_user(
        &USER.parse().map_err(|e| format!("{e}"))?,
        "for-you".parse().map_err(|e| format!("{e}"))?,
        pusher_core::api::EventData::json(&data).map_err(|e| e.to_string())?,
    );
    client.send(to_user).await.map_err(|e| e.to_string())?;
    let event = browser
        .until("the user event", |m| {
            m["type"] == "user_event" && m["event"] == "for-you"
        })
        .await?;
    if event["data"] == data {
        Ok(())
    } else {
        Err(format!("user event data {}", event["data"]))
    }
}

/// Runs the check and reports each result; the last line is `pusher-js: N passed, M failed`.
pub fn run() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => return crate::runner::fail(&format!("cannot start a Tokio runtime: {e}")),
    };
    let setup = runtime.block_on(async {
        let emulator = Emulator::start()
            .await
            .map_err(|e| format!("cannot start the emulator: {e}"))?;
        let mut master = [0u8; 32];
        getrandom::fill(&mut master).map_err(|e| e.to_string())?;
        let config = ConfigBuilder::from_url(&emulator.pusher_url())
            .and_then(|b| b.encryption_master_key(MasterKey::from_bytes(&master)?).build())
            .map_err(|e| e.to_string())?;
        Ok::<_, String>((emulator, config))
    });
    let (emulator, config) = match setup {
        Ok(setup) => setup,
        Err(e) => return crate::runner::fail(&e),
    };
    let client = match Client::new(Mode::ReqwestAsync, &config) {
        Ok(client) => client,
        Err(e) => return crate::runner::fail(&e.to_string()),
    };
    let results = runtime.block_on(async {
        let mut browser = launch(&emulator, config).await?;
        let results = checks(&mut browser, &client, &emulator).await;
        let _ = browser.child.kill().await;
        Ok::<_, String>(results)
    });
    let results = match results {
        Ok(results) => results,
        Err(e) => return crate::runner::fail(&e),
    };
    let failed = results.iter().filter(|(_, r)| r.is_err()).count();
    for (name, result) in &results {
        match result {
            Ok(()) => println!("test pusher-js::{name} ... ok"),
            Err(why) => println!("test pusher-js::{name} ... FAILED\n    {why}"),
        }
    }
    println!("pusher-js: {} passed, {failed} failed", results.len() - failed);
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
