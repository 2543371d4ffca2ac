//! N hosts against one baseline, as one table: a row per fact, a cell per
//! host, each cell judged against the baseline's cell. Pure: no I/O.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::policy::Policy;
use super::severity::Severity;
use super::version;
use crate::model::{Fact, Failure, HostReport, Origin, Status};
use crate::profile::CompareKind;

/// One host of the comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub environment: Option<String>,
    /// `os.pretty` (else `os.id`) of the host, for headers.
    pub os: Option<String>,
    /// Why the host is (partly) missing, if it is.
    pub failure: Option<Failure>,
    /// Whether there is a snapshot at all.
    pub collected: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub value: Option<String>,
    /// `None`: the host has no such fact (not collected, or failed).
    pub status: Option<Status>,
    pub severity: Severity,
    /// For a backing service, its type (`postgresql`), even when it did not
    /// answer (`compare::backing::type_of`).
    pub service: Option<String>,
    /// A difference the user's policy accepts (shown, not counted).
    pub tolerated: bool,
    /// Known without being observed (a container without a shell): compared
    /// like any value, always shown with where it came from.
    pub origin: Option<Origin>,
    /// Its server runs another version than installed, or a replaced
    /// binary: a finding about this host alone, never a severity.
    pub restart: Option<super::restart::Restart>,
    /// An app dependency whose installed version is not the one the
    /// host's own lock file pins: that pin (`deps.*` only).
    pub unpinned: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub id: String,
    pub label: String,
    pub category: String,
    pub compare: CompareKind,
    /// Expected to differ (hostname, memory): shown, never counted.
    pub informational: bool,
    pub cells: Vec<Cell>,
}

