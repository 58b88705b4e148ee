//! The whole library in one short run: trigger, channel state, presence authorization, webhooks.
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! Without `PUSHER_URL` it starts a local Pusher-compatible server (`pusher-emulator`) in-process.
//! With `PUSHER_URL=http://KEY:SECRET@HOST:PORT/apps/APP_ID` it runs the same steps against that
//! server; its webhooks are received when `QUICKSTART_WEBHOOK_ADDR=127.0.0.1:PORT` names where the
//! server posts them.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pusher::Pusher;
use pusher::api::ChannelAttribute;
use pusher::webhook::{WebhookEvent, WebhookVerifier};
use pusher_emulator::{Emulator, Subscriber, WebhookInbox};

const WAIT: Duration = Duration::from_secs(5);

fn step(n: u32, text: &str) {
    println!("\n{n}. {text}");
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("\nquickstart failed: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    // Where the server is, and where its webhooks come.
    let (url, inbox, _emulator) = match std::env::var("PUSHER_URL") {
        Ok(url) => {
            let inbox = match std::env::var("QUICKSTART_WEBHOOK_ADDR") {
                Ok(addr) => Some(WebhookInbox::bind(addr).await?),
                Err(_) => None,
            };
            println!("Pusher quickstart against the server in PUSHER_URL");
            (url, inbox, None)
        }
        Err(_) => {
            let inbox = WebhookInbox::bind("127.0.0.1:0").await?;
            let emulator = Emulator::builder().webhook_url(inbox.url()).start().await?;
            println!(
                "Pusher quickstart against pusher-emulator, started in-process at {}\n\
                 (set PUSHER_URL=http://KEY:SECRET@HOST:PORT/apps/APP_ID to use another server)",
                emulator.http_url()
            );
            (emulator.pusher_url(), Some(inbox), Some(emulator))
        }
    };
    let pusher = Pusher::from_url(&url)?;
    let endpoint = pusher.config().api_endpoint();
    let ws_url = format!(
        "ws://{}:{}/app/{}?protocol=7",
        endpoint.host(),
        endpoint.port(),
        pusher.config().key()
    );

    step(
        1,
        "A browser-like WebSocket client connects and subscribes to \"quickstart\"",
    );
    let mut subscriber = Subscriber::connect(&ws_url).await?;
    subscriber.subscribe("quickstart").await?;
    println!("   connected as socket {}, subscribed", subscriber.socket_id());

    step(2, "The backend triggers \"greeting\" on \"quickstart\"");
    let data = serde_json::json!({"message": "hello from Rust", "at": unix_seconds()});
    pusher.trigger("quickstart", "greeting", &data).await?;
    let message = subscriber.expect_event("quickstart", "greeting", WAIT).await?;
    println!("   the subscriber received: {}", message.data.unwrap_or_default());

    step(3, "The backend queries the channel's state");
    let state = pusher
        .channel("quickstart", &[ChannelAttribute::SubscriptionCount])
        .await?;
    println!(
        "   occupied: {}, subscriptions: {}",
        state.occupied,
        state
            .subscription_count
            .map_or("not reported".into(), |n| n.to_string())
    );

    step(
        4,
        "The backend authorizes a presence subscription for user \"ada\"",
    );
    let mut ada = Subscriber::connect(&ws_url).await?;
    let info = serde_json::json!({"name": "Ada Lovelace"});
    let auth = pusher.authorize_presence_channel(ada.socket_id(), "presence-quickstart", "ada", &info)?;
    println!("   auth endpoint response: {}", serde_json::to_string(&auth)?);
    let subscription = ada
        .subscribe_with_auth("presence-quickstart", &auth.auth, auth.channel_data.as_deref())
        .await?;
    let members = subscription.presence.map(|p| p.ids).unwrap_or_default();
    println!("   the server accepted it; members seen by the client: {members:?}");
    let users = pusher.presence_users("presence-quickstart").await?;
    let ids: Vec<&str> = users.users.iter().map(|u| u.id.as_str()).collect();
    println!("   members reported to the backend: {ids:?}");

    step(5, "The server sends webhooks; the backend verifies them");
    match inbox {
        Some(inbox) => receive_webhook(&pusher, &inbox).await?,
        None => println!("   skipped: set QUICKSTART_WEBHOOK_ADDR to where the server posts webhooks"),
    }
    println!("\nDone.");
    Ok(())
}

/// Waits for the webhook saying "presence-quickstart" gained a member, and verifies it.
async fn receive_webhook(
    pusher: &Pusher,
    inbox: &Arc<WebhookInbox>,
) -> Result<(), Box<dyn std::error::Error>> {
    let verifier = WebhookVerifier::new(pusher.config());
    let found = inbox
        .wait_for(WAIT, |received| {
            let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?;
            let webhook = verifier
                .verify(received.key.as_deref(), received.signature.as_deref(), &received.body, now)
                .ok()?;
            webhook
                .events
                .into_iter()
                .find(|e| matches!(e, WebhookEvent::MemberAdded { channel, .. } if channel == "presence-quickstart"))
        })
        .await;
    match found {
        Some(event) => println!("   verified webhook (signature and age checked): {event:?}"),
        None => return Err("no verified member_added webhook arrived".into()),
    }
    let received = inbox.all().len();
    println!("   {received} webhook request(s) received in all");
    Ok(())
}

fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
