//! What a command prints on stdout: human-readable text by default, JSON with `--json` (one
//! document, or one JSON object per line for a stream). Status and errors go to stderr.

use std::io::{self, Write as _};

use serde::Serialize;

use crate::failure::Failure;

/// Where a command's results go, and in which form.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Output {
    json: bool,
}

impl Output {
    /// Human-readable text, or JSON when `json`.
    pub(crate) fn new(json: bool) -> Self {
        Self { json }
    }

    /// Prints one result: `value` as JSON, or the text `human` makes.
    pub(crate) fn show<T: Serialize + ?Sized>(
        self,
        value: &T,
        human: impl FnOnce() -> String,
    ) -> Result<(), Failure> {
        let text = if self.json {
            serde_json::to_string(value)
                .map_err(|e| Failure::invalid(format!("cannot print as JSON: {e}")))?
        } else {
            human()
        };
        print_line(&text)
    }
}

/// Prints `text` and a newline on stdout, at once (a stream's line is seen as it happens).
pub(crate) fn print_line(text: &str) -> Result<(), Failure> {
    write_stdout(format!("{text}\n").as_bytes())
}

/// Writes `bytes` on stdout and flushes them.
pub(crate) fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .map_err(|e| match e.kind() {
            io::ErrorKind::BrokenPipe => Failure::StdoutClosed,
            _ => Failure::network(format!("cannot write to stdout: {e}")),
        })
}

/// Prints a status line on stderr (what a command is doing, not its result).
pub(crate) fn status(text: &str) {
    eprintln!("pusher: {text}");
}

/// `rows` under `headers`, each column as wide as its widest cell, two spaces apart.
pub(crate) fn table(headers: &[impl AsRef<str>], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.as_ref().chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let padded: Vec<String> = cells
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    let mut lines = vec![line(&mut headers.iter().map(AsRef::as_ref))];
    lines.extend(rows.iter().map(|row| line(&mut row.iter().map(String::as_str))));
    lines.join("\n")
}

/// `1 event`, `2 events`: a count and what it counts, in the right number.
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// `text` as it is when it fits on one line, else as a quoted JSON string: one line per event.
pub(crate) fn one_line(text: &str) -> String {
    if text.contains(['\n', '\r']) {
        serde_json::Value::from(text).to_string()
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_columns_are_aligned() {
        let rows = vec![
            vec!["presence-room".to_owned(), "3".to_owned()],
            vec!["a".to_owned(), "12".to_owned()],
        ];
        assert_eq!(
            table(&["CHANNEL", "USERS"], &rows),
            "CHANNEL        USERS\npresence-room  3\na              12"
        );
    }

    #[test]
    fn counts_agree_in_number() {
        let counts = [
            count(0, "event", "events"),
            count(1, "event", "events"),
            count(2, "batch", "batches"),
        ];
        assert_eq!(counts, ["0 events", "1 event", "2 batches"]);
    }

    #[test]
    fn multi_line_text_is_quoted() {
        assert_eq!(one_line(r#"{"a":1}"#), r#"{"a":1}"#);
        assert_eq!(one_line("{\n  \"a\": 1\n}"), r#""{\n  \"a\": 1\n}""#);
    }
}
