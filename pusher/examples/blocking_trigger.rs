//! Triggers an event with the blocking client.
//!
//! ```sh
//! PUSHER_URL=http://KEY:SECRET@127.0.0.1:6001/apps/APP_ID \
//!     cargo run -p pusher --features blocking --example blocking_trigger
//! ```

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pusher = pusher::blocking::Pusher::from_env()?;
    pusher.trigger("my-channel", "my-event", &serde_json::json!({"message": "hello"}))?;
    let channels = pusher.channels(None, &[])?;
    println!(
        "triggered; occupied channels: {:?}",
        channels.channels.keys().collect::<Vec<_>>()
    );
    Ok(())
}
