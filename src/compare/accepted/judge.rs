//! Acceptances against a comparison: which divergent cells they cover,
//! which divergences got worse than accepted or outlived their expiry, and
//! which acceptances are no longer needed (stale). Also what `paritty
//! accept` records from a comparison. Pure: today's date is given.
//!
//! A cell is covered when an acceptance names its host, fact and the
//! comparison's baseline, has not expired, the severity now is not higher
//! than accepted, and the host's value is the accepted one or closer to
//! the baseline's by the fact's comparator (a value that moved further
//! away, or changed in a way the comparator cannot order, is worse).

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use super::Acceptance;
use crate::compare::matrix::{Cell, Comparison};
use crate::compare::severity::Severity;
use crate::compare::version;
use crate::profile::CompareKind;

/// What an acceptance says about the cell it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Covered: the divergence does not fail the check.
    Accepted,
    /// Worse than accepted: a higher severity than `was`, or (`further`)
    /// the host's value moved away from the baseline's.
    Worse { was: Severity, further: bool },
    /// The acceptance's last day has passed.
    Expired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// The acceptance, by its index in the list judged.
    pub entry: usize,
    pub outcome: Outcome,
}

/// An acceptance no longer needed: its host now matches the baseline on
/// that fact (or the difference is no longer counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stale {
    pub entry: usize,
    pub row: usize,
    pub column: usize,
}

/// The acceptances against one comparison.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Judged {
    /// By (row, column) of the comparison.
    cells: HashMap<(usize, usize), Verdict>,
    pub stale: Vec<Stale>,
}

impl Judged {
    pub fn verdict(&self, row: usize, column: usize) -> Option<Verdict> {
        self.cells.get(&(row, column)).copied()
    }

    /// Whether the cell's divergence is accepted (covered and current).
    pub fn covers(&self, row: usize, column: usize) -> bool {
        self.verdict(row, column).is_some_and(|v| v.outcome == Outcome::Accepted)
    }
}

/// Judges `entries` against `comparison` on `today` (`YYYY-MM-DD`).
/// Acceptances of another baseline, of hosts or facts not in the
/// comparison, or of cells not collected are left out: neither applied
/// nor stale.
pub fn judge(comparison: &Comparison, entries: &[Acceptance], today: &str) -> Judged {
    let mut judged = Judged::default();
    let Some(base) = comparison.columns.get(comparison.baseline) else { return judged };
    let columns = index(comparison.columns.iter().map(|c| c.name.as_str()));
    let rows = index(comparison.rows.iter().map(|r| r.id.as_str()));
    for (entry, e) in entries.iter().enumerate() {
        if e.baseline != base.name {
            continue;
        }
        let (Some(&column), Some(&row)) = (columns.get(e.host.as_str()), rows.get(e.fact.as_str()))
        else {
            continue;
        };
        if column == comparison.baseline || !comparison.columns[column].collected {
            continue;
        }
        let r = &comparison.rows[row];
        let cell = &r.cells[column];
        if cell.severity == Severity::Unknown {
            continue;
        }
        if cell.severity == Severity::Equal || cell.tolerated || r.informational {
            judged.stale.push(Stale { entry, row, column });
            continue;
        }
        let outcome = if e.expires.as_deref().is_some_and(|d| d < today) {
            Outcome::Expired
        } else if cell.severity > e.severity {
            Outcome::Worse { was: e.severity, further: false }
        } else if moved_away(r.compare, e, &r.cells[comparison.baseline], cell) {
            Outcome::Worse { was: e.severity, further: true }
        } else {
            Outcome::Accepted
        };
        judged.cells.insert((row, column), Verdict { entry, outcome });
    }
    judged
}

fn index<'a>(names: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    let mut map = HashMap::new();
    for (i, name) in names.enumerate() {
        map.entry(name).or_insert(i);
    }
    map
}

/// Whether the host's value moved away from the baseline's since it was
/// accepted: not the same, and not closer on the same side.
fn moved_away(kind: CompareKind, e: &Acceptance, base: &Cell, now: &Cell) -> bool {
    let (Some(was), Some(value)) = (e.value.as_deref(), now.value.as_deref()) else {
        // No value written down (a secret, a missing tool): the severity
        // alone decides.
        return false;
    };
    if was == value {
        return false;
    }
    let Some(base) = base.value.as_deref() else { return true };
    // Which side of the baseline the host is on now, and where the value
    // went: behind and older, or ahead and newer, is further away.
    let side = version::order(kind, base, value);
    let step = version::order(kind, value, was);
    let side_then = e.baseline_value.as_deref().and_then(|b| version::order(kind, b, was));
    match (side, step) {
        (Some(side), Some(step))
            if side != Ordering::Equal && side_then.is_none_or(|s| s == side) =>
        {
            // Behind (base > value): older is further. Ahead: newer is.
            step == side.reverse()
        }
        _ => true,
    }
}

