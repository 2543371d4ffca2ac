//! What the app declares it needs: versions pinned or constrained in its
//! own files (`.nvmrc`, `package.json` `engines`, `.python-version`,
//! Dockerfile `FROM`, ...), each as a constraint on a fact id with the file
//! and line it came from (ARCHITECTURE.md, "The app").
//!
//! The parsers take a file's text and give declarations: no I/O, so each is
//! tested on real files' text. `read.rs` finds and reads the files.

mod actions;
pub mod compose;
mod go;
mod images;
mod mise;
mod node;
mod python;
pub mod read;
mod ruby;
mod rust;
pub mod services;
mod version_files;

use std::fmt;

use serde::Serialize;

use crate::output::sanitize::{cap, one_line};

/// The longest constraint text kept: a declaration is a few characters;
/// more is a file that is not what its name says.
const MAX_TEXT: usize = 200;

/// Whose rules a constraint's text is read by (`compare::constraint`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rules {
    /// A version or its prefix (`20`, `3.11`, `v20.11.1`) as version
    /// managers and image tags mean it; alternatives separated by spaces.
    Prefix,
    /// npm's semver ranges (`engines`).
    Npm,
    /// Poetry's (npm's, with `,` for "and").
    Poetry,
    /// PEP 440 specifiers (`requires-python`).
    Pep440,
    /// RubyGems requirements (`Gemfile` `ruby`).
    Ruby,
    /// A minimum (go.mod's `go` and `toolchain`).
    Minimum,
    /// A backing service's image (`postgres:16-alpine`): its type, then its
    /// tag as a prefix (`declare::services`).
    Image,
}

/// One declared constraint on one fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Declaration {
    /// The fact it constrains (`runtime.node`).
    pub fact: String,
    /// The constraint as the file writes it (clean, one line).
    pub constraint: String,
    pub rules: Rules,
    /// The file's name inside the app folder.
    pub file: String,
    /// 1-based.
    pub line: usize,
}

impl Declaration {
    fn new(fact: &str, constraint: &str, rules: Rules, file: &str, line: usize) -> Declaration {
        Declaration {
            fact: fact.to_owned(),
            constraint: cap(one_line(constraint.trim()), MAX_TEXT),
            rules,
            file: one_line(file),
            line,
        }
    }

    /// `.nvmrc:1`.
    pub fn source(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

/// A declaration file that could not be read or understood: one line
/// naming the file (and the line, when one is at fault).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
    /// Said, but the file was used: something left undeclared on purpose
    /// (two compose services that could each play a role), which a run
    /// does not fail for.
    #[serde(skip)]
    pub warning: bool,
}

impl Problem {
    pub fn new(file: &str, line: Option<usize>, message: impl fmt::Display) -> Problem {
        Problem {
            file: one_line(file),
            line,
            message: cap(one_line(&message.to_string()), 400),
            warning: false,
        }
    }

    /// A [`Problem::new`] that is only a warning.
    pub fn warning(file: &str, line: Option<usize>, message: impl fmt::Display) -> Problem {
        Problem { warning: true, ..Problem::new(file, line, message) }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for Problem {}

/// Everything an app folder declares.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Declarations {
    /// The folder, as the user named it (clean).
    pub app_dir: String,
    pub items: Vec<Declaration>,
    /// Files that were there but could not be used (the others still
    /// were), and warnings about what was left undeclared.
    pub problems: Vec<Problem>,
}

/// What one file gave.
type Parsed = (Vec<Declaration>, Vec<Problem>);

/// The declaration files paritty reads, by name, and their parsers.
pub const FILES: &[&str] = &[
    ".tool-versions",
    "mise.toml",
    ".mise.toml",
    ".nvmrc",
    ".node-version",
    "package.json",
    ".python-version",
    "pyproject.toml",
    "runtime.txt",
    "Pipfile",
    ".ruby-version",
    "Gemfile",
    ".java-version",
    ".sdkmanrc",
    "rust-toolchain",
    "rust-toolchain.toml",
    "go.mod",
    ".terraform-version",
    "Dockerfile",
    "Containerfile",
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yaml",
    "docker-compose.override.yml",
];

/// The folder of GitHub Actions workflows, whose `*.yml` files are read too.
pub const WORKFLOWS: &str = ".github/workflows";

/// The declarations in `text`, a file called `name` (one of [`FILES`], or
/// a workflow under [`WORKFLOWS`]).
pub fn parse(name: &str, text: &str) -> Parsed {
    match name {
        ".tool-versions" => version_files::tool_versions(text),
        ".nvmrc" | ".node-version" => version_files::single(name, text, "runtime.node"),
        ".python-version" => version_files::single(name, text, "runtime.python3"),
        ".ruby-version" => version_files::single(name, text, "runtime.ruby"),
        ".java-version" => version_files::single(name, text, "runtime.java"),
        ".terraform-version" => version_files::single(name, text, "tool.terraform"),
        "runtime.txt" => version_files::runtime_txt(text),
        "mise.toml" | ".mise.toml" => mise::mise_toml(name, text),
        "Pipfile" => python::pipfile(text),
        ".sdkmanrc" => version_files::sdkmanrc(text),
        "package.json" => node::package_json(text),
        "pyproject.toml" => python::pyproject(text),
        "Gemfile" => ruby::gemfile(text),
        "rust-toolchain" | "rust-toolchain.toml" => rust::toolchain(name, text),
        "go.mod" => go::go_mod(text),
        "Dockerfile" | "Containerfile" => images::dockerfile(name, text),
        _ if name.starts_with(WORKFLOWS) => actions::workflow(name, text),
        // A compose file alone (`read` reads a folder's as one project).
        _ => compose::declarations(&[(name, text)], &[]),
    }
}

/// The significant lines of a simple file: 1-based number and text,
/// comments (`#` to the end) and blank lines left out.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().filter_map(|(i, line)| {
        let line = line.split('#').next().unwrap_or("").trim();
        (!line.is_empty()).then_some((i + 1, line))
    })
}

/// The 1-based line of the first line after `from` (0-based byte offset)
/// on which `needle` occurs; 1 when nothing matches (the file is the place).
fn line_of(text: &str, from: usize, needle: &str) -> usize {
    let from = from.min(text.len());
    let at = text.get(from..).and_then(|rest| rest.find(needle)).map_or(0, |i| from + i);
    text[..at].matches('\n').count() + 1
}
