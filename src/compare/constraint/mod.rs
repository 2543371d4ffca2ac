//! A declared constraint read by its ecosystem's rules, and judged: does a
//! host's version satisfy it, and can two constraints be met at once. Pure.
//!
//! Every syntax reduces to a union of version intervals (`range.rs`), so
//! judging and disagreement are answered the same way for all. Decisions:
//! - a prefix (`20`, `3.11`) is every version starting with it; a full
//!   npm version (`1.2.3`) or a PEP 440 `==3.11` is that version exactly
//!   (missing numbers count as 0: `==3.11` is `3.11.0`);
//! - a pre-release host version satisfies only a constraint naming a
//!   pre-release of the same release (npm's rule; pip's default too);
//!   `<3.12` excludes `3.12.0rc1`;
//! - names that stand for a version chosen elsewhere (`lts/*`, `latest`,
//!   `system`, `stable`, `nightly`) are aliases: reported, never guessed;
//! - a backing service's image (`postgres:16-alpine`) is its type, then
//!   its tag as a prefix: another type violates it whatever the version.

mod npm;
pub mod range;
mod specifiers;
pub mod ver;

use serde::Serialize;

use self::range::{Range, Ver};
use self::specifiers::Dialect;
use crate::declare::Rules;
use crate::declare::services::{Tag, same_type, service_image};

/// A constraint as understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Constraint {
    /// The versions it allows, and the releases whose pre-releases it names.
    Range { range: Range, pre_releases: Vec<Vec<u64>> },
    /// Stands for a version chosen elsewhere (`lts/*`): cannot be judged
    /// offline.
    Alias,
    /// Not readable by its rules: why.
    Unreadable(String),
    /// A backing service of this type (`postgresql`), its version by the
    /// inner constraint.
    Service { service: &'static str, version: Box<Constraint> },
}

/// A host's value against a declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Judgement {
    Satisfies,
    Violates,
    /// The constraint is an alias, or unreadable.
    NotJudged,
    /// The host has no version to judge (missing, failed, unreadable value).
    NoVersion,
}

impl Judgement {
    pub fn as_str(self) -> &'static str {
        match self {
            Judgement::Satisfies => "satisfies",
            Judgement::Violates => "violates",
            Judgement::NotJudged => "not judged",
            Judgement::NoVersion => "no version",
        }
    }

    /// The mark shown with the word, so it reads without colour.
    pub fn mark(self) -> &'static str {
        match self {
            Judgement::Satisfies => "✓",
            Judgement::Violates => "✗",
            Judgement::NotJudged | Judgement::NoVersion => "?",
        }
    }
}

/// Words that name a version chosen elsewhere, by version managers,
/// toolchains and image tags.
const ALIASES: &[&str] = &[
    "latest",
    "stable",
    "system",
    "node",
    "current",
    "lts",
    "nightly",
    "beta",
    "iojs",
    "min-required",
    "latest-allowed",
];

fn is_alias(text: &str) -> bool {
    let lower = text.trim().to_ascii_lowercase();
    let head = lower.split(['/', ':', '-']).next().unwrap_or("");
    ALIASES.contains(&lower.as_str()) || (lower.len() > head.len() && ALIASES.contains(&head))
}

/// `text` read by `rules`. Never panics.
pub fn parse(rules: Rules, text: &str) -> Constraint {
    let text = text.trim();
    if text.is_empty() {
        return Constraint::Unreadable("empty constraint".into());
    }
    // An image's name is no alias (`node:20`); its tag may stand for one.
    if rules == Rules::Image {
        return image(text);
    }
    if text.split_whitespace().any(is_alias) {
        return Constraint::Alias;
    }
    let range = match rules {
        Rules::Prefix => prefix(text),
        Rules::Npm => npm::parse(text),
        Rules::Poetry => npm::parse_poetry(text),
        Rules::Pep440 => specifiers::parse(text, Dialect::Pep440),
        Rules::Ruby => specifiers::parse(text, Dialect::Ruby),
        Rules::Minimum => minimum(text),
        Rules::Image => unreachable!("read above"),
    };
    match range {
        Ok(range) => Constraint::Range { range, pre_releases: pre_releases(text) },
        Err(why) => Constraint::Unreadable(why),
    }
}

