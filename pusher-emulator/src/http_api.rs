//! The HTTP API (PROTOCOL §3), checked as strictly as the real service: the signature
//! (PROTOCOL §2), the credentials, the clock, `body_md5`, and the limits of PROTOCOL §4.
//!
//! Every refusal is a `text/plain` body saying what was wrong, with the status the real service
//! uses: 400 bad request, 401 authentication, 404 unknown app or path, 413 payload too large.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::SystemTime;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use http::header::{ALLOW, CONTENT_TYPE, HeaderValue};
use http::uri::PathAndQuery;
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use pusher_core::limits::{MAX_BATCH_EVENTS, MAX_TRIGGER_CHANNELS};
use pusher_core::signing::{body_md5, string_to_sign};
use pusher_core::{ChannelKind, ChannelName, SocketId, UserId};
use serde_json::{Map, Value, json};

use crate::state::{Hub, ReceivedEvent, Settings};

/// The largest request body read, in bytes: larger bodies are refused with 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// How far `auth_timestamp` may be from the server's clock, in seconds.
pub const TIMESTAMP_WINDOW_SECS: u64 = 600;

/// The longest event name, in characters.
const MAX_EVENT_NAME_CHARS: usize = pusher_core::limits::MAX_NAME_LEN;

/// The response body type of every route.
pub(crate) type Body = Full<Bytes>;

/// A refusal: a status and the text that explains it.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
    allow: Option<&'static str>,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            allow: None,
        }
    }
}

fn bad_request(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, message)
}

fn unauthorized(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, message)
}

fn not_found(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, message)
}

fn too_large(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, message)
}

/// A `text/plain` response.
pub(crate) fn text_response(status: StatusCode, message: &str) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(format!("{message}\n"))));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

fn json_response(status: StatusCode, value: &Value) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(value.to_string())));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// Answers one HTTP API request: finds the call it names, reads its body, then checks and runs it.
pub(crate) async fn handle(hub: Arc<Hub>, request: Request<Incoming>) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let result = async {
        let call = Call::route(hub.settings(), &parts.method, parts.uri.path())?;
        let body = read_body(body).await?;
        call.serve(&hub, parts.uri.query(), &body)
    }
    .await;
    respond(&hub, &parts.method, parts.uri.path(), result)
}

/// Answers one HTTP API request whose body is already read, through the same checks and handlers
/// as [`handle`]. A method or target that an HTTP parser would refuse is a 400.
pub(crate) fn handle_read(hub: &Hub, method: &str, path_and_query: &str, body: &[u8]) -> Response<Body> {
    let Ok(method) = Method::from_bytes(method.as_bytes()) else {
        return text_response(
            StatusCode::BAD_REQUEST,
            &format!("Invalid method {method:?}: not an HTTP method token"),
        );
    };
    let Ok(target) = PathAndQuery::try_from(path_and_query) else {
        let message = format!("Invalid request target {path_and_query:?}: not a path and query");
        return text_response(StatusCode::BAD_REQUEST, &message);
    };
    let result = Call::route(hub.settings(), &method, target.path())
        .and_then(|call| call.serve(hub, target.query(), body));
    respond(hub, &method, target.path(), result)
}

/// The response for a call's result, logged to stderr when the settings ask for it.
fn respond(
    hub: &Hub,
    method: &Method,
    path: &str,
    result: Result<(StatusCode, Value), ApiError>,
) -> Response<Body> {
    let (response, note) = match result {
        Ok((status, value)) => (json_response(status, &value), String::new()),
        Err(e) => {
            let mut response = text_response(e.status, &e.message);
            if let Some(allow) = e.allow {
                response
                    .headers_mut()
                    .insert(ALLOW, HeaderValue::from_static(allow));
            }
            (response, format!(": {}", e.message))
        }
    };
    if hub.settings().log_requests {
        eprintln!("pusher-emulator: {method} {path} -> {}{note}", response.status());
    }
    response
}

/// What a request asks for.
enum Route {
    Trigger,
    Batch,
    Channels,
    Channel(String),
    Users(String),
    Terminate(String),
    /// The push notification service's call (PROTOCOL §10): notifications.rs.
    Notify,
}

