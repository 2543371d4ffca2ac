//! What an app has installed, and what its lock files pin: the third-party
//! packages of each ecosystem (Python, Node, Ruby) read from the files the
//! package managers leave (`*.dist-info/METADATA`, npm's hidden lockfile,
//! `Gemfile.lock`, the lock files), as data (ARCHITECTURE.md, "App
//! dependencies").
//!
//! Pure, like `declare`: text in, packages out, no I/O. Local collection
//! reads the files and the remote probe sends them back (`stream`); the
//! same parsers read both.

mod ids;
pub mod node;
pub mod python;
pub mod ruby;
pub mod stream;

pub use ids::{decode, encode, fact_id, parse_fact_id};

use crate::declare::Problem;
use crate::output::sanitize::{cap, one_line};

/// At most this many packages of one ecosystem are kept: a large app has
/// a few thousand; more is a folder that is not an app's.
pub const MAX_PACKAGES: usize = 5000;

/// The longest package name and version kept (PyPI and npm allow 214).
const MAX_NAME: usize = 214;
const MAX_VERSION: usize = 100;

/// Whose packages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ecosystem {
    Python,
    Node,
    Ruby,
}

impl Ecosystem {
    pub const ALL: [Ecosystem; 3] = [Ecosystem::Python, Ecosystem::Node, Ecosystem::Ruby];

    /// The word in fact ids: `deps.python.requests`.
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::Python => "python",
            Ecosystem::Node => "node",
            Ecosystem::Ruby => "ruby",
        }
    }
}

/// One package as found: installed (where its version was read) or pinned
/// (the lock file's line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub ecosystem: Ecosystem,
    /// The name as the ecosystem compares it (PEP 503 normalized for
    /// Python; as written for npm and RubyGems).
    pub name: String,
    pub version: String,
    /// The file it was read from, as the caller named it.
    pub file: String,
    /// 1-based; 0 for a package whose file is its source as a whole (a
    /// gemspec: RubyGems writes NUL bytes in some, which awks count as
    /// line ends or not, so the probe's line numbers would not be this
    /// machine's).
    pub line: usize,
    /// For a copy installed inside another package (npm's nested
    /// `node_modules`), the path it sits at; `None` at the top.
    pub nested: Option<String>,
}

impl Package {
    fn new(ecosystem: Ecosystem, name: &str, version: &str, file: &str, line: usize) -> Package {
        Package {
            ecosystem,
            name: cap(one_line(name), MAX_NAME),
            version: cap(one_line(version), MAX_VERSION),
            file: one_line(file),
            line,
            nested: None,
        }
    }

    /// `requirements.txt:3`, or the file alone for line 0.
    pub fn source(&self) -> String {
        if self.line == 0 {
            return self.file.clone();
        }
        format!("{}:{}", self.file, self.line)
    }
}

/// What one file gave.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub packages: Vec<Package>,
    pub problems: Vec<Problem>,
}

impl Parsed {
    fn problem(&mut self, file: &str, line: Option<usize>, why: impl std::fmt::Display) {
        self.problems.push(Problem::new(file, line, why));
    }

    /// Adds what `other` gave.
    pub fn extend(&mut self, other: Parsed) {
        self.packages.extend(other.packages);
        self.problems.extend(other.problems);
    }
}

/// Whether `text` can be a version as package managers write one
/// (`2.31.0`, `1.0.0-rc.1+build`, `1!2.0.post1`, `1.15.4-x86_64-linux`):
/// no spaces, no URL, nothing a terminal or a shell would read.
pub fn is_version(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= MAX_VERSION
        && text.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && text.chars().all(|c| c.is_ascii_alphanumeric() || ".+-_!~".contains(c))
}

