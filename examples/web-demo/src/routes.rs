//! The routes: the page, the endpoints pusher-js and the Pusher server call, and the one that
//! sends messages. Each is a few lines over the `pusher` crate.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Json, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use pusher::serde_json::{Value, json};
use pusher::{TriggerOptions, UserData};
use serde::Deserialize;

use crate::App;
use crate::access::{self, ROOM};
use crate::activity::Activity;
use crate::page;
use crate::session::DemoUser;

/// Where pusher-js asks for channel authorizations.
pub const CHANNEL_AUTH_PATH: &str = "/pusher/auth";

/// Where pusher-js signs the user in.
pub const USER_AUTH_PATH: &str = "/pusher/user-auth";

/// Where the Pusher server posts webhooks.
pub const WEBHOOK_PATH: &str = "/pusher/webhook";

/// The longest message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 500;

/// The `Content-Type` of the scripts the app serves.
const JAVASCRIPT: &str = "text/javascript; charset=utf-8";

pub(crate) fn router(app: App) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/app.js", get(script))
        .route("/pusher.js", get(pusher_js))
        .route("/config", get(config))
        .route(CHANNEL_AUTH_PATH, post(channel_auth))
        .route(USER_AUTH_PATH, post(user_auth))
        .route(WEBHOOK_PATH, post(webhook))
        .route("/webhooks", get(webhooks))
        .route("/messages", post(send_message))
        .with_state(app)
}

/// pusher-js asks whether the user may subscribe to a private, presence or encrypted channel;
/// the library reads the request and answers, the app only decides.
async fn channel_auth(State(app): State<App>, DemoUser(user): DemoUser, body: Bytes) -> Response {
    let may_subscribe = |channel: &pusher::ChannelName| access::may_subscribe(&user, channel.as_str());
    let answer = app
        .pusher()
        .channel_auth_endpoint(&body, &UserData::new(user.clone()), may_subscribe);
    answer.map(Body::from).into_response()
}

/// pusher-js signs the user in on its connection (`pusher.signin()`).
async fn user_auth(State(app): State<App>, DemoUser(user): DemoUser, body: Bytes) -> Response {
    let answer = app.pusher().user_auth_endpoint(&body, &UserData::new(user));
    answer.map(Body::from).into_response()
}

/// The Pusher server reports what happened. Only a webhook that verifies is believed: it is kept
/// (`GET /webhooks`), and what it says about the room is shown to the room.
async fn webhook(
    State(app): State<App>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, (StatusCode, String)> {
    let webhook = app.pusher().verify_webhook(&headers, &body).map_err(|e| {
        eprintln!("web demo: refused a webhook: {e}");
        (StatusCode::UNAUTHORIZED, e.to_string())
    })?;
    for activity in webhook.events.iter().filter_map(Activity::from_event) {
        app.activity_log().push(activity.clone());
        if activity.channel == ROOM
            && let Err(e) = app.pusher().trigger(ROOM, "activity", &activity).await
        {
            eprintln!("web demo: could not show the room a webhook: {e}");
        }
    }
    Ok(StatusCode::OK)
}

/// A message from the page.
#[derive(Debug, Deserialize)]
struct NewMessage {
    /// Where it goes: the room, the encrypted room or a user's inbox.
    channel: String,
    text: String,
    /// The sender's connection, left out of the delivery: the page shows its own message itself.
    socket_id: Option<String>,
}

/// Sends a message from the user to a channel, encrypted when the channel is.
async fn send_message(
    State(app): State<App>,
    DemoUser(user): DemoUser,
    Json(message): Json<NewMessage>,
) -> Result<StatusCode, (StatusCode, String)> {
    if !access::may_send_to(&message.channel) {
        let why = format!("messages cannot go to {:?}", message.channel);
        return Err((StatusCode::FORBIDDEN, why));
    }
    let text = message.text.trim();
    if text.is_empty() || text.chars().count() > MAX_MESSAGE_CHARS {
        let why = format!("a message is 1 to {MAX_MESSAGE_CHARS} characters");
        return Err((StatusCode::BAD_REQUEST, why));
    }
    let options = match message.socket_id {
        Some(socket_id) => TriggerOptions::new().socket_id(socket_id),
        None => TriggerOptions::new(),
    };
    let data = json!({"from": user, "text": text});
    let sent = app
        .pusher()
        .trigger_with(message.channel.as_str(), "message", &data, options)
        .await;
    match sent {
        Ok(_) => Ok(StatusCode::NO_CONTENT),
        // A malformed socket id, say: the request's fault.
        Err(e @ pusher::Error::Request(_)) => Err((StatusCode::BAD_REQUEST, e.to_string())),
        Err(e) => Err((StatusCode::BAD_GATEWAY, e.to_string())),
    }
}

/// The verified webhook events kept, oldest first.
async fn webhooks(State(app): State<App>) -> Json<Vec<Activity>> {
    Json(app.activity_log().all())
}

/// How the page reaches the Pusher server.
async fn config(State(app): State<App>) -> Json<Value> {
    Json(page::client_settings(app.pusher().config()))
}

async fn index() -> Html<&'static str> {
    Html(include_str!("../static/index.html"))
}

async fn script() -> impl IntoResponse {
    ([(CONTENT_TYPE, JAVASCRIPT)], include_str!("../static/app.js"))
}

/// pusher-js: the local copy when there is one, else Pusher's CDN.
async fn pusher_js(State(app): State<App>) -> Response {
    match tokio::fs::read(app.pusher_js()).await {
        Ok(script) => ([(CONTENT_TYPE, JAVASCRIPT)], script).into_response(),
        Err(_) => Redirect::temporary(page::PUSHER_JS_CDN).into_response(),
    }
}
