//! `auth-server`: a local authorization endpoint for front-end development, answering pusher-js's
//! `channelAuthorization` and `userAuthentication` requests with the app's real secret.

use std::collections::HashMap;

use clap::Args;
use http::{HeaderValue, Method, StatusCode, header};
use pusher::{ChannelName, Pusher};
use serde::Serialize;
use serde_json::value::RawValue;

use super::Context;
use super::auth::{Member, authenticate, authorize};
use crate::failure::Failure;
use crate::http_server::{self, HttpServer, Request, Response};
use crate::input::parse_json;
use crate::output::status;
use crate::until::Until;

/// Where pusher-js posts channel authorizations by default.
const CHANNEL_AUTH_PATH: &str = "/pusher/auth";

/// Where pusher-js posts user authentications by default.
const USER_AUTH_PATH: &str = "/pusher/user-auth";

/// Serve a local authorization endpoint for pusher-js, signing with the app's secret
#[derive(Args)]
#[command(after_help = "\
pusher-js posts form fields (socket_id, channel_name and any extra params) to
http://127.0.0.1:PORT/pusher/auth for channels and to /pusher/user-auth for user sign-ins.
A user_id param (and a user_info param, JSON) in the request names the user; else --user-id.
Each decision is printed as it is made. Only requests from this machine reach it, but any page
open in its browser can: keep --allow to the channels you work on.

Example:
  pusher auth-server --port 8080 --user-id 42 --allow 'private-*' --allow 'presence-room-*'
  # in the page: new Pusher(key, { channelAuthorization: { endpoint: \"http://127.0.0.1:8080/pusher/auth\" },
  #                                userAuthentication: { endpoint: \"http://127.0.0.1:8080/pusher/user-auth\" } })")]
pub(crate) struct AuthServerArgs {
    /// Listen on 127.0.0.1:PORT (default: a free port, printed at start)
    #[arg(long, default_value_t = 0)]
    port: u16,

    /// Authorize only channels matching one of these patterns, where * matches any characters
    /// (default: every channel)
    #[arg(long = "allow", value_name = "PATTERN")]
    allow: Vec<String>,

    /// The user id of presence members and sign-ins when a request gives no user_id param
    #[arg(long, value_name = "USER_ID")]
    user_id: Option<String>,

    /// Public information about that user, JSON, when a request gives no user_info param
    #[arg(long, value_name = "JSON", value_parser = parse_json)]
    user_info: Option<Box<RawValue>>,

    /// The Access-Control-Allow-Origin of every answer, for pages served from another origin
    #[arg(long, value_name = "ORIGIN", default_value = "*")]
    allow_origin: String,
}

/// One decision, as it is printed.
#[derive(Debug, Serialize)]
struct Decision {
    allowed: bool,
    /// What was asked for: a channel authorization, or a user sign-in.
    #[serde(skip_serializing_if = "Option::is_none")]
    channel: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    socket_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

impl Decision {
    /// `allowed  channel private-orders  socket 1.2`, `refused  user 42  socket 1.2: why`.
    fn line(&self) -> String {
        let mut line = String::from(if self.allowed { "allowed" } else { "refused" });
        if let Some(channel) = &self.channel {
            line.push_str(&format!("  channel {channel}"));
        }
        if let Some(user) = &self.user_id {
            line.push_str(&format!("  user {user}"));
        }
        if let Some(socket) = &self.socket_id {
            line.push_str(&format!("  socket {socket}"));
        }
        if let Some(reason) = &self.reason {
            line.push_str(&format!(": {reason}"));
        }
        line
    }
}

impl AuthServerArgs {
    pub(crate) async fn run(self, context: &Context<'_>) -> Result<(), Failure> {
        let pusher = context.pusher()?;
        let allow_origin = HeaderValue::from_str(&self.allow_origin).map_err(|_| {
            Failure::invalid(format!(
                "--allow-origin {:?} is not a valid header value (visible ASCII)",
                self.allow_origin
            ))
        })?;
        let mut server = HttpServer::bind(self.port).await?;
        let url = server.url();
        status(&format!(
            "authorizing at {url}{CHANNEL_AUTH_PATH} (channels) and {url}{USER_AUTH_PATH} (user sign-ins); \
             Ctrl-C stops it"
        ));
        let result = self.serve(context, &pusher, &mut server, &allow_origin).await;
        server.finish().await;
        result
    }

    /// Answers requests until interrupted or `--timeout`.
    async fn serve(
        &self,
        context: &Context<'_>,
        pusher: &Pusher,
        server: &mut HttpServer,
        allow_origin: &HeaderValue,
    ) -> Result<(), Failure> {
        Until::new(context.timeout, None)
            .run("requests", async |_| {
                let exchange = server.next().await;
                let (mut response, decision) = self.answer(pusher, &exchange.request);
                response
                    .headers_mut()
                    .insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin.clone());
                exchange.answer(response);
                match decision {
                    Some(decision) => context.output.show(&decision, || decision.line()),
                    None => Ok(()),
                }
            })
            .await
    }

