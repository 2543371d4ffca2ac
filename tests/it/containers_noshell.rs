//! Containers and images without a shell (distroless-like), against a real
//! Podman: they fail with `no-shell` and still show what the engine knows
//! without one (the image config's `os`, `architecture`, version variables
//! and OCI labels; os-release copied out by `podman cp`, through its link),
//! each such fact marked in the snapshot JSON, the TUI's details pane and
//! the exports; `check` and `diff` still exit 2; no container is left.

#![cfg(target_os = "linux")]

use std::process::{Command, Output};
use std::sync::{Arc, mpsc};

use paritty::collect::container::Engine;
use paritty::collect::hosts::collect_targets;
use paritty::collect::plan::{Plan, Prompts};
use paritty::collect::target::Target;
use paritty::model::snapshot_file::{parse_snapshot, to_json};
use paritty::model::{FailReason, HostReport, Origin, Status};

use crate::common::podman::{Container, RUN_ARGS, images, podman_ok};
use crate::common::tui::{app_of, fixture, screen};

fn default_plan() -> Plan {
    let mut plan = Plan::new(Arc::new(
        paritty::profile::load_profile("default", None).expect("default profile"),
    ));
    plan.containers.engine = Some(Engine::Podman);
    plan.containers.run_args = RUN_ARGS.iter().map(|&a| a.to_owned()).collect();
    plan
}

fn collect(targets: &[String]) -> Vec<HostReport> {
    let targets: Vec<Target> = targets
        .iter()
        .map(|a| paritty::target::parse(a, None).unwrap_or_else(|e| panic!("{a}: {e}")))
        .collect();
    let (events, _received) = mpsc::channel();
    collect_targets(&targets, &default_plan(), Prompts::default(), &events)
}

/// What Podman says the image's config states: variable `name`.
fn env_of_image(image: &str, name: &str) -> String {
    let env = podman_ok(&[
        "image",
        "inspect",
        "--format",
        "{{range .Config.Env}}{{println .}}{{end}}",
        image,
    ]);
    env.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("{name} not in the image's Env: {env}"))
        .to_owned()
}

/// What Podman says label `name` of the image is.
fn label_of_image(image: &str, name: &str) -> String {
    podman_ok(&[
        "image",
        "inspect",
        "--format",
        &format!("{{{{index .Config.Labels \"{name}\"}}}}"),
        image,
    ])
}

#[test]
fn a_container_and_an_image_without_a_shell_show_what_the_engine_knows() {
    let images = images();
    let running =
        Container::run(&images.no_shell, "noshell-fallback", &["/bin/busybox", "sleep", "600"]);
    let reports =
        collect(&[format!("podman:{}", running.name), format!("image:{}", images.no_shell)]);
    let machine =
        String::from_utf8(Command::new("uname").arg("-m").output().expect("uname").stdout)
            .expect("utf-8");
    for report in &reports {
        let failure = report.failure.as_ref().expect("failed");
        assert_eq!(failure.reason, FailReason::NoShell, "{}: {failure}", report.target);
        assert!(
            failure.message().contains("no /bin/sh") && failure.message().contains("shown instead"),
            "{failure}"
        );
        let snapshot =
            report.snapshot.as_ref().unwrap_or_else(|| panic!("{}: no snapshot", report.target));
        let fact = |id: &str| {
            snapshot.facts.get(id).unwrap_or_else(|| panic!("{}: no {id}", report.target))
        };
        // The version variables, as Podman reports the image's config.
        for (id, var) in [("runtime.python3", "PYTHON_VERSION"), ("runtime.node", "NODE_VERSION")] {
            let stated = env_of_image(&images.no_shell, var);
            assert_eq!(fact(id).value.as_deref(), Some(stated.as_str()), "{id}");
            assert_eq!(fact(id).raw, format!("{var}={stated}"));
            assert_eq!(fact(id).origin, Some(Origin::ImageConfig), "{id}");
        }
        // os-release copied out by `podman cp`, which follows the link to
        // /usr/lib itself (Docker's sends the link, which paritty follows:
        // `files` unit tests).
        assert_eq!(fact("os.id").value.as_deref(), Some("paritty"));
        assert_eq!(fact("os.pretty").value.as_deref(), Some("Paritty Test 1.0"));
        assert_eq!(fact("os.id").found_at.as_deref(), Some("/etc/os-release"));
        assert_eq!(fact("os.id").origin, Some(Origin::ImageFiles));
        // The config's architecture, said as `uname -m` says it.
        assert_eq!(fact("arch").value.as_deref(), Some(machine.trim()));
        for (id, label) in [
            ("image.version", "org.opencontainers.image.version"),
            ("image.revision", "org.opencontainers.image.revision"),
            ("image.source", "org.opencontainers.image.source"),
        ] {
            let stated = label_of_image(&images.no_shell, label);
            assert_eq!(fact(id).value.as_deref(), Some(stated.as_str()), "{id}");
            assert_eq!(fact(id).origin, Some(Origin::ImageConfig));
        }
        // No git in a folder without a shell: the app's revision is the
        // image label's, said so.
        let stated = label_of_image(&images.no_shell, "org.opencontainers.image.revision");
        assert_eq!(fact("app.revision").value.as_deref(), Some(stated.as_str()));
        assert_eq!(fact("app.revision").origin, Some(Origin::ImageLabel));
        // What only a probe could tell is not collected, and not marked.
        assert_eq!((fact("tool.git").status, fact("tool.git").origin), (Status::Error, None));
        // The marker is in the JSON and reads back.
        let json = to_json(snapshot);
        assert!(json.contains("\"origin\": \"image-config\""), "{json}");
        assert!(json.contains("\"origin\": \"image-files\""), "{json}");
        let back = parse_snapshot(&json, std::path::Path::new("noshell.json")).expect("reads back");
        assert_eq!(back.facts["runtime.python3"].origin, Some(Origin::ImageConfig));
        assert_eq!(back.facts["tool.git"].origin, None);
    }

    // The details pane says where the value came from, beside a laptop.
    let mut app = app_of(vec![fixture("debian12-laptop.json"), reports[0].clone()]);
    let row = app.comparison.rows.iter().position(|r| r.id == "runtime.python3").expect("row");
    app.cursor =
        app.lines().iter().position(|l| *l == paritty::tui::app::Line::Fact(row)).expect("line");
    let shown = screen(&mut app, 150, 40);
    assert!(
        shown.contains("ⓘ from the image config (declared by the image, not observed"),
        "{shown}"
    );
    assert!(shown.contains("from image config: Env PYTHON_VERSION"), "{shown}");
    assert!(shown.contains("3.12.4 (from image"), "{shown}");
}