/// A request whose method and path name one of this app's calls.
struct Call {
    route: Route,
    method: Method,
    /// The path as sent, percent-encoded.
    raw_path: String,
    /// The path with each segment percent-decoded: what the signature covers.
    decoded_path: String,
}

impl Call {
    /// The call a method and path name: 404 for an unknown app or path, 405 for the wrong method.
    fn route(settings: &Settings, method: &Method, raw_path: &str) -> Result<Call, ApiError> {
        let segments = raw_path
            .split('/')
            .skip(1)
            .map(|s| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8()
                    .map(|s| s.into_owned())
                    .map_err(|_| bad_request("The path is not valid percent-encoded UTF-8"))
            })
            .collect::<Result<Vec<String>, ApiError>>()?;
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        let (app_id, rest, push) = match segments.as_slice() {
            ["apps", app_id, rest @ ..] => (*app_id, rest, false),
            ["server_api", "v1", "apps", app_id, rest @ ..] => (*app_id, rest, true),
            _ => return Err(not_found(format!("Not found: {raw_path}"))),
        };
        if app_id != settings.app_id {
            return Err(not_found(format!("Unknown app id {app_id:?}")));
        }
        let (expected, route) = match rest {
            ["notifications"] if push => (Method::POST, Route::Notify),
            _ if push => return Err(not_found(format!("Not found: {raw_path}"))),
            ["events"] => (Method::POST, Route::Trigger),
            ["batch_events"] => (Method::POST, Route::Batch),
            ["channels"] => (Method::GET, Route::Channels),
            ["channels", name] => (Method::GET, Route::Channel((*name).to_owned())),
            ["channels", name, "users"] => (Method::GET, Route::Users((*name).to_owned())),
            ["users", user, "terminate_connections"] => (Method::POST, Route::Terminate((*user).to_owned())),
            _ => return Err(not_found(format!("Not found: {raw_path}"))),
        };
        if *method != expected {
            let mut e = ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                format!("{raw_path} takes {expected}, not {method}"),
            );
            e.allow = Some(if expected == Method::GET { "GET" } else { "POST" });
            return Err(e);
        }
        Ok(Call {
            route,
            method: expected,
            raw_path: raw_path.to_owned(),
            decoded_path: format!("/{}", segments.join("/")),
        })
    }

    /// Checks the query's credentials and signature over the call and its body, then runs it.
    fn serve(self, hub: &Hub, query: Option<&str>, body: &[u8]) -> Result<(StatusCode, Value), ApiError> {
        let params = parse_query(query)?;
        authenticate(
            hub.settings(),
            self.method.as_str(),
            &self.decoded_path,
            &self.raw_path,
            &params,
            body,
        )?;
        let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        let status = match self.route {
            Route::Notify => StatusCode::ACCEPTED,
            _ => StatusCode::OK,
        };
        let value = match self.route {
            Route::Trigger => trigger(hub, body),
            Route::Batch => batch(hub, body),
            Route::Channels => list_channels(hub, param("filter_by_prefix"), param("info")),
            Route::Channel(name) => get_channel(hub, &name, param("info")),
            Route::Users(name) => presence_users(hub, &name),
            Route::Terminate(user) => terminate(hub, &user),
            Route::Notify => crate::notifications::notify(hub.notifications(), body).map_err(bad_request),
        }?;
        Ok((status, value))
    }
}

async fn read_body(body: Incoming) -> Result<Vec<u8>, ApiError> {
    match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => Ok(collected.to_bytes().to_vec()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(too_large(format!(
            "Request body too large: this server reads at most {MAX_BODY_BYTES} bytes"
        ))),
        Err(e) => Err(bad_request(format!("Could not read the request body: {e}"))),
    }
}

/// Decodes the query: keys lower-cased, values percent-decoded (`+` is a space, as in forms).
fn parse_query(query: Option<&str>) -> Result<Vec<(String, String)>, ApiError> {
    let decode = |s: &str| {
        let s = s.replace('+', " ");
        percent_encoding::percent_decode_str(&s)
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| bad_request("The query is not valid percent-encoded UTF-8"))
    };
    let mut params: Vec<(String, String)> = Vec::new();
    for pair in query.unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(key)?.to_ascii_lowercase();
        if params.iter().any(|(k, _)| *k == key) {
            return Err(bad_request(format!(
                "Query parameter {key:?} is given more than once"
            )));
        }
        params.push((key, decode(value)?));
    }
    Ok(params)
}

