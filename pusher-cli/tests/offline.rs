//! The commands that need no server: help, completions, `webhook verify`; and usage errors.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{now_ms, run, run_line};
use pusher_emulator::oracle::webhook_signature;
use serde_json::json;

/// Every command, as `--help` lists it.
const COMMANDS: [&str; 14] = [
    "trigger",
    "batch",
    "channels",
    "channel",
    "users",
    "send-to-user",
    "terminate",
    "notify",
    "auth",
    "auth-server",
    "subscribe",
    "webhook",
    "emulator",
    "completions",
];

#[test]
fn help_lists_every_command_and_each_shows_an_example() {
    let help = run(&["--help"], None);
    help.assert_code(0);
    let listed: Vec<&str> = help
        .stdout
        .lines()
        .skip_while(|line| *line != "Commands:")
        .skip(1)
        .take_while(|line| !line.is_empty())
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .collect();
    assert_eq!(listed, COMMANDS);
    let nested = [
        &["auth", "channel"][..],
        &["auth", "user"],
        &["webhook", "verify"],
        &["webhook", "listen"],
    ];
    let commands = COMMANDS
        .iter()
        .filter(|c| !["auth", "webhook"].contains(c))
        .map(|c| vec![*c])
        .chain(nested.iter().map(|c| c.to_vec()));
    for mut command in commands {
        command.push("--help");
        let help = run(&command, None);
        help.assert_code(0);
        assert!(help.stdout.contains("Example"), "{command:?}: {}", help.stdout);
    }
}

#[test]
fn completions_are_printed_for_a_shell() {
    let bash = run_line("completions bash");
    assert!(bash.ok().contains("_pusher()"), "{bash:?}");
    assert!(bash.stdout.contains("send-to-user"), "{bash:?}");
    run_line("completions tcsh").assert_code(2);
}

#[test]
fn usage_errors_exit_2() {
    for line in [
        "trigger orders",
        "frobnicate",
        "trigger orders --event e --data 1 --data-file f",
        "channels --info members",
        "--url http://k:s@h/apps/1 --app-id 1 channels",
        "trigger orders --event e --data 1 --url http://k:s@h/apps/1",
    ] {
        let finished = run_line(line);
        finished.assert_code(2);
        assert!(finished.stderr.starts_with("error: "), "{line}: {finished:?}");
    }
    let timeout = run_line("--timeout soon channels");
    timeout.assert_code(2);
    assert!(
        timeout
            .stderr
            .contains("must be a whole number with an optional unit ms, s, m or h"),
        "{timeout:?}"
    );
}

/// A webhook body sent now, and its signature with `secret`, made by the emulator's oracle rather
/// than by the library that verifies it.
fn signed(secret: &str, time_ms: u128) -> (String, String) {
    let body = format!(
        r#"{{"time_ms":{time_ms},"events":[{{"name":"member_added","channel":"presence-a","user_id":"7"}},{{"name":"client_event","channel":"private-a","event":"client-x","data":"{{\"y\":1}}","socket_id":"1.2"}}]}}"#
    );
    let signature = webhook_signature(secret, body.as_bytes());
    (body, signature)
}

#[test]
fn webhook_verify_says_valid_and_prints_the_events() {
    let (body, signature) = signed("the-secret", now_ms());
    let signature = format!("X-Pusher-Signature: {signature}");
    let args = [
        "--url",
        "http://the-key:the-secret@h/apps/1",
        "webhook",
        "verify",
        "--header",
        "X-Pusher-Key: the-key",
        "--header",
        &signature,
    ];
    let human = run(&args, Some(&body));
    human.assert_code(0);
    let lines: Vec<&str> = human.stdout.lines().collect();
    assert!(lines[0].starts_with("valid webhook, time_ms "), "{human:?}");
    assert!(lines[0].ends_with(", 2 events"), "{human:?}");
    assert_eq!(
        lines[1..],
        [
            "member_added  presence-a  user_id=7",
            r#"client_event  private-a  data={"y":1}  event=client-x  socket_id=1.2"#
        ]
    );
    let mut with_json = vec!["--json"];
    with_json.extend(args);
    let document = run(&with_json, Some(&body)).json();
    assert_eq!(document["valid"], true);
    assert_eq!(
        document["events"],
        json!([
            {"name": "member_added", "channel": "presence-a", "user_id": "7"},
            {"name": "client_event", "channel": "private-a", "event": "client-x", "data": "{\"y\":1}", "socket_id": "1.2"}
        ])
    );
}

#[test]
fn webhook_verify_says_why_a_webhook_is_invalid_with_exit_5() {
    let url = "http://the-key:the-secret@h/apps/1";
    let (body, signature) = signed("the-secret", now_ms());
    let (stale_body, stale_signature) = signed("the-secret", now_ms() - 3_600_000);
    let (_, wrong_signature) = signed("another-secret", now_ms());
    let file = std::env::temp_dir().join(format!("pusher-cli-webhook-{}.json", std::process::id()));
    std::fs::write(&file, &stale_body).unwrap();
    let cases = [
        (
            "the-key",
            wrong_signature.as_str(),
            Some(body.as_str()),
            "webhook signature does not match the body",
        ),
        (
            "another-key",
            signature.as_str(),
            Some(body.as_str()),
            "webhook key \"another-key\" is not a configured key",
        ),
        (
            "the-key",
            stale_signature.as_str(),
            None,
            "ms from now, outside the accepted 300000 ms",
        ),
        (
            "the-key",
            "zz",
            Some(body.as_str()),
            "webhook signature is not 64 hex digits",
        ),
    ];
    for (key, signature, stdin, reason) in cases {
        let key = format!("X-Pusher-Key: {key}");
        let signature = format!("X-Pusher-Signature: {signature}");
        let mut args = vec![
            "--url", url, "webhook", "verify", "--header", &key, "--header", &signature,
        ];
        if stdin.is_none() {
            args.push(file.to_str().unwrap());
        }
        let finished = run(&args, stdin);
        finished.assert_error(5, reason);
        assert!(
            finished.stderr.starts_with("pusher: error: webhook "),
            "{finished:?}"
        );
        assert!(finished.stdout.is_empty(), "{finished:?}");
    }
    std::fs::remove_file(&file).unwrap();
    let missing = run(&["--url", url, "webhook", "verify"], Some(&body));
    missing.assert_code(5);
    assert_eq!(
        missing.stderr,
        "pusher: error: missing or unreadable header X-Pusher-Key\n"
    );
    let malformed = run(
        &[
            "--url",
            url,
            "webhook",
            "verify",
            "--header",
            "X-Pusher-Key the-key",
        ],
        Some(&body),
    );
    malformed.assert_code(2);
    assert_eq!(
        malformed.stderr,
        "pusher: error: --header \"X-Pusher-Key the-key\": must be \"Name: value\"\n"
    );
}
