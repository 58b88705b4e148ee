//! `cargo xtask tidy`: repository rules that neither rustc nor clippy checks.
//!
//! Every violation is printed as `path:line: rule: what is wrong`, the path relative to the
//! workspace root, and any violation makes the run fail. The rules:
//!
//! - `protocol-ref`: every citation `PROTOCOL §n` or `PROTOCOL §n.m` (in a tracked `.rs`, `.md` or
//!   `.toml` file) names a section, or a numbered subsection, of [`PROTOCOL_DOC`]. Sections are its
//!   numbered headings (`## 4. Limits`, `### 4.1 ...`); the numbered items of a top-level list
//!   (`5. POST bodies ...`) are subsections of the heading above them (`§2.5`). Inside the document
//!   itself a bare `§n` is a citation too.
//! - `crate-docs`: every workspace member has a `README.md`, and its `src/lib.rs` (or `src/main.rs`
//!   for a binary-only crate) opens with crate docs (`//!` lines).
//! - `todo`: no `TODO`, `FIXME` or `XXX` marker in any member's `src/`.
//! - `unwrap`: no `.unwrap()` or `.expect(` in the `src/` of a published member (one without
//!   `publish = false`), outside test-only items (`#[cfg(test)] mod tests { ... }`), unless a `//`
//!   comment justifies it: on the same line, on the line or lines directly above (attribute lines
//!   such as `#[allow(clippy::expect_used)] // why` included), above the statement it ends, or on
//!   an `#[allow(clippy::unwrap_used)]` or `expect_used` attribute of an enclosing item.
//!   Comments, doc comments (and the doctests in them), strings and characters are not code.
//! - `workspace-metadata`: every member's `Cargo.toml` inherits `version`, `edition`,
//!   `rust-version`, `license` and `repository` from the workspace (`version.workspace = true`) and
//!   has `[lints]` with `workspace = true`; a published member also inherits `authors`.
//!
//! Only files known to git (`git ls-files`) are checked: build output and installed npm packages
//! never are, and a new file is checked once it is added.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;
use std::process::Command;

/// The wire contract that `PROTOCOL §n` citations refer to, relative to the workspace root.
pub(crate) const PROTOCOL_DOC: &str = "pusher-core/PROTOCOL.md";

/// This file: its tests and docs name the markers and citations the rules look for.
const THIS_FILE: &str = "xtask/src/tidy.rs";

/// The package fields every member inherits from `[workspace.package]`.
const INHERITED: [&str; 5] = ["version", "edition", "rust-version", "license", "repository"];

/// The package fields a published member also inherits.
const INHERITED_WHEN_PUBLISHED: [&str; 1] = ["authors"];

/// The markers of unfinished work that library code must not hold.
const TODO_MARKERS: [&str; 3] = ["TODO", "FIXME", "XXX"];

/// Runs every rule over the workspace at `root`, printing each violation.
pub(crate) fn run(root: &Path) -> Result<(), String> {
    let tree = Tree::load(root)?;
    let violations = check(&tree)?;
    for violation in &violations {
        println!("{violation}");
    }
    match violations.len() {
        0 => {
            println!("tidy: {} files checked, no violations", tree.files.len());
            Ok(())
        }
        1 => Err("1 violation".to_owned()),
        n => Err(format!("{n} violations")),
    }
}

/// One broken rule, at one line of one file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Violation {
    path: String,
    line: usize,
    rule: &'static str,
    message: String,
}

impl Violation {
    fn new(path: &str, line: usize, rule: &'static str, message: impl Into<String>) -> Self {
        Violation {
            path: path.to_owned(),
            line,
            rule,
            message: message.into(),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}: {}", self.path, self.line, self.rule, self.message)
    }
}

/// The text files the rules read (`.rs`, `.md`, `.toml`), by path relative to the workspace root.
#[derive(Debug, Default)]
struct Tree {
    files: BTreeMap<String, String>,
}

impl Tree {
    /// Reads the tracked `.rs`, `.md` and `.toml` files of the repository at `root`.
    fn load(root: &Path) -> Result<Tree, String> {
        let output = Command::new("git")
            .args(["ls-files", "-z"])
            .current_dir(root)
            .output()
            .map_err(|e| format!("could not run `git ls-files`: {e}"))?;
        if !output.status.success() {
            return Err(format!("`git ls-files` failed ({})", output.status));
        }
        let listing = String::from_utf8(output.stdout)
            .map_err(|e| format!("`git ls-files` printed a non-UTF-8 path: {e}"))?;
        let mut tree = Tree::default();
        for path in listing.split('\0').filter(|p| is_checked_file(p)) {
            match std::fs::read_to_string(root.join(path)) {
                Ok(text) => {
                    tree.files.insert(path.to_owned(), text);
                }
                // Deleted in the working tree but not yet in the index: nothing to check.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(format!("could not read {path}: {e}")),
            }
        }
        Ok(tree)
    }

    #[cfg(test)]
    fn from(files: &[(&str, &str)]) -> Tree {
        Tree {
            files: files
                .iter()
                .map(|(path, text)| (path.to_string(), text.to_string()))
                .collect(),
        }
    }

    fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }
}

fn is_checked_file(path: &str) -> bool {
    [".rs", ".md", ".toml"].iter().any(|ext| path.ends_with(ext))
}

/// A workspace member, as its manifest describes it.
#[derive(Debug)]
struct Member {
    /// Its directory, relative to the workspace root (`pusher-core`).
    dir: String,
    manifest: Toml,
    published: bool,
}

impl Member {
    fn manifest_path(&self) -> String {
        format!("{}/Cargo.toml", self.dir)
    }

    /// Whether `path` is a Rust file under the member's `src/`.
    fn owns_source(&self, path: &str) -> bool {
        path.ends_with(".rs")
            && path
                .strip_prefix(&self.dir)
                .is_some_and(|rest| rest.starts_with("/src/"))
    }
}

/// Applies every rule to `tree`; the violations come sorted by path and line.
fn check(tree: &Tree) -> Result<Vec<Violation>, String> {
    let members = members(tree)?;
    let mut violations = check_protocol_refs(tree);
    for member in &members {
        violations.extend(check_crate_docs(tree, member));
        violations.extend(check_workspace_metadata(member));
        for (path, text) in tree.files.iter().filter(|(path, _)| member.owns_source(path)) {
            if path == THIS_FILE {
                continue;
            }
            violations.extend(check_todo(path, text));
            if member.published {
                violations.extend(check_unwrap(path, text));
            }
        }
    }
    violations.sort();
    Ok(violations)
}

