//! What a new user sees when a call fails: the `trigger` example, whose `main` returns the error
//! with `?`, run as a program against a server that refuses it and against no server at all. The
//! line it prints must say what went wrong in words, and never hold a secret or a signed query.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a panic is a failure

use std::path::PathBuf;
use std::process::Command;

use pusher_emulator::Emulator;

/// The `trigger` example's binary, built beside this test by `cargo test` (examples are built
/// with the tests).
fn trigger_example() -> PathBuf {
    let deps = std::env::current_exe().unwrap();
    let profile_dir = deps.parent().and_then(|d| d.parent()).unwrap();
    let example = profile_dir
        .join("examples")
        .join(format!("trigger{}", std::env::consts::EXE_SUFFIX));
    assert!(
        example.exists(),
        "{} is missing: build the examples with the tests (`cargo test -p pusher`)",
        example.display()
    );
    example
}

/// Runs the example with `PUSHER_URL=url`; it must fail, and print one `Error: ...` line.
fn failing_line(url: &str) -> String {
    let output = Command::new(trigger_example())
        .env("PUSHER_URL", url)
        .output()
        .unwrap();
    assert!(!output.status.success(), "the example succeeded against {url}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line, not {stderr:?}");
    assert!(lines[0].starts_with("Error: "), "{stderr:?}");
    lines[0].to_owned()
}

fn assert_none_of(line: &str, hidden: &[&str]) {
    for hidden in hidden {
        assert!(!line.contains(hidden), "{hidden:?} in {line:?}");
    }
}

#[test]
fn a_refused_trigger_prints_the_servers_reason_as_text() {
    let emulator = Emulator::start_blocking().unwrap();
    let secret = "not-the-apps-secret";
    let url = format!(
        "http://{}:{secret}@{}/apps/{}",
        emulator.key(),
        emulator.addr(),
        emulator.app_id()
    );
    let line = failing_line(&url);
    assert!(
        line.starts_with("Error: Response(ResponseError { kind: Unauthorized"),
        "{line}"
    );
    assert!(
        line.contains("Invalid signature"),
        "the server's reason, as text: {line}"
    );
    assert!(!line.contains("[73, "), "the body as bytes: {line}");
    // The server's own explanation quotes the string it expected to be signed (no signature in
    // it), as Pusher's does: that is what makes it actionable.
    assert_none_of(&line, &[secret, "auth_signature="]);
}

#[test]
fn a_refused_connection_says_where_in_words() {
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let secret = "the-apps-secret";
    let line = failing_line(&format!("http://key:{secret}@{dead}/apps/1"));
    assert!(
        line.starts_with("Error: Transport(TransportError { kind: Connect"),
        "{line}"
    );
    assert!(
        line.contains(&format!("connecting to {dead} failed: connection refused")),
        "{line}"
    );
    assert_none_of(&line, &[secret, "auth_signature=", "body_md5=", "auth_key="]);
}
