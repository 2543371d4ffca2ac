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

/// The transcript of `transcript` with the app's configuration frame
/// added: `bodies`, each one `R 0` record's output.
fn with_app_frame(p: &Profile, bodies: &[String]) -> String {
    use std::fmt::Write as _;
    let index = crate::probe::script::app_config_fact(p);
    let mut frame = format!("{B} F {index}\n");
    for body in bodies {
        let _ = write!(frame, "{B} R 0\n{B} O {}\n{body}\n", body.len());
    }
    let _ = writeln!(frame, "{B} E {index}");
    transcript(&p.hash, "x 1.2.3\n").replace(&format!("{B} Z\n"), &format!("{frame}{B} Z\n"))
}

fn imported_facts(p: &Profile, stdout: &str) -> BTreeMap<String, crate::model::Fact> {
    let json = output(&[("web", serde_json::json!({ "stdout": stdout, "rc": 0 }))]);
    let roles = crate::backing::roles::roles(&BTreeMap::new());
    let r = reports(&json, p, &roles, 64 * 1024).expect("reads").remove(0);
    assert!(r.failure.is_none(), "{:?}", r.failure);
    r.snapshot.expect("a snapshot").facts
}

/// A host's app frame naming thousands of roles, each many times, with
/// escape sequences in its origins and URLs: a fact per known role only,
/// nothing of the escapes kept, in bounded time.
#[test]
fn a_hostile_app_frame_gives_known_roles_only_and_no_escapes() {
    use std::fmt::Write as _;
    let p = profile();
    let mut body = String::new();
    body.push_str(
        "R\tcache\tREDIS_URL\t/srv/.env\u{1b}]0;pwn\u{7}:1\tredis://127.0.0.1\u{1b}[2J:6379\t0\n",
    );
    for i in 0..3000 {
        let _ = writeln!(body, "R\trole{i}\tX_URL\t/srv/.env:{i}\tredis://127.0.0.1:1\t0");
        body.push_str("R\tdatabase\tDATABASE_URL\t/srv/\u{9b}31m.env:1\tpostgres://127.0.0.1:5432/\u{1b}[31mdb\t2\n");
    }
    // Junk claiming to be the configuration's lines: records of no kind,
    // clients of no source, headers that are no hex, bytes not UTF-8.
    let junk = "K\t99999999999999999999999\tdatabase\tpsql\nH\tcache\tzz\u{1b}\nN\tcache\t\u{1b}[31mx\nR\tR\tR\nU\n\u{0}\u{ff}\t\t\t\t\t\n";
    let started = std::time::Instant::now();
    let facts = imported_facts(&p, &with_app_frame(&p, &[body, junk.to_owned()]));
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
    let backing: Vec<&String> = facts.keys().filter(|k| k.starts_with("backing.")).collect();
    assert_eq!(backing, ["backing.cache", "backing.database"]);
    for (id, fact) in facts.iter().filter(|(k, _)| k.starts_with("backing.")) {
        let shown = format!("{:?} {} {:?}", fact.value, fact.raw, fact.found_at);
        assert!(!shown.contains(['\u{1b}', '\u{9b}', '\u{7}']), "{id}: {shown}");
    }
}

/// A host whose configuration has a thousand unreadable lines: each
/// unset role's fact says some of them, not megabytes of them.
#[test]
fn unreadable_configuration_lines_do_not_swell_the_unset_facts() {
    let p = profile();
    let roles = crate::backing::roles::roles(&BTreeMap::new());
    // One role set, so the others' rows are kept (a host without an app has none).
    let mut unset = "R\tcache\tREDIS_URL\t/srv/.env:2\tredis://127.0.0.1:6379\t0\n".to_owned();
    unset.extend(roles.iter().filter(|r| r.name != "cache").map(|r| format!("U\t{}\n", r.name)));
    let problem = format!("P\t/srv/.env:1: {}\n", "y".repeat(5000));
    let bodies: Vec<String> =
        std::iter::once(unset).chain((0..100).map(|_| problem.repeat(12))).collect();
    let facts = imported_facts(&p, &with_app_frame(&p, &bodies));
    let database = &facts["backing.database"];
    assert_eq!(database.status, Status::Missing);
    assert!(database.raw.contains("/srv/.env:1: yyy"), "{}", &database.raw[..200]);
    assert!(
        database.raw.ends_with(" more lines paritty could not read)"),
        "{}",
        database.raw.len()
    );
    for (id, fact) in facts.iter().filter(|(k, _)| k.starts_with("backing.")) {
        assert!(fact.raw.len() <= 64 * 1024, "{id}: {} bytes", fact.raw.len());
    }
}
