//! The JSON bodies of triggers and batches, written directly into one buffer sized beforehand.
//!
//! They are the bytes serde_json writes for the same fields (a property test holds the two
//! together, and the golden vectors check their MD5s): the same field order, and strings escaped
//! exactly as serde_json escapes them. Writing them by hand skips the serializer's machinery,
//! which costs most for the event data, a JSON text whose every quote needs escaping.

use crate::names::ChannelName;

/// How serde_json escapes each byte in a string: 0 for not at all, `u` for `\u00XX`, else the
/// letter after the backslash.
const ESCAPE: [u8; 256] = {
    let mut table = [0; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = b'u';
        byte += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `s` as a JSON string, quotes included.
pub(crate) fn push_string(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        let escape = ESCAPE[usize::from(byte)];
        if escape == 0 {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        start = i + 1;
        if escape == b'u' {
            let hex = |nibble: u8| HEX[usize::from(nibble & 0xf)];
            out.extend_from_slice(&[b'\\', b'u', b'0', b'0', hex(byte >> 4), hex(byte)]);
        } else {
            out.extend_from_slice(&[b'\\', escape]);
        }
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// An upper bound of the length of `s` as a JSON string, quotes included: a byte JSON escapes
/// (`"`, `\\`, a control character) takes at most six.
pub(crate) fn string_len(s: &str) -> usize {
    let escaped = s.bytes().filter(|&b| ESCAPE[usize::from(b)] != 0).count();
    2 + s.len() + 5 * escaped
}

/// An event's fields, as a body holds them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields<'a> {
    pub(crate) name: &'a str,
    pub(crate) data: &'a str,
    pub(crate) socket_id: Option<&'a str>,
    pub(crate) info: Option<&'a str>,
}

impl Fields<'_> {
    /// An upper bound of the bytes the fields take, keys and punctuation included.
    fn len(&self) -> usize {
        // The keys and punctuation of an event take under 64 bytes.
        64 + string_len(self.name)
            + string_len(self.data)
            + self.socket_id.map_or(0, string_len)
            + self.info.map_or(0, string_len)
    }

    /// `"data":...` and the options after it, each with its leading comma.
    fn push_data_and_options(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b",\"data\":");
        push_string(out, self.data);
        if let Some(socket_id) = self.socket_id {
            out.extend_from_slice(b",\"socket_id\":");
            push_string(out, socket_id);
        }
        if let Some(info) = self.info {
            out.extend_from_slice(b",\"info\":");
            push_string(out, info);
        }
    }
}

/// `{"name":...,"channels":[...],"data":...}`, then `socket_id` and `info` when given.
pub(crate) fn trigger(channels: &[ChannelName], fields: Fields<'_>) -> Vec<u8> {
    let channels_len: usize = channels.iter().map(|c| string_len(c.as_str()) + 1).sum();
    let mut out = Vec::with_capacity(fields.len() + channels_len);
    out.extend_from_slice(b"{\"name\":");
    push_string(&mut out, fields.name);
    out.extend_from_slice(b",\"channels\":[");
    for (i, channel) in channels.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_string(&mut out, channel.as_str());
    }
    out.push(b']');
    fields.push_data_and_options(&mut out);
    out.push(b'}');
    out
}

/// `{"batch":[{"channel":...,"name":...,"data":...},...]}`, each event with its `socket_id` and
/// `info` when given.
pub(crate) fn batch<'a>(events: &[(&'a str, Fields<'a>)]) -> Vec<u8> {
    let len: usize = events
        .iter()
        .map(|(channel, fields)| string_len(channel) + fields.len())
        .sum();
    let mut out = Vec::with_capacity(16 + len);
    out.extend_from_slice(b"{\"batch\":[");
    for (i, (channel, fields)) in events.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"channel\":");
        push_string(&mut out, channel);
        out.extend_from_slice(b",\"name\":");
        push_string(&mut out, fields.name);
        fields.push_data_and_options(&mut out);
        out.push(b'}');
    }
    out.extend_from_slice(b"]}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let every_ascii: String = (0u8..0x80).map(char::from).collect();
        for s in [
            "",
            "plain",
            r#"{"id":1,"name":"a \"quoted\" word"}"#,
            "tab\tnew\nline\rfeed\u{c}back\u{8}",
            "\u{0}\u{1}\u{1f}\u{7f}",
            "é ü 日本 🎉",
            "back\\slash/",
            &every_ascii,
        ] {
            let mut out = Vec::new();
            push_string(&mut out, s);
            assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(s).unwrap());
            assert!(string_len(s) >= serde_json::to_string(s).unwrap().len());
        }
    }

    #[test]
    fn an_empty_batch_and_a_trigger_without_options_are_well_formed() {
        assert_eq!(batch(&[]), br#"{"batch":[]}"#);
        let fields = Fields {
            name: "e",
            data: "d",
            socket_id: None,
            info: None,
        };
        let channels = ["a".parse().unwrap(), "b".parse().unwrap()];
        assert_eq!(
            trigger(&channels, fields),
            br#"{"name":"e","channels":["a","b"],"data":"d"}"#
        );
    }
}
