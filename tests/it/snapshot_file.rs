//! The snapshot JSON: stable layout, round trip, and one clear error for
//! every kind of bad file.

#![cfg(unix)]

use std::path::Path;

use crate::common::{HEADER, command_fact, profile, tool};
use paritty::collect::local::LocalContext;
use paritty::collect::{CollectOptions, collect_local_with};
use paritty::model::snapshot_file::{SnapshotError, parse_snapshot, read_snapshot, to_json};
use paritty::model::{SCHEMA_VERSION, Snapshot};

/// A real snapshot with every status: ok, missing, error, timeout.
fn collected() -> Snapshot {
    let bin = tempfile::tempdir().expect("tmp");
    tool(bin.path(), "good", "echo 'good 1.2.3'");
    tool(bin.path(), "bad", "echo 'no version | here `x`'");
    tool(bin.path(), "slow", "exec sleep 30");
    let text = format!(
        "{HEADER}{}{}{}{}",
        command_fact("tool.good", &["good"], "version"),
        command_fact("tool.bad", &["bad"], "version"),
        command_fact("tool.slow", &["slow"], "version"),
        command_fact("tool.absent", &["paritty-absent"], "version"),
    );
    let opts = CollectOptions {
        command_timeout: std::time::Duration::from_millis(200),
        ..CollectOptions::default()
    };
    let ctx = LocalContext::with_path(Some(bin.path().as_os_str().to_owned()));
    collect_local_with(&profile(&text), &opts, &ctx)
}

#[test]
fn written_then_read_back_is_the_same_snapshot() {
    let snapshot = collected();
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("me.json");
    paritty::fsutil::write_atomic(&path, to_json(&snapshot).as_bytes()).expect("write");
    let back = read_snapshot(&path).expect("reads back");
    assert_eq!(back, snapshot);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).expect("ls").collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left behind");
}

#[test]
fn layout_is_stable_and_keys_are_ordered() {
    let snapshot = collected();
    let json = to_json(&snapshot);
    assert_eq!(json, to_json(&parse_snapshot(&json, Path::new("x")).expect("parse")));
    let top: Vec<&str> = [
        "schema_version",
        "paritty_version",
        "profile",
        "host",
        "collected_at",
        "duration_ms",
        "facts",
    ]
    .to_vec();
    let positions: Vec<usize> =
        top.iter().map(|k| json.find(&format!("\"{k}\"")).expect(k)).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "top-level order: {positions:?}");
    let ids = ["tool.absent", "tool.bad", "tool.good", "tool.slow"];
    let at: Vec<usize> = ids.iter().map(|id| json.find(&format!("\"{id}\"")).expect(id)).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "facts sorted by id");
    let value: serde_json::Value = serde_json::from_str(&json).expect("json");
    for field in ["value", "status", "raw", "found_at", "duration_ms"] {
        assert!(value["facts"]["tool.good"].get(field).is_some(), "fact has {field}");
    }
    assert_eq!(value["facts"]["tool.good"]["value"], "1.2.3");
    assert_eq!(value["facts"]["tool.slow"]["status"], "timeout");
    assert_eq!(value["facts"]["tool.bad"]["status"], "error");
    assert_eq!(value["facts"]["tool.absent"]["status"], "missing");
    assert_eq!(value["facts"]["tool.absent"]["value"], serde_json::Value::Null);
    assert_eq!(value["schema_version"], SCHEMA_VERSION);
}

#[test]
fn truncated_file_says_truncated() {
    let json = to_json(&collected());
    let cut = &json[..json.len() / 2];
    let e = parse_snapshot(cut, Path::new("team/ana.json")).expect_err("truncated");
    assert!(matches!(e, SnapshotError::Truncated { .. }), "{e}");
    assert_eq!(
        e.to_string(),
        "snapshot team/ana.json is truncated: the JSON ends before the snapshot does"
    );
}

#[test]
fn corrupt_file_names_line_and_column() {
    let e = parse_snapshot("{\n  \"schema_version\": 1,\n  oops\n}", Path::new("s.json"))
        .expect_err("corrupt");
    match &e {
        SnapshotError::NotJson { line, column, .. } => assert_eq!((*line, *column), (3, 3)),
        other => panic!("wrong error: {other}"),
    }
    assert!(!e.to_string().contains('\n'));
}

#[test]
fn future_schema_is_refused_with_a_hint() {
    let mut value: serde_json::Value = serde_json::from_str(&to_json(&collected())).expect("json");
    value["schema_version"] = serde_json::json!(SCHEMA_VERSION + 1);
    value["facts"] = serde_json::json!("renamed in the future");
    let e = parse_snapshot(&value.to_string(), Path::new("new.json")).expect_err("too new");
    assert!(
        matches!(e, SnapshotError::TooNew { found, .. } if found == u64::from(SCHEMA_VERSION) + 1)
    );
    assert!(e.to_string().contains("upgrade paritty"), "{e}");
}

