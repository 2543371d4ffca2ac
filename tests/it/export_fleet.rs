//! `diff --layout fleet` in every export format: golden files over a fleet
//! with an outlier, a hostile value and a failed host; the hosts of each
//! value listed (Markdown `<details>`, HTML `<details>` without scripts);
//! host names redacted there too; and the layout through the binary.

use std::process::Command;

use crate::common::tui::fleet;
use paritty::compare::fleet::{Fleet, groups_of_labels};
use paritty::compare::matrix::{Comparison, choose_baseline};
use paritty::compare::policy::Policy;
use paritty::export::diff::DiffFormat;
use paritty::export::document::DiffDoc;
use paritty::export::fleet::{FleetDoc, render};
use paritty::export::redact::{Options, Redactor};
use paritty::model::HostReport;

const HOSTILE: &str = "2.39|`id`<script>alert(1)</script> \u{1b}[31mred";

/// 12 hosts: web-5 with the old OpenSSL, web-8 unreachable, web-10 with a
/// hostile nginx version (loaded as a file would be: sanitized).
fn reports() -> Vec<HostReport> {
    let mut reports = fleet(12, &[4], &[7]);
    let snapshot = reports[9].snapshot.as_mut().expect("web-10");
    snapshot.facts.get_mut("service.nginx").expect("nginx").value = Some(HOSTILE.into());
    let json = paritty::model::snapshot_file::to_json(snapshot);
    *snapshot =
        paritty::model::snapshot_file::parse_snapshot(&json, std::path::Path::new("w.json"))
            .expect("loads");
    reports
}

fn export(format: DiffFormat, options: Options, only_diff: bool) -> String {
    let collected = reports();
    let baseline = choose_baseline(&collected, None).expect("baseline");
    let comparison = Comparison::build(&collected, baseline, &Policy::default());
    let mut redactor = Redactor::new(options);
    let shown_reports = redactor.reports(&collected);
    let shown = redactor.comparison(&comparison);
    let note = redactor.summary();
    let groups = groups_of_labels(shown_reports.iter().map(|r| {
        r.snapshot.as_ref().and_then(|s| s.host.labels.get("groups")).map(String::as_str)
    }));
    let fleet = Fleet::build(&comparison, &groups);
    let doc = DiffDoc {
        comparison: &shown,
        reports: &shown_reports,
        only_diff,
        redacted: Some(&note),
        declared: None,
        time_gap: None,
    };
    render(&FleetDoc { doc, fleet: &fleet }, format, false)
}

#[test]
fn text_lists_the_odd_values_hosts_and_keeps_the_summary_last() {
    let text = export(DiffFormat::Text, Options::default(), false);
    let openssl = text.lines().find(|l| l.contains("OpenSSL")).expect("openssl");
    assert!(openssl.ends_with("3.0.13 ×10 ★ · █ 1.1.1w ×1 ▸"), "{openssl}");
    assert!(text.contains("1.1.1w: web-5\n"), "{text}");
    // The host that failed is listed once, not as "no answer" on each fact.
    assert!(!text.contains("no answer"), "{text}");
    assert!(text.contains("Not collected:\n  web-8: unreachable"), "{text}");
    assert!(text.trim_end().lines().last().expect("last").starts_with("web-1 vs 11 hosts:"));
    assert!(!text.contains('\u{1b}'), "escapes never reach an export");
    insta::assert_snapshot!("fleet.txt", text);
}

#[test]
fn markdown_lists_every_values_hosts_in_details() {
    let md = export(DiffFormat::Md, Options::default(), false);
    let details = md.split("<details>").skip(1).find(|d| d.contains("OpenSSL")).expect("details");
    assert!(details.contains("- **3.0.13** ×10: web-1, web-2, web-3, web-4, web-6"), "{details}");
    assert!(details.contains("- **1.1.1w** ×1: web-5\n"), "{details}");
    assert!(md.contains("Hosts not collected:\n\n- web-8: unreachable"), "{md}");
    // A fact every host agrees on needs no list.
    assert!(!md.split("<details>").any(|d| d.contains("<summary>Python 3")), "{md}");
    assert!(!md.contains("<script>"), "{md}");
    insta::assert_snapshot!("fleet.md", md);
    let only = export(DiffFormat::Md, Options::default(), true);
    assert!(only.contains("| OpenSSL |") && !only.contains("| Python 3 |"), "{only}");
}