/// The workspace members listed in the root `Cargo.toml`, with their manifests.
fn members(tree: &Tree) -> Result<Vec<Member>, String> {
    let root = Toml::parse(
        tree.get("Cargo.toml")
            .ok_or("no Cargo.toml at the workspace root")?,
    );
    let list = root
        .value("workspace", "members")
        .ok_or("the root Cargo.toml has no `[workspace]` `members`")?;
    let mut members = Vec::new();
    for dir in quoted_strings(list) {
        if dir.contains('*') {
            return Err(format!("workspace member `{dir}`: globs are not supported"));
        }
        let manifest_path = format!("{dir}/Cargo.toml");
        let text = tree
            .get(&manifest_path)
            .ok_or_else(|| format!("workspace member `{dir}` has no tracked {manifest_path}"))?;
        let manifest = Toml::parse(text);
        let published = !matches!(manifest.value("package", "publish"), Some("false" | "[]"));
        members.push(Member {
            dir,
            manifest,
            published,
        });
    }
    Ok(members)
}

// ---------------------------------------------------------------------------------------------
// protocol-ref

/// A section number: `[4]` for §4, `[2, 5]` for §2.5.
type Section = Vec<u32>;

fn section_name(section: &[u32]) -> String {
    let numbers: Vec<String> = section.iter().map(u32::to_string).collect();
    numbers.join(".")
}

fn check_protocol_refs(tree: &Tree) -> Vec<Violation> {
    let sections = tree.get(PROTOCOL_DOC).map(protocol_sections);
    let mut violations = Vec::new();
    for (path, text) in &tree.files {
        if path == THIS_FILE {
            continue;
        }
        let citations = if path == PROTOCOL_DOC {
            bare_citations(text)
        } else {
            protocol_citations(text)
        };
        for (line, section) in citations {
            let problem = match &sections {
                None => format!(
                    "cites §{} but {PROTOCOL_DOC} does not exist",
                    section_name(&section)
                ),
                Some(sections) if sections.contains(&section) => continue,
                Some(_) => format!("{PROTOCOL_DOC} has no section {}", section_name(&section)),
            };
            violations.push(Violation::new(path, line, "protocol-ref", problem));
        }
    }
    violations
}

/// The sections of the protocol document: its numbered headings (`## 2. Signing`, `### 2.1 ...`),
/// and under each, the numbered items of a top-level list (`5. POST bodies ...` under `## 2.` is
/// `[2, 5]`).
fn protocol_sections(doc: &str) -> BTreeSet<Section> {
    let mut sections = BTreeSet::new();
    let mut current: Option<Section> = None;
    let mut in_code_block = false;
    for line in doc.lines() {
        if line.trim_start().starts_with("```") {
            in_code_block = !in_code_block;
            continue;
        }
        if in_code_block {
            continue;
        }
        if let Some(title) = line.strip_prefix('#') {
            let (numbers, _) = leading_section(title.trim_start_matches('#').trim_start());
            current = (!numbers.is_empty()).then_some(numbers);
            sections.extend(current.clone());
        } else if let Some(parent) = &current {
            // A list item is `N. text` (or `N) text`) at the start of the line.
            let (number, rest) = leading_section(line);
            if let [item] = number[..]
                && (rest.starts_with(". ") || rest.starts_with(") "))
            {
                let mut section = parent.clone();
                section.push(item);
                sections.insert(section);
            }
        }
    }
    sections
}

/// The section number at the start of `text` (`2.5 rest` gives `[2, 5]`), and the text after it.
/// A number ends at the first character that is not a digit or a dot followed by a digit.
fn leading_section(text: &str) -> (Section, &str) {
    let mut numbers = Vec::new();
    let mut rest = text;
    loop {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let Ok(number) = rest[..digits].parse() else {
            break;
        };
        numbers.push(number);
        rest = &rest[digits..];
        match rest.strip_prefix('.') {
            Some(after) if after.starts_with(|c: char| c.is_ascii_digit()) => rest = after,
            _ => break,
        }
    }
    (numbers, rest)
}

