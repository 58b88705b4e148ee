//! Quoting a caller's value in an error message.

/// The longest excerpt of an offending value quoted in an error message.
const QUOTE_LIMIT: usize = 64;

/// Quotes a caller's value for an error message, truncated (on a character boundary) when long.
pub(crate) fn quote(value: &str) -> String {
    if value.len() <= QUOTE_LIMIT {
        return format!("{value:?}");
    }
    let mut end = QUOTE_LIMIT;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    format!("{:?}... ({} bytes)", &value[..end], value.len())
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
    }
}