/// Checks `auth_key`, `auth_timestamp`, `auth_version`, `body_md5` and `auth_signature`.
fn authenticate(
    settings: &Settings,
    method: &str,
    decoded_path: &str,
    raw_path: &str,
    params: &[(String, String)],
    body: &[u8],
) -> Result<(), ApiError> {
    let get = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let require = |name: &str| get(name).ok_or_else(|| unauthorized(format!("Missing {name} in the query")));
    let key = require("auth_key")?;
    if key != settings.key {
        return Err(unauthorized(format!(
            "Unknown auth_key {key:?}: not this app's key"
        )));
    }
    let version = require("auth_version")?;
    if version != pusher_core::signing::AUTH_VERSION {
        return Err(unauthorized(format!(
            "Unsupported auth_version {version:?}: must be \"1.0\""
        )));
    }
    let timestamp = require("auth_timestamp")?;
    let timestamp: u64 = timestamp
        .parse()
        .map_err(|_| unauthorized(format!("auth_timestamp {timestamp:?} is not Unix seconds")))?;
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    if timestamp.abs_diff(now) > TIMESTAMP_WINDOW_SECS {
        return Err(unauthorized(format!(
            "Timestamp expired: auth_timestamp {timestamp} is not within {TIMESTAMP_WINDOW_SECS} s of \
             the server's time {now}"
        )));
    }
    // Required with a body; with an empty body optional, and then the MD5 of the empty body, as
    // Pusher accepts it (PROTOCOL §5). Either way it is signed like any other parameter.
    match get("body_md5") {
        None if !body.is_empty() => {
            return Err(unauthorized(
                "Missing body_md5: required for a request with a body",
            ));
        }
        None => {}
        Some(given) => {
            let actual = body_md5(body);
            if given != actual {
                let which = if body.is_empty() { "empty body" } else { "body" };
                return Err(unauthorized(format!(
                    "Invalid body_md5 {given:?}: the {which}'s MD5 is {actual:?}"
                )));
            }
        }
    }
    let signature = require("auth_signature")?;
    let mut signed: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| k != "auth_signature")
        .cloned()
        .collect();
    signed.sort();
    let signs = |path: &str| {
        settings
            .secret
            .signs(&string_to_sign(method, path, &signed), signature)
    };
    // The path is signed unencoded; a signature over the path as sent is accepted too.
    if signs(decoded_path) || (raw_path != decoded_path && signs(raw_path)) {
        return Ok(());
    }
    let to_sign = string_to_sign(method, decoded_path, &signed);
    Err(unauthorized(format!(
        "Invalid signature: expected the lowercase hex HMAC-SHA256 of {to_sign:?} under the app's \
         secret, got {signature:?}"
    )))
}

/// An attribute a call can ask for with `info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attribute {
    UserCount,
    SubscriptionCount,
}

fn parse_info(info: Option<&str>) -> Result<Vec<Attribute>, ApiError> {
    let mut attributes = Vec::new();
    for name in info.unwrap_or_default().split(',').filter(|s| !s.is_empty()) {
        let attribute = match name {
            "user_count" => Attribute::UserCount,
            "subscription_count" => Attribute::SubscriptionCount,
            other => {
                return Err(bad_request(format!(
                    "Unknown info attribute {other:?}: use user_count or subscription_count"
                )));
            }
        };
        if !attributes.contains(&attribute) {
            attributes.push(attribute);
        }
    }
    Ok(attributes)
}

