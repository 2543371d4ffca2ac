//! A comparison as data: report types kept apart from the core ones so the
//! JSON stays stable while the internals change.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::compare::constraint::Judgement;
use crate::compare::matrix::Comparison;
use crate::compare::revision::{Gap, TimeGap, days_between};
use crate::compare::severity::Severity;
use crate::export::document::DiffDoc;
use crate::model::{Failure, Origin, Status};

#[derive(Serialize)]
struct Report<'c> {
    summary: String,
    /// What was redacted before this was written.
    #[serde(skip_serializing_if = "Option::is_none")]
    redacted: Option<&'c str>,
    baseline: &'c str,
    hosts: Vec<Host<'c>>,
    rows: Vec<Row<'c>>,
    /// The `declared` target: the app's declarations and what they found.
    #[serde(skip_serializing_if = "Option::is_none")]
    declared: Option<Declared<'c>>,
    /// How far each host's `app.revision` is from the local HEAD.
    #[serde(skip_serializing_if = "Option::is_none")]
    time_gap: Option<TimeGapReport<'c>>,
}

#[derive(Serialize)]
struct TimeGapReport<'c> {
    head: &'c str,
    /// `None` when HEAD is detached.
    branch: Option<&'c str>,
    hosts: Vec<HostGap<'c>>,
}

#[derive(Serialize)]
struct HostGap<'c> {
    host: &'c str,
    revision: &'c str,
    /// Whether the local repository has the commit.
    known: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    committed_at: Option<i64>,
    /// Commits HEAD has that the host's revision lacks, and the reverse.
    #[serde(skip_serializing_if = "Option::is_none")]
    behind: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ahead: Option<u64>,
    /// Whole days between the two commits.
    #[serde(skip_serializing_if = "Option::is_none")]
    days: Option<i64>,
    /// Against the baseline's revision, when both are known.
    #[serde(skip_serializing_if = "Option::is_none")]
    behind_baseline: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ahead_of_baseline: Option<u64>,
    /// The sentence the other formats show.
    text: String,
}

fn time_gap<'c>(gap: &'c TimeGap, comparison: &'c Comparison) -> TimeGapReport<'c> {
    let hosts = gap
        .columns
        .iter()
        .zip(&comparison.columns)
        .enumerate()
        .filter_map(|(c, (g, col))| {
            let g = g.as_ref()?;
            let text = gap.line(comparison, c)?;
            Some(match g {
                Gap::Unknown { revision } => HostGap {
                    host: &col.name,
                    revision,
                    known: false,
                    committed_at: None,
                    behind: None,
                    ahead: None,
                    days: None,
                    behind_baseline: None,
                    ahead_of_baseline: None,
                    text,
                },
                Gap::Known { commit, from_head, from_baseline } => HostGap {
                    host: &col.name,
                    revision: &commit.id,
                    known: true,
                    committed_at: Some(commit.time),
                    behind: Some(from_head.behind),
                    ahead: Some(from_head.ahead),
                    days: Some(days_between(commit.time, gap.head.commit.time)),
                    behind_baseline: from_baseline.map(|d| d.behind),
                    ahead_of_baseline: from_baseline.map(|d| d.ahead),
                    text,
                },
            })
        })
        .collect();
    TimeGapReport { head: &gap.head.commit.id, branch: gap.head.branch.as_deref(), hosts }
}

#[derive(Serialize)]
struct Declared<'c> {
    summary: String,
    declarations: Vec<Declaration<'c>>,
    /// Pairs of declarations of one fact that no version satisfies both of.
    disagreements: Vec<Disagreement<'c>>,
    /// Declaration files that could not be used, one line each.
    problems: Vec<String>,
}

#[derive(Serialize)]
struct Declaration<'c> {
    fact: &'c str,
    constraint: &'c str,
    rules: crate::declare::Rules,
    file: &'c str,
    line: usize,
}

#[derive(Serialize)]
struct Disagreement<'c> {
    fact: &'c str,
    first: Declaration<'c>,
    second: Declaration<'c>,
}

fn declaration(d: &crate::declare::Declaration) -> Declaration<'_> {
    Declaration {
        fact: &d.fact,
        constraint: &d.constraint,
        rules: d.rules,
        file: &d.file,
        line: d.line,
    }
}

