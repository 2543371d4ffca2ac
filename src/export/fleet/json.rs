//! The fleet layout as JSON for programs: every fact's values with their
//! counts, severities, outlier flags and every host holding each, for the
//! whole fleet and per group. Report types of its own, so the core types
//! can change without changing this format.

use serde::Serialize;

use super::FleetDoc;
use crate::compare::fleet::{Distribution, value_text};
use crate::compare::matrix::Row;
use crate::model::Status;

#[derive(Serialize)]
struct Report<'a> {
    layout: &'static str,
    baseline: &'a str,
    summary: String,
    hosts: Vec<&'a str>,
    groups: Vec<Group<'a>>,
    not_collected: Vec<NotCollected<'a>>,
    rows: Vec<FactRow<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    redacted: Option<&'a str>,
}

#[derive(Serialize)]
struct Group<'a> {
    name: &'a str,
    hosts: Vec<&'a str>,
}

#[derive(Serialize)]
struct NotCollected<'a> {
    host: &'a str,
    reason: String,
}

#[derive(Serialize)]
struct FactRow<'a> {
    id: &'a str,
    label: &'a str,
    category: &'a str,
    informational: bool,
    #[serde(flatten)]
    all: Values<'a>,
    by_group: Vec<GroupValues<'a>>,
}

#[derive(Serialize)]
struct GroupValues<'a> {
    group: &'a str,
    #[serde(flatten)]
    values: Values<'a>,
}

#[derive(Serialize)]
struct Values<'a> {
    values: Vec<ValueOut<'a>>,
    no_answer: Vec<&'a str>,
}

#[derive(Serialize)]
struct ValueOut<'a> {
    /// `null` for hosts where the fact is missing.
    value: Option<String>,
    status: &'static str,
    count: usize,
    severity: &'static str,
    outlier: bool,
    baseline: bool,
    hosts: Vec<&'a str>,
}

pub fn render(doc: &FleetDoc<'_>) -> String {
    let cmp = doc.doc.comparison;
    let values = |row: &Row, d: &Distribution| Values {
        values: d
            .values
            .iter()
            .map(|v| {
                let cell = &row.cells[v.hosts[0]];
                ValueOut {
                    value: cell.value.as_ref().map(|_| value_text(row, v)),
                    status: cell.status.unwrap_or(Status::Missing).as_str(),
                    count: v.hosts.len(),
                    severity: v.severity.as_str(),
                    outlier: v.outlier,
                    baseline: v.baseline,
                    hosts: doc.names(&v.hosts),
                }
            })
            .collect(),
        no_answer: doc.names(&doc.unanswered(d)),
    };
    let report = Report {
        layout: "fleet",
        baseline: doc.name(cmp.baseline),
        summary: cmp.summary(),
        hosts: cmp.columns.iter().map(|c| c.name.as_str()).collect(),
        groups: doc
            .fleet
            .groups
            .iter()
            .zip(&doc.fleet.members)
            .map(|(name, hosts)| Group { name, hosts: doc.names(hosts) })
            .collect(),
        not_collected: doc
            .not_collected()
            .into_iter()
            .map(|(host, reason)| NotCollected { host, reason })
            .collect(),
        rows: doc
            .rows()
            .into_iter()
            .map(|(row, f)| FactRow {
                id: &row.id,
                label: &row.label,
                category: &row.category,
                informational: row.informational,
                all: values(row, &f.all),
                by_group: doc
                    .fleet
                    .groups
                    .iter()
                    .zip(&f.by_group)
                    .map(|(group, d)| GroupValues { group, values: values(row, d) })
                    .collect(),
            })
            .collect(),
        redacted: doc.doc.redacted,
    };
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}