/// The attributes asked for, of channel `name` (zero when unoccupied).
fn attributes(hub: &Hub, name: &str, attributes: &[Attribute]) -> Map<String, Value> {
    let snapshot = hub.channel(name);
    let mut out = Map::new();
    for attribute in attributes {
        match attribute {
            Attribute::UserCount => {
                let count = snapshot.as_ref().map_or(0, |s| s.members.len());
                out.insert("user_count".to_owned(), json!(count));
            }
            Attribute::SubscriptionCount => {
                let count = snapshot.as_ref().map_or(0, |s| s.subscription_count);
                out.insert("subscription_count".to_owned(), json!(count));
            }
        }
    }
    out
}

fn parse_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(bad_request("The request body must be a JSON object")),
        Err(e) => Err(bad_request(format!("The request body is not valid JSON: {e}"))),
    }
}

fn string_field<'a>(object: &'a Map<String, Value>, field: &str) -> Result<Option<&'a str>, ApiError> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(bad_request(format!(
            "{field:?} must be a string, got {}",
            kind_of(other)
        ))),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn channel_name(name: &str) -> Result<ChannelName, ApiError> {
    ChannelName::try_from(name).map_err(|e| bad_request(format!("Invalid channel name: {e}")))
}

/// One event to publish, checked: its channels, name, data, socket id and info.
struct CheckedEvent {
    channels: Vec<ChannelName>,
    name: String,
    data: String,
    socket_id: Option<String>,
    info: Vec<Attribute>,
}

/// Checks one event's fields (a trigger's body or one batch item) against PROTOCOL §4.
fn check_event(
    settings: &Settings,
    object: &Map<String, Value>,
    channels: Vec<String>,
) -> Result<CheckedEvent, ApiError> {
    if channels.is_empty() {
        return Err(bad_request("No channel given: name 1 to 100 channels"));
    }
    if channels.len() > MAX_TRIGGER_CHANNELS {
        return Err(bad_request(format!(
            "Too many channels: {} given, at most {MAX_TRIGGER_CHANNELS} allowed",
            channels.len()
        )));
    }
    let channels = channels
        .iter()
        .map(|c| channel_name(c))
        .collect::<Result<Vec<_>, _>>()?;
    if channels.len() > 1
        && let Some(encrypted) = channels.iter().find(|c| c.is_encrypted())
    {
        return Err(bad_request(format!(
            "The encrypted channel {encrypted} must be the only channel of a trigger, {} given",
            channels.len()
        )));
    }
    let name = string_field(object, "name")?.ok_or_else(|| bad_request("Missing event \"name\""))?;
    let name_chars = name.chars().count();
    if name_chars == 0 || name_chars > MAX_EVENT_NAME_CHARS {
        return Err(bad_request(format!(
            "Event name must be 1 to {MAX_EVENT_NAME_CHARS} characters, got {name_chars}"
        )));
    }
    let data = match object.get("data") {
        Some(Value::String(data)) => data.clone(),
        None => return Err(bad_request("Missing \"data\": the event data, as a string")),
        Some(other) => {
            return Err(bad_request(format!(
                "\"data\" must be a string (the event data encoded once), got {}",
                kind_of(other)
            )));
        }
    };
    let socket_id = string_field(object, "socket_id")?
        .map(|s| {
            SocketId::try_from(s)
                .map(SocketId::into_string)
                .map_err(|e| bad_request(format!("Invalid socket_id: {e}")))
        })
        .transpose()?;
    let info = parse_info(string_field(object, "info")?)?;
    if info.contains(&Attribute::UserCount)
        && let Some(c) = channels.iter().find(|c| !c.is_presence())
    {
        return Err(bad_request(format!(
            "info=user_count is only for presence channels, and {c} is not one"
        )));
    }
    if data.len() > settings.max_payload_bytes {
        return Err(too_large(format!(
            "Event data too large: {} bytes, at most {} allowed",
            data.len(),
            settings.max_payload_bytes
        )));
    }
    if let Some(encrypted) = channels.iter().find(|c| c.is_encrypted()) {
        check_envelope(&data)
            .map_err(|e| bad_request(format!("Data for the encrypted channel {encrypted} {e}")))?;
    }
    Ok(CheckedEvent {
        channels,
        name: name.to_owned(),
        data,
        socket_id,
        info,
    })
}

