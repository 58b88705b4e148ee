//! The emulator's HTTP API: `pusher_emulator::fuzzing::http_api`, which answers one request with
//! a status and must never panic, whatever the method, path, query and body.
//!
//! Two forms of input:
//!
//! - `Raw`: a request as text: the method, a space, the path and query, a line feed, then the
//!   body. The answer must be a status a server may send, 100 to 599. Seeds: four zero bytes, then
//!   such a request.
//! - `Signed`: a method, a path (most often one of the API's), parameters and a body, signed with
//!   the credentials of the fuzzing emulator (`fuzzing::KEY`, `fuzzing::SECRET`) at the current
//!   time, as pusher-core signs (PROTOCOL §2), so that requests get past authentication to the
//!   handlers. Unless a parameter is one the signature adds itself, the emulator must not refuse
//!   the signature: signing and checking agree. Seeds: `00 00 00 80`, the method and the path
//!   (four bytes each), a zero byte (no parameter), then a body.

#![no_main]

use std::time::{SystemTime, UNIX_EPOCH};

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use pusher_core::request::encode_path;
use pusher_core::signing::{SigningInput, sign_request};
use pusher_emulator::fuzzing::{self, APP_ID, KEY, SECRET};

#[derive(Arbitrary, Debug)]
enum Input<'a> {
    Raw(&'a [u8]),
    Signed {
        method: Method<'a>,
        path: Path<'a>,
        params: Vec<(Param<'a>, &'a str)>,
        body: &'a [u8],
    },
}

#[derive(Arbitrary, Debug)]
enum Method<'a> {
    Get,
    Post,
    Put,
    Delete,
    Other(&'a str),
}

/// A path of the API (for the fuzzing app) or any other.
#[derive(Arbitrary, Debug)]
enum Path<'a> {
    Events,
    BatchEvents,
    Channels,
    Channel(&'a str),
    ChannelUsers(&'a str),
    TerminateConnections(&'a str),
    Other(&'a str),
}

#[derive(Arbitrary, Debug)]
enum Param<'a> {
    Info,
    FilterByPrefix,
    Other(&'a str),
}

fuzz_target!(|input: Input<'_>| match input {
    Input::Raw(data) => {
        let (line, body) = match data.iter().position(|&b| b == b'\n') {
            Some(end) => (&data[..end], &data[end + 1..]),
            None => (data, &[][..]),
        };
        let Ok(line) = std::str::from_utf8(line) else {
            return;
        };
        let (method, path_and_query) = line.split_once(' ').unwrap_or((line, ""));
        answer(method, path_and_query, body);
    }
    Input::Signed {
        method,
        path,
        params,
        body,
    } => {
        let method = match method {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Other(method) => method,
        };
        let path = match path {
            Path::Events => format!("/apps/{APP_ID}/events"),
            Path::BatchEvents => format!("/apps/{APP_ID}/batch_events"),
            Path::Channels => format!("/apps/{APP_ID}/channels"),
            Path::Channel(channel) => format!("/apps/{APP_ID}/channels/{channel}"),
            Path::ChannelUsers(channel) => format!("/apps/{APP_ID}/channels/{channel}/users"),
            Path::TerminateConnections(user) => format!("/apps/{APP_ID}/users/{user}/terminate_connections"),
            Path::Other(path) => path.to_owned(),
        };
        let params: Vec<(&str, &str)> = params
            .iter()
            .map(|(name, value)| {
                let name = match name {
                    Param::Info => "info",
                    Param::FilterByPrefix => "filter_by_prefix",
                    Param::Other(name) => name,
                };
                (name, *value)
            })
            .collect();
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("the clock reads after 1970")
            .as_secs();
        let signed = sign_request(
            KEY,
            SECRET,
            &SigningInput {
                method,
                path: &path,
                params: &params,
                body,
                timestamp,
            },
        );
        let path_and_query = format!("{}?{}", encode_path(&path), signed.to_query_string());
        let status = answer(method, &path_and_query, body);
        // Parameters the signature does not add itself, each once, named as signed (lower case):
        // the signature the emulator checks is the one made here.
        let plain = |name: &str| {
            !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                && !name.starts_with("auth_")
                && name != "body_md5"
        };
        let mut names: Vec<&str> = params.iter().map(|(name, _)| *name).collect();
        names.sort_unstable();
        let distinct = names.windows(2).all(|pair| pair[0] != pair[1]);
        let readable = method.bytes().all(|b| b.is_ascii_uppercase()) && path.starts_with('/');
        if readable && distinct && names.iter().all(|name| plain(name)) {
            assert_ne!(
                status, 401,
                "a request signed with the emulator's own credentials was refused: {method} {path_and_query}"
            );
        }
    }
});

/// Asks the emulator, which must answer a status from 100 to 599.
fn answer(method: &str, path_and_query: &str, body: &[u8]) -> u16 {
    let status = fuzzing::http_api(method, path_and_query, body);
    assert!(
        (100..=599).contains(&status),
        "{method:?} {path_and_query:?} answered with status {status}"
    );
    status
}
