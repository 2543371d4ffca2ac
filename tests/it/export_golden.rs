//! Every export format against committed expected output (tests/it/snapshots/)
//! over a comparison with every severity, a failed host and hostile values:
//! pipes, backticks, HTML tags, escape sequences and a 5,000-character line.

use crate::common::tui::unreachable;
use paritty::compare::matrix::{Comparison, choose_baseline};
use paritty::compare::policy::Policy;
use paritty::export::diff::{self, DiffFormat};
use paritty::export::document::DiffDoc;
use paritty::export::redact::{Options, Redactor};
use paritty::export::{SnapshotFormat, render_snapshot};
use paritty::model::HostReport;

const HOSTILE: &str = "1.7|`whoami`<script>alert(1)</script> <b>bold</b> &amp; \u{1b}[31mred\u{7}";

/// The shipped examples (every severity), hostile values on the laptop,
/// and a host that could not be reached.
fn reports() -> Vec<HostReport> {
    let mut reports = paritty::examples::reports();
    let laptop = reports[2].snapshot.as_mut().expect("laptop");
    let jq = laptop.facts.get_mut("tool.jq").expect("jq");
    jq.value = Some(HOSTILE.to_owned());
    jq.raw = format!("jq-{HOSTILE}\n");
    let make = laptop.facts.get_mut("tool.make").expect("make");
    make.value = Some("x".repeat(5_000));
    make.raw = format!("GNU Make {}\n", "y".repeat(5_000));
    // As a teammate's file would arrive: loaded, so sanitized on the way in.
    let json = paritty::model::snapshot_file::to_json(laptop);
    *laptop =
        paritty::model::snapshot_file::parse_snapshot(&json, std::path::Path::new("laptop.json"))
            .expect("loads");
    reports.push(unreachable("db-2"));
    reports
}

fn doc_text(format: DiffFormat, only_diff: bool) -> String {
    let collected = reports();
    let baseline = choose_baseline(&collected, None).expect("baseline");
    let comparison = Comparison::build(&collected, baseline, &Policy::default());
    let mut redactor = Redactor::new(Options::default());
    let shown_reports = redactor.reports(&collected);
    let shown = redactor.comparison(&comparison);
    let note = redactor.summary();
    let doc = DiffDoc {
        comparison: &shown,
        reports: &shown_reports,
        only_diff,
        redacted: Some(&note),
        declared: None,
        time_gap: None,
    };
    diff::render(&doc, format, false)
}

fn laptop() -> paritty::model::Snapshot {
    let mut redactor = Redactor::new(Options::default());
    redactor.reports(&reports())[2].snapshot.clone().expect("laptop")
}

/// Unescaped pipes on a Markdown table line.
fn cells(line: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
    }
    count
}

fn assert_tables_are_whole(markdown: &str) {
    let mut columns = None;
    for line in markdown.lines() {
        if line.starts_with('|') {
            let n = cells(line);
            assert_eq!(*columns.get_or_insert(n), n, "a value broke the table:\n{line}");
        } else {
            columns = None;
        }
    }
}

fn assert_no_controls(text: &str) {
    assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'), "control characters got through");
}

fn assert_safe(text: &str) {
    assert_no_controls(text);
    assert!(!text.contains("<script>"), "an HTML tag got through");
}

#[test]
fn markdown_comparison() {
    let md = doc_text(DiffFormat::Md, false);
    assert_tables_are_whole(&md);
    assert_safe(&md);
    assert_eq!(md.matches("<details>").count(), 3, "one inventory per collected host");
    insta::assert_snapshot!("diff.md", md);
}

#[test]
fn markdown_divergences_only() {
    let md = doc_text(DiffFormat::Md, true);
    assert_tables_are_whole(&md);
    assert!(!md.contains("<details>"));
    insta::assert_snapshot!("diff-only.md", md);
}

#[test]
fn text_comparison() {
    let text = doc_text(DiffFormat::Text, false);
    assert_no_controls(&text);
    // A cell whose text already says its severity says it once.
    let nginx = text.lines().find(|l| l.trim_start().starts_with("nginx")).expect("nginx row");
    assert_eq!(nginx.matches("(missing)").count(), 1, "{nginx}");
    assert!(!text.contains("(missing) (missing)"), "{text}");
    insta::assert_snapshot!("diff.txt", text);
}

#[test]
fn json_comparison() {
    let json = doc_text(DiffFormat::Json, false);
    let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(value["hosts"].as_array().map(Vec::len), Some(4));
    assert!(value["redacted"].as_str().is_some_and(|r| r.starts_with("Redacted:")));
    insta::assert_snapshot!("diff.json", json);
}

#[test]
fn html_comparison() {
    let html = doc_text(DiffFormat::Html, false);
    assert_safe(&html);
    assert!(html.contains("&lt;script&gt;"));
    insta::assert_snapshot!("diff.html", html);
}

#[test]
fn snapshot_formats() {
    let laptop = laptop();
    let md = render_snapshot(&laptop, SnapshotFormat::Md);
    assert_tables_are_whole(&md);
    assert_safe(&md);
    insta::assert_snapshot!("snapshot.md", md);
    let text = render_snapshot(&laptop, SnapshotFormat::Text);
    assert_no_controls(&text);
    insta::assert_snapshot!("snapshot.txt", text);
    let html = render_snapshot(&laptop, SnapshotFormat::Html);
    assert_safe(&html);
    insta::assert_snapshot!("snapshot.html", html);
    // JSON keeps everything (the escape sequence too would have been
    // stripped at collection): it loads back to the same snapshot.
    let json = render_snapshot(&laptop, SnapshotFormat::Json);
    let back =
        paritty::model::snapshot_file::parse_snapshot(&json, std::path::Path::new("laptop.json"))
            .expect("loads back");
    assert_eq!(back, laptop);
}

#[test]
fn exported_snapshots_load_back_as_a_team_that_compares_the_same() {
    let bin = env!("CARGO_BIN_EXE_paritty");
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/snapshots");
    let team = tempfile::tempdir().expect("tmp");
    let files: Vec<String> = ["prod-web-1", "staging-web-1", "laptop-dev"]
        .iter()
        .map(|n| examples.join(format!("{n}.json")).display().to_string())
        .collect();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(bin)
            .args(args)
            .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
            .output()
            .expect("run");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap_or(serde_json::Value::Null)
    };
    // Exported (redacted, the default) into a folder...
    let mut args = vec!["snapshot"];
    args.extend(files.iter().map(String::as_str));
    args.extend(["--out", team.path().to_str().expect("utf8")]);
    run(&args);
    // ...which, as a target, compares exactly like the originals.
    let comparison = |target: &str| {
        let mut value = run(&["diff", target, "--format", "json", "--no-redact"]);
        value.as_object_mut().expect("object").remove("redacted");
        value
    };
    let original = comparison(examples.to_str().expect("utf8"));
    let exported = comparison(team.path().to_str().expect("utf8"));
    assert_eq!(original["rows"], exported["rows"]);
    assert_eq!(original["summary"], exported["summary"]);
}