/// The sections cited in `text`, with their 1-based lines: each `§n` or `§n.m` right after the
/// word `PROTOCOL` (or `PROTOCOL.md`), also across a line break in a comment, and the ones listed
/// after it (`PROTOCOL §4 and §9`, `PROTOCOL §§4, 9`).
fn protocol_citations(text: &str) -> Vec<(usize, Section)> {
    let mut found = Vec::new();
    for (at, word) in text.match_indices("PROTOCOL") {
        if text[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &text[at + word.len()..];
        let rest = skip_gap(rest.strip_prefix(".md").unwrap_or(rest));
        let Some(mut rest) = rest.strip_prefix('§') else {
            continue;
        };
        let plural = rest.starts_with('§');
        rest = rest.trim_start_matches('§');
        loop {
            let (section, after) = leading_section(rest);
            if section.is_empty() {
                break;
            }
            found.push((line_at(text, text.len() - rest.len()), section));
            match next_in_list(after, plural) {
                Some(next) => rest = next,
                None => break,
            }
        }
    }
    found
}

/// Every `§n` or `§n.m` in `text`, with its 1-based line.
fn bare_citations(text: &str) -> Vec<(usize, Section)> {
    text.match_indices('§')
        .filter_map(|(at, mark)| {
            let (section, _) = leading_section(&text[at + mark.len()..]);
            (!section.is_empty()).then(|| (line_at(text, at), section))
        })
        .collect()
}

/// The 1-based line of the byte at `offset`.
fn line_at(text: &str, offset: usize) -> usize {
    1 + text[..offset].matches('\n').count()
}

/// Skips the spaces after a word, and at most one line break with the comment markers that
/// continue a comment on the next line.
fn skip_gap(text: &str) -> &str {
    let spaces = |c: char| c.is_whitespace() && c != '\n';
    let text = text.trim_start_matches(spaces);
    let Some(next_line) = text.strip_prefix('\n') else {
        return text;
    };
    let next_line = next_line.trim_start_matches(spaces);
    let next_line = ["//!", "///", "//", "*"]
        .iter()
        .find_map(|marker| next_line.strip_prefix(marker))
        .unwrap_or(next_line);
    next_line.trim_start_matches(spaces)
}

/// After one citation, where the next one in the same list starts, if one does: after `, `,
/// ` and `, ` or ` or `/`, and with its own `§` unless the list opened with `§§` (`§§4, 9`).
fn next_in_list(text: &str, plural: bool) -> Option<&str> {
    let text = text.trim_start_matches(' ');
    let separated = [",", "and ", "or ", "/", "&"]
        .iter()
        .find_map(|separator| text.strip_prefix(separator));
    let next = separated.unwrap_or(text).trim_start_matches(' ');
    match next.strip_prefix('§') {
        Some(cited) => Some(cited),
        None if plural && separated.is_some() => Some(next),
        None => None,
    }
}

// ---------------------------------------------------------------------------------------------
// crate-docs

fn check_crate_docs(tree: &Tree, member: &Member) -> Vec<Violation> {
    let mut violations = Vec::new();
    let manifest_path = member.manifest_path();
    if tree.get(&format!("{}/README.md", member.dir)).is_none() {
        violations.push(Violation::new(
            &manifest_path,
            1,
            "crate-docs",
            "the crate has no README.md",
        ));
    }
    let lib_path = match member.manifest.value("lib", "path") {
        Some(path) => format!("{}/{}", member.dir, path.trim_matches('"')),
        None => format!("{}/src/lib.rs", member.dir),
    };
    let main_path = format!("{}/src/main.rs", member.dir);
    let root = [lib_path, main_path]
        .into_iter()
        .find_map(|path| Some((tree.get(&path)?, path)));
    match root {
        None => violations.push(Violation::new(
            &manifest_path,
            1,
            "crate-docs",
            "neither src/lib.rs nor src/main.rs is tracked",
        )),
        Some((text, path)) if !has_crate_docs(text) => violations.push(Violation::new(
            &path,
            1,
            "crate-docs",
            "the crate root does not open with crate docs (`//!` lines)",
        )),
        Some(_) => {}
    }
    violations
}

/// Whether a crate root opens with its docs: `//!` lines (or a `#![doc = ...]` attribute).
fn has_crate_docs(text: &str) -> bool {
    let first = text.lines().next().unwrap_or_default();
    first.starts_with("//!") || first.starts_with("#![doc")
}

// ---------------------------------------------------------------------------------------------
// todo

fn check_todo(path: &str, text: &str) -> Vec<Violation> {
    let mut violations = Vec::new();
    for (index, line) in text.lines().enumerate() {
        for marker in TODO_MARKERS {
            if contains_marker(line, marker) {
                let message = format!("`{marker}` in library code: do it, or track it outside the code");
                violations.push(Violation::new(path, index + 1, "todo", message));
            }
        }
    }
    violations
}

/// Whether `line` holds `marker` as a word of its own: not inside a longer identifier or
/// upper-case word (`TODOs` counts, `XXXL` and `MAX_XXX` do not).
fn contains_marker(line: &str, marker: &str) -> bool {
    line.match_indices(marker).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + marker.len()..].chars().next();
        let joins_before = before.is_some_and(|c| c.is_alphanumeric() || c == '_');
        let joins_after = after.is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        !joins_before && !joins_after
    })
}

// ---------------------------------------------------------------------------------------------
// unwrap

fn check_unwrap(path: &str, text: &str) -> Vec<Violation> {
    let source = Source::scan(text);
    let mut violations = Vec::new();
    for (line, code) in source.without_exempt_items().iter().enumerate() {
        for call in [".unwrap()", ".expect("] {
            if code.contains(call) && !source.is_justified(line) {
                let message = format!("`{call}` with no comment saying why it cannot fail");
                violations.push(Violation::new(path, line + 1, "unwrap", message));
            }
        }
    }
    violations
}

/// A Rust source file split into lines of code, with comments, doc comments and the contents of
/// string and character literals blanked out, so that what is left is code and only code.
#[derive(Debug)]
struct Source {
    /// Each line's code; what is not code is replaced by spaces.
    code: Vec<String>,
    /// Whether each line holds (part of) a comment that is not a doc comment.
    commented: Vec<bool>,
}

impl Source {
    fn scan(text: &str) -> Source {
        let mut scanner = Scanner {
            chars: text.chars().collect(),
            at: 0,
            code: String::with_capacity(text.len()),
            commented: vec![false],
        };
        scanner.scan();
        Source {
            code: scanner.code.split('\n').map(str::to_owned).collect(),
            commented: scanner.commented,
        }
    }

    /// The code lines with the items the `unwrap` rule leaves alone blanked out, each from its
    /// attribute to its end (see [`attributed_end`]): test-only items (`#[cfg(test)]`), and items
    /// under an `#[allow(clippy::unwrap_used)]` or `expect_used` that a comment justifies. An inner
    /// attribute (`#![cfg(test)]`) blanks the rest of the file.
    fn without_exempt_items(&self) -> Vec<String> {
        let mut code = self.code.join("\n");
        let mut from = 0;
        while let Some(offset) = code[from..].find('#') {
            let start = from + offset;
            from = start + 1;
            if !(code[start..].starts_with("#[") || code[start..].starts_with("#![")) {
                continue;
            }
            let Some(attribute_end) = closing(&code, start, '[', ']') else {
                break;
            };
            let attribute = &code[start..=attribute_end];
            let line = code[..start].matches('\n').count();
            let exempt = is_test_only_cfg(attribute)
                || (allows_unwrap(attribute) && (self.commented[line] || self.comment_above(line)));
            if !exempt {
                continue;
            }
            let end = if attribute.starts_with("#!") {
                code.len()
            } else {
                attributed_end(&code, attribute_end + 1)
            };
            let blanked: String = code[start..end]
                .chars()
                .map(|c| if c == '\n' { c } else { ' ' })
                .collect();
            code.replace_range(start..end, &blanked);
        }
        code.split('\n').map(str::to_owned).collect()
    }

