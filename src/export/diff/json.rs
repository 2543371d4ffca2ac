//! A comparison as data: report types kept apart from the core ones so the
//! JSON stays stable while the internals change.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::compare::matrix::Comparison;
use crate::compare::severity::Severity;
use crate::model::{Failure, Status};

#[derive(Serialize)]
struct Report<'c> {
    summary: String,
    /// What was redacted before this was written.
    #[serde(skip_serializing_if = "Option::is_none")]
    redacted: Option<&'c str>,
    baseline: &'c str,
    hosts: Vec<Host<'c>>,
    rows: Vec<Row<'c>>,
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
}

pub fn render<'c>(comparison: &'c Comparison, redacted: Option<&'c str>) -> String {
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
                cells: r
                    .cells
                    .iter()
                    .zip(&comparison.columns)
                    .map(|(cell, col)| Cell {
                        host: &col.name,
                        value: cell.value.as_deref(),
                        status: cell.status,
                        severity: cell.severity,
                        tolerated: cell.tolerated,
                    })
                    .collect(),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}
