//! The commands that call the HTTP API, run as processes against an emulator: what they send,
//! what they print, and their exit codes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

use common::{RUN_FOR, Running, emulator, free_port, run, run_line};
use serde_json::json;

/// What the emulator received: channel, name and data of each event.
fn received(emulator: &pusher_emulator::Emulator) -> Vec<(String, String, String)> {
    emulator
        .events()
        .iter()
        .map(|e| (e.channel.clone(), e.name.clone(), e.data.clone()))
        .collect()
}

/// `(channel, name, data)` as [`received`] gives it.
fn event(channel: &str, name: &str, data: &str) -> (String, String, String) {
    (channel.to_owned(), name.to_owned(), data.to_owned())
}

#[test]
fn trigger_sends_the_data_as_given_and_prints_the_answer() {
    let emulator = emulator();
    let url = emulator.pusher_url();
    let data = r#"{"id": 1}"#;
    let finished = run(
        &[
            "--url", &url, "trigger", "orders", "invoices", "--event", "created", "--data", data,
        ],
        None,
    );
    assert_eq!(finished.ok(), "triggered \"created\" on orders, invoices\n");
    assert_eq!(
        received(&emulator),
        [
            event("orders", "created", data),
            event("invoices", "created", data)
        ]
    );
    let json = run_line(&format!("--json --url {url} trigger orders --event e --data 1"));
    assert_eq!(json.ok(), "{\"channels\":{}}\n");
}

#[test]
fn trigger_takes_data_from_a_file_or_stdin_and_asks_for_info() {
    let emulator = emulator();
    let url = emulator.pusher_url();
    let file = std::env::temp_dir().join(format!("pusher-cli-data-{}.json", std::process::id()));
    std::fs::write(&file, "[1, 2]\n").unwrap();
    let from_file = run_line(&format!(
        "--url {url} trigger orders --event from-file --data-file {}",
        file.display()
    ));
    std::fs::remove_file(&file).unwrap();
    from_file.assert_code(0);
    let line =
        format!("--url {url} trigger orders --event from-stdin --socket-id 1.2 --info subscription_count");
    let args: Vec<&str> = line.split_whitespace().collect();
    let piped = run(&args, Some("\"text\"\n"));
    assert_eq!(
        piped.ok(),
        "triggered \"from-stdin\" on orders\nCHANNEL  SUBSCRIPTION_COUNT\norders   0\n"
    );
    assert_eq!(
        received(&emulator),
        [
            event("orders", "from-file", "[1, 2]"),
            event("orders", "from-stdin", "\"text\"")
        ]
    );
    assert_eq!(
        emulator.events().last().unwrap().socket_id.as_deref(),
        Some("1.2")
    );
}

#[test]
fn invalid_input_exits_2_and_sends_nothing() {
    let emulator = emulator();
    let url = emulator.pusher_url();
    let trigger = |channel: &str, data: &str| {
        run(
            &[
                "--url", &url, "trigger", "orders", channel, "--event", "e", "--data", data,
            ],
            None,
        )
    };
    let bad_channel = trigger("no spaces", "1");
    bad_channel.assert_code(2);
    assert_eq!(
        bad_channel.stderr,
        "pusher: error: invalid channel name \"no spaces\": must be 1 to 200 characters of A-Z a-z 0-9 - _ = \
         @ , . ; (only #server-to-user-USER_ID may start with #)\n"
    );
    assert!(bad_channel.stdout.is_empty(), "{bad_channel:?}");
    trigger("invoices", "{oops").assert_error(2, "pusher: error: --data: not JSON: ");
    let too_large = format!("\"{}\"", "x".repeat(20_000));
    trigger("invoices", &too_large).assert_error(2, "more than the limit of 10240");
    run_line(&format!(
        "--url {url} trigger private-encrypted-a --event e --data 1"
    ))
    .assert_error(2, "no encryption master key is configured");
    run(&["--url", &url, "trigger", "orders", "--event", "e"], None)
        .assert_error(2, "stdin is empty: the data must be JSON");
    assert!(received(&emulator).is_empty());
    // The same command with valid input does send: the checks above could have seen an event.
    trigger("invoices", "1").assert_code(0);
    assert_eq!(emulator.events().len(), 2);
}