    /// Whether a comment justifies the code on `line`: on the line itself, on the comment or
    /// attribute lines directly above it, or on or above the first line of its statement.
    fn is_justified(&self, line: usize) -> bool {
        let head = self.statement_head(line);
        self.commented[line] || self.commented[head] || self.comment_above(line) || self.comment_above(head)
    }

    /// Whether the comment-only and attribute lines directly above `line` hold a comment.
    fn comment_above(&self, line: usize) -> bool {
        for above in (0..line).rev() {
            let code = self.code[above].trim();
            if self.commented[above] && (code.is_empty() || code.starts_with("#[")) {
                return true;
            }
            if !code.starts_with("#[") {
                return false;
            }
        }
        false
    }

    /// The first line of the statement that `line` belongs to, going up through the lines of a
    /// method chain (`.expect(..)` under `let x = y`) and of brackets that close on `line`.
    fn statement_head(&self, line: usize) -> usize {
        let mut open_below = 0;
        let mut head = line;
        loop {
            let code = &self.code[head];
            open_below += code.matches([')', ']', '}']).count() as i64;
            open_below -= code.matches(['(', '[', '{']).count() as i64;
            let continued = open_below > 0 || code.trim_start().starts_with('.');
            if !continued || head == 0 {
                return head;
            }
            head -= 1;
        }
    }
}

/// Whether an attribute allows (or expects) `clippy::unwrap_used` or `clippy::expect_used`.
fn allows_unwrap(attribute: &str) -> bool {
    let compact: String = attribute.chars().filter(|c| !c.is_whitespace()).collect();
    let lint_attribute = ["#[allow(", "#[expect(", "#![allow(", "#![expect("]
        .iter()
        .any(|start| compact.starts_with(start));
    lint_attribute && (compact.contains("clippy::unwrap_used") || compact.contains("clippy::expect_used"))
}

/// Whether an attribute is `#[cfg(test)]`, `#[cfg(all(test, ...))]` or its inner form.
fn is_test_only_cfg(attribute: &str) -> bool {
    let compact: String = attribute.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(predicate) = compact
        .strip_prefix("#[cfg(")
        .or_else(|| compact.strip_prefix("#![cfg("))
        .and_then(|p| p.strip_suffix(")]"))
    else {
        return false;
    };
    match predicate.strip_prefix("all(").and_then(|p| p.strip_suffix(')')) {
        Some(all) => all.split(',').any(|p| p == "test"),
        None => predicate == "test",
    }
}

/// The offset of the bracket that closes the first `open` at or after `from`.
fn closing(code: &str, from: usize, open: char, close: char) -> Option<usize> {
    let mut depth = 0;
    for (offset, c) in code[from..].char_indices() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return Some(from + offset);
            }
        }
    }
    None
}

/// The keywords an item (rather than a statement or an expression) starts with.
const ITEM_KEYWORDS: [&str; 15] = [
    "pub", "fn", "mod", "impl", "struct", "enum", "union", "trait", "type", "const", "static", "use",
    "unsafe", "async", "extern",
];

/// Where what an attribute applies to ends (exclusive), the attribute ending just before `from`.
/// An item ends after its `;` or the `}` of its block (and a `;` after it); a `let` statement after its `;`; an
/// expression (a match arm, a field, a tail expression) after its `;` or before its `,`. Whatever
/// it is, it ends before the bracket that closes the block around it.
fn attributed_end(code: &str, from: usize) -> usize {
    let mut start = code[from..].trim_start();
    while start.starts_with("#[") {
        let Some(end) = closing(start, 0, '[', ']') else {
            break;
        };
        start = start[end + 1..].trim_start();
    }
    let starts_with_word = |word: &str| {
        start
            .strip_prefix(word)
            .is_some_and(|rest| !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_'))
    };
    let is_item = ITEM_KEYWORDS.iter().any(|keyword| starts_with_word(keyword));
    let is_expression = !is_item && !starts_with_word("let");
    let mut depth = 0;
    for (offset, c) in code[from..].char_indices() {
        let at = from + offset;
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => return at,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth == 0 && c == '}' && is_item {
                    // `use a::{b, c};` and `const X: S = S { .. };` end with their `;`.
                    let rest = &code[at + 1..];
                    let semicolon = rest.trim_start().strip_prefix(';');
                    return at + 1 + semicolon.map_or(0, |after| rest.len() - after.len());
                }
            }
            ';' if depth == 0 => return at + 1,
            ',' if depth == 0 && is_expression => return at,
            _ => {}
        }
    }
    code.len()
}

/// Walks a Rust source once, copying code and blanking everything else (see [`Source`]).
struct Scanner {
    chars: Vec<char>,
    at: usize,
    code: String,
    commented: Vec<bool>,
}

