//! The `declared` target: the app's declarations beside the comparison,
//! each host's cell judged against them, and the declarations that cannot
//! all hold at once (the project disagreeing with itself). Pure.
//!
//! Why beside the `Comparison` rather than a column of it: a declaration
//! is a constraint, not a value, and it is judged by other rules
//! (`satisfies` / `violates`) than the severity ladder hosts are ranked by;
//! the table's columns stay hosts, and renderers put `declared` first.

use std::fmt::{self, Write as _};

use super::constraint::{self, Constraint, Judgement};
use super::matrix::{Comparison, Row};
use crate::declare::services::same_type;
use crate::declare::{Declaration, Declarations, Rules};
use crate::model::Status;

/// A host's cell against the declarations of its fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub judgement: Judgement,
    /// The declaration violated (the first, when several are), by index
    /// into `Judged::declarations.items`.
    pub against: Option<usize>,
    /// The host's backing service is another type than the one declared
    /// (`memcached` for a compose file's `redis:7`): the violation is that,
    /// whatever the version, and said so.
    pub other_service: bool,
}

/// The declarations of one fact and every host's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredFact {
    pub fact: String,
    /// Indices into `Judged::declarations.items`, in reading order.
    pub declared: Vec<usize>,
    /// One per comparison column.
    pub cells: Vec<Verdict>,
    /// Each column's type of backing service, for a `backing.*` fact (the
    /// service's answer, else its URL's scheme).
    pub services: Vec<Option<String>>,
}

/// Two declarations of one fact that no version satisfies both of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    pub fact: String,
    pub first: usize,
    pub second: usize,
}

/// The declarations, judged against a comparison's hosts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judged {
    pub declarations: Declarations,
    /// By fact, in the order their first declaration was read.
    pub facts: Vec<DeclaredFact>,
    pub disagreements: Vec<Disagreement>,
}

impl Judged {
    /// Judges every host of `comparison` against `declarations`.
    pub fn build(declarations: Declarations, comparison: &Comparison) -> Judged {
        let parsed: Vec<Constraint> =
            declarations.items.iter().map(|d| constraint::parse(d.rules, &d.constraint)).collect();
        let mut facts: Vec<DeclaredFact> = Vec::new();
        for (i, d) in declarations.items.iter().enumerate() {
            match facts.iter_mut().find(|f| f.fact == d.fact) {
                Some(f) => f.declared.push(i),
                None => facts.push(DeclaredFact {
                    fact: d.fact.clone(),
                    declared: vec![i],
                    cells: Vec::new(),
                    services: Vec::new(),
                }),
            }
        }
        let mut disagreements = Vec::new();
        for f in &mut facts {
            let row = comparison.rows.iter().find(|r| r.id == f.fact);
            f.cells = (0..comparison.columns.len()).map(|c| verdict(row, c, f, &parsed)).collect();
            f.services = (0..comparison.columns.len())
                .map(|c| row.and_then(|r| r.cells.get(c)).and_then(|cell| cell.service.clone()))
                .collect();
            for (n, &a) in f.declared.iter().enumerate() {
                for &b in &f.declared[n + 1..] {
                    if constraint::compatible(&parsed[a], &parsed[b]) == Some(false) {
                        disagreements.push(Disagreement {
                            fact: f.fact.clone(),
                            first: a,
                            second: b,
                        });
                    }
                }
            }
        }
        Judged { declarations, facts, disagreements }
    }

    pub fn declaration(&self, index: usize) -> &Declaration {
        &self.declarations.items[index]
    }

    /// The declarations of `fact`, if it has any.
    pub fn fact(&self, fact: &str) -> Option<&DeclaredFact> {
        self.facts.iter().find(|f| f.fact == fact)
    }

    /// How many facts host `column` violates.
    pub fn violations(&self, column: usize) -> usize {
        self.facts
            .iter()
            .filter(|f| f.cells.get(column).is_some_and(|v| v.judgement == Judgement::Violates))
            .count()
    }

    /// How host `column`'s violation of `fact` reads when it is another
    /// type of service: "different backing service: memcached here, redis
    /// declared".
    pub fn service_difference(&self, fact: &str, column: usize) -> Option<String> {
        let f = self.fact(fact)?;
        let verdict = f.cells.get(column).filter(|v| v.other_service)?;
        let declared = self.declaration(verdict.against?);
        let want = crate::declare::services::service_image(&declared.constraint)?.service;
        let have = f.services.get(column)?.as_deref()?;
        Some(super::wording::declared_service_difference(have, want))
    }

    /// Why an image declaration of `fact` cannot be judged offline
    /// (`` `latest` names a version chosen elsewhere``), if one cannot.
    pub fn not_judged_why(&self, fact: &str) -> Option<String> {
        use crate::declare::services::{Tag, service_image};
        self.fact(fact)?.declared.iter().find_map(|&i| {
            let d = self.declaration(i);
            match service_image(&d.constraint).filter(|_| d.rules == Rules::Image)?.tag {
                Tag::NotJudged(why) => Some(why),
                Tag::Version(_) => None,
            }
        })
    }