#[derive(Serialize)]
struct Host<'c> {
    name: &'c str,
    environment: Option<&'c str>,
    os: Option<&'c str>,
    baseline: bool,
    failure: Option<&'c Failure>,
    /// Counted divergences from the baseline, by severity.
    divergences: BTreeMap<Severity, usize>,
}

#[derive(Serialize)]
struct Row<'c> {
    id: &'c str,
    label: &'c str,
    category: &'c str,
    compare: &'c str,
    informational: bool,
    worst: Severity,
    /// The app's declarations of this fact (with the `declared` target).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    declared: Vec<Declaration<'c>>,
    /// One per host, in `hosts` order.
    cells: Vec<Cell<'c>>,
}

#[derive(Serialize)]
struct Cell<'c> {
    host: &'c str,
    value: Option<&'c str>,
    status: Option<Status>,
    severity: Severity,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    tolerated: bool,
    /// Against the declarations of the fact, when it has some.
    #[serde(skip_serializing_if = "Option::is_none")]
    judgement: Option<Judgement>,
    /// The declaration violated (`.nvmrc:1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    violates: Option<String>,
    /// A backing service of another type than declared, in words
    /// ("different backing service: memcached here, redis declared").
    #[serde(skip_serializing_if = "Option::is_none")]
    different_service: Option<String>,
    /// Where a value that was not observed came from (`image-config`).
    #[serde(skip_serializing_if = "Option::is_none")]
    origin: Option<Origin>,
    /// Its server needs a restart (`running 7.0.15, installed 7.2.4:
    /// restart pending`): shown, never counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    restart: Option<String>,
    /// The host's own lock file pins another version than it runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    lock: Option<&'c str>,
}

pub fn render(doc: &DiffDoc<'_>) -> String {
    let (comparison, declared, redacted) = (doc.comparison, doc.declared, doc.redacted);
    let fact_of = |id: &str| declared.and_then(|d| d.fact(id));
    let report = Report {
        summary: comparison.summary(),
        redacted,
        baseline: comparison.columns.get(comparison.baseline).map_or("", |c| c.name.as_str()),
        hosts: comparison
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| Host {
                name: &c.name,
                environment: c.environment.as_deref(),
                os: c.os.as_deref(),
                baseline: i == comparison.baseline,
                failure: c.failure.as_ref(),
                divergences: comparison.counts(i),
            })
            .collect(),
        rows: comparison
            .rows
            .iter()
            .map(|r| Row {
                id: &r.id,
                label: &r.label,
                category: &r.category,
                compare: r.compare.as_str(),
                informational: r.informational,
                worst: r.worst(),
                declared: fact_of(&r.id)
                    .into_iter()
                    .flat_map(|f| &f.declared)
                    .filter_map(|&i| declared.map(|d| declaration(d.declaration(i))))
                    .collect(),
                cells: r
                    .cells
                    .iter()
                    .zip(&comparison.columns)
                    .enumerate()
                    .map(|(c, (cell, col))| {
                        let verdict = fact_of(&r.id).and_then(|f| f.cells.get(c));
                        Cell {
                            host: &col.name,
                            value: cell.value.as_deref(),
                            status: cell.status,
                            severity: cell.severity,
                            tolerated: cell.tolerated,
                            origin: cell.origin,
                            restart: cell
                                .restart
                                .as_ref()
                                .map(crate::compare::restart::Restart::sentence),
                            lock: cell.unpinned.as_deref(),
                            judgement: verdict.map(|v| v.judgement),
                            violates: verdict
                                .and_then(|v| v.against)
                                .and_then(|i| declared.map(|d| d.declaration(i).source())),
                            different_service: declared
                                .and_then(|d| d.service_difference(&r.id, c)),
                        }
                    })
                    .collect(),
            })
            .collect(),
        declared: declared.map(|d| Declared {
            summary: d.summary(comparison),
            declarations: d.declarations.items.iter().map(declaration).collect(),
            disagreements: d
                .disagreements
                .iter()
                .map(|x| Disagreement {
                    fact: &x.fact,
                    first: declaration(d.declaration(x.first)),
                    second: declaration(d.declaration(x.second)),
                })
                .collect(),
            problems: d.declarations.problems.iter().map(ToString::to_string).collect(),
        }),
        time_gap: doc.time_gap.map(|g| time_gap(g, comparison)),
    };
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}
