//! pusher-rs on the edge: a Worker-style `fetch` handler, compiled to WebAssembly.
//!
//! [`handle`] takes the `Request` an edge runtime hands to its `fetch` handler and the `env` of
//! its bindings, and returns the `Response`; a Cloudflare Worker's JavaScript entry is
//! `export default { fetch: (request, env) => handle(request, env) }`. The routes:
//!
//! | route | what it does |
//! |---|---|
//! | `POST /events` with `{"channel": ..., "event": ..., "data": ...}` | triggers the event; on a `private-encrypted-` channel the data is encrypted |
//! | `GET /channels/{name}` | the channel's state, with its subscription count |
//! | `POST /pusher/auth` with pusher-js's form (`socket_id`, `channel_name`) | authorizes a private, encrypted or presence subscription; on a presence channel the user is the `X-User-Id` header, standing in for the app's session |
//! | `POST /pusher/webhooks` | verifies a webhook and answers which channels became occupied or vacated |
//!
//! Every answer is JSON: the call's result, or `{"error": "..."}` with 400 (the request is not
//! valid), 401 (no user, or a webhook that does not verify), 404 (no such route), 500 (the
//! configuration is missing or wrong) or 502 (the Pusher API failed or refused).
//!
//! `cargo xtask ci --only edge` builds it for `wasm32-unknown-unknown`, binds it for Node.js with
//! `wasm-bindgen`, and runs `node/check.cjs` against the emulator (see `tests/node.rs`).

use pusher_core::api::ChannelAttribute;
use pusher_core::webhook::WebhookEvent;
use pusher_core::{ChannelName, ConfigBuilder};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// The runtime's `env`: the bindings (secrets, in a deployment) the handler reads.
    pub type Env;

    /// `PUSHER_URL`: `http[s]://KEY:SECRET@HOST[:PORT]/apps/APP_ID`.
    #[wasm_bindgen(method, getter, js_name = PUSHER_URL)]
    fn pusher_url(this: &Env) -> Option<String>;

    /// `PUSHER_ENCRYPTION_MASTER_KEY_BASE64`, for `private-encrypted-` channels (optional).
    #[wasm_bindgen(method, getter, js_name = PUSHER_ENCRYPTION_MASTER_KEY_BASE64)]
    fn encryption_master_key(this: &Env) -> Option<String>;
}

/// The largest request body read, in bytes: an event to trigger, or a webhook.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// Handles one request, as an edge runtime's `fetch(request, env)` handler.
///
/// # Errors
///
/// Only when the runtime cannot make a `Response`; every failure of the request itself is an
/// answer with its status.
#[wasm_bindgen]
pub async fn handle(request: web_sys::Request, env: Env) -> Result<web_sys::Response, JsValue> {
    let (status, body) = match route(&request, &env).await {
        Ok(body) => (200, body),
        Err(Failure { status, message }) => (status, json!({ "error": message })),
    };
    let headers = web_sys::Headers::new()?;
    headers.set("content-type", "application/json")?;
    let init = web_sys::ResponseInit::new();
    init.set_status(status);
    init.set_headers(&headers);
    web_sys::Response::new_with_opt_str_and_init(Some(&body.to_string()), &init)
}

async fn route(request: &web_sys::Request, env: &Env) -> Result<Value, Failure> {
    let pusher = pusher(env)?;
    let url: http::Uri = request
        .url()
        .parse()
        .map_err(|_| Failure::new(400, "the request URL is not valid"))?;
    match (request.method().as_str(), url.path()) {
        ("POST", "/events") => trigger(&pusher, request).await,
        ("GET", path) if path.starts_with("/channels/") => {
            let channel = &path["/channels/".len()..];
            let state = pusher
                .channel(channel, &[ChannelAttribute::SubscriptionCount])
                .await
                .map_err(Failure::call)?;
            to_json(&state)
        }
        ("POST", "/pusher/auth") => authorize(&pusher, request).await,
        ("POST", "/pusher/webhooks") => webhook(&pusher, request).await,
        (method, path) => Err(Failure::new(404, format!("no route for {method} {path}"))),
    }
}

