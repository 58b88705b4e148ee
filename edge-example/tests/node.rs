//! The edge handler, compiled to WebAssembly, run by Node.js against the emulator.
//!
//! This test starts the emulator (with a webhook inbox and an encryption master key), connects two
//! subscribers, starts servers that never answer and that announce a huge body, and runs `node/check.cjs` over the wasm-bindgen package named by
//! `PUSHER_EDGE_PKG`, which checks every answer of the handler. Then it checks the server's side:
//! the events arrived (the encrypted one decrypts to what was sent), and the emulator accepts the
//! authorizations the handler made.
//!
//! `cargo xtask ci --only edge` builds the package and runs this test; without `PUSHER_EDGE_PKG`
//! it fails, saying so.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failure

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use base64::Engine as _;
use pusher_core::MasterKey;
use pusher_emulator::{Emulator, Subscriber, WebhookInbox};
use pusher_test_support::server::{Behavior, TestServer, dead_address};
use serde_json::{Value, json};
use tokio::process::Command;

const WAIT: Duration = Duration::from_secs(10);

/// The checks `node/check.cjs` runs, in order: each must be reported, and pass.
const CHECKS: [&str; 12] = [
    "triggers an event",
    "triggers an event on an encrypted channel",
    "queries a channel",
    "authorizes a private subscription",
    "authorizes a presence subscription",
    "verifies a webhook",
    "refuses a webhook whose body was changed",
    "refuses an invalid channel name before sending",
    "says why the server refused a call",
    "says where a connection failed",
    "gives up on a server that does not answer",
    "refuses a response body over the cap",
];

/// The wasm-bindgen package of the handler.
fn package() -> PathBuf {
    let dir = std::env::var_os("PUSHER_EDGE_PKG").map(PathBuf::from).expect(
        "PUSHER_EDGE_PKG is not set: this test runs the WebAssembly build of the handler, \
         which `cargo xtask ci --only edge` makes and then runs this test with",
    );
    let module = dir.join("pusher_edge_example.js");
    assert!(module.is_file(), "{} is missing", module.display());
    dir
}

