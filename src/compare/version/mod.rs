//! Version comparators: how far apart two values of one fact are, by the
//! rules of the fact's format (`CompareKind`), and which one is newer.
//!
//! `a` is the baseline's value, `b` the other host's. The level is the
//! severity ladder of ARCHITECTURE.md ("Severity of a divergence") minus the two
//! rungs that are about collection rather than values (missing, unknown).
//!
//! Rules shared by every version kind:
//! - identical strings are `Equal` whatever the kind, parseable or not:
//!   two hosts printing the same thing do not diverge;
//! - a value the kind cannot read (semver `abc`, an empty dpkg version) makes
//!   the pair `Different` with no order;
//! - an epoch difference (dpkg/rpm `1:`, PEP 440 `1!`) is `Major`;
//! - otherwise the first differing number of the release (`3.11.2`, missing
//!   ones counting as 0) decides: 1st `Major`, 2nd `Minor`, later `Patch`;
//! - same release numbers but another pre-release or suffix (`1.0~rc1`,
//!   `1.1.1w`, `9.2p2`: OpenSSH's portable releases are upstream releases)
//!   is `Patch`;
//! - a development build that prints a `git describe` tail
//!   (`v1.2.3-14-gdeadbee`) comes after its tag, before the next release,
//!   a `Patch` difference from its tag (semver and loose; dpkg, rpm and
//!   PEP 440 keep their formats' own orders);
//! - the same upstream version with another distro revision or build (dpkg
//!   and rpm revisions, semver and loose `+build`, PEP 440 post-releases and
//!   local versions) is `Packaging`.
//!
//! Each kind's own decisions are documented in its file.

mod describe;
pub mod dpkg;
mod loose;
mod num;
mod pep440;
pub mod rpm;
mod semver;
mod text;

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::profile::CompareKind;

/// How far apart two values are, lowest to highest (ARCHITECTURE.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The same version by the kind's rules (`1.2` and `1.2.0` under semver).
    Equal,
    /// Same upstream version, another distro revision or build.
    Packaging,
    /// The third or a later release number differs, or only a pre-release
    /// or suffix does.
    Patch,
    /// The second release number differs.
    Minor,
    /// The first release number or the epoch differs.
    Major,
    /// Not comparable as versions, or differing text.
    Different,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Equal => "equal",
            Level::Packaging => "packaging",
            Level::Patch => "patch",
            Level::Minor => "minor",
            Level::Major => "major",
            Level::Different => "different",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The judgement on one pair of values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Verdict {
    pub level: Level,
    /// `a` against `b` when both read as versions; `None` when incomparable.
    /// `Some(Equal)` with level `Packaging` happens where the format's order
    /// ignores the difference (semver build metadata).
    pub order: Option<Ordering>,
}

impl Verdict {
    pub const EQUAL: Verdict = Verdict { level: Level::Equal, order: Some(Ordering::Equal) };
    pub const DIFFERENT: Verdict = Verdict { level: Level::Different, order: None };
}

/// Judges `a` (the baseline's value) against `b`. Never panics.
pub fn compare(kind: CompareKind, a: &str, b: &str) -> Verdict {
    if a == b {
        return Verdict::EQUAL;
    }
    let verdict = match kind {
        CompareKind::Semver => semver::compare(a, b),
        CompareKind::Dpkg => dpkg::compare(a, b),
        CompareKind::Rpm => rpm::compare(a, b),
        CompareKind::Pep440 => pep440::compare(a, b),
        // `compare::matrix` judges backing values by `compare::backing`
        // (type first, then the service's rule); asked here, they read as
        // dotted versions after the same type word.
        CompareKind::Loose | CompareKind::Backing => loose::compare(a, b),
        CompareKind::Text => text::compare(a, b),
        CompareKind::Exact => None,
    };
    verdict.unwrap_or(Verdict::DIFFERENT)
}

/// `a` against `b` by the kind's order; `None` when they are not comparable.
/// Text and exact values have no order beyond equality.
pub fn order(kind: CompareKind, a: &str, b: &str) -> Option<Ordering> {
    compare(kind, a, b).order
}

/// Folds the comparison of a version's parts, most significant first, into
/// a verdict. `release` is only consulted when the upstream versions differ,
/// so a verdict's level is `Equal` exactly when its order is.
fn fold(
    epoch: Ordering,
    upstream: Ordering,
    release: impl FnOnce() -> Option<Level>,
    packaging: Ordering,
) -> Verdict {
    let level = if epoch.is_ne() {
        Level::Major
    } else if upstream.is_ne() {
        release().unwrap_or(Level::Patch)
    } else if packaging.is_ne() {
        Level::Packaging
    } else {
        Level::Equal
    };
    Verdict { level, order: Some(epoch.then(upstream).then(packaging)) }
}