    /// `declared: laptop violates 2, prod violates 1 · the project disagrees
    /// with itself on 2 facts`, or that every host satisfies them.
    pub fn summary(&self, comparison: &Comparison) -> String {
        let violators: Vec<String> = comparison
            .columns
            .iter()
            .enumerate()
            .filter(|(c, _)| self.violations(*c) > 0)
            .map(|(c, col)| format!("{} violates {}", col.name, self.violations(c)))
            .collect();
        let mut text = if self.declarations.items.is_empty() {
            "declared: nothing declared".to_owned()
        } else if violators.is_empty() {
            "declared: no host violates the declarations".to_owned()
        } else {
            format!("declared: {}", violators.join(", "))
        };
        let disagreeing = {
            let mut facts: Vec<&str> = self.disagreements.iter().map(|d| d.fact.as_str()).collect();
            facts.dedup();
            facts.len()
        };
        if disagreeing > 0 {
            let noun = if disagreeing == 1 { "fact" } else { "facts" };
            let _ = write!(text, " · the project disagrees with itself on {disagreeing} {noun}");
        }
        text
    }

    /// One line per disagreement: "the project disagrees with itself:
    /// runtime.node: .nvmrc:1 says 20, package.json:5 says >=18 <19".
    pub fn disagreement_lines(&self) -> Vec<String> {
        self.disagreements.iter().map(|d| DisagreementText(self, d).to_string()).collect()
    }
}

struct DisagreementText<'a>(&'a Judged, &'a Disagreement);

impl fmt::Display for DisagreementText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, b) = (self.0.declaration(self.1.first), self.0.declaration(self.1.second));
        write!(
            f,
            "the project disagrees with itself: {}: {} says {}, {} says {}",
            self.1.fact,
            a.source(),
            a.constraint,
            b.source(),
            b.constraint
        )
    }
}

