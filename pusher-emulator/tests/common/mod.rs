//! Helpers shared by the integration tests: signing, sending and channel auth.

#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pusher_core::api::{Operation, RequestContext};
use pusher_core::auth::{
    PresenceMember, UserData, authenticate_user, authorize_channel, authorize_presence_channel,
};
use pusher_core::signing::{SigningInput, sign_request};
use pusher_emulator::client::plain_http;
use pusher_emulator::client::subscriber::Subscription;
use pusher_emulator::{Emulator, Subscriber};

/// A generous wait for things that should happen at once.
pub const WAIT: Duration = Duration::from_secs(5);

/// A short wait for things that should not happen.
pub const QUIET: Duration = Duration::from_millis(300);

pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// A status and a body read as text.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub content_type: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

pub async fn send(request: http::Request<Vec<u8>>) -> Reply {
    let response = plain_http::send_request(request).await.unwrap();
    Reply {
        status: response.status().as_u16(),
        content_type: response
            .headers()
            .get(http::header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default(),
        body: String::from_utf8(response.into_body()).unwrap(),
    }
}

/// Builds one of pusher-core's calls at `timestamp` and sends it.
pub async fn call<O: Operation>(emulator: &Emulator, operation: &O) -> Reply {
    let request = operation
        .build_request(&emulator.config(), &RequestContext::new(now()))
        .unwrap();
    send(request).await
}

/// A request signed by hand with pusher-core's signing function: for requests pusher-core's
/// builders refuse to make (too many channels, bad names), and for tampering after signing.
pub struct Signed {
    pub method: &'static str,
    /// Appended to `/apps/{id}`, unencoded.
    pub suffix: String,
    pub params: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub timestamp: u64,
}

impl Signed {
    pub fn post(suffix: &str, body: impl Into<Vec<u8>>) -> Signed {
        Signed {
            method: "POST",
            suffix: suffix.to_owned(),
            params: Vec::new(),
            body: body.into(),
            timestamp: now(),
        }
    }

    pub fn get(suffix: &str) -> Signed {
        Signed {
            method: "GET",
            suffix: suffix.to_owned(),
            params: Vec::new(),
            body: Vec::new(),
            timestamp: now(),
        }
    }

    pub fn param(mut self, key: &str, value: &str) -> Signed {
        self.params.push((key.to_owned(), value.to_owned()));
        self
    }

    /// The signed query string (percent-encoded) for `emulator`.
    pub fn query(&self, emulator: &Emulator) -> String {
        let path = format!("/apps/{}{}", emulator.app_id(), self.suffix);
        let params: Vec<(&str, &str)> = self
            .params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        signed_query(emulator, self.method, &path, &params, &self.body, self.timestamp)
    }

    pub fn request(&self, emulator: &Emulator) -> http::Request<Vec<u8>> {
        self.request_with_query(emulator, &self.query(emulator))
    }

    /// The request with another query (e.g. a tampered one).
    pub fn request_with_query(&self, emulator: &Emulator, query: &str) -> http::Request<Vec<u8>> {
        let path = self.suffix.replace('#', "%23");
        raw_request(
            emulator,
            self.method,
            &format!("/apps/{}{path}?{query}", emulator.app_id()),
            self.body.clone(),
        )
    }
}

/// The query string that signs `method path` with `params` and `body` at `timestamp` with the
/// emulator's credentials.
pub fn signed_query(
    emulator: &Emulator,
    method: &str,
    path: &str,
    params: &[(&str, &str)],
    body: &[u8],
    timestamp: u64,
) -> String {
    sign_request(
        emulator.key(),
        emulator.secret(),
        &SigningInput {
            method,
            path,
            params,
            body,
            timestamp,
        },
    )
    .to_query_string()
}

pub fn raw_request(emulator: &Emulator, method: &str, target: &str, body: Vec<u8>) -> http::Request<Vec<u8>> {
    http::Request::builder()
        .method(method)
        .uri(format!("{}{target}", emulator.http_url()))
        .header("content-type", "application/json")
        .body(body)
        .unwrap()
}

/// Replaces one query parameter's value (after signing).
pub fn replace_param(query: &str, key: &str, value: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if k == key => format!("{k}={value}"),
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A base64 32-byte encryption master key for tests.
pub const MASTER_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

/// Starts an emulator whose config carries [`MASTER_KEY`].
pub async fn start() -> Emulator {
    Emulator::builder()
        .encryption_master_key_base64(MASTER_KEY)
        .start()
        .await
        .unwrap()
}

/// Connects a subscriber, failing the test on error.
pub async fn connect(emulator: &Emulator) -> Subscriber {
    Subscriber::connect(&emulator.ws_url()).await.unwrap()
}

/// The `auth` for a private (or encrypted) channel.
pub fn private_auth(emulator: &Emulator, socket_id: &str, channel: &str) -> String {
    authorize_channel(
        &emulator.config(),
        &socket_id.parse().unwrap(),
        &channel.parse().unwrap(),
    )
    .unwrap()
    .auth
}

/// The `auth` and `channel_data` for a presence channel.
pub fn presence_auth(
    emulator: &Emulator,
    socket_id: &str,
    channel: &str,
    user_id: &str,
    info: serde_json::Value,
) -> (String, String) {
    let member = PresenceMember::new(user_id.parse().unwrap())
        .user_info(&info)
        .unwrap();
    let auth = authorize_presence_channel(
        &emulator.config(),
        &socket_id.parse().unwrap(),
        &channel.parse().unwrap(),
        &member,
    )
    .unwrap();
    (auth.auth, auth.channel_data.unwrap())
}

/// Subscribes to a presence channel as `user_id`.
pub async fn join_presence(
    emulator: &Emulator,
    subscriber: &mut Subscriber,
    channel: &str,
    user_id: &str,
) -> Subscription {
    let (auth, data) = presence_auth(
        emulator,
        subscriber.socket_id(),
        channel,
        user_id,
        serde_json::json!({"name": user_id}),
    );
    subscriber
        .subscribe_with_auth(channel, &auth, Some(&data))
        .await
        .unwrap()
}

/// The `auth` and `user_data` to sign in as `user_id`.
pub fn user_auth(emulator: &Emulator, socket_id: &str, user_id: &str) -> (String, String) {
    let user = UserData::new(user_id.parse().unwrap());
    let auth = authenticate_user(&emulator.config(), &socket_id.parse().unwrap(), &user).unwrap();
    (auth.auth, auth.user_data)
}
