//! The WebSocket endpoint `/app/{key}?protocol=7`: the Pusher Channels protocol as pusher-js
//! speaks it.
//!
//! Server→client messages are `{"event", "channel"?, "data"?}` with `data` a JSON-encoded string.
//! Client→server messages are read leniently (`data` may be an object or a string holding one),
//! but their content is checked strictly: channel names, auth signatures, presence
//! `channel_data`, client-event rules.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use http::header::{CONNECTION, HeaderValue, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_KEY, UPGRADE};
use http::{Request, Response, StatusCode};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use pusher_core::{ChannelKind, ChannelName, SocketId};
use serde_json::{Map, Value, json};
use tokio::time::Instant;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::frame::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use crate::http_api::{Body, text_response};
use crate::oracle;
use crate::state::{Hub, Outbound, Outbox, PresenceMember, error_frame, frame};

/// The largest WebSocket message (and frame) accepted from a client, in bytes.
pub const MAX_WS_MESSAGE_BYTES: usize = 64 * 1024;

/// How long a client has to answer the server's `pusher:ping` before it is disconnected.
const PONG_TIMEOUT: Duration = Duration::from_secs(30);

/// How long the server waits for a client's close frame after sending its own.
const LINGER: Duration = Duration::from_secs(1);

/// The protocol versions accepted in `?protocol=`.
const PROTOCOLS: std::ops::RangeInclusive<u32> = 5..=7;

/// Whether a request asks for a WebSocket upgrade.
pub(crate) fn is_upgrade(request: &Request<Incoming>) -> bool {
    request
        .headers()
        .get(UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// Answers a request under `/app/`: upgrades it and serves the connection on a new task.
pub(crate) fn upgrade(hub: Arc<Hub>, mut request: Request<Incoming>) -> Response<Body> {
    let key = request.uri().path().strip_prefix("/app/").unwrap_or_default();
    let key = percent_encoding::percent_decode_str(key)
        .decode_utf8_lossy()
        .into_owned();
    if !is_upgrade(&request) || request.method() != http::Method::GET {
        return text_response(
            StatusCode::BAD_REQUEST,
            "Expected a WebSocket upgrade (GET with Upgrade: websocket)",
        );
    }
    let version_ok = request
        .headers()
        .get("sec-websocket-version")
        .is_some_and(|v| v.as_bytes() == b"13");
    let Some(accept) = request
        .headers()
        .get(SEC_WEBSOCKET_KEY)
        .filter(|_| version_ok)
        .map(|k| derive_accept_key(k.as_bytes()))
    else {
        return text_response(
            StatusCode::BAD_REQUEST,
            "A WebSocket upgrade needs Sec-WebSocket-Key and Sec-WebSocket-Version: 13",
        );
    };
    let protocol = request
        .uri()
        .query()
        .unwrap_or_default()
        .split('&')
        .find_map(|p| p.strip_prefix("protocol="))
        .map(str::to_owned);
    let on_upgrade = hyper::upgrade::on(&mut request);
    tokio::spawn(async move {
        match on_upgrade.await {
            Ok(upgraded) => {
                let config = WebSocketConfig::default()
                    .max_message_size(Some(MAX_WS_MESSAGE_BYTES))
                    .max_frame_size(Some(MAX_WS_MESSAGE_BYTES));
                let ws = WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config))
                    .await;
                serve(hub, ws, &key, protocol.as_deref()).await;
            }
            Err(e) => eprintln!("pusher-emulator: WebSocket upgrade failed: {e}"),
        }
    });
    let mut response = Response::new(Body::default());
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = response.headers_mut();
    headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
    if let Ok(accept) = HeaderValue::from_str(&accept) {
        headers.insert(SEC_WEBSOCKET_ACCEPT, accept);
    }
    response
}

type Ws = WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>;

/// Sends `pusher:error` with `code` and closes with the same code.
async fn refuse(mut ws: Ws, code: u16, message: &str) {
    let _ = ws.send(Message::text(error_frame(Some(code), message))).await;
    close(&mut ws, code, message, LINGER).await;
}

