//! The check as JSON: report types kept apart from the core types, so the
//! format stays stable while the internals change.

use serde::Serialize;

use super::{Accepted, Case, CheckDoc};
use crate::compare::accepted::Outcome;
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
    /// Divergences an acceptance covers (with `--accepted` or the file
    /// found); absent when none was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    accepted: Option<Vec<Divergence<'a>>>,
    /// Acceptances no longer needed.
    #[serde(skip_serializing_if = "Option::is_none")]
    stale: Option<Vec<StaleEntry<'a>>>,
}

/// An acceptance as the report shows it.
#[derive(Serialize)]
struct AcceptanceOut<'a> {
    /// `accepted`, `worse` or `expired`.
    outcome: &'static str,
    /// Why it no longer holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    problem: Option<String>,
    severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
    reason: &'a str,
    by: &'a str,
    at: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires: Option<&'a str>,
    line: usize,
}

#[derive(Serialize)]
struct StaleEntry<'a> {
    host: &'a str,
    fact: &'a str,
    line: usize,
    reason: &'a str,
}

fn acceptance(a: Accepted<'_>) -> AcceptanceOut<'_> {
    let e = a.entry;
    AcceptanceOut {
        outcome: match a.outcome {
            Outcome::Accepted => "accepted",
            Outcome::Worse { .. } => "worse",
            Outcome::Expired => "expired",
        },
        problem: a.problem(),
        severity: e.severity,
        value: e.value.as_deref(),
        reason: &e.reason,
        by: &e.by,
        at: &e.at,
        expires: e.expires.as_deref(),
        line: e.line,
    }
}

#[derive(Serialize)]
struct Divergence<'a> {
    host: &'a str,
    fact: &'a str,
    label: &'a str,
    severity: Severity,
    baseline_value: String,
    value: String,
    /// The acceptance naming it, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    acceptance: Option<AcceptanceOut<'a>>,
}

#[derive(Serialize)]
struct NotCollected<'a> {
    host: &'a str,
    reason: Option<&'a str>,
    message: Option<&'a str>,
}

pub fn render(doc: &CheckDoc<'_>) -> String {
    let mut divergences = Vec::new();
    let mut accepted = Vec::new();
    let hosts = doc.hosts();
    for (_, cases) in &hosts {
        for case in cases {
            if case.failing {
                divergences.push(divergence(case));
            } else if case.covered() {
                accepted.push(divergence(case));
            }
        }
    }
    let stale = doc.accepted.as_ref().map(|_| {
        doc.stale()
            .into_iter()
            .map(|s| StaleEntry {
                host: s.host,
                fact: s.fact,
                line: s.entry.line,
                reason: &s.entry.reason,
            })
            .collect()
    });
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
        accepted: doc.accepted.as_ref().map(|_| accepted),
        stale,
    };
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}

fn divergence<'a>(case: &Case<'a>) -> Divergence<'a> {
    Divergence {
        host: case.host,
        fact: case.fact,
        label: case.label,
        severity: case.severity,
        baseline_value: case.baseline_value.clone(),
        value: case.value.clone(),
        acceptance: case.accepted.map(acceptance),
    }
}