    /// The answer to `request`, and the decision made, if the request asked for one.
    fn answer(&self, pusher: &Pusher, request: &Request) -> (Response, Option<Decision>) {
        if request.method() == Method::OPTIONS {
            return (preflight(request), None);
        }
        let path = request.uri().path();
        if path != CHANNEL_AUTH_PATH && path != USER_AUTH_PATH {
            let message = format!("not found: POST to {CHANNEL_AUTH_PATH} or {USER_AUTH_PATH}");
            return (http_server::text(StatusCode::NOT_FOUND, message), None);
        }
        if request.method() != Method::POST {
            let message = format!("{path} takes POST, not {}", request.method());
            return (http_server::text(StatusCode::METHOD_NOT_ALLOWED, message), None);
        }
        let mut form: HashMap<String, String> = HashMap::new();
        for (name, value) in form_urlencoded::parse(request.body()).into_owned() {
            form.entry(name).or_insert(value); // the first value of a repeated field wins
        }
        let param = |name: &str| form.get(name).map(String::as_str);
        let socket_id = param("socket_id");
        // A channel authorization names a channel; a user authentication does not.
        let channel = param("channel_name").filter(|_| path == CHANNEL_AUTH_PATH);
        let presence = channel
            .and_then(|channel| ChannelName::try_from(channel).ok())
            .is_some_and(|channel| channel.is_presence());
        // A user is named for a presence channel or a sign-in, by the request, else by --user-id.
        let user_id = param("user_id")
            .or(self.user_id.as_deref())
            .filter(|_| presence || path == USER_AUTH_PATH);
        let signed = self.sign(pusher, path, socket_id, channel, user_id, param("user_info"));
        let (response, reason) = match signed {
            Ok(json) => (http_server::json(StatusCode::OK, json), None),
            Err(reason) => (
                http_server::text(StatusCode::FORBIDDEN, reason.clone()),
                Some(reason),
            ),
        };
        let owned = |value: Option<&str>| value.map(str::to_owned);
        let decision = Decision {
            allowed: reason.is_none(),
            channel: owned(channel),
            user_id: owned(user_id),
            socket_id: owned(socket_id),
            reason,
        };
        (response, Some(decision))
    }

    /// The JSON answer to a channel authorization or a user authentication (by the `path` asked),
    /// or why it is refused.
    fn sign(
        &self,
        pusher: &Pusher,
        path: &str,
        socket_id: Option<&str>,
        channel: Option<&str>,
        user_id: Option<&str>,
        user_info: Option<&str>,
    ) -> Result<String, String> {
        let socket_id = socket_id.ok_or("no socket_id field")?;
        let info = match user_id {
            Some(_) => self.user_info(user_info)?,
            None => None,
        };
        let member = user_id.map(|id| Member {
            id,
            info: info.as_deref(),
        });
        let how_to_name_a_user = "start auth-server with --user-id, or send a user_id param";
        let signed = if path == CHANNEL_AUTH_PATH {
            let channel = channel.ok_or("no channel_name field")?;
            if !self.allow.is_empty() && !self.allow.iter().any(|pattern| matches(pattern, channel)) {
                return Err(format!("matches no --allow pattern ({})", self.allow.join(", ")));
            }
            authorize(pusher, socket_id, channel, member, how_to_name_a_user).and_then(|auth| to_json(&auth))
        } else {
            let member = member.ok_or_else(|| format!("no user id: {how_to_name_a_user}"))?;
            authenticate(pusher, socket_id, member).and_then(|auth| to_json(&auth))
        };
        signed.map_err(|failure| failure.to_string())
    }

    /// The user info of a request's `user_info` param, else `--user-info`.
    fn user_info(&self, param: Option<&str>) -> Result<Option<Box<RawValue>>, String> {
        match param {
            Some(text) => parse_json(text)
                .map(Some)
                .map_err(|e| format!("the user_info field is {e}")),
            None => Ok(self.user_info.clone()),
        }
    }
}

/// `value` as the JSON body of an answer.
fn to_json(value: &impl Serialize) -> Result<String, Failure> {
    serde_json::to_string(value)
        .map_err(|e| Failure::invalid(format!("cannot write the answer as JSON: {e}")))
}

/// The answer to a CORS preflight: POST, with the headers asked for.
fn preflight(request: &Request) -> Response {
    let mut response = http_server::empty(StatusCode::NO_CONTENT);
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST, OPTIONS"),
    );
    let asked = request
        .headers()
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .cloned()
        .unwrap_or_else(|| HeaderValue::from_static("Content-Type"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked);
    response
}

/// Whether `name` matches `pattern`, where `*` matches any run of characters (none included).
fn matches(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_with_stars() {
        for (pattern, name, expected) in [
            ("private-orders", "private-orders", true),
            ("private-orders", "private-orders-2", false),
            ("private-*", "private-orders", true),
            ("private-*", "private-", true),
            ("private-*", "presence-orders", false),
            ("*-orders", "private-orders", true),
            ("*", "anything", true),
            ("presence-*-room-*", "presence-a-room-b", true),
            ("presence-*-room-*", "presence-a-hall-b", false),
            ("a*a", "a", false),
            ("a*a", "aa", true),
            ("*ab*ab", "xabyab", true),
            ("*ab*ab", "xab", false),
        ] {
            assert_eq!(matches(pattern, name), expected, "{pattern} ~ {name}");
        }
    }

    #[test]
    fn decisions_read_as_one_line() {
        let decision = Decision {
            allowed: false,
            channel: Some("private-admin".to_owned()),
            user_id: None,
            socket_id: Some("1.2".to_owned()),
            reason: Some("matches no --allow pattern (private-orders)".to_owned()),
        };
        assert_eq!(
            decision.line(),
            "refused  channel private-admin  socket 1.2: matches no --allow pattern (private-orders)"
        );
    }
}