/// Sends a close frame, then waits a moment for the client's, so the client reads everything
/// sent before the socket goes away.
async fn close(ws: &mut Ws, code: u16, reason: &str, linger: Duration) {
    if ws.close(Some(close_frame(code, reason))).await.is_err() {
        return;
    }
    let drain = async {
        while let Some(Ok(message)) = ws.next().await {
            if message.is_close() {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(linger, drain).await;
}

fn close_frame(code: u16, reason: &str) -> CloseFrame {
    // A close reason must fit a control frame (125 bytes, 2 for the code).
    let mut end = reason.len().min(123);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    CloseFrame {
        code: CloseCode::from(code),
        reason: reason[..end].to_owned().into(),
    }
}

/// Serves one connection until it closes.
async fn serve(hub: Arc<Hub>, mut ws: Ws, key: &str, protocol: Option<&str>) {
    if key != hub.settings().key {
        return refuse(ws, 4001, &format!("App key {key} does not exist")).await;
    }
    match protocol.map(str::parse::<u32>) {
        Some(Ok(p)) if PROTOCOLS.contains(&p) => {}
        Some(_) => return refuse(ws, 4007, "Unsupported protocol version: use ?protocol=7").await,
        None => return refuse(ws, 4007, "Missing protocol version: connect with ?protocol=7").await,
    }
    let socket_id = hub.new_socket_id();
    let (outbox, mut outgoing) = Outbox::new();
    hub.register(&socket_id, outbox.clone());
    let activity_timeout = hub.settings().activity_timeout;
    let established = json!({"socket_id": socket_id, "activity_timeout": activity_timeout.as_secs()});
    outbox.text(frame(
        "pusher:connection_established",
        None,
        Some(&established.to_string()),
    ));
    let connection = Connection {
        hub: &hub,
        socket_id: &socket_id,
        outbox: &outbox,
    };
    let mut idle_deadline = Instant::now() + activity_timeout;
    let mut awaiting_pong = false;
    loop {
        tokio::select! {
            outbound = outgoing.recv() => match outbound {
                Some(Outbound::Text(text)) => {
                    if ws.send(Message::text(text)).await.is_err() {
                        break;
                    }
                }
                Some(Outbound::Close { code, reason, linger }) => {
                    close(&mut ws, code, &reason, linger).await;
                    break;
                }
                // `outbox` is held here, so the queue never ends first.
                None => break,
            },
            incoming = ws.next() => {
                idle_deadline = Instant::now() + activity_timeout;
                awaiting_pong = false;
                match incoming {
                    Some(Ok(Message::Text(text))) => connection.on_message(text.as_str()),
                    Some(Ok(Message::Binary(_))) => connection.error("Binary frames are not supported: send JSON text"),
                    Some(Ok(Message::Close(_))) | None => break,
                    // WebSocket pings are answered by the library; pongs and raw frames need nothing.
                    Some(Ok(_)) => {}
                    Some(Err(WsError::Capacity(e))) => {
                        let reason = format!("Message too large ({e}): at most {MAX_WS_MESSAGE_BYTES} bytes");
                        close(&mut ws, 1009, &reason, LINGER).await;
                        break;
                    }
                    Some(Err(_)) => break,
                }
            },
            () = tokio::time::sleep_until(idle_deadline) => {
                if awaiting_pong {
                    let _ = ws.send(Message::text(error_frame(Some(4201), "Pong reply not received"))).await;
                    close(&mut ws, 4201, "Pong reply not received", LINGER).await;
                    break;
                }
                awaiting_pong = true;
                idle_deadline = Instant::now() + PONG_TIMEOUT;
                if ws.send(Message::text(frame("pusher:ping", None, Some("{}")))).await.is_err() {
                    break;
                }
            },
        }
    }
    hub.unregister(&socket_id);
}

/// One open connection's message handling. Replies go through `outbox`, in order with everything
/// else queued to the connection.
struct Connection<'a> {
    hub: &'a Hub,
    socket_id: &'a str,
    outbox: &'a Outbox,
}

/// `data` of a client message: an object, or a string holding one.
fn data_object(data: Option<&Value>) -> Option<Map<String, Value>> {
    match data? {
        Value::Object(object) => Some(object.clone()),
        Value::String(text) => serde_json::from_str(text).ok(),
        _ => None,
    }
}

impl Connection<'_> {
    fn send(&self, text: String) {
        self.outbox.text(text);
    }

    /// A `pusher:error` that leaves the connection open.
    fn error(&self, message: &str) {
        self.send(error_frame(None, message));
    }

    fn on_message(&self, text: &str) {
        let message = match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(message)) => message,
            Ok(_) => return self.error("Invalid message: expected a JSON object with an \"event\""),
            Err(e) => return self.error(&format!("Invalid JSON: {e}")),
        };
        let Some(event) = message.get("event").and_then(Value::as_str) else {
            return self.error("Invalid message: missing the string \"event\"");
        };
        let data = message.get("data");
        match event {
            "pusher:ping" => self.send(frame("pusher:pong", None, Some("{}"))),
            "pusher:pong" => {}
            "pusher:subscribe" => self.subscribe(data),
            "pusher:unsubscribe" => {
                if let Some(channel) = data_object(data)
                    .as_ref()
                    .and_then(|d| d.get("channel"))
                    .and_then(Value::as_str)
                {
                    self.hub.unsubscribe(self.socket_id, channel);
                } else {
                    self.error("pusher:unsubscribe needs data {\"channel\": NAME}");
                }
            }
            "pusher:signin" => self.signin(data),
            client if client.starts_with("client-") => {
                let channel = message.get("channel").and_then(Value::as_str);
                self.client_event(client, channel, data);
            }
            other => self.error(&format!("Unsupported event {other:?}")),
        }
    }

    fn subscription_error(&self, channel: &str, kind: &str, error: &str, status: u16) {
        let data = json!({"type": kind, "error": error, "status": status}).to_string();
        self.send(frame("pusher:subscription_error", Some(channel), Some(&data)));
    }

    fn subscribe(&self, data: Option<&Value>) {
        let Some(data) = data_object(data) else {
            return self
                .error("pusher:subscribe needs data {\"channel\": NAME, \"auth\"?, \"channel_data\"?}");
        };
        let Some(name) = data.get("channel").and_then(Value::as_str) else {
            return self.error("pusher:subscribe needs a string \"channel\"");
        };
        let channel = match ChannelName::try_from(name) {
            Ok(channel) => channel,
            Err(e) => return self.subscription_error(name, "InvalidChannel", &e.to_string(), 400),
        };
        let auth = data.get("auth").and_then(Value::as_str);
        let channel_data = match data.get("channel_data") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.as_str()),
            Some(_) => {
                let error = "channel_data must be the exact JSON string that was signed";
                return self.subscription_error(name, "AuthError", error, 401);
            }
        };
        let member = match channel.kind() {
            ChannelKind::Public => None,
            ChannelKind::Private | ChannelKind::PrivateEncrypted => {
                if let Err(e) = self.check_auth(&channel, auth, None) {
                    return self.subscription_error(name, "AuthError", &e, 401);
                }
                None
            }
            ChannelKind::Presence => {
                let Some(channel_data) = channel_data else {
                    let error = format!("Presence channel {name} needs channel_data");
                    return self.subscription_error(name, "AuthError", &error, 401);
                };
                if let Err(e) = self.check_auth(&channel, auth, Some(channel_data)) {
                    return self.subscription_error(name, "AuthError", &e, 401);
                }
                match parse_channel_data(channel_data) {
                    Ok(member) => Some(member),
                    Err(e) => return self.subscription_error(name, "AuthError", &e, 401),
                }
            }
            // `#server-to-user-{id}`: for the connection signed in as that user (pusher-js
            // subscribes to it after `pusher:signin_success`).
            _ => {
                let user = name.strip_prefix(pusher_core::limits::SERVER_TO_USER_PREFIX);
                if user.is_none() || self.hub.signed_in_user(self.socket_id).as_deref() != user {
                    let error = format!("{name} is only for a connection signed in as that user");
                    return self.subscription_error(name, "AuthError", &error, 401);
                }
                None
            }
        };
        self.hub.subscribe(self.socket_id, name, member);
    }

    /// Checks `auth` = `KEY:HMAC(secret, socket_id:channel[:channel_data])` with the
    /// [`oracle`](crate::oracle).
    fn check_auth(
        &self,
        channel: &ChannelName,
        auth: Option<&str>,
        data: Option<&str>,
    ) -> Result<(), String> {
        let auth = auth.ok_or_else(|| format!("Auth info required to subscribe to {channel}"))?;
        // The socket id was made by this server in the DIGITS.DIGITS form.
        let socket_id = SocketId::try_from(self.socket_id).map_err(|e| e.to_string())?;
        oracle::check_channel_auth(self.app(), socket_id.as_str(), channel.as_str(), data, auth)
            .map_err(|e| e.to_string())
    }

    /// The app's credentials, as the [`oracle`](crate::oracle) checks them.
    fn app(&self) -> oracle::App<'_> {
        let settings = self.hub.settings();
        oracle::App {
            key: &settings.key,
            secret: settings.secret.expose(),
        }
    }

    fn signin(&self, data: Option<&Value>) {
        let result = (|| {
            let data = data_object(data).ok_or("pusher:signin needs data {\"auth\", \"user_data\"}")?;
            let auth = data
                .get("auth")
                .and_then(Value::as_str)
                .ok_or("pusher:signin needs a string \"auth\"")?;
            let user_data = data
                .get("user_data")
                .and_then(Value::as_str)
                .ok_or("pusher:signin needs a string \"user_data\"")?;
            let socket_id = SocketId::try_from(self.socket_id).map_err(|e| e.to_string())?;
            oracle::check_user_auth(self.app(), socket_id.as_str(), user_data, auth)
                .map_err(|e| e.to_string())?;
            let id = serde_json::from_str::<Value>(user_data)
                .ok()
                .and_then(|v| v.get("id").and_then(Value::as_str).map(str::to_owned))
                .filter(|id| !id.is_empty())
                .ok_or("user_data must be a JSON object with a non-empty string \"id\"")?;
            Ok::<_, String>((id, user_data.to_owned()))
        })();
        match result {
            Ok((id, user_data)) => self.hub.sign_in(self.socket_id, &id, &user_data),
            Err(e) => {
                self.outbox.close(4009, &format!("Sign-in refused: {e}"), LINGER);
            }
        }
    }

    fn client_event(&self, event: &str, channel: Option<&str>, data: Option<&Value>) {
        let settings = self.hub.settings();
        let refuse = |why: &str| self.error(&format!("Client event rejected: {why}"));
        if !settings.client_events {
            return refuse("client events are not enabled for this app");
        }
        let Some(channel) = channel else {
            return refuse("a client event needs a \"channel\"");
        };
        let kind = ChannelName::try_from(channel).map(|c| c.kind());
        if !matches!(kind, Ok(ChannelKind::Private | ChannelKind::Presence)) {
            return refuse(&format!(
                "{channel} is not a private or presence channel (encrypted channels take none)"
            ));
        }
        if !self.hub.is_subscribed(self.socket_id, channel) {
            return refuse(&format!("this connection is not subscribed to {channel}"));
        }
        if event.chars().count() > pusher_core::limits::MAX_NAME_LEN {
            return refuse("the event name is longer than 200 characters");
        }
        let data = match data {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => Some(other.to_string()),
        };
        if let Some(data) = &data
            && data.len() > settings.max_payload_bytes
        {
            return refuse(&format!(
                "data is {} bytes, at most {} allowed",
                data.len(),
                settings.max_payload_bytes
            ));
        }
        self.hub
            .client_event(self.socket_id, channel, event, data.as_deref());
    }
}

