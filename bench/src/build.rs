//! (a): the two ways of building a signed 1 KB trigger request that are compared.

use pusher_core::api::{EventData, Operation, RequestContext, Trigger};
use pusher_core::{ChannelName, Config, EventName};

use crate::fixture::{self, APP_ID, CHANNEL, EVENT, KEY, Order, SECRET};
use crate::raw;

/// What both builders start from, made once.
#[derive(Debug)]
pub struct Inputs {
    config: Config,
    base_url: String,
    payload: Order,
    timestamp: u64,
}

impl Inputs {
    /// The fixture's app on the default cluster, its payload, and the current time.
    pub fn new() -> Self {
        let config = Config::new(APP_ID, KEY, SECRET).expect("the fixture's credentials are valid");
        Self {
            base_url: config.api_endpoint().base_url(),
            config,
            payload: fixture::payload(),
            timestamp: fixture::now(),
        }
    }

    /// The size of the payload as JSON, in bytes.
    pub fn payload_len(&self) -> usize {
        serde_json::to_vec(&self.payload).map_or(0, |json| json.len())
    }
}

impl Default for Inputs {
    fn default() -> Self {
        Self::new()
    }
}

/// The library: what `Pusher::trigger` does before sending, from the caller's strings and value.
pub fn library(inputs: &Inputs) -> http::Request<Vec<u8>> {
    let trigger = Trigger::new(
        [ChannelName::try_from(CHANNEL).expect("a valid channel")],
        EventName::try_from(EVENT).expect("a valid event name"),
        EventData::json(&inputs.payload).expect("the payload serializes"),
    );
    trigger
        .build_request(&inputs.config, &RequestContext::new(inputs.timestamp))
        .expect("the trigger builds")
}

/// The same work done directly with the crates.
pub fn raw(inputs: &Inputs) -> http::Request<Vec<u8>> {
    raw::http_request(
        &inputs.base_url,
        raw::signed_trigger(CHANNEL, &inputs.payload, inputs.timestamp),
    )
}
