//! Reading what a command sends: JSON from a flag, a file or stdin; durations; channel attributes.

use std::io::{IsTerminal as _, Read as _};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use pusher::api::ChannelAttribute;
use serde_json::value::RawValue;

use crate::failure::Failure;

/// JSON to send: `--data`, else `--data-file`, else stdin.
#[derive(Debug, Args)]
pub(crate) struct DataArgs {
    /// The JSON to send, as text (default: read from --data-file, else from stdin)
    #[arg(long, value_name = "JSON", conflicts_with = "data_file")]
    data: Option<String>,

    /// Read the JSON to send from FILE
    #[arg(long, value_name = "FILE")]
    data_file: Option<PathBuf>,
}

impl DataArgs {
    /// The JSON text as given, without surrounding whitespace; refused unless it is JSON.
    pub(crate) fn read(&self) -> Result<String, Failure> {
        let (text, from) = match (&self.data, &self.data_file) {
            (Some(data), _) => (data.clone(), "--data".to_owned()),
            (None, file) => {
                let bytes = read_file_or_stdin(file.as_deref())?;
                let from = describe_source(file.as_deref());
                let text =
                    String::from_utf8(bytes).map_err(|_| Failure::invalid(format!("{from} is not UTF-8")))?;
                (text, from)
            }
        };
        let text = text.trim();
        if text.is_empty() {
            return Err(Failure::invalid(format!(
                "{from} is empty: the data must be JSON (give --data JSON, --data-file FILE or pipe it on stdin)"
            )));
        }
        parse_json(text).map_err(|e| Failure::invalid(format!("{from}: {e}")))?;
        Ok(text.to_owned())
    }
}

/// `FILE` or `stdin`, as a message names where input came from.
pub(crate) fn describe_source(file: Option<&Path>) -> String {
    match file {
        Some(path) => format!("{}", path.display()),
        None => "stdin".to_owned(),
    }
}

/// The bytes of `file`, or of stdin when there is none. A terminal on stdin is refused: a command
/// waiting for typed input would look stuck.
pub(crate) fn read_file_or_stdin(file: Option<&Path>) -> Result<Vec<u8>, Failure> {
    match file {
        Some(path) => {
            std::fs::read(path).map_err(|e| Failure::invalid(format!("cannot read {}: {e}", path.display())))
        }
        None => {
            let mut stdin = std::io::stdin();
            if stdin.is_terminal() {
                return Err(Failure::invalid(
                    "stdin is a terminal: pipe the input in, or name a file (see --help)",
                ));
            }
            let mut bytes = Vec::new();
            stdin
                .read_to_end(&mut bytes)
                .map_err(|e| Failure::invalid(format!("cannot read stdin: {e}")))?;
            Ok(bytes)
        }
    }
}

/// JSON text kept exactly as written (for `--user-info`, `--user-data`).
pub(crate) fn parse_json(text: &str) -> Result<Box<RawValue>, String> {
    serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))
}

/// A channel attribute by its wire name: `user_count` or `subscription_count`.
pub(crate) fn parse_attribute(name: &str) -> Result<ChannelAttribute, String> {
    [ChannelAttribute::UserCount, ChannelAttribute::SubscriptionCount]
        .into_iter()
        .find(|attribute| attribute.as_str() == name)
        .ok_or_else(|| "must be user_count or subscription_count".to_owned())
}

/// The rule for a duration, in words.
const DURATION_RULE: &str =
    "must be a whole number with an optional unit ms, s, m or h (e.g. 500ms, 10s, 2m; no unit: seconds)";

/// `500ms`, `10s`, `10` (seconds), `2m`, `1h`.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let digits_end = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(digits_end);
    let number: u64 = number.parse().map_err(|_| DURATION_RULE.to_owned())?;
    let unit_ms = match unit {
        "ms" => 1,
        "" | "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        _ => return Err(DURATION_RULE.to_owned()),
    };
    number
        .checked_mul(unit_ms)
        .map(Duration::from_millis)
        .ok_or_else(|| format!("{DURATION_RULE}, and not above {} hours", u64::MAX / 3_600_000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_a_unit_or_mean_seconds() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("10"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        for bad in ["", "s", "1.5s", "-1", "10 s", "3d", "99999999999999999999"] {
            let e = parse_duration(bad).unwrap_err();
            assert!(e.starts_with("must be a whole number"), "{bad}: {e}");
        }
    }

    #[test]
    fn attributes_by_wire_name() {
        assert_eq!(parse_attribute("user_count"), Ok(ChannelAttribute::UserCount));
        assert_eq!(
            parse_attribute("subscription_count"),
            Ok(ChannelAttribute::SubscriptionCount)
        );
        assert!(parse_attribute("users").is_err());
    }

    #[test]
    fn json_is_kept_as_written() {
        assert_eq!(
            parse_json(r#"{"b": 1, "a": 2}"#).unwrap().get(),
            r#"{"b": 1, "a": 2}"#
        );
        assert!(parse_json("{").unwrap_err().starts_with("not JSON"));
    }
}