/// `paritty ARGS...`, its output, and then no container of that paritty
/// is left (its throwaway ones are named `paritty-PID-...`).
fn paritty(config: &std::path::Path, args: &[&str]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_paritty"))
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .arg("--config")
        .arg(config)
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run paritty");
    let prefix = format!("paritty-{}-", child.id());
    let out = child.wait_with_output().expect("paritty ends");
    let names = podman_ok(&["ps", "-a", "--format", "{{.Names}}"]);
    assert!(!names.lines().any(|n| n.starts_with(&prefix)), "left behind: {names}");
    out
}

#[test]
fn snapshot_diff_and_check_show_the_marker_and_still_exit_2() {
    let images = images();
    let app = Container::run(&images.app, "noshell-beside", &["/bin/busybox", "sleep", "600"]);
    let dir = tempfile::tempdir().expect("temp dir");
    let words: Vec<String> = RUN_ARGS.iter().map(|a| format!("{a:?}")).collect();
    let config = dir.path().join("paritty.toml");
    std::fs::write(&config, format!("[settings]\nengine_run_args = [{}]\n", words.join(", ")))
        .expect("config");
    let image = format!("image:{}", images.no_shell);

    // The snapshot is written, marked; the run says why and exits 2.
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).expect("out dir");
    let out_arg = out_dir.to_str().expect("utf-8");
    let out = paritty(&config, &["snapshot", &image, "--engine", "podman", "--out", out_arg]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.lines().any(|l| l.starts_with(&format!("paritty: {image}: no-shell: "))
            && l.contains("shown instead")),
        "{stderr}"
    );
    let file =
        std::fs::read_dir(&out_dir).expect("out dir").next().expect("a file").expect("entry");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file.path()).expect("read")).expect("json");
    assert_eq!(json["facts"]["runtime.python3"]["value"], "3.12.4");
    assert_eq!(json["facts"]["runtime.python3"]["origin"], "image-config");
    assert_eq!(json["facts"]["os.id"]["origin"], "image-files");
    assert!(json["facts"]["tool.git"].get("origin").is_none(), "{}", json["facts"]["tool.git"]);

    // The Markdown export says it beside the value and under the table.
    let out = paritty(&config, &["snapshot", &image, "--engine", "podman", "--format", "md"]);
    let md = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2));
    let python = md.lines().find(|l| l.starts_with("| Python")).unwrap_or_default();
    assert!(python.contains("3.12.4") && python.contains("*from image config*"), "{md}");
    assert!(md.contains("facts not observed"), "{md}");

    // diff compares the values and keeps the marker; check gates as ever:
    // a target that could not be probed is an error, exit 2.
    let app_target = format!("podman:{}", app.name);
    let out = paritty(&config, &["diff", &app_target, &image, "--engine", "podman"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let python = text.lines().find(|l| l.trim_start().starts_with("Python")).unwrap_or_default();
    assert!(python.contains("3.11.2") && python.contains("3.12.4 (from image config)"), "{text}");
    let out = paritty(&config, &["check", &app_target, &image, "--engine", "podman"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stdout));
}
