//! The fleet layout of a comparison: for each fact, the distinct values
//! across the hosts and how many hosts hold each, most common first, the
//! rare ones marked as outliers; for the whole fleet and for each group of
//! hosts. Pure, and indices only: host names and value texts are read from
//! the comparison at hand, so an export built from a redacted copy shows
//! redacted names and values while the counts come from what was collected.

use std::collections::HashMap;

use super::matrix::{Comparison, Row};
use super::severity::Severity;
use crate::model::Status;

/// A value is an outlier when at most one host in this many holds it (and
/// it is not the most common): 3 odd hosts of 64, not 1 of 4.
pub const OUTLIER_SHARE: usize = 10;

/// The group of hosts that are in none.
pub const NO_GROUP: &str = "(no group)";

/// One distinct value of a fact and the hosts holding it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    /// Column indices, in column order; the first host's cell gives the
    /// text (every holder's cell reads the same).
    pub hosts: Vec<usize>,
    /// The worst of its cells against the baseline (`Equal` on the
    /// baseline's own value).
    pub severity: Severity,
    /// Held by few hosts while most hold another value.
    pub outlier: bool,
    /// The baseline holds it.
    pub baseline: bool,
}

/// A fact's values over some hosts, most common first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Distribution {
    pub values: Vec<Value>,
    /// Hosts without an answer for the fact (not collected, still
    /// collecting, a timeout or an error): counted apart, never a value.
    pub unanswered: Vec<usize>,
}

impl Distribution {
    /// Hosts that answered (a value, or `missing`).
    pub fn answered(&self) -> usize {
        self.values.iter().map(|v| v.hosts.len()).sum()
    }
}

/// One fact of the comparison in the fleet layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetRow {
    /// Index into the comparison's rows.
    pub row: usize,
    pub all: Distribution,
    /// One per group of `Fleet::groups`.
    pub by_group: Vec<Distribution>,
}

/// A comparison as value distributions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fleet {
    /// Group names by name, `(no group)` last when some host is in none.
    pub groups: Vec<String>,
    /// The hosts of each group (column indices).
    pub members: Vec<Vec<usize>>,
    /// In the comparison's row order.
    pub rows: Vec<FleetRow>,
}

/// What a host answered for a fact: a value, or that it has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Answer<'a> {
    Value(&'a str),
    Missing,
}

/// What a cell is in the fleet; `None`: no answer.
fn key(row: &Row, host: usize, collected: bool) -> Option<Answer<'_>> {
    let cell = &row.cells[host];
    match (cell.status, &cell.value) {
        _ if !collected => None,
        (Some(Status::Ok), Some(value)) => Some(Answer::Value(value.as_str())),
        (Some(Status::Missing), _) => Some(Answer::Missing),
        _ => None,
    }
}

impl Fleet {
    /// The fleet layout of `comparison`; `groups[i]` are the groups of
    /// column `i` (empty: none).
    pub fn build(comparison: &Comparison, groups: &[Vec<String>]) -> Fleet {
        let (names, members) = group_members(comparison.columns.len(), groups);
        let collected: Vec<bool> = comparison.columns.iter().map(|c| c.collected).collect();
        let rows = comparison
            .rows
            .iter()
            .enumerate()
            .map(|(r, row)| {
                let all_hosts: Vec<usize> = (0..comparison.columns.len()).collect();
                let all = distribution(row, &all_hosts, &collected, comparison.baseline);
                let by_group = members
                    .iter()
                    .map(|hosts| distribution(row, hosts, &collected, comparison.baseline))
                    .collect();
                FleetRow { row: r, all, by_group }
            })
            .collect();
        Fleet { groups: names, members, rows }
    }

    /// The fleet row of comparison row `row`.
    pub fn row(&self, row: usize) -> Option<&FleetRow> {
        self.rows.get(row).filter(|f| f.row == row)
    }
}