#[test]
fn a_wrong_secret_exits_3_with_the_servers_reason_and_never_shows_a_secret() {
    let emulator = emulator();
    let wrong = emulator.pusher_url().replace("the-secret", "WRONG-SECRET-1");
    let by_url = run_line(&format!("--url {wrong} trigger orders --event e --data 1"));
    by_url.assert_error(
        3,
        "pusher: error: the server refused: authentication failed (HTTP 401 Unauthorized): Invalid signature",
    );
    let port = emulator.port();
    let by_flags = run_line(&format!(
        "--app-id 1 --key the-key --secret WRONG-SECRET-2 --host 127.0.0.1 --port {port} --scheme http channels"
    ));
    by_flags.assert_error(3, "(HTTP 401 Unauthorized)");
    for output in [&by_url.stdout, &by_url.stderr, &by_flags.stdout, &by_flags.stderr] {
        assert!(!output.contains("WRONG-SECRET"), "{output}");
        assert!(!output.contains("the-secret"), "{output}");
    }
    assert!(received(&emulator).is_empty());
}

#[test]
fn network_failures_exit_4() {
    let closed = free_port();
    let finished = run_line(&format!("--url http://k:s@127.0.0.1:{closed}/apps/1 channels"));
    finished.assert_code(4);
    assert_eq!(
        finished.stderr,
        format!("pusher: error: connecting to 127.0.0.1:{closed} failed: connection refused\n")
    );
}

#[test]
fn the_connection_comes_from_pusher_url_or_the_flags_and_bad_settings_exit_2() {
    let emulator = emulator();
    let mut command = common::pusher(&["trigger", "orders", "--event", "from-env", "--data", "1"]);
    command.env("PUSHER_URL", emulator.pusher_url());
    assert_eq!(command.status().unwrap().code(), Some(0));
    assert_eq!(received(&emulator), [event("orders", "from-env", "1")]);

    run_line("channels").assert_error(2, "no connection settings: give --url URL");
    let bad_url = run_line("--url http://key:TOPSECRET@host/apps/x channels");
    bad_url.assert_code(2);
    assert_eq!(
        bad_url.stderr,
        "pusher: error: invalid app id \"x\": must be one or more decimal digits\n"
    );
    let bad_key = run_line("--url http://k:s@h/apps/1 --encryption-master-key TOPSECRET channels");
    bad_key.assert_error(2, "invalid encryption master key: not valid standard base64");
    for finished in [&bad_url, &bad_key] {
        assert!(!finished.stderr.contains("TOPSECRET"), "{finished:?}");
    }
    let partial = run_line("--app-id 1 --key k channels");
    partial.assert_code(2);
    assert!(partial.stderr.contains("--secret"), "{partial:?}");
}

#[test]
fn channels_channel_and_users_show_what_the_server_holds() {
    let emulator = emulator();
    let url = emulator.pusher_url();
    let mut member = Running::spawn_line(&format!(
        "--url {url} --timeout {RUN_FOR} subscribe presence-room orders --user-id ada"
    ));
    member.stderr_line_with("watching");
    assert_eq!(
        run_line(&format!("--url {url} channels --info subscription_count")).ok(),
        "CHANNEL              SUBSCRIPTION_COUNT\n\
         #server-to-user-ada  1\n\
         orders               1\n\
         presence-room        1\n"
    );
    let presence = run_line(&format!(
        "--json --url {url} channels --prefix presence- --info user_count"
    ));
    assert_eq!(
        presence.json(),
        json!({"channels": {"presence-room": {"user_count": 1}}})
    );
    assert_eq!(
        run_line(&format!(
            "--url {url} channel presence-room --info user_count,subscription_count"
        ))
        .ok(),
        "occupied: true\nuser_count: 1\nsubscription_count: 1\n"
    );
    assert_eq!(
        run_line(&format!("--url {url} users presence-room")).ok(),
        "ada\n"
    );
    let users = run_line(&format!("--json --url {url} users presence-room"));
    assert_eq!(users.json(), json!({"users": [{"id": "ada"}]}));
    run_line(&format!("--url {url} users orders")).assert_error(3, "(HTTP 400 Bad Request)");
}

#[test]
fn an_empty_server_says_so() {
    let emulator = emulator();
    let url = emulator.pusher_url();
    assert_eq!(
        run_line(&format!("--url {url} channels")).ok(),
        "no occupied channels\n"
    );
    assert_eq!(
        run_line(&format!("--url {url} channel orders")).ok(),
        "occupied: false\n"
    );
    assert_eq!(
        run_line(&format!("--url {url} users presence-room")).ok(),
        "no users on presence-room\n"
    );
}

/// `count` JSON lines of events on channel `a`.
fn lines_on_a(count: usize) -> String {
    "{\"channel\": \"a\", \"name\": \"e\", \"data\": 1}\n".repeat(count)
}

