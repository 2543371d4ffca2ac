//! What the user decided not to care about: facts to ignore, and levels of
//! difference to tolerate per fact or category (`[compare]` in paritty.toml).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::severity::Severity;

/// The `[compare]` table of paritty.toml.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Fact ids (with `*` wildcards) or category names left out entirely.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Fact id pattern or category name -> the highest level accepted
    /// (`packaging`, `patch`, `minor`, `major`).
    #[serde(default)]
    pub tolerate: BTreeMap<String, Severity>,
}

impl Policy {
    pub fn ignores(&self, id: &str, category: &str) -> bool {
        self.ignore.iter().any(|p| p == category || wildcard(p, id))
    }

    /// Whether `severity` is within what the user tolerates for this fact.
    /// Only version differences can be tolerated: an absent tool or an
    /// unknown value is never waved through.
    pub fn tolerates(&self, id: &str, category: &str, severity: Severity) -> bool {
        if !matches!(
            severity,
            Severity::Packaging | Severity::Patch | Severity::Minor | Severity::Major
        ) {
            return false;
        }
        self.tolerate
            .iter()
            .filter(|(p, _)| *p == category || wildcard(p, id))
            .any(|(_, level)| severity <= *level)
    }
}

/// `*` matches any run of characters.
fn wildcard(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => text.strip_prefix(head).is_some_and(|rest| {
            (0..=rest.len())
                .filter(|i| rest.is_char_boundary(*i))
                .any(|i| wildcard(tail, &rest[i..]))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_and_categories() {
        assert!(wildcard("tool.*", "tool.git"));
        assert!(wildcard("*", "anything"));
        assert!(wildcard("runtime.*3", "runtime.python3"));
        assert!(!wildcard("tool.*", "runtime.node"));
        let policy = Policy {
            ignore: vec!["hostname".into(), "cpu.*".into(), "Package managers".into()],
            tolerate: [
                ("Tools".to_owned(), Severity::Patch),
                ("runtime.node".to_owned(), Severity::Minor),
            ]
            .into_iter()
            .collect(),
        };
        assert!(policy.ignores("cpu.model", "System"));
        assert!(policy.ignores("pkg.npm", "Package managers"));
        assert!(!policy.ignores("os.id", "System"));
        assert!(policy.tolerates("tool.git", "Tools", Severity::Patch));
        assert!(!policy.tolerates("tool.git", "Tools", Severity::Minor));
        assert!(policy.tolerates("runtime.node", "Runtimes", Severity::Minor));
        assert!(!policy.tolerates("tool.git", "Tools", Severity::Missing));
    }
}