/// Reads presence `channel_data`: `{"user_id": string (or number), "user_info"?: any}`.
fn parse_channel_data(channel_data: &str) -> Result<PresenceMember, String> {
    let value: Value =
        serde_json::from_str(channel_data).map_err(|e| format!("channel_data is not valid JSON: {e}"))?;
    let user_id = match value.get("user_id") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err("channel_data must be a JSON object with a non-empty \"user_id\"".to_owned()),
    };
    if user_id.chars().count() > pusher_core::limits::MAX_NAME_LEN {
        return Err("user_id is longer than 200 characters".to_owned());
    }
    Ok(PresenceMember {
        user_id,
        user_info: value.get("user_info").cloned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_data() {
        let m = parse_channel_data(r#"{"user_id":"u1","user_info":{"name":"A"}}"#).unwrap();
        assert_eq!(m.user_id, "u1");
        assert_eq!(m.user_info, Some(json!({"name": "A"})));
        assert_eq!(parse_channel_data(r#"{"user_id":7}"#).unwrap().user_id, "7");
        let not_json = "channel_data is not valid JSON";
        let no_user = "channel_data must be a JSON object with a non-empty \"user_id\"";
        for (bad, why) in [
            ("", not_json),
            ("[]", no_user),
            ("{}", no_user),
            (r#"{"user_id":""}"#, no_user),
            (r#"{"user_id":null}"#, no_user),
            ("{\"user_id\":", not_json),
        ] {
            let e = parse_channel_data(bad).unwrap_err();
            assert!(e.starts_with(why), "{bad}: {e}");
        }
        let long = format!(r#"{{"user_id":"{}"}}"#, "u".repeat(201));
        assert_eq!(
            parse_channel_data(&long).unwrap_err(),
            "user_id is longer than 200 characters"
        );
    }

    #[test]
    fn close_reasons_fit_a_control_frame() {
        let long = "é".repeat(100);
        let frame = close_frame(4009, &long);
        assert!(frame.reason.len() <= 123);
        assert_eq!(u16::from(frame.code), 4009);
    }
}
