//! Quoting a caller's value, or a server's text, in an error message.

use std::fmt::Write as _;

/// The longest excerpt of an offending value quoted in an error message.
const QUOTE_LIMIT: usize = 64;

/// Quotes a caller's value for an error message, truncated (on a character boundary) when long.
pub(crate) fn quote(value: &str) -> String {
    quote_at_most(value, QUOTE_LIMIT)
}

/// Quotes `value` as Rust would debug-print it, keeping at most `limit` bytes of it (cut on a
/// character boundary) and then saying how long it was.
pub(crate) fn quote_at_most(value: &str, limit: usize) -> String {
    match cut(value, limit) {
        None => format!("{value:?}"),
        Some(kept) => format!("{kept:?}... ({} bytes)", value.len()),
    }
}

/// A server's text for an error message: trimmed, kept as it reads except for control characters
/// (escaped, so that a server cannot write to the terminal), at most `limit` bytes of it (cut on a
/// character boundary) and then how long it was.
pub(crate) fn excerpt(text: &str, limit: usize) -> String {
    let text = text.trim();
    let (kept, cut_from) = match cut(text, limit) {
        None => (text, None),
        Some(kept) => (kept, Some(text.len())),
    };
    let mut out = String::with_capacity(kept.len());
    for c in kept.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if let Some(len) = cut_from {
        // Writing to a `String` cannot fail.
        let _ = write!(out, "... ({len} bytes)");
    }
    out
}

/// The first `limit` bytes of `value` (fewer, to end on a character boundary), or `None` when the
/// whole of it fits.
fn cut(value: &str, limit: usize) -> Option<&str> {
    if value.len() <= limit {
        return None;
    }
    let mut end = limit;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    Some(&value[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_truncates_on_a_char_boundary() {
        let long = "é".repeat(100);
        let q = quote(&long);
        assert!(q.len() < 100, "{q}");
        assert!(q.ends_with("(200 bytes)"), "{q}");
        assert_eq!(quote("abc"), "\"abc\"");
        assert_eq!(quote_at_most(&long, 3), "\"é\"... (200 bytes)");
        assert_eq!(quote_at_most("abc", 3), "\"abc\"");
    }

    #[test]
    fn excerpt_keeps_the_text_readable_and_escapes_control_characters() {
        assert_eq!(
            excerpt(" expected \"GET\\n/apps/1\" \n", 100),
            "expected \"GET\\n/apps/1\""
        );
        assert_eq!(excerpt("a\u{1b}[31mb\tc", 100), "a\\u{1b}[31mb\\tc");
        assert_eq!(excerpt("héllo", 2), "h... (6 bytes)");
        assert_eq!(excerpt("abc", 3), "abc");
        assert_eq!(excerpt("", 3), "");
    }
}
