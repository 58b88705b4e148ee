//! The emulator's HTTP API: `pusher_emulator::fuzzing::http_api`, which answers one request with
//! a status and must never panic, whatever the method, path, query and body.
//!
//! The input is a request as text: the method, a space, the path and query, a line feed, then the
//! body (no line feed: an empty body). Seeds are such requests, signed as pusher-core signs them.
//! The answer must be a status a server may send: 100 to 599.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (line, body) = match data.iter().position(|&b| b == b'\n') {
        Some(end) => (&data[..end], &data[end + 1..]),
        None => (data, &[][..]),
    };
    let Ok(line) = std::str::from_utf8(line) else {
        return;
    };
    let (method, path_and_query) = line.split_once(' ').unwrap_or((line, ""));
    let status = pusher_emulator::fuzzing::http_api(method, path_and_query, body);
    assert!(
        (100..=599).contains(&status),
        "{method:?} {path_and_query:?} answered with status {status}"
    );
});
