//! The app's backing services in a container (real Podman, busybox's awk):
//! its `exec` environment read by the probe, its own clients' answers kept,
//! nothing asked from inside it.

#![cfg(target_os = "linux")]

use std::fs;
use std::process::Output;

use serde_json::Value;

use crate::backing::{paritty, profile};

const PLANTED_ENV: &str = "Container-Planted-5521";

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// A container (real Podman, busybox's awk): its environment names the
/// services; PostgreSQL without `psql` in it `needs-login`, the others are
/// `not-asked` (paritty connects from nowhere inside a container), and the
/// password in its environment appears nowhere.
#[test]
fn a_containers_environment_names_its_services() {
    use crate::common::podman::{Container, RUN_ARGS, images, podman_ok, unique};
    let images = images();
    let container = Container { name: unique("backing") };
    let database = format!("DATABASE_URL=postgres://app:{PLANTED_ENV}@10.0.0.5:5432/shop");
    let mut args = vec!["run", "-d", "--name", &container.name];
    args.extend(RUN_ARGS);
    args.extend(["--env", &database, "--env", "REDIS_URL=redis://cache:6379/0"]);
    args.extend([images.app.as_str(), "/bin/busybox", "sleep", "600"]);
    podman_ok(&args);
    podman_ok(&["wait", "--condition=running", &container.name]);
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("paritty.toml");
    let run_args: Vec<String> = RUN_ARGS.iter().map(|a| format!("\"{a}\"")).collect();
    let text_config = format!("[settings]\nengine_run_args = [{}]\n", run_args.join(", "));
    fs::write(&config, text_config).expect("write paritty.toml");
    let target = format!("podman:{}", container.name);
    let profile = profile();
    let out = paritty(
        dir.path(),
        &[
            "--config",
            config.to_str().expect("a UTF-8 path"),
            "snapshot",
            &target,
            "--profile",
            profile.to_str().expect("a UTF-8 path"),
            "--format",
            "json",
            "--no-redact",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out));
    let snap: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let db = &snap["facts"]["backing.database"];
    assert_eq!(db["status"], "needs-login", "{db}");
    assert_eq!(db["found_at"], "DATABASE_URL in the environment");
    assert!(db["raw"].as_str().expect("raw").starts_with("postgresql 10.0.0.5:5432 database shop"));
    let cache = &snap["facts"]["backing.cache"];
    assert_eq!(cache["status"], "not-asked", "{cache}");
    assert!(!text(&out).contains(PLANTED_ENV));
}
