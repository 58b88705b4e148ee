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
use pusher_core::{ChannelKind, ChannelName, SocketId, UserId};
use serde_json::{Map, Value, json};

use crate::oracle;
use crate::state::{Hub, ReceivedEvent, Settings};

/// The largest request body read, in bytes: larger bodies are refused with 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub use crate::oracle::TIMESTAMP_WINDOW_SECS;

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
        })
    }

    /// Checks the query's credentials and signature over the call and its body, then runs it.
    fn serve(self, hub: &Hub, query: Option<&str>, body: &[u8]) -> Result<(StatusCode, Value), ApiError> {
        let params = authenticate(hub.settings(), self.method.as_str(), &self.raw_path, query, body)?;
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

/// Checks the query's credentials and signature over the call and its body with the
/// [`oracle`](crate::oracle), at the server's clock: a malformed query is a 400, anything else
/// wrong a 401. Returns the query, decoded.
fn authenticate(
    settings: &Settings,
    method: &str,
    raw_path: &str,
    query: Option<&str>,
    body: &[u8],
) -> Result<Vec<(String, String)>, ApiError> {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let app = oracle::App {
        key: &settings.key,
        secret: settings.secret.expose(),
    };
    let request = oracle::RestRequest {
        method,
        path: raw_path,
        query,
        body,
    };
    oracle::check_request(app, &request, now).map_err(|refusal| {
        if refusal.is_bad_request() {
            bad_request(refusal.to_string())
        } else {
            unauthorized(refusal.to_string())
        }
    })
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

/// One event's fields as a body gives them, each of the right JSON type; the rules of
/// PROTOCOL §4 are checked by [`check_event`].
struct EventFields<'a> {
    channels: Vec<&'a str>,
    name: &'a str,
    data: String,
    socket_id: Option<&'a str>,
    info: Option<&'a str>,
}

/// An event as a well-formed body holds it, read in one pass with no JSON value built: the fast
/// path, for a trigger's body and for each event of a batch. A body it does not fit (a field of
/// the wrong type, a missing field, a name with an escape in it) is read again as a JSON value,
/// whose checks say precisely what is wrong.
#[derive(serde::Deserialize)]
struct WireEvent<'a> {
    #[serde(borrow, default)]
    channels: Option<Vec<&'a str>>,
    #[serde(default)]
    channel: Option<&'a str>,
    #[serde(default)]
    name: Option<&'a str>,
    #[serde(default)]
    data: Option<String>,
    #[serde(default)]
    socket_id: Option<&'a str>,
    #[serde(default)]
    info: Option<&'a str>,
}

/// A batch's body, on the fast path.
#[derive(serde::Deserialize)]
struct WireBatch<'a> {
    #[serde(borrow)]
    batch: Vec<WireEvent<'a>>,
}

impl<'a> WireEvent<'a> {
    /// The fields, when the event has a name and data and its channels given one way: in
    /// `channels` or `channel` for a trigger, in `channel` for a batch event (whose `channels`
    /// is not read, as on the slow path).
    fn fields(self, batch: bool) -> Option<EventFields<'a>> {
        let channels = match (self.channels, self.channel, batch) {
            (_, Some(channel), true) | (None, Some(channel), false) => vec![channel],
            (Some(channels), None, false) => channels,
            _ => return None,
        };
        Some(EventFields {
            channels,
            name: self.name?,
            data: self.data?,
            socket_id: self.socket_id,
            info: self.info,
        })
    }
}

/// One event to publish, checked: its channels, name, data, socket id and info.
struct CheckedEvent {
    channels: Vec<ChannelName>,
    name: String,
    data: String,
    socket_id: Option<String>,
    info: Vec<Attribute>,
}

/// The fields of one event (a trigger's body or one batch item) read from a JSON object, each
/// refused with a message that names it when it is missing or of the wrong type.
fn event_fields<'a>(
    object: &'a Map<String, Value>,
    channels: Vec<&'a str>,
) -> Result<EventFields<'a>, ApiError> {
    let name = string_field(object, "name")?.ok_or_else(|| bad_request("Missing event \"name\""))?;
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
    Ok(EventFields {
        channels,
        name,
        data,
        socket_id: string_field(object, "socket_id")?,
        info: string_field(object, "info")?,
    })
}

