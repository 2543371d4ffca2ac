//! Python versions by PEP 440: `[N!]release[{a|b|rc}N][.postN][.devN][+local]`
//! with the PEP's normalizations, read with the pattern of the reference
//! implementation (pypa/packaging's `VERSION_PATTERN`) and ordered by its
//! `_cmpkey`.
//!
//! Levels: pre-release and dev-release differences are `Patch`.
//! Post-releases are `Packaging`: PEP 440 defines them as fixing "minor
//! errors in a final release that do not affect the distributed software"
//! (release notes, packaging). Local versions (`1.0+ubuntu1`), a
//! downstream's own builds, are `Packaging` too.

use std::cmp::Ordering;
use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::num::{Num, release_level};
use super::{Level, Verdict};

/// packaging's pattern, anchored; its letters are ASCII-only and
/// case-insensitive. Rust's regex prefers alternatives and greedy repeats
/// the way Python's backtracking engine does, so the captures agree.
const PATTERN: &str = r"(?x)
    ^\s*
    (?i-u:
        v?
        (?:(?P<epoch>[0-9]+)!)?
        (?P<release>[0-9]+(?:\.[0-9]+)*)
        (?:[-_.]?(?P<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?P<pre_n>[0-9]+)?)?
        (?:
            -(?P<post_n1>[0-9]+)
            | [-_.]?(?P<post_l>post|rev|r)[-_.]?(?P<post_n2>[0-9]+)?
        )?
        (?:[-_.]?(?P<dev_l>dev)[-_.]?(?P<dev_n>[0-9]+)?)?
        (?:\+(?P<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?
    )
    \s*$";

/// `None` only if the pattern failed to compile, which a test rules out.
static VERSION: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(PATTERN).ok());

/// A segment of a local version: strings sort before numbers.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Local<'a> {
    Text(String),
    Num(Num<'a>),
}

/// Where the pre-release puts a version: a dev release of a final version
/// (`1.0.dev0`) sorts before its alphas, a final version after its rcs.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum PreKey<'a> {
    DevOnly,
    Pre(u8, Num<'a>),
    Final,
}

/// Where the dev release puts a version: without one, after those with one.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum DevKey<'a> {
    Dev(Num<'a>),
    None,
}

struct Pep440<'a> {
    epoch: Num<'a>,
    release: Vec<&'a str>,
    /// `a`, `b`, `rc` as 0, 1, 2, with the number (implicitly 0).
    pre: Option<(u8, Num<'a>)>,
    post: Option<Num<'a>>,
    dev: Option<Num<'a>>,
    local: Option<Vec<Local<'a>>>,
}

fn parse(s: &str) -> Option<Pep440<'_>> {
    let caps = VERSION.as_ref()?.captures(s)?;
    let text = |name| caps.name(name).map(|m| m.as_str());
    let number = |name| Num::new(text(name).unwrap_or(""));
    // Spelling normalization: alpha -> a, beta -> b, c/pre/preview -> rc.
    let pre = text("pre_l").map(|letter| {
        let rank = match letter.to_ascii_lowercase().as_str() {
            "a" | "alpha" => 0,
            "b" | "beta" => 1,
            _ => 2,
        };
        (rank, number("pre_n"))
    });
    // `1.0-1` is an implicit post-release; `1.0.post` is post 0.
    let post = match (text("post_n1"), text("post_l")) {
        (Some(n), _) => Some(Num::new(n)),
        (None, Some(_)) => Some(number("post_n2")),
        (None, None) => None,
    };
    let dev = text("dev_l").map(|_| number("dev_n"));
    Some(Pep440 {
        epoch: number("epoch"),
        release: text("release").unwrap_or("").split('.').collect(),
        pre,
        post,
        dev,
        local: local_segments(&caps),
    })
}

fn local_segments<'a>(caps: &Captures<'a>) -> Option<Vec<Local<'a>>> {
    let local = caps.name("local")?.as_str();
    let segment = |part: &'a str| {
        if part.bytes().all(|b| b.is_ascii_digit()) {
            Local::Num(Num::new(part))
        } else {
            Local::Text(part.to_ascii_lowercase())
        }
    };
    Some(local.split(['.', '-', '_']).map(segment).collect())
}

impl Pep440<'_> {
    /// The release without its trailing zeros: `1.0.0` sorts as `1`.
    fn release_key(&self) -> Vec<Num<'_>> {
        let mut key: Vec<Num<'_>> = self.release.iter().map(|n| Num::new(n)).collect();
        while key.last().is_some_and(|n| *n == Num::new("")) {
            key.pop();
        }
        key
    }

    fn pre_key(&self) -> PreKey<'_> {
        match (self.pre, self.post, self.dev) {
            (None, None, Some(_)) => PreKey::DevOnly,
            (None, ..) => PreKey::Final,
            (Some((rank, n)), ..) => PreKey::Pre(rank, n),
        }
    }

    fn dev_key(&self) -> DevKey<'_> {
        self.dev.map_or(DevKey::None, DevKey::Dev)
    }

    /// packaging's `_cmpkey` order: epoch, release, pre, post, dev, local.
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| self.release_key().cmp(&other.release_key()))
            .then_with(|| self.pre_key().cmp(&other.pre_key()))
            .then_with(|| self.post.cmp(&other.post))
            .then_with(|| self.dev_key().cmp(&other.dev_key()))
            .then_with(|| self.local.cmp(&other.local))
    }
}

pub(super) fn compare(a: &str, b: &str) -> Option<Verdict> {
    let (a, b) = (parse(a)?, parse(b)?);
    // Equal exactly when every part is, hence when the order is Equal.
    let level = if a.epoch != b.epoch {
        Level::Major
    } else if let Some(level) = release_level(&a.release, &b.release) {
        level
    } else if a.pre != b.pre || a.dev != b.dev {
        Level::Patch
    } else if a.post != b.post || a.local != b.local {
        Level::Packaging
    } else {
        Level::Equal
    };
    Some(Verdict { level, order: Some(a.cmp(&b)) })
}