#[test]
fn batch_sends_json_lines_through_the_publisher_and_summarizes() {
    let emulator = emulator();
    let url = emulator.pusher_url();
    let lines: String = (0..25)
        .map(|i| {
            format!(
                "{}\n",
                json!({"channel": format!("c{i}"), "name": "e", "data": {"i": i}})
            )
        })
        .chain([
            "\n".to_owned(),
            r#"{"channel": "text", "name": "e", "data": "as it is"}"#.to_owned(),
        ])
        .collect();
    let finished = run(&["--url", &url, "batch"], Some(&lines));
    let summary = finished.ok();
    assert!(summary.starts_with("sent 26 events in "), "{finished:?}");
    assert!(summary.ends_with(" events/s); failed 0\n"), "{finished:?}");
    let events = received(&emulator);
    assert_eq!(events.len(), 26);
    // The publisher keeps each channel's order, not the order across channels.
    assert!(events.contains(&event("c3", "e", r#"{"i":3}"#)), "{events:?}");
    assert!(events.contains(&event("text", "e", "as it is")), "{events:?}");

    let json = run(&["--json", "--url", &url, "batch"], Some(&lines_on_a(1))).json();
    assert_eq!([&json["sent"], &json["failed"]], [&json!(1), &json!(0)]);
}

#[test]
fn batch_checks_every_line_before_sending_and_counts_refusals() {
    let emulator = emulator();
    let url = emulator.pusher_url();
    let invalid = format!(
        "{}{{\"channel\": \"a b\", \"name\": \"e\", \"data\": 1}}\n",
        lines_on_a(1)
    );
    run(&["--url", &url, "batch"], Some(&invalid))
        .assert_error(2, "pusher: error: line 2: invalid channel name \"a b\"");
    let oversize = format!(
        "{{\"channel\": \"a\", \"name\": \"e\", \"data\": \"{}\"}}\n",
        "x".repeat(20_000)
    );
    run(
        &["--url", &url, "batch"],
        Some(&format!("{}{oversize}", lines_on_a(12))),
    )
    .assert_error(2, "pusher: error: line 13: event data for channel a is");
    assert!(received(&emulator).is_empty());

    let wrong = url.replace("the-secret", "wrong");
    let refused = run(&["--url", &wrong, "batch"], Some(&lines_on_a(15)));
    refused.assert_error(3, "(HTTP 401 Unauthorized)");
    assert!(refused.stdout.starts_with("sent 0 events in "), "{refused:?}");
    assert!(refused.stdout.ends_with("failed 15\n"), "{refused:?}");
}

#[test]
fn send_to_user_and_terminate_reach_a_signed_in_subscriber() {
    let emulator = emulator();
    let url = emulator.pusher_url();
    let mut user = Running::spawn_line(&format!(
        "--url {url} --timeout {RUN_FOR} subscribe orders --user-id 42"
    ));
    user.stderr_line_with("watching");
    let sent = run_line(&format!(
        "--url {url} send-to-user 42 --event notice --data {{\"text\":\"hi\"}}"
    ));
    assert_eq!(sent.ok(), "sent \"notice\" to user 42\n");
    assert_eq!(user.stdout_line(), r#"#server-to-user-42  notice  {"text":"hi"}"#);
    let terminated = run_line(&format!("--url {url} terminate 42"));
    assert_eq!(terminated.ok(), "terminated the connections of user 42\n");
    user.finish()
        .assert_error(4, "pusher: error: the server closed the connection with 4009");
    run(&["--url", &url, "terminate", "a b"], None).assert_error(2, "invalid user id \"a b\"");
}

/// A one-request push notification server: answers `answer` and gives the request it read.
fn push_server(answer: &'static str) -> (u16, std::thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream);
        let mut head = String::new();
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap();
            }
            head.push_str(&line);
            if line == "\r\n" {
                break;
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
            answer.len()
        );
        reader.get_mut().write_all(response.as_bytes()).unwrap();
        format!("{head}{}", String::from_utf8(body).unwrap())
    });
    (port, server)
}

#[test]
fn notify_sends_the_notification_to_the_push_host() {
    let (port, server) = push_server(r#"{"number_of_subscribers":3}"#);
    let app = "--url http://k:s@127.0.0.1:9/apps/7";
    let finished = run_line(&format!(
        "{app} --notify-host 127.0.0.1 --notify-port {port} --notify-scheme http notify donuts \
         --data {{\"fcm\":{{\"notification\":{{\"title\":\"Hi\"}}}}}}"
    ));
    assert_eq!(finished.ok(), "sent to donuts\nnumber_of_subscribers: 3\n");
    let request = server.join().unwrap();
    assert!(
        request.starts_with("POST /server_api/v1/apps/7/notifications?"),
        "{request}"
    );
    assert!(
        request.ends_with(r#"{"interests":["donuts"],"fcm":{"notification":{"title":"Hi"}}}"#),
        "{request}"
    );
    run_line(&format!("{app} notify donuts --data {{\"android\":{{}}}}"))
        .assert_error(2, "unknown field `android`");
    run_line(&format!("{app} notify donuts --data {{}}")).assert_error(2, "at least one of apns, gcm or fcm");
}
