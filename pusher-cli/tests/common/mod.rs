//! Running the `pusher` binary as a process, against an emulator started in the test.

#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use pusher_emulator::Emulator;

/// How long a test waits for anything: generous, so that only a real failure fails it.
pub const WAIT: Duration = Duration::from_secs(30);

/// `--timeout` for the commands that run until interrupted: longer than any wait in a test.
pub const RUN_FOR: &str = "60s";

/// An emulator on a free port of 127.0.0.1 with fixed credentials, not logging requests.
pub fn emulator() -> Emulator {
    Emulator::builder()
        .app_id("1")
        .key("the-key")
        .secret("the-secret")
        .start_blocking()
        .unwrap()
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis()
}

/// A free port on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The `pusher` binary with `args`, with no `PUSHER_*` settings from the environment.
pub fn pusher(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pusher"));
    command
        .args(args)
        .env_remove("PUSHER_URL")
        .env_remove("PUSHER_ENCRYPTION_MASTER_KEY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// What a finished command did.
#[derive(Debug)]
pub struct Finished {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Finished {
    /// Asserts the exit code, showing the output when it is not the one expected.
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "exit code; {self:#?}");
        self
    }

    /// Asserts success and gives stdout.
    pub fn ok(&self) -> &str {
        self.assert_code(0);
        &self.stdout
    }

    /// Asserts the exit code and one line on stderr that holds `needle`, and nothing on stdout
    /// unless the exit code is 0.
    pub fn assert_error(&self, code: i32, needle: &str) -> &Self {
        self.assert_code(code);
        assert!(self.stderr.contains(needle), "stderr lacks {needle:?}; {self:#?}");
        assert_eq!(
            self.stderr
                .lines()
                .filter(|l| l.starts_with("pusher: error:"))
                .count(),
            1,
            "{self:#?}"
        );
        self
    }

    /// The stdout as one JSON document.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:#?}"))
    }
}

/// Runs `pusher` with the words of `line` as its arguments (for arguments without spaces).
pub fn run_line(line: &str) -> Finished {
    run(&line.split_whitespace().collect::<Vec<_>>(), None)
}

/// `value` as one line of JSON, as the commands print it.
pub fn json_line(value: &impl serde::Serialize) -> String {
    format!("{}\n", serde_json::to_string(value).unwrap())
}

/// Runs `pusher` with `args`, `stdin` on its standard input, to the end (killed after [`WAIT`]).
pub fn run(args: &[&str], stdin: Option<&str>) -> Finished {
    let mut command = pusher(args);
    if stdin.is_some() {
        command.stdin(Stdio::piped());
    }
    let mut running = Running::start(command);
    if let Some(input) = stdin {
        let mut pipe = running.child.stdin.take().unwrap();
        pipe.write_all(input.as_bytes()).unwrap();
    }
    running.finish()
}

/// A `pusher` process running in the background, its output read as it comes. Killed when
/// dropped.
pub struct Running {
    child: Child,
    stdout: mpsc::Receiver<String>,
    stderr: mpsc::Receiver<String>,
    stdout_seen: Vec<String>,
    stderr_seen: Vec<String>,
}

/// Sends each line `from` gives to a channel, from a thread of its own.
fn lines(from: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(from).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

impl Running {
    /// Starts `pusher` with `args`.
    pub fn spawn(args: &[&str]) -> Running {
        Running::start(pusher(args))
    }

    /// Starts `pusher` with the words of `line` as its arguments.
    pub fn spawn_line(line: &str) -> Running {
        Running::spawn(&line.split_whitespace().collect::<Vec<_>>())
    }

    fn start(mut command: Command) -> Running {
        let mut child = command.spawn().unwrap();
        let stdout = lines(child.stdout.take().unwrap());
        let stderr = lines(child.stderr.take().unwrap());
        Running {
            child,
            stdout,
            stderr,
            stdout_seen: Vec::new(),
            stderr_seen: Vec::new(),
        }
    }

    /// The next line of stdout, within [`WAIT`].
    pub fn stdout_line(&mut self) -> String {
        match self.stdout.recv_timeout(WAIT) {
            Ok(line) => {
                self.stdout_seen.push(line.clone());
                line
            }
            Err(e) => {
                let _ = self.child.kill();
                self.drain();
                panic!(
                    "no line on stdout ({e}); stdout so far: {:?}, stderr: {:?}",
                    self.stdout_seen, self.stderr_seen
                )
            }
        }
    }

    /// Waits (within [`WAIT`]) for a line of stderr that contains `needle`, and gives it.
    pub fn stderr_line_with(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stderr.recv_timeout(left) {
                Ok(line) => {
                    self.stderr_seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(e) => {
                    let _ = self.child.kill();
                    self.drain();
                    panic!(
                        "no stderr line with {needle:?} ({e}); stderr: {:?}, stdout: {:?}",
                        self.stderr_seen, self.stdout_seen
                    )
                }
            }
        }
    }

    /// Waits for the process to end (killing it after [`WAIT`]) and gives all it printed.
    pub fn finish(mut self) -> Finished {
        let deadline = Instant::now() + WAIT;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                self.drain();
                panic!(
                    "still running after {WAIT:?}; stdout: {:?}, stderr: {:?}",
                    self.stdout_seen, self.stderr_seen
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        self.drain();
        Finished {
            code: status.code().unwrap_or(-1),
            stdout: self.stdout_seen.iter().map(|line| format!("{line}\n")).collect(),
            stderr: self.stderr_seen.iter().map(|line| format!("{line}\n")).collect(),
        }
    }

    /// Reads what is left of both outputs (they close when the process ends).
    fn drain(&mut self) {
        while let Ok(line) = self.stdout.recv_timeout(WAIT) {
            self.stdout_seen.push(line);
        }
        while let Ok(line) = self.stderr.recv_timeout(WAIT) {
            self.stderr_seen.push(line);
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP/1.1 answer: status, headers (names lower-cased) and body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    /// The value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Sends `method path` with `headers` and `body` to `127.0.0.1:port` over a plain socket, as a
/// browser or a server would, and reads the whole answer.
pub fn http(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Answer {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    let mut head = head.lines();
    let status = head.next().unwrap()[9..12].parse().unwrap();
    let headers = head
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_owned(),
    }
}