#[test]
fn html_discloses_hosts_without_scripts() {
    let html = export(DiffFormat::Html, Options::default(), false);
    assert!(html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""));
    assert!(!html.to_lowercase().contains("<script"), "no script, the hostile value escaped");
    assert!(
        html.contains(
            "<details class=\"value sev-major outlier\"><summary>█ 1.1.1w ×1 ▸</summary>\
             <p class=\"hosts\">web-5</p></details>"
        ),
        "{html}"
    );
    insta::assert_snapshot!("fleet.html", html);
}

#[test]
fn json_has_every_value_its_hosts_and_each_groups_distribution() {
    let json: serde_json::Value =
        serde_json::from_str(&export(DiffFormat::Json, Options::default(), false)).expect("json");
    assert_eq!(json["layout"], "fleet");
    let row = json["rows"].as_array().expect("rows").iter().find(|r| r["id"] == "tool.openssl");
    let row = row.expect("openssl");
    assert_eq!(row["values"][1]["value"], "1.1.1w");
    assert_eq!(row["values"][1]["hosts"], serde_json::json!(["web-5"]));
    assert_eq!(row["values"][1]["outlier"], true);
    assert_eq!(row["values"][0]["count"], 10);
    assert_eq!(row["no_answer"], serde_json::json!([]));
    assert_eq!(json["not_collected"][0]["host"], "web-8");
    let groups: Vec<&str> = row["by_group"]
        .as_array()
        .expect("groups")
        .iter()
        .filter_map(|g| g["group"].as_str())
        .collect();
    assert_eq!(groups, ["prod", "staging", "(no group)"]);
    // web-5 is prod (even index): its odd OpenSSL is prod's.
    assert_eq!(row["by_group"][0]["values"][1]["hosts"], serde_json::json!(["web-5"]));
    insta::assert_snapshot!("fleet.json", serde_json::to_string_pretty(&json).expect("json"));
}

#[test]
fn redacting_hosts_reaches_the_host_lists() {
    for format in [DiffFormat::Text, DiffFormat::Md, DiffFormat::Html, DiffFormat::Json] {
        let out = export(format, Options { hosts: true }, false);
        for n in 1..=12 {
            let name = format!("web-{n}");
            assert!(
                !out.contains(&format!("{name},")) && !out.contains(&format!("{name}\"")),
                "{format:?}: {name} in\n{out}"
            );
        }
        assert!(out.contains("host-"), "{format:?}: pseudonyms listed\n{out}");
    }
}

#[test]
fn diff_layout_fleet_through_the_binary() {
    let dir = tempfile::tempdir().expect("dir");
    for report in reports().iter().filter(|r| r.snapshot.is_some()) {
        let snapshot = report.snapshot.as_ref().expect("snapshot");
        let path = dir.path().join(format!("{}.json", snapshot.host.name));
        std::fs::write(path, paritty::model::snapshot_file::to_json(snapshot)).expect("write");
    }
    let folder = format!("{}/", dir.path().display());
    let run = Command::new(env!("CARGO_BIN_EXE_paritty"))
        .args(["diff", &folder, "--layout", "fleet", "--format", "md", "--redact", "hosts"])
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .output()
        .expect("run");
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{}{out}", String::from_utf8_lossy(&run.stderr));
    assert!(out.contains("Fleet of 11 hosts"), "{out}");
    assert!(out.contains("█ 1.1.1w ×1 ▸"), "{out}");
    assert!(!out.contains("web-5"), "redacted host names: {out}");
    let bad = Command::new(env!("CARGO_BIN_EXE_paritty"))
        .args(["diff", &folder, "--layout", "grid"])
        .output()
        .expect("run");
    assert_eq!(bad.status.code(), Some(2));
    // The declarations are a column of the table layout only: said, not dropped.
    let declared = Command::new(env!("CARGO_BIN_EXE_paritty"))
        .args(["diff", "declared", &folder, "--layout", "fleet"])
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&declared.stderr);
    assert_eq!(declared.status.code(), Some(2), "{err}");
    assert!(err.contains("the fleet layout does not show `declared` yet"), "{err}");
}