/// Host `column`'s cell of `row` against every declaration of the fact:
/// violating one is violating; satisfying the others judged is satisfying.
/// A backing service of another type violates its declaration even when
/// it did not answer (its type is in its URL).
fn verdict(
    row: Option<&Row>,
    column: usize,
    fact: &DeclaredFact,
    parsed: &[Constraint],
) -> Verdict {
    let cell = row.and_then(|r| r.cells.get(column));
    let answered = cell.is_some_and(|c| c.status == Some(Status::Ok) && c.value.is_some());
    let other = |i: &usize| match (&parsed[*i], cell.and_then(|c| c.service.as_deref())) {
        (Constraint::Service { service, .. }, Some(have)) => !same_type(service, have, answered),
        _ => false,
    };
    if let Some(&i) = fact.declared.iter().find(|i| other(i)) {
        return Verdict { judgement: Judgement::Violates, against: Some(i), other_service: true };
    }
    let value = cell.filter(|c| c.status == Some(Status::Ok)).and_then(|c| c.value.as_deref());
    let Some(value) = value else {
        return Verdict { judgement: Judgement::NoVersion, against: None, other_service: false };
    };
    let judged: Vec<(usize, Judgement)> =
        fact.declared.iter().map(|&i| (i, constraint::judge(&parsed[i], value))).collect();
    if let Some(&(i, j)) = judged.iter().find(|(_, j)| *j == Judgement::Violates) {
        return Verdict { judgement: j, against: Some(i), other_service: false };
    }
    let judgement = judged
        .iter()
        .map(|(_, j)| *j)
        .find(|j| *j == Judgement::Satisfies)
        .or_else(|| judged.iter().map(|(_, j)| *j).find(|j| *j == Judgement::NoVersion))
        .unwrap_or(Judgement::NotJudged);
    Verdict { judgement, against: None, other_service: false }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::matrix::{Cell, Column};
    use crate::compare::severity::Severity;
    use crate::profile::CompareKind;

    /// A host name and its node version (`None`: not installed).
    type Host<'a> = (&'a str, Option<&'a str>);

    /// A comparison of just `runtime.node` on these hosts.
    fn comparison(hosts: &[Host]) -> Comparison {
        let columns = hosts
            .iter()
            .map(|(name, _)| Column {
                name: (*name).into(),
                environment: None,
                os: None,
                failure: None,
                collected: true,
            })
            .collect();
        let cells = hosts
            .iter()
            .map(|(_, node)| Cell {
                value: node.map(Into::into),
                status: Some(if node.is_some() { Status::Ok } else { Status::Missing }),
                severity: Severity::Equal,
                service: None,
                tolerated: false,
                origin: None,
                restart: None,
                unpinned: None,
            })
            .collect();
        let row = Row {
            id: "runtime.node".into(),
            label: "Node.js".into(),
            category: "Runtimes".into(),
            compare: CompareKind::Semver,
            informational: false,
            cells,
        };
        Comparison { baseline: 0, columns, rows: vec![row] }
    }

    fn declared(items: &[(&str, Rules, &str, usize)]) -> Declarations {
        let items = items
            .iter()
            .map(|(text, rules, file, line)| Declaration {
                fact: "runtime.node".into(),
                constraint: (*text).into(),
                rules: *rules,
                file: (*file).into(),
                line: *line,
            })
            .collect();
        Declarations { app_dir: ".".into(), items, problems: Vec::new() }
    }

    fn judged(items: &[(&str, Rules, &str, usize)], hosts: &[Host]) -> Judged {
        Judged::build(declared(items), &comparison(hosts))
    }

    #[test]
    fn a_host_violating_one_of_several_declarations_violates_it() {
        let hosts = [("a", Some("20.11.1")), ("b", Some("18.19.1")), ("c", None)];
        let j = judged(
            &[("20", Rules::Prefix, ".nvmrc", 1), (">=18", Rules::Npm, "package.json", 9)],
            &hosts,
        );
        let cells = &j.fact("runtime.node").expect("declared").cells;
        assert_eq!(
            cells[0],
            Verdict { judgement: Judgement::Satisfies, against: None, other_service: false }
        );
        assert_eq!(
            cells[1],
            Verdict { judgement: Judgement::Violates, against: Some(0), other_service: false }
        );
        assert_eq!(cells[2].judgement, Judgement::NoVersion);
        assert!(j.disagreements.is_empty());
        assert_eq!(j.violations(1), 1);
    }

    #[test]
    fn aliases_are_not_judged_and_disagree_with_nothing() {
        let hosts = [("a", Some("20.11.1"))];
        let j = judged(
            &[("lts/*", Rules::Prefix, ".nvmrc", 1), ("18", Rules::Prefix, "Dockerfile", 3)],
            &hosts,
        );
        assert_eq!(j.fact("runtime.node").map(|f| f.cells[0].judgement), Some(Judgement::Violates));
        assert!(j.disagreements.is_empty());
        let j = judged(&[("lts/*", Rules::Prefix, ".nvmrc", 1)], &hosts);
        assert_eq!(
            j.fact("runtime.node").map(|f| f.cells[0].judgement),
            Some(Judgement::NotJudged)
        );
        assert_eq!(j.summary(&comparison(&hosts)), "declared: no host violates the declarations");
    }

    #[test]
    fn disagreements_name_both_sources() {
        let hosts = [("a", Some("20.11.1"))];
        let j = judged(
            &[("20", Rules::Prefix, ".nvmrc", 1), (">=18 <19", Rules::Npm, "package.json", 10)],
            &hosts,
        );
        assert_eq!(
            j.disagreement_lines(),
            [
                "the project disagrees with itself: runtime.node: .nvmrc:1 says 20, package.json:10 says >=18 <19"
            ]
        );
        assert_eq!(
            j.summary(&comparison(&hosts)),
            "declared: a violates 1 · the project disagrees with itself on 1 fact"
        );
    }

    /// A cache row: each host's backing value, status and type.
    fn cache(hosts: &[(&str, Option<&str>, Status, &str)]) -> Comparison {
        let mut c = comparison(&hosts.iter().map(|(n, ..)| (*n, None)).collect::<Vec<_>>());
        let row = &mut c.rows[0];
        row.id = "backing.cache".into();
        row.compare = CompareKind::Backing;
        for (cell, (_, value, status, service)) in row.cells.iter_mut().zip(hosts) {
            cell.value = value.map(Into::into);
            cell.status = Some(*status);
            cell.service = Some((*service).into());
        }
        c
    }

    #[test]
    fn a_backing_service_of_another_type_violates_even_unanswered() {
        let hosts = [
            ("laptop", Some("memcached 1.6.21"), Status::Ok, "memcached"),
            ("stage", None, Status::Unreachable, "redis"),
            ("prod", Some("redis 6.2.14"), Status::Ok, "redis"),
            ("ci", None, Status::Unreachable, "memcached"),
        ];
        let comparison = cache(&hosts);
        let declarations = Declarations {
            app_dir: ".".into(),
            items: vec![Declaration {
                fact: "backing.cache".into(),
                constraint: "redis:7-alpine".into(),
                rules: Rules::Image,
                file: "compose.yaml".into(),
                line: 12,
            }],
            problems: Vec::new(),
        };
        let j = Judged::build(declarations, &comparison);
        let cells = &j.fact("backing.cache").expect("declared").cells;
        let got: Vec<(Judgement, bool)> =
            cells.iter().map(|v| (v.judgement, v.other_service)).collect();
        assert_eq!(
            got,
            [
                (Judgement::Violates, true),
                (Judgement::NoVersion, false),
                (Judgement::Violates, false),
                (Judgement::Violates, true),
            ]
        );
        assert_eq!(
            j.service_difference("backing.cache", 0).as_deref(),
            Some("different backing service: memcached here, redis declared")
        );
        assert_eq!(j.service_difference("backing.cache", 2), None);
        assert_eq!(
            j.summary(&comparison),
            "declared: laptop violates 1, prod violates 1, ci violates 1"
        );
    }
}