/// Version-manager files and image tags: alternatives separated by spaces
/// (`.tool-versions`' `python 3.11.7 3.12.1`), each a prefix.
fn prefix(text: &str) -> Result<Range, String> {
    let mut out = Range::none();
    for alternative in text.split_whitespace() {
        let p = ver::partial(alternative)
            .filter(|p| !p.nums.is_empty())
            .ok_or_else(|| format!("`{alternative}` is not a version"))?;
        let range = if p.pre.is_some() {
            Range::exactly(p.ver())
        } else {
            Range::prefix(&p.ver(), p.nums.len())
        };
        out = out.union(range);
    }
    Ok(out)
}

/// A backing service's image: its type, and its tag as a prefix; a tag
/// that names no version (`latest`, none, a variable) is an alias.
fn image(text: &str) -> Constraint {
    let Some(image) = service_image(text) else {
        return Constraint::Unreadable(format!("`{text}` is not a known backing-service image"));
    };
    let version = match image.tag {
        Tag::Version(v) => match prefix(&v) {
            Ok(range) => Constraint::Range { range, pre_releases: Vec::new() },
            Err(why) => Constraint::Unreadable(why),
        },
        Tag::NotJudged(_) => Constraint::Alias,
    };
    Constraint::Service { service: image.service, version: Box::new(version) }
}

/// go.mod's `go 1.22` and `toolchain go1.22.3`: at least that version.
fn minimum(text: &str) -> Result<Range, String> {
    let bare = text.strip_prefix("go").unwrap_or(text);
    ver::partial(bare)
        .filter(|p| !p.nums.is_empty() && !p.wild)
        .map(|p| Range::at_least(p.ver()))
        .ok_or_else(|| format!("`{text}` is not a version"))
}

/// The releases whose pre-releases the text names (`>=1.2.3-beta`).
fn pre_releases(text: &str) -> Vec<Vec<u64>> {
    text.split(|c: char| c.is_whitespace() || ",|<>=~^!".contains(c))
        .filter_map(ver::partial)
        .filter(|p| p.pre.is_some())
        .map(|p| p.nums)
        .collect()
}

/// `value` (a host's collected value) against the constraint; a backing
/// value (`postgresql 16.2`) against a service's, type first.
pub fn judge(constraint: &Constraint, value: &str) -> Judgement {
    if let Constraint::Service { service, version } = constraint {
        let (kind, rest) = value.split_once(' ').unwrap_or((value, ""));
        if !same_type(service, kind, true) {
            return Judgement::Violates;
        }
        return judge(version, rest);
    }
    let Constraint::Range { range, pre_releases } = constraint else {
        return Judgement::NotJudged;
    };
    let Some(v) = ver::find(value) else { return Judgement::NoVersion };
    if v.pre.is_some() && !pre_releases.iter().any(|r| same_release(r, &v)) {
        return Judgement::Violates;
    }
    if range.contains(&v) { Judgement::Satisfies } else { Judgement::Violates }
}

fn same_release(named: &[u64], v: &Ver) -> bool {
    Ver::new(named.to_vec()) == Ver::new(v.release.clone())
}

/// Whether some version satisfies both; `None` when either cannot be judged.
pub fn compatible(a: &Constraint, b: &Constraint) -> Option<bool> {
    match (a, b) {
        (Constraint::Range { range: a, .. }, Constraint::Range { range: b, .. }) => {
            Some(!a.intersect(b).is_empty())
        }
        (
            Constraint::Service { service: a, version: x },
            Constraint::Service { service: b, version: y },
        ) => {
            if a == b {
                compatible(x, y)
            } else {
                Some(false)
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