/// The client, from the runtime's `env`.
fn pusher(env: &Env) -> Result<pusher_fetch::Pusher, Failure> {
    let misconfigured = |e: pusher_core::ConfigError| Failure::new(500, format!("PUSHER_URL: {e}"));
    let url = env
        .pusher_url()
        .ok_or_else(|| Failure::new(500, "PUSHER_URL is not set"))?;
    let mut config = ConfigBuilder::from_url(&url).map_err(misconfigured)?;
    if let Some(key) = env.encryption_master_key() {
        config = config.encryption_master_key_base64(&key);
    }
    Ok(pusher_fetch::pusher(config.build().map_err(misconfigured)?))
}

/// The body of `POST /events`.
#[derive(Deserialize)]
struct EventToSend {
    channel: String,
    event: String,
    data: Value,
}

async fn trigger(pusher: &pusher_fetch::Pusher, request: &web_sys::Request) -> Result<Value, Failure> {
    let body = read(request).await?;
    let event: EventToSend = serde_json::from_slice(body.body()).map_err(|e| {
        Failure::new(
            400,
            format!("the body must be {{\"channel\", \"event\", \"data\"}}: {e}"),
        )
    })?;
    let sent = pusher
        .trigger([event.channel.as_str()], &event.event, &event.data)
        .await
        .map_err(Failure::call)?;
    to_json(&sent)
}

async fn authorize(pusher: &pusher_fetch::Pusher, request: &web_sys::Request) -> Result<Value, Failure> {
    let not_a_form = |_| Failure::new(400, "the body must be a form with socket_id and channel_name");
    let form: web_sys::FormData = JsFuture::from(request.form_data().map_err(not_a_form)?)
        .await
        .map_err(not_a_form)?
        .unchecked_into();
    let field = |name: &str| {
        form.get(name)
            .as_string()
            .ok_or_else(|| Failure::new(400, format!("the form has no {name}")))
    };
    let (socket_id, channel) = (field("socket_id")?, field("channel_name")?);
    let is_presence = channel
        .parse::<ChannelName>()
        .is_ok_and(|name| name.is_presence());
    let authorization = if is_presence {
        let user = request
            .headers()
            .get("x-user-id")
            .ok()
            .flatten()
            .ok_or_else(|| Failure::new(401, "a presence channel needs a user (X-User-Id)"))?;
        pusher.authorize_presence_channel(&socket_id, &channel, &user, &json!({"via": "the edge"}))
    } else {
        pusher.authorize_channel(&socket_id, &channel)
    };
    to_json(&authorization.map_err(|e| Failure::new(400, e.to_string()))?)
}

async fn webhook(pusher: &pusher_fetch::Pusher, request: &web_sys::Request) -> Result<Value, Failure> {
    let request = read(request).await?;
    let webhook = pusher
        .verify_webhook(request.headers(), request.body())
        .map_err(|e| Failure::new(401, e.to_string()))?;
    let (mut occupied, mut vacated) = (Vec::new(), Vec::new());
    for event in webhook.events {
        match event {
            WebhookEvent::ChannelOccupied { channel } => occupied.push(channel),
            WebhookEvent::ChannelVacated { channel } => vacated.push(channel),
            _ => {}
        }
    }
    Ok(json!({ "occupied": occupied, "vacated": vacated }))
}

/// The request with its body, at most [`MAX_BODY_BYTES`].
async fn read(request: &web_sys::Request) -> Result<http::Request<Vec<u8>>, Failure> {
    pusher_fetch::read_request(request, MAX_BODY_BYTES)
        .await
        .map_err(|e| Failure::new(400, format!("the request cannot be read: {e}")))
}

fn to_json<T: Serialize>(value: &T) -> Result<Value, Failure> {
    serde_json::to_value(value).map_err(|e| Failure::new(500, e.to_string()))
}

/// A request that failed: the status and message it is answered with.
struct Failure {
    status: u16,
    message: String,
}

impl Failure {
    fn new(status: u16, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    /// A call that failed: 400 when it was not valid, 502 when the Pusher API failed or refused.
    fn call(error: pusher_core::Error) -> Self {
        let status = match error {
            pusher_core::Error::Request(_) => 400,
            _ => 502,
        };
        Self::new(status, error.to_string())
    }
}