#[tokio::test]
async fn the_handler_runs_under_node_against_the_emulator() {
    let package = package();
    let master_key = base64::engine::general_purpose::STANDARD.encode([0x5a; 32]);
    let inbox = WebhookInbox::bind("127.0.0.1:0").await.unwrap();
    let emulator = Emulator::builder()
        .webhook_url(inbox.url())
        .encryption_master_key_base64(master_key.as_str())
        .start()
        .await
        .unwrap();

    // A browser on the public channel: the handler's query sees it, and a webhook says so.
    let mut watcher = Subscriber::connect(&emulator.ws_url()).await.unwrap();
    watcher.subscribe("edge-public").await.unwrap();
    let webhook = inbox
        .wait_for(WAIT, |w| {
            let body = String::from_utf8_lossy(&w.body);
            (body.contains("channel_occupied") && body.contains("edge-public")).then(|| w.clone())
        })
        .await
        .expect("the emulator sent no channel_occupied webhook for edge-public");
    // A browser that asks the handler for its authorizations.
    let mut member = Subscriber::connect(&emulator.ws_url()).await.unwrap();

    let answers = run_checks(&package, &emulator, &master_key, member.socket_id(), &webhook).await;

    let greeting = emulator.wait_for("edge-public", "greeting", WAIT).await.unwrap();
    assert_eq!(greeting.data, r#"{"text":"hello from the edge"}"#);
    let seen = watcher
        .expect_event("edge-public", "greeting", WAIT)
        .await
        .unwrap();
    assert_eq!(seen.data.as_deref(), Some(greeting.data.as_str()));

    let secret = emulator
        .wait_for("private-encrypted-edge", "secret", WAIT)
        .await
        .unwrap();
    assert!(
        !secret.data.contains("for subscribers only"),
        "sent in clear: {}",
        secret.data
    );
    let key = MasterKey::from_base64(&master_key).unwrap();
    let plaintext = pusher_core::encryption::decrypt("private-encrypted-edge", &key, &secret.data).unwrap();
    assert_eq!(plaintext, r#"{"text":"for subscribers only"}"#);

    let private = &answers["authorizes a private subscription"];
    member
        .subscribe_with_auth("private-edge", private["auth"].as_str().unwrap(), None)
        .await
        .expect("the emulator refused the handler's private authorization");
    let presence = &answers["authorizes a presence subscription"];
    let joined = member
        .subscribe_with_auth(
            "presence-edge",
            presence["auth"].as_str().unwrap(),
            presence["channel_data"].as_str(),
        )
        .await
        .expect("the emulator refused the handler's presence authorization");
    let members = joined
        .presence
        .expect("a presence subscription lists its members");
    assert_eq!(members.ids, ["edge-user"]);
}

/// Runs `node/check.cjs`; every check must pass. Returns each check's answer by name.
async fn run_checks(
    package: &Path,
    emulator: &Emulator,
    master_key: &str,
    socket_id: &str,
    webhook: &pusher_emulator::ReceivedWebhook,
) -> serde_json::Map<String, Value> {
    // The emulator's credentials at servers that refuse, never answer, or answer too much.
    let elsewhere = |addr: SocketAddr| {
        emulator
            .pusher_url()
            .replace(&emulator.addr().to_string(), &addr.to_string())
    };
    // They check every request's signature, as for the emulator's app.
    let silent = TestServer::start_for(Behavior::Hang, emulator.key(), emulator.secret());
    let huge = TestServer::start_for(Behavior::HugeContentLength, emulator.key(), emulator.secret());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("node/check.cjs");
    let run = Command::new("node")
        .arg(&script)
        .env("PUSHER_EDGE_PKG", package)
        .env("PUSHER_URL", emulator.pusher_url())
        .env("PUSHER_ENCRYPTION_MASTER_KEY_BASE64", master_key)
        .env("DEAD_PUSHER_URL", elsewhere(dead_address()))
        .env("SILENT_PUSHER_URL", elsewhere(silent.addr()))
        .env("HUGE_PUSHER_URL", elsewhere(huge.addr()))
        .env("SOCKET_ID", socket_id)
        .env("WEBHOOK_KEY", webhook.key.as_deref().unwrap_or_default())
        .env(
            "WEBHOOK_SIGNATURE",
            webhook.signature.as_deref().unwrap_or_default(),
        )
        .env("WEBHOOK_BODY", String::from_utf8(webhook.body.clone()).unwrap())
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(60), run)
        .await
        .expect("node did not finish within 60 s")
        .unwrap_or_else(|e| {
            panic!(
                "cannot run node {}: {e} (Node.js 20 must be on PATH)",
                script.display()
            )
        });
    let stdout = String::from_utf8(output.stdout).unwrap();
    let mut answers = serde_json::Map::new();
    let mut reported = Vec::new();
    for line in stdout.lines() {
        let report: Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("node printed {line:?}: {e}"));
        let check = report["check"].as_str().unwrap().to_owned();
        let passed = report["ok"] == json!(true);
        println!("{} {check}", if passed { "ok  " } else { "FAIL" });
        if !passed {
            println!("     {}", report["error"].as_str().unwrap_or_default());
        }
        answers.insert(check.clone(), report["answer"].clone());
        reported.push((check, passed));
    }
    let failed: Vec<&str> = reported
        .iter()
        .filter(|(_, ok)| !ok)
        .map(|(c, _)| c.as_str())
        .collect();
    assert!(failed.is_empty(), "failed under Node.js: {failed:?}");
    let names: Vec<&str> = reported.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(names, CHECKS, "the checks node reported");
    assert!(output.status.success(), "node exited with {}", output.status);
    answers
}
