//! The check as JSON: report types kept apart from the core types, so the
//! format stays stable while the internals change.

use serde::Serialize;

use super::CheckDoc;
use crate::compare::severity::Severity;

#[derive(Serialize)]
struct Report<'a> {
    passed: bool,
    fail_on: Severity,
    baseline: &'a str,
    summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    redacted: Option<&'a str>,
    /// Every failing case, host by host.
    divergences: Vec<Divergence<'a>>,
    /// Hosts that could not be compared.
    not_collected: Vec<NotCollected<'a>>,
    /// Hosts compared on what they gave before they failed.
    partly_collected: Vec<NotCollected<'a>>,
}

#[derive(Serialize)]
struct Divergence<'a> {
    host: &'a str,
    fact: &'a str,
    label: &'a str,
    severity: Severity,
    baseline_value: String,
    value: String,
}

#[derive(Serialize)]
struct NotCollected<'a> {
    host: &'a str,
    reason: Option<&'a str>,
    message: Option<&'a str>,
}

pub fn render(doc: &CheckDoc<'_>) -> String {
    let mut divergences = Vec::new();
    let hosts = doc.hosts();
    for (_, cases) in &hosts {
        for case in cases.iter().filter(|c| c.failing) {
            divergences.push(Divergence {
                host: case.host,
                fact: case.fact,
                label: case.label,
                severity: case.severity,
                baseline_value: case.baseline_value.clone(),
                value: case.value.clone(),
            });
        }
    }
    let not_collected: Vec<NotCollected<'_>> = doc
        .uncollected()
        .into_iter()
        .map(|u| NotCollected {
            host: u.host,
            reason: u.failure.map(|f| f.reason.as_str()),
            message: u.failure.map(crate::model::Failure::message),
        })
        .collect();
    let partly_collected: Vec<NotCollected<'_>> = doc
        .partial()
        .into_iter()
        .map(|p| NotCollected {
            host: p.host,
            reason: Some(p.failure.reason.as_str()),
            message: Some(p.failure.message()),
        })
        .collect();
    let report = Report {
        passed: divergences.is_empty() && not_collected.is_empty() && partly_collected.is_empty(),
        fail_on: doc.threshold,
        baseline: doc.baseline(),
        summary: doc.summary(),
        redacted: doc.redacted,
        divergences,
        not_collected,
        partly_collected,
    };
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}