#[test]
fn other_json_is_not_a_snapshot() {
    for (text, expected) in [
        ("[1, 2]", "expected a JSON object"),
        ("{\"name\": \"package.json\"}", "no `schema_version`"),
        ("{\"schema_version\": \"one\"}", "not a whole number"),
        ("{\"schema_version\": 1, \"facts\": {}}", "missing field"),
    ] {
        let e = parse_snapshot(text, Path::new("x.json")).expect_err(text);
        assert!(matches!(e, SnapshotError::NotASnapshot { .. }), "{text}: {e}");
        assert!(e.to_string().contains(expected), "{text}: {e}");
    }
    let e = read_snapshot(Path::new("/nonexistent/snap.json")).expect_err("absent");
    assert!(e.to_string().starts_with("cannot read snapshot /nonexistent/snap.json"), "{e}");
}

/// The fixture's text with `from` replaced by `to` (once, and it must be there).
fn fixture_with(from: &str, to: &str) -> String {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/snapshots/debian12-laptop.json"
    ))
    .expect("fixture");
    assert!(text.contains(from), "{from}");
    text.replacen(from, to, 1)
}

#[test]
fn a_key_given_twice_is_refused_naming_it() {
    // Twice in the facts map (serde would keep the last silently), and
    // twice as a field.
    let twice_in_map = fixture_with(
        "\"facts\": {\n",
        "\"facts\": {\n    \"hostname\": {\"value\": \"evil\", \"status\": \"ok\", \"raw\": \"\", \
         \"found_at\": null, \"duration_ms\": 0},\n",
    );
    let e = parse_snapshot(&twice_in_map, Path::new("dup.json")).expect_err("duplicate fact");
    assert!(matches!(&e, SnapshotError::DuplicateKey { key, .. } if key == "hostname"), "{e}");
    assert!(e.to_string().starts_with("snapshot dup.json has the key \"hostname\" twice"), "{e}");
    let twice_as_field =
        fixture_with("\"name\": \"laptop\",", "\"name\": \"laptop\", \"name\": \"x\",");
    let e = parse_snapshot(&twice_as_field, Path::new("dup.json")).expect_err("duplicate field");
    assert!(matches!(&e, SnapshotError::DuplicateKey { key, line: 9, .. } if key == "name"), "{e}");
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let plain = fixture_with("{", "{");
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("bom.json");
    std::fs::write(&path, format!("\u{feff}{plain}")).expect("write");
    let with_bom = read_snapshot(&path).expect("a BOM is accepted");
    assert_eq!(with_bom, parse_snapshot(&plain, Path::new("plain.json")).expect("plain"));
}

#[test]
fn impossible_values_are_refused() {
    for (from, to, said) in [
        (
            "\"schema_version\": 1",
            "\"schema_version\": 0",
            "`schema_version` is 0; versions start at 1",
        ),
        ("\"name\": \"laptop\"", "\"name\": \"\"", "`host.name` is empty"),
        ("\"name\": \"laptop\"", "\"name\": \" \\u001b[0m\\t\"", "`host.name` is empty"),
        ("\"hostname\": {", "\"\": {", "a fact has an empty id"),
    ] {
        let e = parse_snapshot(&fixture_with(from, to), Path::new("bad.json")).expect_err(to);
        assert_eq!(e.to_string(), format!("snapshot bad.json is invalid: {said}"), "{to}");
    }
}

#[test]
fn version_hash_and_names_are_sanitized_to_one_line() {
    let text = fixture_with(
        "\"paritty_version\": \"0.1.0\"",
        "\"paritty_version\": \"0.1.0\\u001b]0;pwned\\u0007\\nx\"",
    );
    let text = text.replacen(
        "\"hash\": \"fnv1a64:0000000000000001\"",
        "\"hash\": \"fnv1a64:\\u001b[2J01\\u202e\"",
        1,
    );
    let text = text.replacen("\"name\": \"laptop\"", "\"name\": \"lap\\ntop\\u009b31m\"", 1);
    let snapshot = parse_snapshot(&text, Path::new("s.json")).expect("loads");
    assert_eq!(snapshot.paritty_version, "0.1.0 x");
    assert_eq!(snapshot.profile.hash, "fnv1a64:01");
    assert_eq!(snapshot.host.name, "lap top");
}

#[test]
fn a_snapshot_file_written_to_a_folder_keeps_its_name() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_paritty"))
        .args(["snapshot", "--format", "json", "--out"])
        .arg(dir.path().join("out/"))
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/snapshots/debian12-laptop.json"))
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .output()
        .expect("run paritty");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let written: Vec<String> = std::fs::read_dir(dir.path().join("out"))
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(written, ["debian12-laptop.json"]);
}

/// Invisible and bidi characters in a file are dropped as it loads, like
/// escapes: a host name or a value cannot look like another one.
#[test]
fn invisible_and_bidi_characters_are_dropped_on_load() {
    let mut snapshot = collected();
    snapshot.host.name = "web\u{200b}-1\u{200f}".into();
    snapshot.host.labels.insert("environment".into(), "\u{feff}prod\u{2066}".into());
    let fact = snapshot.facts.get_mut("tool.good").expect("fact");
    fact.value = Some("1.2\u{2060}.3\u{61c}".into());
    fact.raw = "good 1.2.3\u{2028}".into();
    let back =
        parse_snapshot(&to_json(&snapshot), Path::new("team/invisible.json")).expect("loads");
    assert_eq!(back.host.name, "web-1");
    assert_eq!(back.host.labels["environment"], "prod");
    assert_eq!(back.facts["tool.good"].value.as_deref(), Some("1.2.3"));
    assert_eq!(back.facts["tool.good"].raw, "good 1.2.3\n");
}
