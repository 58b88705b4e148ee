//! Triggers an event with the async client.
//!
//! ```sh
//! PUSHER_URL=http://KEY:SECRET@127.0.0.1:6001/apps/APP_ID cargo run -p pusher --example trigger
//! ```

use pusher::Pusher;
use pusher::api::ChannelAttribute;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pusher = Pusher::from_env()?;
    let data = serde_json::json!({"message": "hello from Rust"});
    pusher.trigger("my-channel", "my-event", &data).await?;
    println!("triggered my-event on my-channel");
    let state = pusher
        .channel("my-channel", &[ChannelAttribute::SubscriptionCount])
        .await?;
    println!(
        "my-channel: occupied={} subscriptions={:?}",
        state.occupied, state.subscription_count
    );
    Ok(())
}
