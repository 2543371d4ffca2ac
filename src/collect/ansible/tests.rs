//! Ansible's output read back, on transcripts written here: the real
//! `ansible` against real sshd hosts is in tests/it/ansible_import.rs.

use super::*;
use crate::model::Status;

const B: &str = "PARITTY-0123456789abcdef0123456789abcdef";

fn profile() -> Profile {
    crate::profile::parse_profile(
        "[profile]\nname = \"t\"\n[[fact]]\nid = \"tool.x\"\nlabel = \"x\"\ncategory = \"Tools\"\n\
         compare = \"semver\"\nparser = \"version\"\nsources = [{ cmd = [\"x\", \"--version\"] }]\n",
        "t.toml",
        None,
    )
    .expect("profile")
}

/// The probe's transcript of `x --version` printing `body`.
fn transcript(hash: &str, body: &str) -> String {
    format!(
        "motd\n{B} H 0.1.0 {hash}\n{B} F 0\n{B} C 0\n{B} P /usr/bin/x\t/usr/bin/x\n{B} X 0\n{B} O {}\n{body}\n{B} E 0\n{B} Z\n",
        body.len()
    )
}

fn output(hosts: &[(&str, Value)]) -> Vec<u8> {
    let hosts: serde_json::Map<String, Value> =
        hosts.iter().map(|(n, v)| ((*n).to_owned(), v.clone())).collect();
    serde_json::to_vec(&serde_json::json!({
        "plays": [{ "play": {}, "tasks": [{ "hosts": hosts, "task": { "name": "script",
            "duration": { "start": "2026-12-07T09:24:34.750715Z", "end": "2026-12-07T09:24:36.704133Z" } } }] }],
        "stats": {}
    }))
    .expect("json")
}

#[test]
fn each_host_becomes_a_report_in_ansibles_order() {
    let p = profile();
    let ok = transcript(&p.hash, "x 1.2.3\nbuilt\r\n");
    // Through a terminal every LF arrives as CR LF.
    let tty = ok.replace('\n', "\r\n");
    let json = output(&[
        ("web-2", serde_json::json!({ "stdout": ok, "rc": 0, "changed": true })),
        ("web-10", serde_json::json!({ "stdout": tty, "rc": 0 })),
        (
            "down",
            serde_json::json!({ "unreachable": true, "msg": "Failed to connect to the host via ssh: refused" }),
        ),
        (
            "sad",
            serde_json::json!({ "failed": true, "rc": 127, "msg": "non-zero return code", "stdout": "", "stderr": "sh: not found" }),
        ),
        ("other", serde_json::json!({ "stdout": "hello\n", "rc": 0 })),
        (
            "mixed",
            serde_json::json!({ "stdout": transcript("fnv1a64:0000000000000000", "x 9\n"), "rc": 0 }),
        ),
    ]);
    let reports = reports(&json, &p, &[], 1024).expect("reads");
    let names: Vec<&str> = reports.iter().map(|r| r.target.as_str()).collect();
    assert_eq!(names, ["web-2", "web-10", "down", "sad", "other", "mixed"]);
    for r in &reports[..2] {
        let s = r.snapshot.as_ref().expect("snapshot");
        assert!(r.failure.is_none(), "{:?}", r.failure);
        let x = &s.facts["tool.x"];
        assert_eq!((x.status, x.value.as_deref()), (Status::Ok, Some("1.2.3")));
        // The raw output is the tool's, its own CR LF kept.
        assert_eq!(x.raw, "x 1.2.3\nbuilt\n", "{}", r.target);
        assert_eq!(s.host.labels.get("via").map(String::as_str), Some("ansible"));
        assert_eq!((s.collected_at.as_str(), s.duration_ms), ("2026-12-07T09:24:34Z", 1953));
    }
    let reason = |i: usize| reports[i].failure.as_ref().map(|f| (f.reason, f.to_string()));
    let (why, text) = reason(2).expect("down fails");
    assert_eq!(why, FailReason::Unreachable);
    assert!(text.contains("down: Ansible could not reach it: Failed to connect"), "{text}");
    let (why, text) = reason(3).expect("sad fails");
    assert_eq!(why, FailReason::ProbeFailed);
    assert!(text.contains("its task failed (rc 127): non-zero return code"), "{text}");
    assert!(reason(4).expect("other fails").1.contains("holds no probe"));
    assert!(reason(5).expect("mixed fails").1.contains("another profile"));
}

#[test]
fn a_cut_transcript_keeps_what_was_framed_and_says_so() {
    let p = profile();
    let cut = transcript(&p.hash, "x 1.2.3\n").replace(&format!("{B} Z\n"), "");
    let json = output(&[("web", serde_json::json!({ "stdout": cut, "rc": 137, "failed": true }))]);
    let r = &reports(&json, &p, &[], 1024).expect("reads")[0];
    assert_eq!(r.snapshot.as_ref().expect("kept").facts["tool.x"].value.as_deref(), Some("1.2.3"));
    let failure = r.failure.as_ref().expect("partial");
    assert!(
        failure.to_string().contains("partial results, the probe stopped before its end (rc 137)"),
        "{failure}"
    );
}

#[test]
fn what_is_not_ansibles_output_is_refused_and_names_are_cleaned() {
    let p = profile();
    let e = reports(b"{\"plays\": 3}", &p, &[], 1024).expect_err("not it");
    assert!(e.0.starts_with("not the JSON of Ansible's `json` callback (line 1, column"), "{e}");
    let json = output(&[(
        "evil\u{1b}[2J\nname",
        serde_json::json!({ "unreachable": true, "msg": "no\u{1b}]0;x\u{7}" }),
    )]);
    let r = &reports(&json, &p, &[], 1024).expect("reads")[0];
    assert_eq!(r.target, "evil name");
    assert!(!r.failure.as_ref().expect("fails").to_string().contains('\u{1b}'));
}