impl Scanner {
    fn scan(&mut self) {
        while let Some(c) = self.peek(0) {
            match c {
                '/' if self.peek(1) == Some('/') => self.line_comment(),
                '/' if self.peek(1) == Some('*') => self.block_comment(),
                '"' => self.string(),
                '\'' => self.char_or_lifetime(),
                'b' | 'c' | 'r' if self.at_word_start() && self.raw_string_hashes().is_some() => {
                    self.raw_string()
                }
                _ => self.keep(1),
            }
        }
    }

    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.at + ahead).copied()
    }

    fn at_word_start(&self) -> bool {
        self.at == 0 || !matches!(self.chars[self.at - 1], c if c.is_alphanumeric() || c == '_')
    }

    /// Copies the next `n` characters.
    fn keep(&mut self, n: usize) {
        for _ in 0..n {
            if let Some(c) = self.peek(0) {
                self.push(c, c);
            }
        }
    }

    /// Blanks the next character (a line break stays one).
    fn blank(&mut self, comment: bool) {
        if let Some(c) = self.peek(0) {
            if comment && c != '\n' {
                self.mark_commented();
            }
            self.push(c, ' ');
        }
    }

    fn push(&mut self, c: char, shown: char) {
        if c == '\n' {
            self.code.push('\n');
            self.commented.push(false);
        } else {
            self.code.push(shown);
        }
        self.at += 1;
    }

    fn mark_commented(&mut self) {
        if let Some(line) = self.commented.last_mut() {
            *line = true;
        }
    }

    /// `// ...`: a doc comment when it starts `///` (not `////`) or `//!`.
    fn line_comment(&mut self) {
        let doc = (self.peek(2) == Some('/') && self.peek(3) != Some('/')) || self.peek(2) == Some('!');
        while self.peek(0).is_some_and(|c| c != '\n') {
            self.blank(!doc);
        }
    }

    /// `/* ... */`, nested: a doc comment when it starts `/**` (not `/***` or `/**/`) or `/*!`.
    fn block_comment(&mut self) {
        let doc = (self.peek(2) == Some('*') && !matches!(self.peek(3), Some('*' | '/')))
            || self.peek(2) == Some('!');
        let mut depth = 0;
        while let Some(c) = self.peek(0) {
            if c == '/' && self.peek(1) == Some('*') {
                depth += 1;
                self.blank(!doc);
                self.blank(!doc);
            } else if c == '*' && self.peek(1) == Some('/') {
                depth -= 1;
                self.blank(!doc);
                self.blank(!doc);
                if depth == 0 {
                    return;
                }
            } else {
                self.blank(!doc);
            }
        }
    }

    /// `"..."` with escapes: the quotes stay, the contents go.
    fn string(&mut self) {
        self.keep(1);
        while let Some(c) = self.peek(0) {
            match c {
                '"' => return self.keep(1),
                '\\' => {
                    self.blank(false);
                    self.blank(false);
                }
                _ => self.blank(false),
            }
        }
    }

    /// The number of `#` of a raw string starting here (`r"`, `r#"`, `br##"`, `cr"`), if one does.
    fn raw_string_hashes(&self) -> Option<usize> {
        let prefix = match (self.peek(0), self.peek(1)) {
            (Some('r'), _) => 1,
            (Some('b' | 'c'), Some('r')) => 2,
            _ => return None,
        };
        let hashes = (prefix..)
            .take_while(|&ahead| self.peek(ahead) == Some('#'))
            .count();
        (self.peek(prefix + hashes) == Some('"')).then_some(hashes)
    }

    fn raw_string(&mut self) {
        let hashes = self.raw_string_hashes().unwrap_or_default();
        while self.peek(0) != Some('"') {
            self.keep(1);
        }
        self.keep(1);
        while self.peek(0).is_some() {
            let closes = self.peek(0) == Some('"') && (1..=hashes).all(|ahead| self.peek(ahead) == Some('#'));
            if closes {
                return self.keep(1 + hashes);
            }
            self.blank(false);
        }
    }

    /// `'x'` or `'\n'` (blanked between the quotes), or a lifetime or label such as `'a` (code).
    fn char_or_lifetime(&mut self) {
        let is_char = self.peek(1) == Some('\\') || (self.peek(1).is_some() && self.peek(2) == Some('\''));
        self.keep(1);
        if !is_char {
            return;
        }
        while let Some(c) = self.peek(0) {
            match c {
                '\'' => return self.keep(1),
                '\\' => {
                    self.blank(false);
                    self.blank(false);
                }
                _ => self.blank(false),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// workspace-metadata

fn check_workspace_metadata(member: &Member) -> Vec<Violation> {
    let path = member.manifest_path();
    let manifest = &member.manifest;
    let package_line = manifest.table_line("package").unwrap_or(1);
    let mut violations = Vec::new();
    let fields = INHERITED
        .iter()
        .chain(INHERITED_WHEN_PUBLISHED.iter().filter(|_| member.published));
    for field in fields {
        if manifest.value("package", &format!("{field}.workspace")) == Some("true")
            || manifest
                .value("package", field)
                .is_some_and(is_workspace_inline_table)
        {
            continue;
        }
        let (line, message) = match manifest.entry("package", field) {
            Some(entry) => (
                entry.line,
                format!("`{field}` is set here: inherit it with `{field}.workspace = true`"),
            ),
            None => (
                package_line,
                format!("`[package]` does not inherit `{field}` (`{field}.workspace = true`)"),
            ),
        };
        violations.push(Violation::new(&path, line, "workspace-metadata", message));
    }
    let lints_inherited = manifest.value("lints", "workspace") == Some("true")
        || manifest.value("", "lints.workspace") == Some("true");
    if !lints_inherited {
        let line = manifest.table_line("lints").unwrap_or(1);
        let message = "the workspace lints are not inherited (`[lints]` with `workspace = true`)";
        violations.push(Violation::new(&path, line, "workspace-metadata", message));
    }
    violations
}

fn is_workspace_inline_table(value: &str) -> bool {
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    compact == "{workspace=true}"
}

/// The `key = value` lines of a TOML file, read as plainly as a Cargo manifest allows: values are
/// kept as written (a multi-line array as one value), dotted keys stay dotted (`version.workspace`).
#[derive(Debug)]
struct Toml {
    entries: Vec<TomlEntry>,
    /// Each `[table]` header (`[[array]]` ones too) and its line.
    tables: Vec<(String, usize)>,
}

#[derive(Debug)]
struct TomlEntry {
    table: String,
    key: String,
    value: String,
    line: usize,
}

impl Toml {
    fn parse(text: &str) -> Toml {
        let mut toml = Toml {
            entries: Vec::new(),
            tables: Vec::new(),
        };
        let mut table = String::new();
        let mut lines = text.lines().enumerate();
        while let Some((index, line)) = lines.next() {
            let line = strip_toml_comment(line).trim();
            if let Some(header) = line.strip_prefix('[') {
                table = header.trim_matches(['[', ']']).trim().to_owned();
                toml.tables.push((table.clone(), index + 1));
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let mut value = value.trim().to_owned();
            while bracket_balance(&value) > 0 {
                let Some((_, more)) = lines.next() else {
                    break;
                };
                value.push('\n');
                value.push_str(strip_toml_comment(more).trim());
            }
            let key: String = key.split('.').map(str::trim).collect::<Vec<_>>().join(".");
            toml.entries.push(TomlEntry {
                table: table.clone(),
                key,
                value,
                line: index + 1,
            });
        }
        toml
    }

    fn entry(&self, table: &str, key: &str) -> Option<&TomlEntry> {
        self.entries.iter().find(|e| e.table == table && e.key == key)
    }

    fn value(&self, table: &str, key: &str) -> Option<&str> {
        self.entry(table, key).map(|e| e.value.as_str())
    }

    fn table_line(&self, table: &str) -> Option<usize> {
        self.tables
            .iter()
            .find(|(name, _)| name == table)
            .map(|(_, line)| *line)
    }
}

/// A TOML line without its `# comment` (a `#` inside a string is not one).
fn strip_toml_comment(line: &str) -> &str {
    let mut quote = None;
    let mut escaped = false;
    for (at, c) in line.char_indices() {
        match (quote, c) {
            (Some('"'), '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (Some(q), c) if c == q && !escaped => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') => return &line[..at],
            _ => {}
        }
        escaped = false;
    }
    line
}

/// How many `[` and `{` in `value` are still open.
fn bracket_balance(value: &str) -> i64 {
    let opened = value.matches(['[', '{']).count() as i64;
    opened - value.matches([']', '}']).count() as i64
}

/// The `"double-quoted"` strings in `value`, in order.
fn quoted_strings(value: &str) -> Vec<String> {
    value.split('"').skip(1).step_by(2).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(violations: &[Violation]) -> Vec<String> {
        violations.iter().map(Violation::to_string).collect()
    }

    // protocol-ref

    const DOC: &str = "\
# The contract

## 1. Hosts
- a bullet, not a subsection

## 2. Signing
1. Query parameters
2. String to sign
   3. an indented item is not a subsection
5. Bodies (numbers as written)

```text
## 7. inside a code block
```

## 10. Push (signed as in §2)
### 10.3 A numbered subheading
";

    fn sections(names: &[&str]) -> BTreeSet<Section> {
        names.iter().map(|n| leading_section(n).0).collect()
    }

    #[test]
    fn protocol_sections_are_headings_and_numbered_items() {
        assert_eq!(
            protocol_sections(DOC),
            sections(&["1", "2", "2.1", "2.2", "2.5", "10", "10.3"])
        );
    }

    #[test]
    fn leading_section_stops_at_a_sentence_dot() {
        assert_eq!(leading_section("2.5 rest"), (vec![2, 5], " rest"));
        assert_eq!(leading_section("4. The end"), (vec![4], ". The end"));
        assert_eq!(leading_section("10.3.1)"), (vec![10, 3, 1], ")"));
        assert_eq!(leading_section("n"), (vec![], "n"));
    }

    fn cited(citations: Vec<(usize, Section)>) -> Vec<(usize, String)> {
        citations
            .into_iter()
            .map(|(line, section)| (line, section_name(&section)))
            .collect()
    }

    fn expected(citations: &[(usize, &str)]) -> Vec<(usize, String)> {
        citations.iter().map(|(line, s)| (*line, s.to_string())).collect()
    }

    #[test]
    fn citations_after_the_word_protocol() {
        let text = "//! Limits (PROTOCOL §4).\n/// See PROTOCOL §2.5, PROTOCOL.md §9 and §10.\n\
                    /// Checked against PROTOCOL §4.\n/// RFC 9110 §15, MYPROTOCOL §3, PROTOCOL §n.\n\
                    /// PROTOCOL §§6, 7 and 8; PROTOCOL §1 2024 §3; PROTOCOL §§2 2024";
        assert_eq!(
            cited(protocol_citations(text)),
            expected(&[
                (1, "4"),
                (2, "2.5"),
                (2, "9"),
                (2, "10"),
                (3, "4"),
                (5, "6"),
                (5, "7"),
                (5, "8"),
                (5, "1"),
                (5, "2")
            ])
        );
    }

    #[test]
    fn a_citation_may_wrap_onto_the_next_comment_line() {
        let text = "/// as the signature rules of PROTOCOL\n/// §2.3 say\n// PROTOCOL\n\n// §8";
        assert_eq!(cited(protocol_citations(text)), expected(&[(2, "2.3")]));
    }

    #[test]
    fn every_section_mark_in_the_document_itself() {
        assert_eq!(cited(bare_citations(DOC)), expected(&[(16, "2")]));
    }

    #[test]
    fn unknown_sections_are_reported() {
        let tree = Tree::from(&[
            (PROTOCOL_DOC, DOC),
            (
                "a/src/lib.rs",
                "//! PROTOCOL §2.5\n/// PROTOCOL §2.3 and §11.\n/// PROTOCOL §10.3",
            ),
            ("README.md", "See PROTOCOL §1 and §2.2.\nPROTOCOL §7"),
            ("a/Cargo.toml", "description = \"PROTOCOL §3\""),
            (THIS_FILE, "PROTOCOL §99"),
        ]);
        assert_eq!(
            lines(&check_protocol_refs(&tree)),
            [
                "README.md:2: protocol-ref: pusher-core/PROTOCOL.md has no section 7",
                "a/Cargo.toml:1: protocol-ref: pusher-core/PROTOCOL.md has no section 3",
                "a/src/lib.rs:2: protocol-ref: pusher-core/PROTOCOL.md has no section 2.3",
                "a/src/lib.rs:2: protocol-ref: pusher-core/PROTOCOL.md has no section 11",
            ]
        );
    }

    #[test]
    fn only_rust_markdown_and_toml_files_are_read() {
        assert!(is_checked_file("a/Cargo.toml") && is_checked_file("x.md") && is_checked_file("x.rs"));
        assert!(!is_checked_file("notes.txt") && !is_checked_file("client.cjs"));
    }

    #[test]
    fn citations_without_the_document() {
        let tree = Tree::from(&[("a/src/lib.rs", "//! PROTOCOL §1")]);
        assert_eq!(
            lines(&check_protocol_refs(&tree)),
            ["a/src/lib.rs:1: protocol-ref: cites §1 but pusher-core/PROTOCOL.md does not exist"]
        );
    }

    // crate-docs

    const ROOT_MANIFEST: &str = "[workspace]\nmembers = [\n    \"lib\", # the library\n    \"bin\",\n]\n";

    const MANIFEST: &str = "\
[package]
name = \"x\"
version.workspace = true
edition.workspace = true
rust-version.workspace = true
license.workspace = true
repository.workspace = true
authors.workspace = true

[lints]
workspace = true
";

    fn unpublished(manifest: &str) -> String {
        manifest.replace("authors.workspace = true", "publish = false")
    }

    fn member(dir: &str, manifest: &str) -> Member {
        let manifest = Toml::parse(manifest);
        let published = manifest.value("package", "publish") != Some("false");
        Member {
            dir: dir.to_owned(),
            manifest,
            published,
        }
    }

    #[test]
    fn crate_docs() {
        let tree = Tree::from(&[
            ("Cargo.toml", ROOT_MANIFEST),
            ("lib/Cargo.toml", MANIFEST),
            ("lib/README.md", "# lib"),
            ("lib/src/lib.rs", "//! The library.\n"),
            ("lib/src/main.rs", "fn main() {}\n"),
            ("bin/Cargo.toml", MANIFEST),
            ("bin/src/main.rs", "use std::fs;\n//! late\n"),
        ]);
        assert_eq!(
            lines(&check(&tree).unwrap()),
            [
                "bin/Cargo.toml:1: crate-docs: the crate has no README.md",
                "bin/src/main.rs:1: crate-docs: the crate root does not open with crate docs (`//!` lines)",
            ]
        );
        let tree = Tree::from(&[("x/Cargo.toml", MANIFEST), ("x/README.md", "")]);
        assert_eq!(
            lines(&check_crate_docs(&tree, &member("x", MANIFEST))),
            ["x/Cargo.toml:1: crate-docs: neither src/lib.rs nor src/main.rs is tracked"]
        );
        assert!(has_crate_docs("#![doc = include_str!(\"../README.md\")]\n"));
    }

    #[test]
    fn members_come_from_the_root_manifest() {
        let tree = Tree::from(&[("Cargo.toml", ROOT_MANIFEST), ("lib/Cargo.toml", MANIFEST)]);
        assert_eq!(
            members(&tree).unwrap_err(),
            "workspace member `bin` has no tracked bin/Cargo.toml"
        );
        let tree = Tree::from(&[("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]")]);
        assert!(members(&tree).is_err());
    }

    // todo

    #[test]
    fn todo_markers() {
        let text = "// TODO: later\nlet s = \"FIXME\";\n/// XXX\nconst MAX_XXX: u8 = 0; // XXXL TODOIST\n\
                    // TODOs\nlet todo = 1; // not upper case";
        assert_eq!(
            check_todo("a/src/lib.rs", text)
                .iter()
                .map(|v| (v.line, v.rule))
                .collect::<Vec<_>>(),
            [(1, "todo"), (2, "todo"), (3, "todo"), (5, "todo")]
        );
    }

    #[test]
    fn todo_only_in_src_and_never_in_this_file() {
        let marker = "// TODO\n";
        let tree = Tree::from(&[
            ("Cargo.toml", "[workspace]\nmembers = [\"xtask\"]"),
            ("xtask/Cargo.toml", &unpublished(MANIFEST)),
            ("xtask/README.md", ""),
            ("xtask/src/lib.rs", "//! Docs.\n// TODO\n"),
            ("xtask/src/tidy.rs", marker),
            ("xtask/tests/t.rs", marker),
            ("xtask/examples/e.rs", marker),
        ]);
        assert_eq!(
            lines(&check(&tree).unwrap()),
            ["xtask/src/lib.rs:2: todo: `TODO` in library code: do it, or track it outside the code"]
        );
    }

    // unwrap

    fn flagged(text: &str) -> Vec<usize> {
        check_unwrap("a/src/lib.rs", text)
            .iter()
            .map(|v| v.line)
            .collect()
    }

    #[test]
    fn unwrap_and_expect_are_flagged() {
        let text = "\
fn f() {
    let a = x.unwrap();
    let b = y.expect(\"set\");
    let c = z.unwrap_or(1).unwrap_or_default();
    let d = w.expect_err(\"no\");
}";
        assert_eq!(flagged(text), [2, 3]);
    }

    #[test]
    fn comments_strings_and_doc_comments_are_not_code() {
        let text = r####"
/// ```
/// let a = x.unwrap();
/// ```
//! y.unwrap()
/** z.unwrap() */
/* w.unwrap() */ fn f() {}
let s = "a.unwrap() \" b.unwrap()";
let r = r#"c.unwrap() "# ;
let br = br##"d.expect("x") "#"##;
let c = '"'; let e = x.unwrap();
let q = '\''; let l: &'static str = "";
"####;
        // Only the `x.unwrap()` on line 11 is code.
        assert_eq!(flagged(text), [11]);
        // The block comment on line 7 is a comment, the doc comments are not.
        let source = Source::scan(text);
        let commented: Vec<usize> = (0..source.code.len()).filter(|&l| source.commented[l]).collect();
        assert_eq!(commented, [6]);
        assert_eq!(
            source.code[11].trim(),
            "let q = '  '; let l: &'static str = \"\";"
        );
    }

    #[test]
    fn a_comment_justifies() {
        let text = "\
fn f() {
    let a = x.unwrap(); // set just above
    // The pattern is a constant.
    let b = y.expect(\"valid\");
    #[allow(clippy::expect_used)] // the lock is never poisoned
    let c = z.expect(\"lock\");
    // A comment,
    // two lines long.
    #[allow(clippy::unwrap_used)]
    let d = w.unwrap();
    /// A doc comment is not a justification.
    let e = v.unwrap();
    // A comment, then a blank line.

    let f = u.unwrap();
}";
        assert_eq!(flagged(text), [12, 15]);
    }

    #[test]
    fn a_justified_allow_covers_the_item_it_is_on() {
        let text = "\
/// # Panics
#[allow(clippy::expect_used)] // documented, as the wrapped constructor
pub fn new() -> Self {
    Self::builder()
        .build()
        .expect(\"initialized\")
}

#[allow(clippy::unwrap_used)]
fn unexplained() -> u8 { x.unwrap() }

fn tail() -> Config {
    // Checked by the builder.
    #[allow(clippy::expect_used)]
    config.expect(\"valid\")
}
fn after_tail() { w.unwrap(); }

fn arms() {
    match x {
        // Validated on the way in.
        #[allow(clippy::unwrap_used)]
        Some(x) => x
            .parse()
            .unwrap(),
        None => y.unwrap(),
    }
}

// Statically valid.
#[allow(clippy::unwrap_used)]
fn generic<A: Into<u8>, B>(a: A) -> u8 where A: Copy, B: Clone {
    a.into().checked_add(1).unwrap()
}
fn after_generic() { v.unwrap() }

#[allow(clippy::expect_used)] // the justification covers this item only
fn first() {}
fn second() { y.unwrap() }

// A comment above the function is not about the call inside.
fn third() {
    z.unwrap()
}";
        assert_eq!(flagged(text), [10, 17, 26, 35, 39, 43]);
        assert!(allows_unwrap("#[expect(clippy::unwrap_used, reason = \"x\")]"));
        assert!(!allows_unwrap("#[allow(clippy::panic)]"));
    }

    #[test]
    fn a_comment_above_the_statement_justifies_its_chain() {
        let text = "\
fn f() {
    // Built from constants.
    let a = Builder::new()
        .name(\"x\")
        .build()
        .expect(\"valid\");
    // Called with a literal.
    let b = parse(
        \"1\",
    )
    .unwrap();
    let c = Builder::new()
        .build()
        .unwrap();
    let d = list.iter().map(|x| {
        x + 1
    }).next().unwrap();
}";
        assert_eq!(flagged(text), [14, 17]);
    }

    #[test]
    fn test_only_items_are_skipped() {
        let text = r#"
fn f() -> u8 { g().unwrap() }

#[cfg(test)]
mod tests {
    fn braces_in_strings() -> &'static str { "}" }
    #[test]
    fn t() { '}'; /* } */ x.unwrap(); }
}

#[cfg(all(feature = "x", test))]
fn test_fixture() { y.unwrap() }

#[cfg(any(test, feature = "x"))]
fn not_only_for_tests() { z.unwrap() }

#[cfg(test)] mod more { fn u() { w.unwrap() } } fn after() { v.unwrap() }

#[cfg(test)]
#[path = "tests.rs"]
mod file_tests;
fn last() { u.expect("x") }
#[cfg(test)]
use std::{fs, io};
fn very_last() { t.unwrap() }
"#;
        assert_eq!(flagged(text), [2, 15, 17, 22, 25]);
        let outside_tests = Source::scan(text).without_exempt_items();
        let left: Vec<&str> = outside_tests
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(
            left,
            [
                "fn f() -> u8 { g().unwrap() }",
                "#[cfg(any(test, feature = \" \"))]",
                "fn not_only_for_tests() { z.unwrap() }",
                "fn after() { v.unwrap() }",
                "fn last() { u.expect(\" \") }",
                "fn very_last() { t.unwrap() }",
            ]
        );
    }

    #[test]
    fn an_inner_cfg_test_makes_the_whole_file_test_only() {
        assert_eq!(
            flagged("//! Tests.\n#![cfg(test)]\nfn t() { x.unwrap() }"),
            [] as [usize; 0]
        );
        assert!(is_test_only_cfg("#[cfg( test )]"));
        assert!(!is_test_only_cfg("#[cfg(not(test))]"));
    }

    #[test]
    fn unwrap_only_in_published_crates() {
        let tree = Tree::from(&[
            ("Cargo.toml", "[workspace]\nmembers = [\"lib\", \"tool\"]"),
            ("lib/Cargo.toml", MANIFEST),
            ("lib/README.md", ""),
            ("lib/src/lib.rs", "//! Lib.\nfn f() { x.unwrap() }\n"),
            ("lib/tests/t.rs", "fn t() { x.unwrap() }\n"),
            ("tool/Cargo.toml", &unpublished(MANIFEST)),
            ("tool/README.md", ""),
            ("tool/src/main.rs", "//! Tool.\nfn main() { x.unwrap() }\n"),
        ]);
        assert_eq!(
            lines(&check(&tree).unwrap()),
            ["lib/src/lib.rs:2: unwrap: `.unwrap()` with no comment saying why it cannot fail"]
        );
    }

    // workspace-metadata

    #[test]
    fn inherited_metadata_passes() {
        assert_eq!(check_workspace_metadata(&member("x", MANIFEST)), []);
        let other_spellings = "\
lints.workspace = true

[package]
name = \"x\"
version = { workspace = true } # the inline-table form
edition.workspace = true
rust-version.workspace = true
license.workspace = true
repository.workspace = true
authors.workspace = true
";
        assert_eq!(check_workspace_metadata(&member("x", other_spellings)), []);
    }

    #[test]
    fn metadata_that_is_not_inherited() {
        let manifest = "\
[package]
name = \"x\"
version = \"0.2.0\"
edition.workspace = true
license.workspace = true
repository.workspace = true

[lints.rust]
unsafe_code = \"forbid\"
";
        assert_eq!(
            lines(&check_workspace_metadata(&member("x", manifest))),
            [
                "x/Cargo.toml:3: workspace-metadata: `version` is set here: inherit it with `version.workspace = true`",
                "x/Cargo.toml:1: workspace-metadata: `[package]` does not inherit `rust-version` (`rust-version.workspace = true`)",
                "x/Cargo.toml:1: workspace-metadata: `[package]` does not inherit `authors` (`authors.workspace = true`)",
                "x/Cargo.toml:1: workspace-metadata: the workspace lints are not inherited (`[lints]` with `workspace = true`)",
            ]
        );
        // An unpublished crate need not inherit `authors`.
        let unpublished = manifest.replace("name = \"x\"", "name = \"x\"\npublish = false");
        let found = lines(&check_workspace_metadata(&member("x", &unpublished)));
        assert_eq!(found.len(), 3);
        assert!(found.iter().all(|v| !v.contains("authors")));
    }

    #[test]
    fn toml_reading() {
        let toml = Toml::parse(
            "# top\n[package]\nname = \"a#b\" # comment\nversion . workspace = true\n\
             [[test]]\nname = \"t\"\n[workspace]\nmembers = [\n  \"a\", # one\n  \"b\",\n]\nafter = 1\n",
        );
        assert_eq!(toml.value("package", "name"), Some("\"a#b\""));
        assert_eq!(toml.value("package", "version.workspace"), Some("true"));
        assert_eq!(toml.value("test", "name"), Some("\"t\""));
        assert_eq!(toml.table_line("workspace"), Some(7));
        let members = toml.value("workspace", "members").unwrap();
        assert_eq!(quoted_strings(members), ["a", "b"]);
        assert_eq!(toml.value("workspace", "after"), Some("1"));
    }
}
