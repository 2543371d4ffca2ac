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
use crate::declare::{Declaration, Declarations};
use crate::model::Status;

/// A host's cell against the declarations of its fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub judgement: Judgement,
    /// The declaration violated (the first, when several are), by index
    /// into `Judged::declarations.items`.
    pub against: Option<usize>,
}

/// The declarations of one fact and every host's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredFact {
    pub fact: String,
    /// Indices into `Judged::declarations.items`, in reading order.
    pub declared: Vec<usize>,
    /// One per comparison column.
    pub cells: Vec<Verdict>,
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
                }),
            }
        }
        let mut disagreements = Vec::new();
        for f in &mut facts {
            let row = comparison.rows.iter().find(|r| r.id == f.fact);
            f.cells = (0..comparison.columns.len()).map(|c| verdict(row, c, f, &parsed)).collect();
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
fn verdict(
    row: Option<&Row>,
    column: usize,
    fact: &DeclaredFact,
    parsed: &[Constraint],
) -> Verdict {
    let cell = row.and_then(|r| r.cells.get(column));
    let value = cell.filter(|c| c.status == Some(Status::Ok)).and_then(|c| c.value.as_deref());
    let Some(value) = value else {
        return Verdict { judgement: Judgement::NoVersion, against: None };
    };
    let judged: Vec<(usize, Judgement)> =
        fact.declared.iter().map(|&i| (i, constraint::judge(&parsed[i], value))).collect();
    if let Some(&(i, j)) = judged.iter().find(|(_, j)| *j == Judgement::Violates) {
        return Verdict { judgement: j, against: Some(i) };
    }
    let judgement = judged
        .iter()
        .map(|(_, j)| *j)
        .find(|j| *j == Judgement::Satisfies)
        .or_else(|| judged.iter().map(|(_, j)| *j).find(|j| *j == Judgement::NoVersion))
        .unwrap_or(Judgement::NotJudged);
    Verdict { judgement, against: None }
}