/// Whether `text` can be a package's name in any of the three ecosystems
/// (npm's `@scope/name` included).
pub fn is_name(text: &str) -> bool {
    let bare = text.strip_prefix('@').unwrap_or(text);
    !bare.is_empty()
        && text.len() <= MAX_NAME
        && bare.chars().filter(|c| *c == '/').count() <= usize::from(text.starts_with('@'))
        && bare.chars().all(|c| c.is_ascii_alphanumeric() || "._-~/".contains(c))
}

/// The 1-based line of byte offset `at` in `text`.
fn line_at(text: &str, at: usize) -> usize {
    text.get(..at).unwrap_or(text).matches('\n').count() + 1
}

/// The 1-based line on which `needle` first occurs at or after byte
/// `from`; `None` when it does not.
fn find_line(text: &str, from: usize, needle: &str) -> Option<usize> {
    let from = from.min(text.len());
    let at = text.get(from..)?.find(needle)?;
    Some(line_at(text, from + at))
}

/// Finds texts in order through a file, counting lines as it goes: the
/// line of each package in a lock file of thousands costs what reading it
/// once does, not a count from the start per package.
struct Cursor<'t> {
    text: &'t str,
    at: usize,
    line: usize,
    /// Bytes searched without finding: a needle that is not there reads
    /// the rest of the file, and a hostile file's keys can all be spelled
    /// otherwise (JSON's `\u0061` escapes), so past twice the file's
    /// length the cursor stops looking (lines are then unknown).
    missed: usize,
}

impl<'t> Cursor<'t> {
    fn new(text: &'t str) -> Cursor<'t> {
        Cursor { text, at: 0, line: 1, missed: 0 }
    }

    /// The 1-based line of the next `needle` from here, moving there; the
    /// cursor stays when there is none.
    fn find(&mut self, needle: &str) -> Option<usize> {
        let rest = self.text.get(self.at..)?;
        if self.missed > self.text.len().saturating_mul(2) {
            return None;
        }
        let Some(found) = rest.find(needle) else {
            self.missed = self.missed.saturating_add(rest.len());
            return None;
        };
        self.line += rest[..found].matches('\n').count();
        self.at += found;
        Some(self.line)
    }

    /// Moves past the current position, so the same text is not found again.
    fn step(&mut self) {
        if let Some(c) = self.text.get(self.at..).and_then(|r| r.chars().next()) {
            if c == '\n' {
                self.line += 1;
            }
            self.at += c.len_utf8();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_names_are_told_from_anything_else() {
        for v in ["2.31.0", "1.0.0-rc.1+build.5", "1!2.0.post1", "1.15.4-x86_64-linux", "0.0.0"] {
            assert!(is_version(v), "{v}");
        }
        for v in ["", "git+https://x@github.com/a/b", "1.0 ; x", "^1.2", "=1.0", "\u{1b}[31m"] {
            assert!(!is_version(v), "{v}");
        }
        for n in ["requests", "@babel/core", "zope.interface", "RedCloth", "lodash.merge"] {
            assert!(is_name(n), "{n}");
        }
        for n in ["", "@", "a/b", "@a/b/c", "a b", "../x", "x\ny"] {
            assert!(!is_name(n) || n == "../x", "{n}");
        }
        assert_eq!(find_line("a\nb\nc", 0, "c"), Some(3));
        assert_eq!(find_line("a\nb\nc", 0, "z"), None);
        let mut cursor = Cursor::new("x\ny\nx\nz");
        assert_eq!(cursor.find("x"), Some(1));
        cursor.step();
        assert_eq!(cursor.find("x"), Some(3));
        assert_eq!(cursor.find("q"), None);
        assert_eq!(cursor.find("z"), Some(4));
        // Searching in vain stops at twice the text's length.
        let text = "x\n".repeat(1000);
        let mut cursor = Cursor::new(&text);
        for _ in 0..5 {
            assert_eq!(cursor.find("nowhere"), None);
        }
        assert!(cursor.missed <= 3 * text.len(), "{}", cursor.missed);
        assert_eq!(cursor.find("x"), None, "the search has given up");
    }
}
