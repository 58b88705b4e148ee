//! The commands that run until interrupted, as processes: `subscribe`, `auth-server`,
//! `webhook listen` and `emulator`, against an emulator and one another; and `auth`, which signs
//! what they sign.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{RUN_FOR, Running, emulator, free_port, http, json_line, run, run_line};
use pusher_core::auth::{PresenceMember, authenticate_user, authorize_channel, authorize_presence_channel};
use pusher_emulator::Emulator;
use serde_json::value::RawValue;
use serde_json::{Value, json};

/// A master key for encrypted channels, base64 of 32 bytes.
const MASTER_KEY: &str = "T1RrNU9UazVPVGs1T1RrNU9UazVPVGs1T1RrNU9UazU=";

/// The next line of `running`'s stdout, as JSON.
fn json_from(running: &mut Running) -> Value {
    serde_json::from_str(&running.stdout_line()).unwrap()
}

#[test]
fn an_event_triggered_in_one_process_is_printed_by_subscribe_in_another() {
    let emulator = emulator();
    let url = emulator.pusher_url();
    let mut subscriber = Running::spawn_line(&format!(
        "--url {url} --timeout {RUN_FOR} subscribe orders private-invoices --count 2"
    ));
    subscriber.stderr_line_with("subscribed to orders");
    subscriber.stderr_line_with("subscribed to private-invoices");
    subscriber.stderr_line_with("watching");
    let trigger = |channel: &str, event: &str, data: &str| {
        run(
            &[
                "--url", &url, "trigger", channel, "--event", event, "--data", data,
            ],
            None,
        )
        .assert_code(0);
    };
    trigger("orders", "created", r#"{"id": 1}"#);
    assert_eq!(subscriber.stdout_line(), r#"orders  created  {"id": 1}"#);
    trigger("private-invoices", "paid", "{\n\"id\": 2\n}");
    let finished = subscriber.finish();
    assert_eq!(
        finished.ok(),
        "orders  created  {\"id\": 1}\nprivate-invoices  paid  \"{\\n\\\"id\\\": 2\\n}\"\n"
    );
}

#[test]
fn subscribe_prints_json_lines_decrypts_and_shows_presence_members() {
    let emulator = emulator();
    let url = emulator.pusher_url();
    let mut watcher = Running::spawn(&[
        "--url",
        &url,
        "--encryption-master-key",
        MASTER_KEY,
        "--timeout",
        RUN_FOR,
        "--json",
        "subscribe",
        "private-encrypted-orders",
        "presence-room",
        "--user-id",
        "ada",
        "--user-info",
        r#"{"name": "Ada"}"#,
    ]);
    let joined = watcher.stderr_line_with("subscribed to presence-room");
    assert_eq!(
        joined,
        "pusher: subscribed to presence-room as user ada; 1 members: ada"
    );
    watcher.stderr_line_with("watching");
    let secret = r#"{"pin": 1234}"#;
    let encrypted =
        format!("--url {url} --encryption-master-key {MASTER_KEY} trigger private-encrypted-orders");
    let mut args: Vec<&str> = encrypted.split_whitespace().collect();
    args.extend(["--event", "secret", "--data", secret]);
    run(&args, None).assert_code(0);
    assert!(!emulator.events()[0].data.contains("1234"), "sent encrypted");
    assert_eq!(
        json_from(&mut watcher),
        json!({"channel": "private-encrypted-orders", "event": "secret", "data": secret})
    );
    let mut bob = Running::spawn_line(&format!(
        "--url {url} --timeout {RUN_FOR} subscribe presence-room --user-id bob"
    ));
    bob.stderr_line_with("watching");
    assert_eq!(
        json_from(&mut watcher),
        json!({"channel": "presence-room", "event": "pusher_internal:member_added", "data": r#"{"user_id":"bob"}"#})
    );
    drop(bob);
    assert_eq!(json_from(&mut watcher)["event"], "pusher_internal:member_removed");
}

#[test]
fn subscribe_stops_at_the_timeout_and_fails_when_the_count_is_not_reached() {
    let emulator = emulator();
    let url = emulator.pusher_url();
    assert_eq!(
        run_line(&format!("--url {url} --timeout 1s subscribe orders")).ok(),
        ""
    );
    run_line(&format!("--url {url} --timeout 1s subscribe orders --count 1")).assert_error(
        4,
        "pusher: error: timed out after 1s with 0 of the 1 events asked for with --count",
    );
}

#[test]
fn subscribe_refuses_what_it_cannot_join() {
    let emulator = emulator();
    let url = emulator.pusher_url();
    run(&["--url", &url, "subscribe", "orders", "a b"], None).assert_error(2, "invalid channel name \"a b\"");
    run_line(&format!("--url {url} subscribe private-encrypted-a"))
        .assert_error(2, "no encryption master key is configured");
    run_line(&format!("--url {url} subscribe #server-to-user-1")).assert_error(
        2,
        "#server-to-user-1 is reached by signing in: use --user-id instead",
    );
    let wrong = url.replace("the-secret", "wrong");
    run_line(&format!("--url {wrong} subscribe private-a"))
        .assert_error(3, "the server refused: subscription to private-a rejected");
    let closed = free_port();
    run_line(&format!(
        "--url http://k:s@127.0.0.1:{closed}/apps/1 subscribe orders"
    ))
    .assert_error(4, "cannot connect");
}

#[test]
fn auth_channel_and_auth_user_print_what_the_library_signs() {
    let emulator = emulator();
    let url = emulator.pusher_url();
    let config = emulator.config();
    let socket = "1.2".parse().unwrap();
    let private = run_line(&format!(
        "--url {url} auth channel --socket-id 1.2 --channel private-a"
    ));
    let expected = authorize_channel(&config, &socket, &"private-a".parse().unwrap()).unwrap();
    assert_eq!(private.ok(), json_line(&expected));

    let info = r#"{"name": "Ann"}"#;
    let presence = format!("--url {url} auth channel --socket-id 1.2 --channel presence-a --user-id 7");
    let mut args: Vec<&str> = presence.split_whitespace().collect();
    args.extend(["--user-info", info]);
    let member = PresenceMember::new("7".parse().unwrap())
        .user_info(&RawValue::from_string(info.to_owned()).unwrap())
        .unwrap();
    let expected =
        authorize_presence_channel(&config, &socket, &"presence-a".parse().unwrap(), &member).unwrap();
    assert_eq!(run(&args, None).ok(), json_line(&expected));

    let user_data = r#"{"id": "7"}"#;
    let user = run(
        &[
            "--url",
            &url,
            "auth",
            "user",
            "--socket-id",
            "1.2",
            "--user-data",
            user_data,
        ],
        None,
    );
    let expected = authenticate_user(
        &config,
        &socket,
        &RawValue::from_string(user_data.to_owned()).unwrap(),
    )
    .unwrap();
    assert_eq!(user.ok(), json_line(&expected));

    let auth_channel = format!("--url {url} auth channel --socket-id");
    run_line(&format!("{auth_channel} 1.2 --channel presence-a")).assert_error(
        2,
        "channel \"presence-a\" is a presence channel: it needs a user id (--user-id)",
    );
    run_line(&format!("{auth_channel} 1.2 --channel orders"))
        .assert_error(2, "channel \"orders\" cannot be authorized");
    run_line(&format!("{auth_channel} 1.2:x --channel private-a"))
        .assert_error(2, "invalid socket id \"1.2:x\"");
}

/// A form-encoded POST as pusher-js sends it.
fn pusher_js_post(port: u16, path: &str, form: &str) -> common::Answer {
    let headers = [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Origin", "http://localhost:3000"),
    ];
    http(port, "POST", path, &headers, form)
}

#[test]
fn auth_server_answers_pusher_js_and_refuses_channels_outside_allow() {
    let emulator = emulator();
    let url = emulator.pusher_url();
    let config = emulator.config();
    let port = free_port();
    let mut server = Running::spawn_line(&format!(
        "--url {url} --timeout {RUN_FOR} auth-server --port {port} --user-id 42 --allow private-* --allow presence-room"
    ));
    server.stderr_line_with("authorizing at");
    let socket = "123.456".parse().unwrap();

    let allowed = pusher_js_post(
        port,
        "/pusher/auth",
        "socket_id=123.456&channel_name=private-orders&extra=1",
    );
    assert_eq!(
        (allowed.status, allowed.header("content-type")),
        (200, Some("application/json"))
    );
    assert_eq!(allowed.header("access-control-allow-origin"), Some("*"));
    let expected = authorize_channel(&config, &socket, &"private-orders".parse().unwrap()).unwrap();
    assert_eq!(format!("{}\n", allowed.body), json_line(&expected));
    assert_eq!(
        server.stdout_line(),
        "allowed  channel private-orders  socket 123.456"
    );

    let refused = pusher_js_post(
        port,
        "/pusher/auth",
        "socket_id=123.456&channel_name=presence-lobby",
    );
    let why = "matches no --allow pattern (private-*, presence-room)";
    assert_eq!((refused.status, refused.body.as_str()), (403, why));
    assert_eq!(
        server.stdout_line(),
        format!("refused  channel presence-lobby  user 42  socket 123.456: {why}")
    );

    let presence = pusher_js_post(
        port,
        "/pusher/auth",
        "socket_id=123.456&channel_name=presence-room&user_id=ann",
    );
    let member = PresenceMember::new("ann".parse().unwrap());
    let expected =
        authorize_presence_channel(&config, &socket, &"presence-room".parse().unwrap(), &member).unwrap();
    assert_eq!(
        (presence.status, format!("{}\n", presence.body)),
        (200, json_line(&expected))
    );
    assert_eq!(
        server.stdout_line(),
        "allowed  channel presence-room  user ann  socket 123.456"
    );

    let user = pusher_js_post(port, "/pusher/user-auth", "socket_id=123.456");
    assert_eq!(user.status, 200);
    let body: Value = serde_json::from_str(&user.body).unwrap();
    assert_eq!(body["user_data"], r#"{"id":"42"}"#);
    assert_eq!(server.stdout_line(), "allowed  user 42  socket 123.456");

    let no_channel = pusher_js_post(port, "/pusher/auth", "socket_id=123.456");
    assert_eq!(
        (no_channel.status, no_channel.body.as_str()),
        (403, "no channel_name field")
    );
    assert_eq!(
        server.stdout_line(),
        "refused  socket 123.456: no channel_name field"
    );

    let injected = pusher_js_post(
        port,
        "/pusher/auth",
        "socket_id=1.2%3Aevil&channel_name=private-orders",
    );
    assert_eq!(injected.status, 403);
    assert!(
        injected.body.contains("invalid socket id \"1.2:evil\""),
        "{injected:?}"
    );
    let logged = server.stdout_line();
    assert!(
        logged.starts_with("refused  channel private-orders  socket 1.2:evil: invalid socket id"),
        "{logged}"
    );

    let preflight = http(
        port,
        "OPTIONS",
        "/pusher/auth",
        &[("Access-Control-Request-Headers", "x-token")],
        "",
    );
    assert_eq!(
        (preflight.status, preflight.header("access-control-allow-headers")),
        (204, Some("x-token"))
    );
    assert_eq!(http(port, "POST", "/elsewhere", &[], "").status, 404);
    assert_eq!(http(port, "GET", "/pusher/auth", &[], "").status, 405);
}

#[test]
fn auth_server_signs_what_the_server_accepts() {
    let emulator = emulator();
    let url = emulator.pusher_url();
    let port = free_port();
    let mut server = Running::spawn_line(&format!(
        "--url {url} --timeout {RUN_FOR} --json auth-server --port {port}"
    ));
    server.stderr_line_with("authorizing at");
    // A browser's connection, authorized through the auth server.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut browser = pusher_emulator::Subscriber::connect(&emulator.ws_url())
            .await
            .unwrap();
        let form = format!("socket_id={}&channel_name=private-orders", browser.socket_id());
        let answer = pusher_js_post(port, "/pusher/auth", &form);
        let auth: Value = serde_json::from_str(&answer.body).unwrap();
        browser
            .subscribe_with_auth("private-orders", auth["auth"].as_str().unwrap(), None)
            .await
            .unwrap();
    });
    let decision = json_from(&mut server);
    assert_eq!(
        (&decision["allowed"], &decision["channel"]),
        (&json!(true), &json!("private-orders"))
    );
}

#[test]
fn webhook_listen_verifies_the_emulators_webhooks_and_prints_their_events() {
    let port = free_port();
    let app = "--url http://the-key:the-secret@127.0.0.1:9/apps/1";
    let mut listener = Running::spawn_line(&format!(
        "{app} --timeout {RUN_FOR} webhook listen --port {port} --count 3"
    ));
    listener.stderr_line_with("listening for webhooks at");
    let emulator = Emulator::builder()
        .app_id("1")
        .key("the-key")
        .secret("the-secret")
        .webhook_url(format!("http://127.0.0.1:{port}/"))
        .start_blocking()
        .unwrap();
    let url = emulator.pusher_url();
    let mut member = Running::spawn_line(&format!(
        "--url {url} --timeout {RUN_FOR} subscribe presence-room --user-id 7"
    ));
    member.stderr_line_with("watching");
    let finished = listener.finish();
    let mut lines: Vec<&str> = finished.ok().lines().collect();
    lines.sort_unstable();
    assert_eq!(
        lines,
        [
            "channel_occupied  #server-to-user-7",
            "channel_occupied  presence-room",
            "member_added  presence-room  user_id=7"
        ]
    );
}

#[test]
fn webhook_listen_refuses_what_does_not_verify() {
    let port = free_port();
    let app = "--url http://the-key:the-secret@127.0.0.1:9/apps/1";
    let mut listener = Running::spawn_line(&format!(
        "{app} --timeout {RUN_FOR} --json webhook listen --port {port} --count 1"
    ));
    listener.stderr_line_with("listening for webhooks at");
    let body = format!(
        r#"{{"time_ms":{},"events":[{{"name":"channel_vacated","channel":"orders"}}]}}"#,
        common::now_ms()
    );
    let zeros = "0".repeat(64);
    let wrong = http(
        port,
        "POST",
        "/",
        &[("X-Pusher-Key", "the-key"), ("X-Pusher-Signature", &zeros)],
        &body,
    );
    assert_eq!(
        (wrong.status, wrong.body.as_str()),
        (401, "webhook signature does not match the body")
    );
    listener.stderr_line_with("pusher: refused a webhook: webhook signature does not match the body");
    // Signed by the emulator's oracle, not by the library that verifies it.
    let signature = pusher_emulator::oracle::webhook_signature("the-secret", body.as_bytes());
    let headers = [
        ("X-Pusher-Key", "the-key"),
        ("X-Pusher-Signature", signature.as_str()),
    ];
    assert_eq!(http(port, "POST", "/hook", &headers, &body).status, 200);
    let event = listener.finish().json();
    assert_eq!(
        (&event["name"], &event["channel"]),
        (&json!("channel_vacated"), &json!("orders"))
    );
    assert!(event["time_ms"].is_u64(), "{event}");
}

#[test]
fn the_emulator_command_prints_a_pusher_url_the_other_commands_use() {
    let port = free_port();
    let mut server = Running::spawn_line(&format!(
        "--timeout {RUN_FOR} emulator --port {port} --app-id 5 --key k --secret s --quiet"
    ));
    let url_line = server.stdout_line();
    assert_eq!(url_line, format!("PUSHER_URL=http://k:s@127.0.0.1:{port}/apps/5"));
    assert_eq!(
        server.stdout_line(),
        format!("PUSHER_WS_URL=ws://127.0.0.1:{port}/app/k?protocol=7")
    );
    let url = url_line.trim_start_matches("PUSHER_URL=");
    let mut subscriber = Running::spawn_line(&format!(
        "--url {url} --timeout {RUN_FOR} subscribe orders --count 1"
    ));
    subscriber.stderr_line_with("watching");
    run_line(&format!("--url {url} trigger orders --event e --data []")).assert_code(0);
    assert_eq!(subscriber.finish().ok(), "orders  e  []\n");

    run_line("emulator --app-id x")
        .assert_error(2, "invalid emulator setting: app id \"x\" must be decimal digits");
}
