//! `[[host]]` with `exec = [...]` in paritty.toml: the probe on the stdin
//! of the user's own argv, with real programs: `podman exec -i` into a real
//! container, a plain `sh -s` on this machine (equal to local collection),
//! a program that is not installed and one that never reads the probe.

#![cfg(target_os = "linux")]

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::common::podman::{Container, images};

fn profile() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/profiles/container-probe.toml")
}

/// `paritty --config DIR/paritty.toml snapshot TARGETS --format json`.
fn snapshot(dir: &Path, hosts: &str, targets: &[&str]) -> (Output, Vec<Value>) {
    let config = dir.join("paritty.toml");
    std::fs::write(&config, hosts).expect("config");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_paritty"))
        .current_dir(dir)
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        // One line per problem, as users see it.
        .env_remove("RUST_BACKTRACE")
        .arg("--config")
        .arg(&config)
        .arg("snapshot")
        .args(targets)
        .args(["--format", "json", "--profile"])
        .arg(profile())
        .output()
        .expect("run paritty");
    let text = String::from_utf8_lossy(&out.stdout);
    let snaps = match serde_json::from_str(&text).unwrap_or(Value::Null) {
        Value::Array(list) => list,
        Value::Null => Vec::new(),
        one => vec![one],
    };
    (out, snaps)
}

#[test]
fn an_argv_into_a_real_container_collects_it() {
    let images = images();
    let web = Container::run(&images.app, "argv", &["/bin/busybox", "sleep", "600"]);
    let dir = tempfile::tempdir().expect("temp dir");
    let hosts = format!(
        "[[host]]\nname = \"web\"\nexec = [\"podman\", \"exec\", \"-i\", \"{}\", \"/bin/sh\", \"-s\"]\nenvironment = \"dev\"\n",
        web.name
    );
    let (out, snaps) = snapshot(dir.path(), &hosts, &["web"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let snap = &snaps[0];
    assert_eq!(snap["facts"]["runtime.python3"]["value"], "3.11.2");
    assert_eq!(snap["facts"]["os.id"]["value"], "paritty");
    assert_eq!(snap["facts"]["tool.absent"]["status"], "missing");
    assert_eq!(snap["host"]["transport"], "exec");
    assert_eq!(snap["host"]["program"], "podman");
    assert_eq!(snap["host"]["labels"]["environment"], "dev");
    // The program only: the argv's arguments never reach a snapshot.
    let host = snap["host"].to_string();
    assert!(!host.contains(&web.name) && !host.contains("/bin/sh"), "{host}");
}

/// `sh -s` here is this machine: the same values as `local`.
#[test]
fn a_plain_shell_equals_local_collection() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (out, snaps) = snapshot(
        dir.path(),
        "[[host]]\nname = \"me\"\nexec = [\"sh\", \"-s\"]\n",
        &["me", "local"],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let [me, local] = [&snaps[0], &snaps[1]];
    assert_eq!((&me["host"]["name"], &me["host"]["program"]), (&"me".into(), &"sh".into()));
    assert_eq!(local["host"]["transport"], "local");
    let ids = local["facts"].as_object().expect("facts");
    for (id, fact) in ids {
        let other = &me["facts"][id];
        assert_eq!((&fact["status"], &fact["value"]), (&other["status"], &other["value"]), "{id}");
    }
    assert!(ids.len() == 4, "{ids:?}");
}

#[test]
fn a_missing_program_or_one_without_a_shell_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let hosts = "[[host]]\nname = \"gone\"\nexec = [\"paritty-no-such-program\", \"ssh\", \"web\"]\n\n\
                 [[host]]\nname = \"deaf\"\nexec = [\"sh\", \"-c\", \"echo 'no shell here' >&2; exit 3\"]\n\n\
                 [[host]]\nname = \"fine\"\nexec = [\"sh\", \"-s\"]\n";
    let (out, snaps) = snapshot(dir.path(), hosts, &["gone", "deaf", "fine"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "paritty: gone: engine-unavailable: `paritty-no-such-program` (the program of `exec`) is not installed"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "paritty: deaf: probe-failed: `sh` ended without running the probe: no shell here"
        ),
        "{stderr}"
    );
    let names: Vec<&Value> = snaps.iter().map(|s| &s["host"]["name"]).collect();
    assert_eq!(names, ["fine"], "the others are unaffected");
}

#[test]
fn bad_argvs_are_refused_with_their_place() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (hosts, says) in [
        ("[[host]]\nname = \"a\"\nexec = []\n", "paritty.toml:3:8: host `a`: `exec` is empty"),
        ("[[host]]\nname = \"a\"\nexec = [\"sh\", 2]\n", "paritty.toml:3:"),
        (
            "[[host]]\nname = \"a\"\nssh = \"h\"\nexec = [\"sh\", \"-s\"]\n",
            "paritty.toml:4:8: host `a`: `exec` is the way to reach this host",
        ),
    ] {
        let (out, _) = snapshot(dir.path(), hosts, &["a"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(says) && stderr.lines().count() == 1, "{hosts}: {stderr}");
    }
}