/// The data of an encrypted channel must be the envelope `{"nonce", "ciphertext"}` (PROTOCOL §9).
fn check_envelope(data: &str) -> Result<(), String> {
    const RULE: &str = "must be {\"nonce\": base64 of 24 bytes, \"ciphertext\": base64}";
    let envelope: Map<String, Value> =
        serde_json::from_str(data).map_err(|_| format!("is not a JSON object: it {RULE}"))?;
    let field = |name: &str| -> Result<Vec<u8>, String> {
        let text = envelope
            .get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("has no string {name:?}: it {RULE}"))?;
        BASE64
            .decode(text)
            .map_err(|_| format!("has a {name:?} that is not base64: it {RULE}"))
    };
    let nonce = field("nonce")?;
    if nonce.len() != 24 {
        return Err(format!("has a nonce of {} bytes: it {RULE}", nonce.len()));
    }
    // A secretbox output is at least its 16-byte tag.
    if field("ciphertext")?.len() < 16 {
        return Err(format!(
            "has a ciphertext shorter than a secretbox tag: it {RULE}"
        ));
    }
    Ok(())
}

fn received(event: &CheckedEvent, batch: bool) -> Vec<ReceivedEvent> {
    let now = SystemTime::now();
    event
        .channels
        .iter()
        .map(|channel| ReceivedEvent {
            channel: channel.to_string(),
            name: event.name.clone(),
            data: event.data.clone(),
            socket_id: event.socket_id.clone(),
            batch,
            received_at: now,
        })
        .collect()
}

fn trigger(hub: &Hub, body: &[u8]) -> Result<Value, ApiError> {
    let object = parse_object(body)?;
    let channels = match (object.get("channels"), object.get("channel")) {
        (Some(_), Some(_)) => return Err(bad_request("Give \"channels\" or \"channel\", not both")),
        (Some(Value::Array(list)), None) => list
            .iter()
            .map(|c| {
                c.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| bad_request("\"channels\" must be an array of strings"))
            })
            .collect::<Result<Vec<_>, _>>()?,
        (Some(_), None) => return Err(bad_request("\"channels\" must be an array of strings")),
        (None, Some(_)) => vec![
            string_field(&object, "channel")?
                .ok_or_else(|| bad_request("\"channel\" must be a string"))?
                .to_owned(),
        ],
        (None, None) => return Err(bad_request("Missing \"channels\": the channels to trigger on")),
    };
    let event = check_event(hub.settings(), &object, channels)?;
    hub.publish(received(&event, false));
    if event.info.is_empty() {
        return Ok(json!({}));
    }
    let channels: Map<String, Value> = event
        .channels
        .iter()
        .map(|c| {
            (
                c.to_string(),
                Value::Object(attributes(hub, c.as_str(), &event.info)),
            )
        })
        .collect();
    Ok(json!({ "channels": channels }))
}

fn batch(hub: &Hub, body: &[u8]) -> Result<Value, ApiError> {
    let object = parse_object(body)?;
    let items = match object.get("batch") {
        Some(Value::Array(items)) => items,
        Some(_) => return Err(bad_request("\"batch\" must be an array of events")),
        None => return Err(bad_request("Missing \"batch\": the array of events")),
    };
    if items.is_empty() || items.len() > MAX_BATCH_EVENTS {
        return Err(bad_request(format!(
            "A batch holds 1 to {MAX_BATCH_EVENTS} events, {} given",
            items.len()
        )));
    }
    let events = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let prefix = |e: ApiError| ApiError::new(e.status, format!("batch[{i}]: {}", e.message));
            let Value::Object(item) = item else {
                return Err(bad_request(format!(
                    "batch[{i}]: each event must be a JSON object"
                )));
            };
            let channel = string_field(item, "channel")
                .map_err(prefix)?
                .ok_or_else(|| bad_request(format!("batch[{i}]: missing \"channel\"")))?;
            check_event(hub.settings(), item, vec![channel.to_owned()]).map_err(prefix)
        })
        .collect::<Result<Vec<_>, _>>()?;
    hub.publish(events.iter().flat_map(|e| received(e, true)).collect());
    if events.iter().all(|e| e.info.is_empty()) {
        return Ok(json!({}));
    }
    let batch: Vec<Value> = events
        .iter()
        .map(|e| {
            // Each batch event names exactly one channel (checked above).
            let channel = e.channels.first().map_or("", ChannelName::as_str);
            Value::Object(attributes(hub, channel, &e.info))
        })
        .collect();
    Ok(json!({ "batch": batch }))
}