/// What `paritty accept` asks to be recorded.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// A new reason for every divergence recorded (else each keeps its own).
    pub reason: Option<&'a str>,
    pub by: &'a str,
    pub today: &'a str,
    /// A new expiry for every divergence recorded (else each keeps its own).
    pub expires: Option<&'a str>,
}

/// What recording did.
#[derive(Debug, Clone, Default)]
pub struct Recorded {
    /// Every acceptance now, to be written.
    pub entries: Vec<Acceptance>,
    /// Those of the compared hosts no longer needed, left out.
    pub removed: Vec<Acceptance>,
    /// Divergences accepted for the first time.
    pub added: usize,
    /// Divergences accepted before, their values brought up to date.
    pub updated: usize,
}

/// The acceptances after accepting every counted divergence of
/// `comparison`: existing ones updated (values, severity; their reason,
/// author and expiry kept unless the request gives new ones), new ones
/// added, and those of the compared hosts that are no longer needed
/// removed. Acceptances of other baselines, hosts or facts, and of facts
/// not collected now, are kept as they are.
pub fn record(
    comparison: &Comparison,
    existing: Vec<Acceptance>,
    request: &Request<'_>,
) -> Recorded {
    let base = comparison.baseline;
    let base_name = comparison.columns.get(base).map_or("", |c| c.name.as_str()).to_owned();
    let mut current: Vec<Acceptance> = Vec::new();
    let mut diverging = HashSet::new();
    for (c, column) in comparison.columns.iter().enumerate() {
        if c == base || !column.collected {
            continue;
        }
        for row in comparison.rows.iter().filter(|r| !r.informational) {
            let cell = &row.cells[c];
            if matches!(cell.severity, Severity::Equal | Severity::Unknown) || cell.tolerated {
                continue;
            }
            diverging.insert((column.name.clone(), row.id.clone()));
            current.push(Acceptance {
                host: column.name.clone(),
                fact: row.id.clone(),
                baseline: base_name.clone(),
                severity: cell.severity,
                baseline_value: row.cells[base].value.clone(),
                value: cell.value.clone(),
                reason: request.reason.unwrap_or_default().to_owned(),
                by: request.by.to_owned(),
                at: request.today.to_owned(),
                expires: request.expires.map(str::to_owned),
                line: 0,
            });
        }
    }
    let collected: HashSet<&str> = comparison
        .columns
        .iter()
        .enumerate()
        .filter(|(c, col)| *c != base && col.collected)
        .map(|(_, col)| col.name.as_str())
        .collect();
    let mut kept = Vec::new();
    let mut removed = Vec::new();
    let mut old: HashMap<(String, String), Acceptance> = HashMap::new();
    for e in existing {
        let ours = e.baseline == base_name && collected.contains(e.host.as_str());
        let row = comparison.rows.iter().find(|r| r.id == e.fact);
        let judged_now = row.is_some_and(|r| {
            let c = comparison.columns.iter().position(|col| col.name == e.host);
            c.is_some_and(|c| r.cells[c].severity != Severity::Unknown)
        });
        if !ours || !judged_now {
            kept.push(e);
        } else if diverging.contains(&(e.host.clone(), e.fact.clone())) {
            old.insert((e.host.clone(), e.fact.clone()), e);
        } else {
            removed.push(e);
        }
    }
    let (mut added, mut updated) = (0, 0);
    for mut new in current {
        if let Some(was) = old.remove(&(new.host.clone(), new.fact.clone())) {
            updated += 1;
            if request.reason.is_none() {
                new.reason = was.reason;
                new.by = was.by;
                new.at = was.at;
            }
            if request.expires.is_none() {
                new.expires = was.expires;
            }
        } else {
            added += 1;
        }
        kept.push(new);
    }
    Recorded { entries: kept, removed, added, updated }
}

#[cfg(test)]
mod tests;