/// Checks one event's fields against PROTOCOL §4.
fn check_event(settings: &Settings, fields: EventFields<'_>) -> Result<CheckedEvent, ApiError> {
    let EventFields {
        channels,
        name,
        data,
        socket_id,
        info,
    } = fields;
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
        .into_iter()
        .map(channel_name)
        .collect::<Result<Vec<_>, _>>()?;
    if channels.len() > 1
        && let Some(encrypted) = channels.iter().find(|c| c.is_encrypted())
    {
        return Err(bad_request(format!(
            "The encrypted channel {encrypted} must be the only channel of a trigger, {} given",
            channels.len()
        )));
    }
    let name_chars = name.chars().count();
    if name_chars == 0 || name_chars > MAX_EVENT_NAME_CHARS {
        return Err(bad_request(format!(
            "Event name must be 1 to {MAX_EVENT_NAME_CHARS} characters, got {name_chars}"
        )));
    }
    let socket_id = socket_id
        .map(|s| {
            SocketId::try_from(s)
                .map(SocketId::into_string)
                .map_err(|e| bad_request(format!("Invalid socket_id: {e}")))
        })
        .transpose()?;
    let info = parse_info(info)?;
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

/// What the hub keeps and delivers of `event`: one event per channel, the name and data moved
/// into the last one and copied into the others.
fn received(event: CheckedEvent, batch: bool, now: SystemTime, into: &mut Vec<ReceivedEvent>) {
    let CheckedEvent {
        channels,
        mut name,
        mut data,
        socket_id,
        ..
    } = event;
    let last = channels.len().saturating_sub(1);
    for (i, channel) in channels.into_iter().enumerate() {
        let (name, data) = if i == last {
            (std::mem::take(&mut name), std::mem::take(&mut data))
        } else {
            (name.clone(), data.clone())
        };
        into.push(ReceivedEvent {
            channel: channel.into_string(),
            name,
            data,
            socket_id: socket_id.clone(),
            batch,
            received_at: now,
        });
    }
}

/// The `{"channels": {name: attributes}}` answer to a trigger that asked for `info`, `{}` otherwise.
fn trigger_answer(hub: &Hub, channels: &[ChannelName], info: &[Attribute]) -> Value {
    if info.is_empty() {
        return json!({});
    }
    let channels: Map<String, Value> = channels
        .iter()
        .map(|c| (c.to_string(), Value::Object(attributes(hub, c.as_str(), info))))
        .collect();
    json!({ "channels": channels })
}

fn trigger(hub: &Hub, body: &[u8]) -> Result<Value, ApiError> {
    let fast = serde_json::from_slice::<WireEvent<'_>>(body)
        .ok()
        .and_then(|wire| wire.fields(false));
    let event = match fast {
        Some(fields) => check_event(hub.settings(), fields)?,
        None => {
            let object = parse_object(body)?;
            let channels = trigger_channels(&object)?;
            check_event(hub.settings(), event_fields(&object, channels)?)?
        }
    };
    let answer = trigger_answer(hub, &event.channels, &event.info);
    let mut events = Vec::with_capacity(event.channels.len());
    received(event, false, SystemTime::now(), &mut events);
    hub.publish(events);
    Ok(answer)
}

/// The channels of a trigger's body: `channels` (an array of strings) or `channel`, not both.
fn trigger_channels(object: &Map<String, Value>) -> Result<Vec<&str>, ApiError> {
    match (object.get("channels"), object.get("channel")) {
        (Some(_), Some(_)) => Err(bad_request("Give \"channels\" or \"channel\", not both")),
        (Some(Value::Array(list)), None) => list
            .iter()
            .map(|c| {
                c.as_str()
                    .ok_or_else(|| bad_request("\"channels\" must be an array of strings"))
            })
            .collect(),
        (Some(_), None) => Err(bad_request("\"channels\" must be an array of strings")),
        (None, Some(_)) => Ok(vec![
            string_field(object, "channel")?.ok_or_else(|| bad_request("\"channel\" must be a string"))?,
        ]),
        (None, None) => Err(bad_request("Missing \"channels\": the channels to trigger on")),
    }
}

fn batch(hub: &Hub, body: &[u8]) -> Result<Value, ApiError> {
    let fast = serde_json::from_slice::<WireBatch<'_>>(body)
        .ok()
        .and_then(|wire| {
            (!wire.batch.is_empty() && wire.batch.len() <= MAX_BATCH_EVENTS)
                .then(|| {
                    wire.batch
                        .into_iter()
                        .map(|e| e.fields(true))
                        .collect::<Option<Vec<_>>>()
                })
                .flatten()
        });
    let events = match fast {
        Some(events) => events
            .into_iter()
            .enumerate()
            .map(|(i, fields)| check_event(hub.settings(), fields).map_err(|e| in_batch(i, e)))
            .collect::<Result<Vec<_>, _>>()?,
        None => batch_slow(hub, body)?,
    };
    let answer = if events.iter().all(|e| e.info.is_empty()) {
        json!({})
    } else {
        let batch: Vec<Value> = events
            .iter()
            .map(|e| {
                // Each batch event names exactly one channel (checked above).
                let channel = e.channels.first().map_or("", ChannelName::as_str);
                Value::Object(attributes(hub, channel, &e.info))
            })
            .collect();
        json!({ "batch": batch })
    };
    let now = SystemTime::now();
    let mut received_events = Vec::with_capacity(events.len());
    for event in events {
        received(event, true, now, &mut received_events);
    }
    hub.publish(received_events);
    Ok(answer)
}

/// A batch event's refusal, prefixed with its index.
fn in_batch(index: usize, e: ApiError) -> ApiError {
    ApiError::new(e.status, format!("batch[{index}]: {}", e.message))
}

/// A batch's events read from its body as a JSON value: the slow path, which says precisely what
/// is wrong with a body the fast one does not fit.
fn batch_slow(hub: &Hub, body: &[u8]) -> Result<Vec<CheckedEvent>, ApiError> {
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
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let Value::Object(item) = item else {
                return Err(bad_request(format!(
                    "batch[{i}]: each event must be a JSON object"
                )));
            };
            let channel = string_field(item, "channel")
                .map_err(|e| in_batch(i, e))?
                .ok_or_else(|| bad_request(format!("batch[{i}]: missing \"channel\"")))?;
            event_fields(item, vec![channel])
                .and_then(|fields| check_event(hub.settings(), fields))
                .map_err(|e| in_batch(i, e))
        })
        .collect()
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

    /// The fields as the fast path reads them (`None`: it leaves the body to the slow path) and
    /// as the slow path does, in a comparable form.
    type Seen = (Vec<String>, String, String, Option<String>, Option<String>);

    fn seen(fields: EventFields<'_>) -> Seen {
        (
            fields.channels.iter().map(|c| (*c).to_owned()).collect(),
            fields.name.to_owned(),
            fields.data,
            fields.socket_id.map(str::to_owned),
            fields.info.map(str::to_owned),
        )
    }

    fn fast_trigger(body: &str) -> Option<Seen> {
        let wire: WireEvent<'_> = serde_json::from_str(body).ok()?;
        wire.fields(false).map(seen)
    }

    fn slow_trigger(body: &str) -> Result<Seen, String> {
        let object = parse_object(body.as_bytes()).map_err(|e| e.message)?;
        let channels = trigger_channels(&object).map_err(|e| e.message)?;
        event_fields(&object, channels).map(seen).map_err(|e| e.message)
    }

    #[test]
    fn the_fast_path_reads_what_the_slow_path_reads_or_leaves_the_body_to_it() {
        let agreed = [
            r#"{"name":"e","channels":["a","b"],"data":"{\"x\":1}"}"#,
            r#"{"name":"e","channel":"a","data":"d","socket_id":"1.2","info":"user_count"}"#,
            r#"{"data":"d","name":"e","channels":["a"],"socket_id":null,"info":null,"extra":[1,{}]}"#,
            r#"{"name":"e","channels":[],"data":""}"#,
        ];
        for body in agreed {
            let fast = fast_trigger(body).unwrap_or_else(|| panic!("fast path declined {body}"));
            assert_eq!(Ok(fast), slow_trigger(body), "{body}");
        }
        // Each of these the fast path leaves to the slow one, which says what is wrong (or, for an
        // escaped name, reads it).
        let left = [
            (
                r#"{"name":"e","channels":["a"],"channel":"b","data":"d"}"#,
                Err("Give \"channels\" or \"channel\", not both"),
            ),
            (
                r#"{"name":"e","channels":"a","data":"d"}"#,
                Err("\"channels\" must be an array of strings"),
            ),
            (
                r#"{"name":"e","channels":["a"],"data":null}"#,
                Err("\"data\" must be a string (the event data encoded once), got null"),
            ),
            (
                r#"{"name":"e","channels":["a"],"data":{"x":1}}"#,
                Err("\"data\" must be a string (the event data encoded once), got an object"),
            ),
            (
                r#"{"name":"e","channels":["a"]}"#,
                Err("Missing \"data\": the event data, as a string"),
            ),
            (
                r#"{"name":5,"channels":["a"],"data":"d"}"#,
                Err("\"name\" must be a string, got a number"),
            ),
            (r#"{"channels":["a"],"data":"d"}"#, Err("Missing event \"name\"")),
            (
                r#"{"name":"e","data":"d"}"#,
                Err("Missing \"channels\": the channels to trigger on"),
            ),
            (r#"{"name":"e","channels":["a"],"data":"d","name":"f"}"#, Ok("f")),
            (r#"{"name":"\u0065","channels":["a"],"data":"d"}"#, Ok("e")),
        ];
        for (body, slow) in left {
            assert_eq!(fast_trigger(body), None, "{body}");
            let read = slow_trigger(body);
            assert_eq!(
                read.as_ref().map(|seen| seen.1.as_str()).map_err(String::as_str),
                slow,
                "{body}"
            );
        }
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
