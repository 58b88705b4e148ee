//! Drives the API with no async runtime and no HTTP crate: the core's generic client over the
//! std-only blocking client in `std_client.rs`, a model to copy into a game loop, an embedded
//! daemon or a test harness (`pusher/tests/std_client.rs` runs it against the emulator).
//!
//! It speaks plain HTTP (no TLS), enough for a local server such as the emulator or soketi:
//!
//! ```sh
//! cargo run -p pusher-emulator &   # prints PUSHER_URL=...
//! PUSHER_URL=http://KEY:SECRET@127.0.0.1:PORT/apps/APP_ID cargo run -p pusher --example bring_your_own_client
//! ```

mod std_client;

use pusher::api::{BatchEvent, EventData};
use pusher::{Blocking, Config};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::from_url(&std::env::var("PUSHER_URL")?)?;
    let pusher = pusher::pusher_core::Pusher::new(config, Blocking(std_client::send));

    pusher.trigger(
        ["my-channel"],
        "my-event",
        &serde_json::json!({"via": "std alone"}),
    )?;
    pusher.trigger_batch([
        BatchEvent::new("my-channel".parse()?, "first".parse()?, EventData::json(&1)?),
        BatchEvent::new("other-channel".parse()?, "second".parse()?, EventData::json(&2)?),
    ])?;
    let state = pusher.channel("my-channel", &[])?;
    println!(
        "triggered an event and a batch over std alone; my-channel occupied: {}",
        state.occupied
    );
    Ok(())
}