impl Row {
    /// The row's worst counted severity (`Equal` for informational rows).
    pub fn worst(&self) -> Severity {
        if self.informational {
            return Severity::Equal;
        }
        self.cells
            .iter()
            .filter(|c| !c.tolerated)
            .map(|c| c.severity)
            .max()
            .unwrap_or(Severity::Equal)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub baseline: usize,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

/// The lock file's pin of a dependency that runs another version.
fn unpinned(fact: &Fact) -> Option<String> {
    let pin = fact.pinned.as_ref()?;
    (fact.value.as_ref().is_some_and(|v| v != pin)).then(|| pin.clone())
}

/// Categories in reading order; others follow alphabetically.
const CATEGORY_ORDER: &[&str] =
    &["System", "Runtimes", "Tools", "Backing services", "Package managers"];

impl Comparison {
    /// Compares every report against `reports[baseline]`.
    pub fn build(reports: &[HostReport], baseline: usize, policy: &Policy) -> Comparison {
        let columns = reports.iter().map(column).collect();
        // Every fact id any host has, with what describes it best.
        let mut ids: BTreeMap<&str, &Fact> = BTreeMap::new();
        let base_snapshot = reports.get(baseline).and_then(|r| r.snapshot.as_ref());
        for report in reports {
            for (id, fact) in report.snapshot.iter().flat_map(|s| &s.facts) {
                ids.entry(id.as_str()).or_insert(fact);
            }
        }
        if let Some(base) = base_snapshot {
            for (id, fact) in &base.facts {
                ids.insert(id.as_str(), fact);
            }
        }
        let mut rows: Vec<Row> = ids
            .into_iter()
            .filter(|(id, fact)| !policy.ignores(id, &fact.category))
            .map(|(id, describing)| {
                let kind = describing.compare.unwrap_or(CompareKind::Loose);
                let base = base_snapshot.and_then(|s| s.facts.get(id));
                let cells = reports
                    .iter()
                    .enumerate()
                    .map(|(i, report)| {
                        let fact = report.snapshot.as_ref().and_then(|s| s.facts.get(id));
                        let severity =
                            if i == baseline { Severity::Equal } else { judge(kind, base, fact) };
                        let tolerated = severity != Severity::Equal
                            && policy.tolerates(id, &describing.category, severity);
                        Cell {
                            value: fact.and_then(|f| f.value.clone()),
                            status: fact.map(|f| f.status),
                            severity,
                            service: (kind == CompareKind::Backing)
                                .then(|| fact.and_then(super::backing::type_of))
                                .flatten()
                                .map(str::to_owned),
                            tolerated,
                            origin: fact.and_then(|f| f.origin),
                            restart: fact.and_then(super::restart::pending),
                            unpinned: fact.and_then(unpinned),
                        }
                    })
                    .collect();
                Row {
                    id: id.to_owned(),
                    label: if describing.label.is_empty() {
                        id.to_owned()
                    } else {
                        describing.label.clone()
                    },
                    category: if describing.category.is_empty() {
                        "Other".to_owned()
                    } else {
                        describing.category.clone()
                    },
                    compare: kind,
                    informational: describing.informational,
                    cells,
                }
            })
            .collect();
        rows.sort_by(|a, b| {
            category_rank(&a.category)
                .cmp(&category_rank(&b.category))
                .then_with(|| a.category.cmp(&b.category))
                .then_with(|| a.id.cmp(&b.id))
        });
        Comparison { baseline, columns, rows }
    }

    /// Counted divergences of host `column` from the baseline, by severity.
    pub fn counts(&self, column: usize) -> BTreeMap<Severity, usize> {
        let mut counts = BTreeMap::new();
        for row in self.rows.iter().filter(|r| !r.informational) {
            if let Some(cell) = row.cells.get(column)
                && cell.severity != Severity::Equal
                && !cell.tolerated
            {
                *counts.entry(cell.severity).or_insert(0) += 1;
            }
        }
        counts
    }

    /// Counted divergences over all hosts, by the worst cell of each row.
    pub fn totals(&self) -> BTreeMap<Severity, usize> {
        let mut totals = BTreeMap::new();
        for row in &self.rows {
            let worst = row.worst();
            if worst != Severity::Equal {
                *totals.entry(worst).or_insert(0) += 1;
            }
        }
        totals
    }

    /// "prod-web-1 vs 3 hosts: 2 major, 5 minor, 1 missing · 1 host failed":
    /// facts counted by their worst difference on the hosts that answered,
    /// so one dead host does not turn every row into "unknown".
    pub fn summary(&self) -> String {
        let base = self.columns.get(self.baseline).map_or("?", |c| c.name.as_str());
        let others = self.columns.len().saturating_sub(1);
        let noun = if others == 1 { "host" } else { "hosts" };
        let answered: Vec<usize> = (0..self.columns.len())
            .filter(|&i| i != self.baseline && self.columns[i].collected)
            .collect();
        let mut totals: BTreeMap<Severity, usize> = BTreeMap::new();
        for row in self.rows.iter().filter(|r| !r.informational) {
            let worst = answered
                .iter()
                .filter_map(|&i| row.cells.get(i))
                .filter(|c| !c.tolerated)
                .map(|c| c.severity)
                .max()
                .unwrap_or(Severity::Equal);
            if worst != Severity::Equal {
                *totals.entry(worst).or_insert(0) += 1;
            }
        }
        let failed = self.columns.iter().filter(|c| c.failure.is_some() && !c.collected).count();
        let uncompared = self.columns.iter().filter(|c| !c.collected).count();
        let mut text = if totals.is_empty() && uncompared > 0 {
            // Parity is a claim about every host; one not compared (failed,
            // or still being collected) forbids it.
            format!("{base} vs {others} {noun}: no divergence in what was collected")
        } else if totals.is_empty() {
            format!("{base} vs {others} {noun}: parity")
        } else {
            let parts: Vec<String> = Severity::ALL
                .iter()
                .rev()
                .filter_map(|s| totals.get(s).map(|n| format!("{n} {}", s.as_str())))
                .collect();
            format!("{base} vs {others} {noun}: {}", parts.join(", "))
        };
        if failed > 0 {
            let noun = if failed == 1 { "host" } else { "hosts" };
            let _ = write!(text, " · {failed} {noun} not collected");
        }
        text
    }
}

/// The severity of `other` against the baseline's `base`.
pub fn judge(kind: CompareKind, base: Option<&Fact>, other: Option<&Fact>) -> Severity {
    let (Some(base), Some(other)) = (base, other) else { return Severity::Unknown };
    // Another type of service is a finding of its own, whether or not
    // either answered: sqlite here and an unreachable postgresql there
    // already differ.
    if kind == CompareKind::Backing && super::backing::different_types(base, other).is_some() {
        return Severity::Service;
    }
    match (base.status, other.status) {
        (Status::Ok, Status::Ok) => match (&base.value, &other.value) {
            (Some(a), Some(b)) if kind == CompareKind::Backing => Severity::from_level(
                super::backing::versions(a, b).unwrap_or(version::Verdict::DIFFERENT).level,
            ),
            (Some(a), Some(b)) => Severity::from_level(version::compare(kind, a, b).level),
            _ => Severity::Unknown,
        },
        (Status::Missing, Status::Missing) => Severity::Equal,
        (Status::Ok, Status::Missing) | (Status::Missing, Status::Ok) => Severity::Missing,
        _ => Severity::Unknown,
    }
}

fn column(report: &HostReport) -> Column {
    let snapshot = report.snapshot.as_ref();
    let fact_value =
        |id: &str| snapshot.and_then(|s| s.facts.get(id)).and_then(|f| f.value.clone());
    Column {
        name: snapshot.map_or_else(|| report.target.clone(), |s| s.host.name.clone()),
        environment: snapshot.and_then(|s| s.host.labels.get("environment").cloned()),
        os: fact_value("os.pretty").or_else(|| fact_value("os.id")),
        failure: report.failure.clone(),
        collected: snapshot.is_some(),
    }
}

fn category_rank(category: &str) -> usize {
    CATEGORY_ORDER.iter().position(|c| *c == category).unwrap_or(CATEGORY_ORDER.len())
}

/// A `--baseline` that names none of the targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownBaseline(pub String);

impl std::fmt::Display for UnknownBaseline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "--baseline `{}` is not one of the targets", self.0)
    }
}

impl std::error::Error for UnknownBaseline {}

/// The baseline: the target named by `requested` (by target or host
/// name), else the host labelled `prod`, then `staging`, else the first.
pub fn choose_baseline(
    reports: &[HostReport],
    requested: Option<&str>,
) -> Result<usize, UnknownBaseline> {
    let name_of = |r: &HostReport| r.snapshot.as_ref().map(|s| s.host.name.clone());
    if let Some(wanted) = requested {
        return reports
            .iter()
            .position(|r| r.target == wanted || name_of(r).as_deref() == Some(wanted))
            .ok_or_else(|| UnknownBaseline(wanted.to_owned()));
    }
    for environment in ["prod", "production", "staging"] {
        if let Some(i) = reports.iter().position(|r| {
            r.snapshot.as_ref().and_then(|s| s.host.labels.get("environment")).map(String::as_str)
                == Some(environment)
        }) {
            return Ok(i);
        }
    }
    Ok(0)
}
