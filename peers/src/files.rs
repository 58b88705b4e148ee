//! Writing and removing files, with errors that name the file.

use std::fs;
use std::io;
use std::path::Path;

use serde::Serialize;

/// Writes `contents` to `path`.
pub(crate) fn write_file(path: &Path, contents: &str) -> Result<(), String> {
    fs::write(path, contents).map_err(|e| format!("could not write {}: {e}", path.display()))
}

/// Removes the file at `path`; a file that is not there is fine.
pub(crate) fn remove_if_present(path: &Path) -> Result<(), String> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("could not remove {}: {e}", path.display())),
    }
}

/// The text of a JSON file holding `value`: indented by two spaces, ending with a newline.
pub(crate) fn json_text(value: &impl Serialize) -> Result<String, String> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| format!("could not render JSON: {e}"))?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_strings_are_escaped() {
        let text = json_text(&"a\"b\\c\nd\u{1}é");
        assert_eq!(text.as_deref(), Ok(concat!(r#""a\"b\\c\nd\u0001é""#, "\n")));
        assert_eq!(
            json_text(&json!({"k": [1, true, {}, []]})).as_deref(),
            Ok("{\n  \"k\": [\n    1,\n    true,\n    {},\n    []\n  ]\n}\n")
        );
    }
}
