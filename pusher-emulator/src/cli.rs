//! Command-line arguments of the `pusher-emulator` binary, parsed by hand.

use std::path::PathBuf;

use pusher_emulator::Options;

/// The text of `--help`.
pub(crate) const USAGE: &str = "\
pusher-emulator: a local Pusher Channels compatible server (HTTP API, WebSocket protocol 7, webhooks)

USAGE:
    pusher-emulator [OPTIONS]

OPTIONS:
    --port PORT                 listen on 127.0.0.1:PORT (default: a free port)
    --app-id ID                 the app id, decimal digits (default: random)
    --key KEY                   the app key (default: random)
    --secret SECRET             the app secret (default: random)
    --webhook-url URL           POST signed webhooks to this http:// URL
    --max-payload-bytes BYTES   the largest event data accepted (default 10240)
    --max-events N              keep the latest N events received for inspection, dropping
                                the oldest, so memory stays bounded (default 10000)
    --threads N                 the server's worker threads (default: one per core)
    --tls-cert FILE             serve HTTPS and WSS with this PEM certificate chain (it must be
                                valid for 127.0.0.1); needs --tls-key
    --tls-key FILE              the PEM private key of --tls-cert
    --no-client-events          refuse client events
    --quiet                     do not log each HTTP API request to stderr
    -h, --help                  print this help
    -V, --version               print the version

On start it prints PUSHER_URL=... and the other settings as KEY=VALUE lines on stdout, then
serves until interrupted (Ctrl-C or SIGTERM). Point pusher-js at it with
{ wsHost: \"127.0.0.1\", wsPort: PORT, forceTLS: false, enabledTransports: [\"ws\"] }
(with --tls-cert: { wsHost: \"127.0.0.1\", wssPort: PORT, forceTLS: true }).";

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Command {
    /// Serve with these options.
    Run(Options),
    /// Print the help.
    Help,
    /// Print the version.
    Version,
}

/// The value of option `name` as a count.
fn number(name: &str, value: String) -> Result<usize, String> {
    value
        .parse()
        .map_err(|_| format!("{name} {value:?} is not a number"))
}

/// Parses the arguments (without the program name). `--name value` and `--name=value` both work.
pub(crate) fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut options = Options::default();
    let (mut tls_cert, mut tls_key) = (None, None);
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name.to_owned(), Some(value.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |what: &str| -> Result<String, String> {
            match inline.clone() {
                Some(v) => Ok(v),
                None => args.next().ok_or_else(|| format!("{name} needs {what}")),
            }
        };
        match name.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            "--port" => {
                let port = value("a port number")?;
                options.port = port
                    .parse()
                    .map_err(|_| format!("--port {port:?} is not a port number (0 to 65535)"))?;
            }
            "--app-id" => options.app_id = Some(value("an app id")?),
            "--key" => options.key = Some(value("a key")?),
            "--secret" => options.secret = Some(value("a secret")?),
            "--webhook-url" => options.webhook_url = Some(value("a URL")?),
            "--max-payload-bytes" => {
                options.max_payload_bytes = Some(number(&name, value("a number of bytes")?)?)
            }
            "--max-events" => options.max_events = Some(number(&name, value("a number of events")?)?),
            "--threads" => options.threads = Some(number(&name, value("a number of threads")?)?),
            "--tls-cert" => tls_cert = Some(PathBuf::from(value("a PEM file")?)),
            "--tls-key" => tls_key = Some(PathBuf::from(value("a PEM file")?)),
            "--no-client-events" | "--quiet" if inline.is_some() => {
                return Err(format!("{name} takes no value"));
            }
            "--no-client-events" => options.no_client_events = true,
            "--quiet" => options.quiet = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    options.tls_cert_and_key = match (tls_cert, tls_key) {
        (Some(cert), Some(key)) => Some((cert, key)),
        (None, None) => None,
        (Some(_), None) => {
            return Err("--tls-cert needs --tls-key (the certificate's private key)".to_owned());
        }
        (None, Some(_)) => return Err("--tls-key needs --tls-cert (the certificate chain)".to_owned()),
    };
    Ok(Command::Run(options))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn parses_every_option() {
        let command = parse(args(&[
            "--port",
            "6001",
            "--app-id=42",
            "--key",
            "k",
            "--secret",
            "s=x",
            "--webhook-url",
            "http://127.0.0.1:9/h",
            "--max-payload-bytes=20000",
            "--max-events",
            "50",
            "--threads=3",
            "--no-client-events",
            "--quiet",
            "--tls-cert",
            "chain.pem",
            "--tls-key=key.pem",
        ]))
        .unwrap();
        let mut expected = Options::default();
        expected.port = 6001;
        expected.app_id = Some("42".to_owned());
        expected.key = Some("k".to_owned());
        expected.secret = Some("s=x".to_owned());
        expected.webhook_url = Some("http://127.0.0.1:9/h".to_owned());
        expected.max_payload_bytes = Some(20_000);
        expected.max_events = Some(50);
        expected.threads = Some(3);
        expected.no_client_events = true;
        expected.quiet = true;
        expected.tls_cert_and_key = Some((PathBuf::from("chain.pem"), PathBuf::from("key.pem")));
        assert_eq!(command, Command::Run(expected));
        assert_eq!(
            parse(args(&["--tls-cert", "chain.pem"])),
            Err("--tls-cert needs --tls-key (the certificate's private key)".to_owned())
        );
        assert_eq!(
            parse(args(&["--tls-key", "key.pem"])),
            Err("--tls-key needs --tls-cert (the certificate chain)".to_owned())
        );
        assert_eq!(parse(args(&[])).unwrap(), Command::Run(Options::default()));
        assert_eq!(parse(args(&["--port", "1", "-h"])).unwrap(), Command::Help);
        assert_eq!(parse(args(&["--version"])).unwrap(), Command::Version);
    }

    #[test]
    fn debug_redacts_the_secret() {
        let Command::Run(options) = parse(args(&["--secret", "do-not-print"])).unwrap() else {
            panic!("expected options");
        };
        let shown = format!("{options:?}");
        assert!(!shown.contains("do-not-print"), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
    }

    #[test]
    fn refuses_bad_arguments() {
        for (bad, needle) in [
            (&["--port"][..], "needs a port"),
            (&["--port", "x"][..], "not a port"),
            (&["--port", "70000"][..], "not a port"),
            (&["--frobnicate"][..], "unknown argument"),
            (&["--quiet=yes"][..], "takes no value"),
            (&["--max-payload-bytes", "-1"][..], "not a number"),
            (
                &["--max-events", "many"][..],
                "--max-events \"many\" is not a number",
            ),
            (&["--max-events"][..], "needs a number of events"),
        ] {
            let e = parse(args(bad)).unwrap_err();
            assert!(e.contains(needle), "{bad:?}: {e}");
        }
    }
}