fn list_channels(hub: &Hub, prefix: Option<&str>, info: Option<&str>) -> Result<Value, ApiError> {
    let info = parse_info(info)?;
    let prefix = prefix.unwrap_or_default();
    if info.contains(&Attribute::UserCount) && !prefix.starts_with("presence-") {
        return Err(bad_request(
            "info=user_count is only allowed with filter_by_prefix=presence-",
        ));
    }
    let channels: BTreeMap<String, Value> = hub
        .channels()
        .into_iter()
        .filter(|c| c.name.starts_with(prefix))
        .map(|c| {
            let attrs = attributes(hub, &c.name, &info);
            (c.name, Value::Object(attrs))
        })
        .collect();
    Ok(json!({ "channels": channels }))
}

fn get_channel(hub: &Hub, name: &str, info: Option<&str>) -> Result<Value, ApiError> {
    let channel = channel_name(name)?;
    let info = parse_info(info)?;
    if info.contains(&Attribute::UserCount) && !channel.is_presence() {
        return Err(bad_request(format!(
            "info=user_count is only for presence channels, and {channel} is not one"
        )));
    }
    let mut state = attributes(hub, name, &info);
    state.insert("occupied".to_owned(), json!(hub.channel(name).is_some()));
    Ok(Value::Object(state))
}

fn presence_users(hub: &Hub, name: &str) -> Result<Value, ApiError> {
    let channel = channel_name(name)?;
    if channel.kind() != ChannelKind::Presence {
        return Err(bad_request(format!(
            "Users are only listed for presence channels, and {channel} is not one"
        )));
    }
    let users: Vec<Value> = hub
        .channel(name)
        .map(|c| c.members)
        .unwrap_or_default()
        .into_iter()
        .map(|m| json!({ "id": m.user_id }))
        .collect();
    Ok(json!({ "users": users }))
}

fn terminate(hub: &Hub, user: &str) -> Result<Value, ApiError> {
    let user = UserId::try_from(user).map_err(|e| bad_request(format!("Invalid user id: {e}")))?;
    hub.terminate_user(user.as_str());
    Ok(json!({}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_decoding() {
        let q = parse_query(Some(
            "Info=user_count%2Csubscription_count&filter_by_prefix=%23a+b&x",
        ))
        .unwrap();
        assert_eq!(
            q,
            vec![
                ("info".to_owned(), "user_count,subscription_count".to_owned()),
                ("filter_by_prefix".to_owned(), "#a b".to_owned()),
                ("x".to_owned(), String::new()),
            ]
        );
        assert!(parse_query(Some("a=1&A=2")).is_err());
        assert!(parse_query(Some("a=%FF")).is_err());
        assert!(parse_query(None).unwrap().is_empty());
    }

    #[test]
    fn info_attributes() {
        assert_eq!(
            parse_info(Some("user_count,subscription_count,user_count")).unwrap(),
            vec![Attribute::UserCount, Attribute::SubscriptionCount]
        );
        assert!(parse_info(Some("user-count")).is_err());
        assert!(parse_info(None).unwrap().is_empty());
    }

    #[test]
    fn envelopes() {
        let nonce = BASE64.encode([0u8; 24]);
        let ciphertext = BASE64.encode([0u8; 20]);
        let good = json!({"nonce": nonce, "ciphertext": ciphertext}).to_string();
        assert!(check_envelope(&good).is_ok());
        for bad in [
            "plain".to_owned(),
            json!({"nonce": nonce}).to_string(),
            json!({"nonce": BASE64.encode([0u8; 12]), "ciphertext": ciphertext}).to_string(),
            json!({"nonce": nonce, "ciphertext": "!!"}).to_string(),
            json!({"nonce": nonce, "ciphertext": BASE64.encode([0u8; 3])}).to_string(),
        ] {
            assert!(check_envelope(&bad).is_err(), "{bad}");
        }
    }
}