/// Groups by name with their hosts; hosts in none under `NO_GROUP`.
fn group_members(hosts: usize, groups: &[Vec<String>]) -> (Vec<String>, Vec<Vec<usize>>) {
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut ungrouped = Vec::new();
    for host in 0..hosts {
        let mine = groups.get(host).map(Vec::as_slice).unwrap_or_default();
        if mine.is_empty() {
            ungrouped.push(host);
        }
        for group in mine {
            by_name.entry(group.as_str()).or_default().push(host);
        }
    }
    // By name (plain order: compare sits below the inventory's natural sort).
    let mut named: Vec<(&str, Vec<usize>)> = by_name.into_iter().collect();
    named.sort_by(|a, b| a.0.cmp(b.0));
    let mut group_names: Vec<String> = named.iter().map(|(n, _)| (*n).to_owned()).collect();
    let mut members: Vec<Vec<usize>> = named.into_iter().map(|(_, h)| h).collect();
    if !ungrouped.is_empty() {
        group_names.push(NO_GROUP.to_owned());
        members.push(ungrouped);
    }
    (group_names, members)
}

/// The values of `row` over `hosts`, most common first (ties: the
/// baseline's value, then the value seen first in column order).
fn distribution(row: &Row, hosts: &[usize], collected: &[bool], baseline: usize) -> Distribution {
    let mut index: HashMap<Answer<'_>, usize> = HashMap::new();
    let mut values: Vec<Value> = Vec::new();
    let mut unanswered = Vec::new();
    for &host in hosts {
        let Some(key) = key(row, host, collected[host]) else {
            unanswered.push(host);
            continue;
        };
        let cell = &row.cells[host];
        let at = *index.entry(key).or_insert_with(|| {
            values.push(Value {
                hosts: Vec::new(),
                severity: Severity::Equal,
                outlier: false,
                baseline: false,
            });
            values.len() - 1
        });
        let value = &mut values[at];
        value.hosts.push(host);
        if !cell.tolerated {
            value.severity = value.severity.max(cell.severity);
        }
        value.baseline |= host == baseline;
    }
    values.sort_by(|a, b| {
        b.hosts
            .len()
            .cmp(&a.hosts.len())
            .then(b.baseline.cmp(&a.baseline))
            .then(a.hosts[0].cmp(&b.hosts[0]))
    });
    let answered: usize = values.iter().map(|v| v.hosts.len()).sum();
    // Hostnames and memory differ by design: nothing there is odd.
    if !row.informational && values.len() > 1 {
        let top = values[0].hosts.len();
        for value in values.iter_mut().skip(1) {
            let n = value.hosts.len();
            value.outlier = n < top && n * OUTLIER_SHARE <= answered;
        }
    }
    Distribution { values, unanswered }
}

/// The groups of each report, from its `groups` label (comma-separated,
/// as inventories and `[[group]]` set it).
pub fn groups_of_labels<'a>(labels: impl IntoIterator<Item = Option<&'a str>>) -> Vec<Vec<String>> {
    labels
        .into_iter()
        .map(|label| {
            label
                .map(|l| {
                    l.split(',')
                        .map(str::trim)
                        .filter(|g| !g.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect()
}

/// A value's text as every layout shows it: the value, or `(missing)`.
pub fn value_text(row: &Row, value: &Value) -> String {
    value
        .hosts
        .first()
        .map_or_else(String::new, |&h| super::wording::cell_text(&row.cells[h], false))
}

/// "1.1.1w ×3", with the severity's mark before a divergent value.
pub fn value_label(row: &Row, value: &Value) -> String {
    let mark = if value.severity == Severity::Equal || row.informational {
        String::new()
    } else {
        format!("{} ", value.severity.mark())
    };
    format!("{mark}{} ×{}", value_text(row, value), value.hosts.len())
}

/// The mark after an outlier's count, everywhere.
pub const OUTLIER_MARK: &str = "▸";
