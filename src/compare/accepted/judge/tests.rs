//! Acceptances judged against small comparisons of `tool.openssl`.

use super::*;
use crate::compare::matrix::{Column, Row};
use crate::model::Status;

const TODAY: &str = "2026-12-07";

/// `prod` (the baseline) and the hosts, each with its openssl (`None`:
/// not installed), judged as semver.
fn comparison(base: &str, hosts: &[(&str, Option<&str>)]) -> Comparison {
    let mut all = vec![("prod", Some(base))];
    all.extend_from_slice(hosts);
    let columns = all
        .iter()
        .map(|(name, _)| Column {
            name: (*name).into(),
            environment: None,
            os: None,
            failure: None,
            collected: true,
        })
        .collect();
    let cells = all
        .iter()
        .map(|(_, v)| Cell {
            value: v.map(Into::into),
            status: Some(if v.is_some() { Status::Ok } else { Status::Missing }),
            severity: match v {
                Some(v) => {
                    Severity::from_level(version::compare(CompareKind::Semver, base, v).level)
                }
                None => Severity::Missing,
            },
            tolerated: false,
            origin: None,
            restart: None,
            service: None,
            unpinned: None,
        })
        .collect();
    let row = Row {
        id: "tool.openssl".into(),
        label: "OpenSSL".into(),
        category: "Tools".into(),
        compare: CompareKind::Semver,
        informational: false,
        cells,
    };
    Comparison { baseline: 0, columns, rows: vec![row] }
}

fn accepted_today(c: &Comparison) -> Vec<Acceptance> {
    let request =
        Request { reason: Some("known"), by: "alice", today: "2026-12-01", expires: None };
    record(c, Vec::new(), &request).entries
}

fn outcome(base: &str, was: &str, now: Option<&str>) -> Option<Outcome> {
    let entries = accepted_today(&comparison("3.0.11", &[("web", Some(was))]));
    let mut entries = entries;
    entries[0].baseline_value = Some("3.0.11".into());
    let judged = judge(&comparison(base, &[("web", now)]), &entries, TODAY);
    judged.verdict(0, 1).map(|v| v.outcome)
}

#[test]
fn the_same_drift_is_accepted_and_worse_drift_is_not() {
    let worse_level = Some(Outcome::Worse { was: Severity::Patch, further: false });
    let further = Some(Outcome::Worse { was: Severity::Patch, further: true });
    // Unchanged, or closer to the baseline: accepted.
    assert_eq!(outcome("3.0.11", "3.0.13", Some("3.0.13")), Some(Outcome::Accepted));
    assert_eq!(outcome("3.0.11", "3.0.13", Some("3.0.12")), Some(Outcome::Accepted));
    assert_eq!(outcome("3.0.11", "3.0.5", Some("3.0.9")), Some(Outcome::Accepted));
    // The baseline moved, the host did not, still patch: accepted.
    assert_eq!(outcome("3.0.14", "3.0.13", Some("3.0.13")), Some(Outcome::Accepted));
    // Patch drift that became minor, or missing: worse.
    assert_eq!(outcome("3.0.11", "3.0.13", Some("3.1.0")), worse_level);
    assert_eq!(
        outcome("3.0.11", "3.0.13", None),
        Some(Outcome::Worse { was: Severity::Patch, further: false })
    );
    // Same level, further away (ahead and newer, behind and older).
    assert_eq!(outcome("3.0.11", "3.0.13", Some("3.0.14")), further);
    assert_eq!(outcome("3.0.11", "3.0.9", Some("3.0.2")), further);
    // Crossed to the other side: not closer.
    assert_eq!(outcome("3.0.11", "3.0.9", Some("3.0.12")), further);
}

#[test]
fn matching_now_is_stale_and_other_baselines_are_left_alone() {
    let entries = accepted_today(&comparison("3.0.11", &[("web", Some("3.0.13"))]));
    let judged = judge(&comparison("3.0.11", &[("web", Some("3.0.11"))]), &entries, TODAY);
    assert_eq!(judged.stale, vec![Stale { entry: 0, row: 0, column: 1 }]);
    assert_eq!(judged.verdict(0, 1), None);
    // Another baseline: neither applied nor stale.
    let mut other = comparison("3.0.11", &[("web", Some("3.0.13"))]);
    other.columns[0].name = "staging".into();
    let judged = judge(&other, &entries, TODAY);
    assert!(judged.stale.is_empty() && judged.verdict(0, 1).is_none());
}

#[test]
fn an_expired_acceptance_no_longer_covers() {
    let c = comparison("3.0.11", &[("web", Some("3.0.13"))]);
    let mut entries = accepted_today(&c);
    entries[0].expires = Some("2026-12-06".into());
    assert_eq!(judge(&c, &entries, TODAY).verdict(0, 1).map(|v| v.outcome), Some(Outcome::Expired));
    // Its last day still counts.
    entries[0].expires = Some(TODAY.into());
    assert!(judge(&c, &entries, TODAY).covers(0, 1));
}

#[test]
fn a_new_host_is_not_covered() {
    let entries = accepted_today(&comparison("3.0.11", &[("web", Some("3.0.13"))]));
    let c = comparison("3.0.11", &[("web", Some("3.0.13")), ("web-new", Some("3.0.13"))]);
    let judged = judge(&c, &entries, TODAY);
    assert!(judged.covers(0, 1));
    assert_eq!(judged.verdict(0, 2), None);
}

#[test]
fn recording_again_keeps_reasons_and_drops_what_is_no_longer_needed() {
    let c = comparison("3.0.11", &[("web", Some("3.0.13")), ("db", Some("3.0.12"))]);
    let mut first = accepted_today(&c);
    first.push(Acceptance { host: "elsewhere".into(), ..first[0].clone() });
    let now = comparison("3.0.11", &[("web", Some("3.1.0")), ("db", Some("3.0.11"))]);
    let request = Request { reason: None, by: "bob", today: TODAY, expires: Some("2027-01-01") };
    let recorded = record(&now, first, &request);
    assert_eq!((recorded.added, recorded.updated), (0, 1));
    let (kept, removed) = (recorded.entries, recorded.removed);
    assert_eq!(removed.iter().map(|e| e.host.as_str()).collect::<Vec<_>>(), ["db"]);
    let web = kept.iter().find(|e| e.host == "web").expect("web kept");
    assert_eq!((web.reason.as_str(), web.by.as_str()), ("known", "alice"));
    assert_eq!((web.severity, web.value.as_deref()), (Severity::Minor, Some("3.1.0")));
    assert_eq!(web.expires.as_deref(), Some("2027-01-01"));
    assert!(kept.iter().any(|e| e.host == "elsewhere"), "other hosts' acceptances stay");
    // A new reason replaces the old one, and who gave it.
    let request =
        Request { reason: Some("upgrade planned"), by: "bob", today: TODAY, expires: None };
    let kept = record(&now, kept, &request).entries;
    let web = kept.iter().find(|e| e.host == "web").expect("web kept");
    assert_eq!((web.reason.as_str(), web.by.as_str()), ("upgrade planned", "bob"));
    assert_eq!(web.expires.as_deref(), Some("2027-01-01"));
}
