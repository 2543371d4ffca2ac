//! Local collection runs in the app folder, so a version manager's shim
//! answers with the version the project pins, and the details pane says
//! which manager and which file chose it. With this machine's pyenv when
//! it has one (and the two versions asked for), else a shim that works
//! the way pyenv's does: by the `.python-version` of the folder it runs in.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::tui::{app_of, screen};
use paritty::model::HostReport;
use paritty::model::snapshot_file::parse_snapshot;

/// PYENV_ROOT and the version pinned in the app folder: this machine's
/// pyenv with 3.12.1 installed, else a shim folder made here.
fn pyenv(scratch: &Path) -> (PathBuf, String) {
    let real = Command::new("pyenv").arg("root").output().ok().filter(|o| o.status.success());
    if let Some(out) = real {
        let root = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if root.join("versions/3.12.1/bin/python3").exists() {
            return (root, "3.12.1".into());
        }
    }
    // A shim as pyenv's behaves: the version of the nearest
    // .python-version from the folder it runs in.
    let shims = scratch.join(".pyenv/shims");
    std::fs::create_dir_all(&shims).expect("mkdir");
    let shim = shims.join("python3");
    std::fs::write(
        &shim,
        "#!/bin/sh\nd=$PWD\nwhile [ \"$d\" != / ]; do\n  [ -f \"$d/.python-version\" ] && { echo \"Python $(cat \"$d/.python-version\")\"; exit 0; }\n  d=$(dirname \"$d\")\ndone\necho 'Python 3.0.0'\n",
    )
    .expect("shim");
    let mut perms = std::fs::metadata(&shim).expect("stat").permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&shim, perms).expect("chmod");
    (scratch.join(".pyenv"), "3.12.1".into())
}

#[test]
fn a_pyenv_shim_answers_for_the_app_folder_and_the_details_say_so() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (root, pinned) = pyenv(tmp.path());
    let app = tmp.path().join("app");
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir_all(&app).expect("mkdir");
    std::fs::create_dir_all(&elsewhere).expect("mkdir");
    std::fs::write(app.join(".python-version"), format!("{pinned}\n")).expect("write");
    let path =
        std::env::join_paths([root.join("shims"), "/usr/bin".into(), "/bin".into()]).expect("PATH");
    // Run from another folder: only --app-dir points at the project.
    let out = Command::new(env!("CARGO_BIN_EXE_paritty"))
        .args(["snapshot", "--format", "json", "--app-dir"])
        .arg(&app)
        .current_dir(&elsewhere)
        .env("PATH", &path)
        .env("PYENV_ROOT", &root)
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .output()
        .expect("run paritty");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("utf8");
    let snapshot = parse_snapshot(&text, Path::new("snapshot")).expect("snapshot");
    let python = &snapshot.facts["runtime.python3"];
    assert_eq!(python.value.as_deref(), Some(pinned.as_str()), "{python:?}");
    let found = python.found_at.clone().unwrap_or_default();
    assert!(found.ends_with(".pyenv/shims/python3"), "{found}");

    let report = HostReport { target: "local".into(), snapshot: Some(snapshot), failure: None };
    let mut view = app_of(vec![report]);
    view.set_declarations(paritty::declare::read::read_dir(&app), false);
    let r = view.comparison.rows.iter().position(|r| r.id == "runtime.python3").expect("row");
    view.show_absent = true;
    view.cursor =
        view.lines().iter().position(|l| *l == paritty::tui::app::Line::Fact(r)).expect("line");
    let shown = screen(&mut view, 140, 40);
    assert!(
        shown.contains(&format!(
            "pyenv's shim chose it: .python-version:1 in the app folder says {pinned}"
        )),
        "{shown}"
    );
}
