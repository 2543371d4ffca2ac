//! Many local containers in one run are inspected by one engine process,
//! not one each (BENCHMARKS.md, "containers"), against a real Podman seen
//! through a logging `podman` first on PATH: the snapshots still carry
//! each container's image and id, and a stopped or missing container
//! still fails with its own reason.

#![cfg(target_os = "linux")]

use std::process::Command;

use crate::common::podman::{Container, images, podman_ok, unique};

const PROFILE: &str = r#"
[profile]
name = "batch-test"

[[fact]]
id = "runtime.python3"
label = "Python"
category = "Runtimes"
compare = "pep440"
parser = "python"
sources = [{ cmd = ["python3", "--version"] }]
"#;

#[test]
fn many_containers_are_inspected_in_one_engine_process() {
    let images = images();
    let web = [
        Container::run(&images.app, "batch1", &["/bin/busybox", "sleep", "600"]),
        Container::run(&images.app, "batch2", &["/bin/busybox", "sleep", "600"]),
    ];
    let created = Container::created(&images.app, "batchcreated");
    let missing = unique("batchmissing");
    let dir = tempfile::tempdir().expect("temp dir");
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).expect("bin");
    let real = which::which("podman").expect("podman on PATH");
    let log = dir.path().join("podman.log");
    crate::common::tool(
        &bin,
        "podman",
        &format!("echo \"$*\" >> '{}'\nexec '{}' \"$@\"", log.display(), real.display()),
    );
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let profile = dir.path().join("profile.toml");
    std::fs::write(&profile, PROFILE).expect("profile");
    let out_dir = dir.path().join("out");
    let names = [web[0].name.as_str(), web[1].name.as_str(), created.name.as_str(), &missing];
    let out = Command::new(env!("CARGO_BIN_EXE_paritty"))
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .env("PATH", &path)
        .args(["snapshot", "--workers", "4", "--profile"])
        .arg(&profile)
        .arg("--out")
        .arg(&out_dir)
        .args(names.map(|n| format!("podman:{n}")))
        .output()
        .expect("run paritty");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");

    // One `inspect` for all four; then the missing one asked alone, which
    // tells why; one `exec` per running container, nothing else.
    let logged = std::fs::read_to_string(&log).expect("podman log");
    let inspects: Vec<&str> =
        logged.lines().filter(|l| l.starts_with("container inspect")).collect();
    assert_eq!(inspects.len(), 2, "{logged}");
    // `container inspect --format FORMAT NAME...`: the format has no blank.
    let mut batch: Vec<&str> = inspects[0].split(' ').skip(4).collect();
    batch.sort_unstable();
    let mut all = names.to_vec();
    all.sort_unstable();
    assert_eq!(batch, all, "{logged}");
    assert!(inspects[1].ends_with(&format!(" {missing}")), "{logged}");
    let execs = logged.lines().filter(|l| l.starts_with("exec ")).count();
    assert_eq!(execs, 2, "{logged}");
    assert_eq!(logged.lines().count(), 4, "{logged}");

    // Each snapshot carries its own container's image, as Podman has it.
    for container in &web {
        let text = std::fs::read_to_string(out_dir.join(format!("podman_{}.json", container.name)))
            .expect("snapshot");
        let json: serde_json::Value = serde_json::from_str(&text).expect("json");
        let id = podman_ok(&["container", "inspect", "--format", "{{.Image}}", &container.name]);
        assert_eq!(json["host"]["image"], images.app.as_str());
        assert_eq!(json["host"]["image_id"], id.as_str());
        assert_eq!(json["facts"]["runtime.python3"]["value"], "3.11.2");
    }
    let said = |name: &str| {
        stderr.lines().find(|l| l.starts_with(&format!("paritty: podman:{name}: "))).unwrap_or("")
    };
    assert!(said(&created.name).contains(": stopped: "), "{stderr}");
    assert!(said(&missing).contains(": not-found: "), "{stderr}");
}
