//! The app's dependencies against real installs: a virtualenv filled by
//! pip and a node_modules filled by npm (`scripts/test-deps.sh` makes them
//! under target/deps-fixture/), read here and through the probe in every
//! local shell and over a real sshd, every expectation taken from pip and
//! the installed packages' own files at test time.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use serde_json::Value;

use crate::common::probe::{run_script, shells};
use crate::common::remote::profile_fixture;
use crate::common::sshd::{HostSpec, Lab};
use paritty::collect::CollectOptions;
use paritty::collect::deps::{self, local};
use paritty::model::Fact;
use paritty::probe::{frame, script};
use paritty::profile::load_profile;

/// target/deps-fixture/`name` (`python`, `node`), made by test-deps.sh.
pub(crate) fn fixture(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/deps-fixture").join(name);
    assert!(
        dir.join(".done").is_file(),
        "{} is missing: run scripts/test-deps.sh (it makes the real installs these tests read)",
        dir.display()
    );
    dir
}

pub(crate) fn paritty(dir: &Path, args: &[&str]) -> Output {
    paritty_with(dir, args, &[])
}

/// `paritty` with environment `env` added.
fn paritty_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paritty"))
        .args(args)
        .current_dir(dir)
        .env("PARITTY_CONFIG_DIR", dir.join("no-config"))
        .env_remove("VIRTUAL_ENV")
        .env_remove("BUNDLE_PATH")
        .env_remove("BUNDLE_APP_CONFIG")
        .envs(env.iter().copied())
        .output()
        .expect("run paritty")
}

pub(crate) fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// `paritty diff local prod --format FORMAT` run from a folder of its own,
/// this machine's app in `local_app`, prod the lab's host whose `app_dir`
/// is `remote_app`, with the deps test profile.
pub(crate) fn diff_with_prod(
    lab: &Lab,
    local_app: &Path,
    remote_app: &Path,
    format: &str,
) -> Output {
    let here = tempfile::tempdir().expect("tmp");
    let config = here.path().join("paritty.toml");
    let host = format!("[[host]]\nname = \"prod\"\napp_dir = \"{}\"\n", remote_app.display());
    fs::write(&config, host).expect("write");
    let profile = profile_fixture("deps-test");
    let ssh_config = lab.ssh_config();
    paritty(
        here.path(),
        &[
            "--config",
            config.to_str().expect("UTF-8"),
            "diff",
            "local",
            "prod",
            "--app-dir",
            local_app.to_str().expect("UTF-8"),
            "--ssh-config",
            ssh_config.to_str().expect("UTF-8"),
            "--profile",
            profile.to_str().expect("UTF-8"),
            "--timeout",
            "10",
            "--no-redact",
            "--format",
            format,
        ],
    )
}

/// `paritty snapshot local --app-dir APP` as JSON, run from elsewhere.
fn snapshot(app: &Path) -> Value {
    snapshot_with(app, &[])
}

/// `snapshot` with environment `env` added.
pub(crate) fn snapshot_with(app: &Path, env: &[(&str, &str)]) -> Value {
    let cwd = tempfile::tempdir().expect("tmp");
    let profile = profile_fixture("deps-test");
    let out = paritty_with(
        cwd.path(),
        &[
            "snapshot",
            "local",
            "--app-dir",
            app.to_str().expect("UTF-8"),
            "--profile",
            profile.to_str().expect("UTF-8"),
            "--format",
            "json",
            "--no-redact",
        ],
        env,
    );
    assert!(out.status.success(), "{}", text(&out));
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// The installed `deps.<ecosystem>.*` facts' labels and values.
fn installed(snap: &Value, ecosystem: &str) -> BTreeMap<String, String> {
    let prefix = format!("deps.{ecosystem}.");
    snap["facts"]
        .as_object()
        .expect("facts")
        .iter()
        .filter(|(id, f)| id.starts_with(&prefix) && f["status"] == "ok")
        .map(|(_, f)| {
            (f["label"].as_str().expect("label").into(), f["value"].as_str().expect("v").into())
        })
        .collect()
}

/// What pip says the virtualenv has (`pip list`), names PEP 503 normalized.
fn pip_list(venv: &Path) -> BTreeMap<String, String> {
    let out = Command::new(venv.join("bin/python"))
        .args(["-m", "pip", "list", "--format", "json", "--disable-pip-version-check"])
        .env_remove("PIP_FIND_LINKS")
        .output()
        .expect("run pip");
    assert!(out.status.success(), "{}", text(&out));
    let list: Vec<Value> = serde_json::from_slice(&out.stdout).expect("pip's JSON");
    list.iter()
        .map(|p| {
            let name = p["name"].as_str().expect("name");
            (paritty::deps::python::normalize(name), p["version"].as_str().expect("v").to_owned())
        })
        .collect()
}

/// Every package.json under `modules` at depth `node_modules/NAME` or
/// `node_modules/@SCOPE/NAME`: (path of the folder, name, version).
fn package_jsons(modules: &Path, out: &mut Vec<(PathBuf, String, String)>) {
    let Ok(entries) = fs::read_dir(modules) else { return };
    for entry in entries.map(|e| e.expect("entry").path()) {
        let name = entry.file_name().expect("name").to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let folders = if name.starts_with('@') {
            fs::read_dir(&entry).expect("scope").map(|e| e.expect("entry").path()).collect()
        } else {
            vec![entry]
        };
        for folder in folders {
            let json: Value = serde_json::from_str(
                &fs::read_to_string(folder.join("package.json")).expect("read"),
            )
            .expect("package.json");
            let name = json["name"].as_str().expect("name").to_owned();
            let version = json["version"].as_str().expect("version").to_owned();
            out.push((folder.clone(), name, version));
            package_jsons(&folder.join("node_modules"), out);
        }
    }
}

#[test]
fn local_collection_gives_what_pip_and_the_packages_say() {
    let python = fixture("python");
    let snap = snapshot(&python);
    let expected = pip_list(&python.join(".venv"));
    assert!(expected.contains_key("requests") && expected.len() >= 5, "{expected:?}");
    assert_eq!(installed(&snap, "python"), expected);
    // Each pinned in requirements.txt, and the pins are what runs.
    let requests = &snap["facts"]["deps.python.requests"];
    assert_eq!(requests["pinned"], requests["value"]);
    assert_eq!(requests["category"], "App dependencies");
    assert_eq!(requests["compare"], "pep440");
    assert!(requests["raw"].as_str().expect("raw").contains("(requirements.txt:"), "{requests}");

    let node = fixture("node");
    let snap = snapshot(&node);
    let mut all = Vec::new();
    package_jsons(&node.join("node_modules"), &mut all);
    let top = node.join("node_modules");
    let expected: BTreeMap<String, String> = all
        .iter()
        .filter(|(folder, name, _)| *folder == top.join(name))
        .map(|(_, n, v)| (n.clone(), v.clone()))
        .collect();
    assert!(expected.keys().any(|n| n.starts_with('@')), "a scoped package: {expected:?}");
    assert_eq!(installed(&snap, "node"), expected);
    // Nested copies are in the evidence of their name's fact.
    let nested: Vec<_> = all.iter().filter(|(folder, name, _)| *folder != top.join(name)).collect();
    assert!(!nested.is_empty(), "the fixture has nested copies");
    for (folder, name, version) in nested {
        let id = paritty::deps::fact_id(paritty::deps::Ecosystem::Node, name);
        let raw = snap["facts"][&id]["raw"].as_str().unwrap_or_default();
        let at = folder.strip_prefix(&node).expect("inside").display().to_string();
        let parent = at.rsplit_once("/node_modules/").expect("nested").0;
        assert!(
            raw.contains(&format!("also installed {version} ")) && raw.contains(parent),
            "{id}: {raw}"
        );
    }
    let scoped = &snap["facts"]["deps.node._ababel_scode-frame"];
    assert_eq!(scoped["label"], "@babel/code-frame");
    assert_eq!(scoped["compare"], "semver");
}

/// The facts as the probe brings them back from `app`, run by `shell`.
pub(crate) fn probed(shell: &[String], app: &Path) -> BTreeMap<String, Fact> {
    probed_with(shell, app, &[])
}

/// `probed` in a session with Bundler's variables `env` (`BUNDLE_PATH`,
/// `BUNDLE_APP_CONFIG`; others unset).
pub(crate) fn probed_with(
    shell: &[String],
    app: &Path,
    env: &[(&str, &str)],
) -> BTreeMap<String, Fact> {
    let profile =
        load_profile(profile_fixture("deps-test").to_str().expect("UTF-8"), None).expect("profile");
    let built = script::build(&profile, CollectOptions::default().script_limits())
        .in_app(Some(app.to_str().expect("UTF-8")));
    let text = built.for_host(Duration::from_secs(60));
    let out = run_script(shell, &text, |c| {
        c.env_remove("VIRTUAL_ENV").env_remove("BUNDLE_PATH").env_remove("BUNDLE_APP_CONFIG");
        c.envs(env.iter().copied());
    });
    let frames = frame::parse(&out.stdout, &built.boundary);
    assert!(frames.finished, "{shell:?}: {}", String::from_utf8_lossy(&out.stderr));
    let records = frames.facts.get(&script::deps_fact(&profile)).expect("the deps fact");
    deps::from_probe(records)
}

pub(crate) fn here(app: &Path) -> BTreeMap<String, Fact> {
    here_with(app, &[])
}

/// `here` as if paritty were started with Bundler's variables `env`.
pub(crate) fn here_with(app: &Path, env: &[(&str, &str)]) -> BTreeMap<String, Fact> {
    let path = std::env::var_os("PATH");
    let var = |name: &str| env.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_ref());
    local::collect(&local::Here {
        app_dir: app,
        virtual_env: None,
        path_var: path.as_deref(),
        bundle_path: var("BUNDLE_PATH"),
        bundle_app_config: var("BUNDLE_APP_CONFIG"),
    })
}

#[test]
fn the_probe_in_every_shell_reads_what_local_collection_reads() {
    for app in [fixture("python"), fixture("node")] {
        let want = here(&app);
        assert!(want.len() >= 5, "{want:?}");
        for shell in shells() {
            assert_eq!(probed(&shell, &app), want, "{shell:?} in {}", app.display());
        }
    }
}

/// Copies the files the readers read (and nothing else) from `from` to `to`.
fn copy_app(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).expect("read") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("name").to_string_lossy().into_owned();
        let target = to.join(&name);
        let meta = fs::symlink_metadata(&path).expect("meta");
        if meta.is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
            fs::set_permissions(&target, fs::Permissions::from_mode(0o755)).expect("chmod");
            copy_app(&path, &target);
        } else if meta.is_file()
            && (["json", "txt"].iter().any(|x| path.extension().is_some_and(|e| e == *x))
                || name == "METADATA"
                || name == "pyvenv.cfg")
        {
            fs::copy(&path, &target).expect("copy");
            fs::set_permissions(&target, fs::Permissions::from_mode(0o644)).expect("chmod");
        }
    }
}

/// In the copy `app` of the python fixture, package `name` (as its
/// dist-info folder spells it) says `version` instead.
fn reinstall_as(app: &Path, name: &str, version: &str) -> String {
    let lib = app.join(".venv/lib");
    let py = fs::read_dir(&lib).expect("lib").next().expect("python3.X").expect("entry").path();
    let site = py.join("site-packages");
    let old = fs::read_dir(&site)
        .expect("site")
        .map(|e| e.expect("entry").path())
        .find(|p| {
            p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(&format!("{name}-")))
        })
        .expect("the package");
    let text = fs::read_to_string(old.join("METADATA")).expect("read");
    let was = text.lines().find_map(|l| l.strip_prefix("Version: ")).expect("a version").to_owned();
    let new = site.join(format!("{name}-{version}.dist-info"));
    fs::rename(&old, &new).expect("rename");
    fs::write(
        new.join("METADATA"),
        text.replacen(&format!("Version: {was}"), &format!("Version: {version}"), 1),
    )
    .expect("write");
    was
}

#[test]
fn a_host_whose_app_runs_another_version_shows_it_in_diff() {
    let python = fixture("python");
    let lab = Lab::new();
    let _host = lab.add_host(&HostSpec { name: "prod", ..HostSpec::default() });
    let app = lab.dir().join("srv-app");
    fs::create_dir_all(&app).expect("mkdir");
    fs::set_permissions(&app, fs::Permissions::from_mode(0o755)).expect("chmod");
    copy_app(&python, &app);
    // prod's urllib3 is another one than here, and than its own lock's.
    let here_version = reinstall_as(&app, "urllib3", "2.0.7");
    let run = |format: &str| diff_with_prod(&lab, &python, &app, format);
    let out = run("json");
    assert!(out.status.code().is_some_and(|c| c < 2), "{}", text(&out));
    let diff: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let rows = diff["rows"].as_array().expect("rows");
    let row =
        |id: &str| rows.iter().find(|r| r["id"] == id).unwrap_or_else(|| panic!("{id}: {diff}"));
    let urllib3 = row("deps.python.urllib3");
    assert_eq!(urllib3["cells"][0]["value"], here_version.as_str());
    assert_eq!(urllib3["cells"][1]["value"], "2.0.7");
    assert_ne!(urllib3["cells"][1]["severity"], "equal");
    assert_eq!(urllib3["cells"][1]["lock"], here_version.as_str(), "its own lock pins another");
    assert!(urllib3["cells"][0].get("lock").is_none(), "{urllib3}");
    // Everything else is the same on both.
    let differing: Vec<&str> = rows
        .iter()
        .filter(|r| r["id"].as_str().is_some_and(|id| id.starts_with("deps.")))
        .filter(|r| r["cells"][1]["severity"] != "equal")
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(differing, ["deps.python.urllib3"]);
    let out = run("text");
    let said = text(&out);
    assert!(said.contains("2.0.7 (lock pins"), "{said}");
}

/// The `deps.*` declarations `paritty snapshot declared ARGS` lists, run
/// with a paritty.toml whose host `prod` (the lab's) has `app_dir` `app`;
/// sorted, as they come in the lock files' order of preference.
fn declared_pins(lab: &Lab, app: &Path, args: &[&str]) -> Vec<Value> {
    let here = tempfile::tempdir().expect("tmp");
    let config = here.path().join("paritty.toml");
    let host = format!(
        "[settings]\nssh_config = {:?}\n\n[[host]]\nname = \"prod\"\napp_dir = \"{}\"\n",
        lab.ssh_config().display().to_string(),
        app.display()
    );
    fs::write(&config, host).expect("write");
    let base = ["--config", config.to_str().expect("UTF-8"), "snapshot", "declared"];
    let rest = ["--format", "json", "--no-redact"];
    let out = paritty(here.path(), &[&base[..], args, &rest[..]].concat());
    assert!(out.status.success(), "{}", text(&out));
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let items = json["declarations"].as_array().cloned().unwrap_or_default();
    let mut pins: Vec<Value> = items
        .into_iter()
        .filter(|d| d["fact"].as_str().is_some_and(|f| f.starts_with("deps.")))
        .collect();
    pins.sort_by_key(ToString::to_string);
    pins
}

/// `--declared-from HOST` declares HOST's lock pins as reading the same
/// files here does: the same constraints, files and lines; a pin HOST's
/// lock changed is HOST's, not this machine's.
#[test]
fn declared_from_a_host_declares_its_lock_pins() {
    let python = fixture("python");
    let lab = Lab::new();
    let _host = lab.add_host(&HostSpec { name: "prod", ..HostSpec::default() });
    let app = lab.dir().join("srv-app");
    fs::create_dir_all(&app).expect("mkdir");
    fs::set_permissions(&app, fs::Permissions::from_mode(0o755)).expect("chmod");
    copy_app(&python, &app);
    let requirements = fs::read_to_string(app.join("requirements.txt")).expect("read");
    let pinned = requirements.lines().find_map(|l| l.strip_prefix("urllib3==")).expect("a pin");
    fs::write(app.join("requirements.txt"), requirements.replace(pinned, "2.0.7")).expect("write");
    let listing = |args: &[&str]| declared_pins(&lab, &app, args);
    let there = listing(&["--declared-from", "prod"]);
    let same_files_here = listing(&["--app-dir", app.to_str().expect("UTF-8")]);
    assert!(there.len() >= 5, "{there:?}");
    assert_eq!(there, same_files_here);
    let urllib3 = there.iter().find(|d| d["fact"] == "deps.python.urllib3").expect("urllib3");
    assert_eq!(urllib3["constraint"], "==2.0.7", "{urllib3}");
    assert_eq!(urllib3["file"], "requirements.txt", "{urllib3}");
    let original = listing(&["--app-dir", python.to_str().expect("UTF-8")]);
    assert_ne!(there, original, "prod's own lock, not the fixture's");
}

#[test]
fn malformed_files_name_their_line_and_the_rest_still_counts() {
    let python = fixture("python");
    let tmp = tempfile::tempdir().expect("tmp");
    let app = tmp.path();
    copy_app(&python, app);
    let site =
        fs::read_dir(app.join(".venv/lib")).expect("lib").next().expect("py").expect("e").path();
    let site = site.join("site-packages");
    // idna's METADATA broken on its second line: its folder still tells.
    let idna = fs::read_dir(&site)
        .expect("site")
        .map(|e| e.expect("e").path())
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("idna-")))
        .expect("idna");
    fs::write(idna.join("METADATA"), "Metadata-Version: 2.1\nthis line is no header\n")
        .expect("write");
    // One with nothing to go by at all.
    fs::create_dir_all(site.join("mystery.dist-info")).expect("mkdir");
    fs::write(site.join("mystery.dist-info/METADATA"), "Metadata-Version: 2.1\n\n").expect("write");
    fs::write(app.join("package-lock.json"), "{\n  \"packages\": {,\n}\n").expect("write");
    let snap = snapshot(app);
    let facts = &snap["facts"];
    let idna_fact = &facts["deps.python.idna"];
    assert_eq!(idna_fact["status"], "ok");
    let raw = idna_fact["raw"].as_str().expect("raw");
    assert!(raw.contains("/METADATA:2: not a `Key: value` header line"), "{raw}");
    let errors: Vec<(&String, &str)> = facts
        .as_object()
        .expect("facts")
        .iter()
        .filter(|(_, f)| f["status"] == "error")
        .map(|(id, f)| (id, f["raw"].as_str().unwrap_or_default()))
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors.iter().any(|(_, raw)| raw.starts_with("package-lock.json:2: not JSON")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|(_, raw)| raw.contains("mystery.dist-info/METADATA: no `Name` header")),
        "{errors:?}"
    );
    // The others still come through.
    let expected = pip_list(&python.join(".venv"));
    assert_eq!(installed(&snap, "python"), expected);
}

#[test]
fn a_lock_pin_the_install_does_not_follow_is_reported_and_violates_the_declared_column() {
    let python = fixture("python");
    let tmp = tempfile::tempdir().expect("tmp");
    let app = tmp.path();
    copy_app(&python, app);
    // The lock now pins an older urllib3 than the one installed.
    let installed_version = pip_list(&python.join(".venv"))["urllib3"].clone();
    let requirements = fs::read_to_string(app.join("requirements.txt")).expect("read");
    let line = requirements.lines().position(|l| l.starts_with("urllib3==")).expect("pinned") + 1;
    let older = requirements.replace(&format!("urllib3=={installed_version}"), "urllib3==2.0.7");
    fs::write(app.join("requirements.txt"), older).expect("write");

    let snap = snapshot(app);
    let fact = &snap["facts"]["deps.python.urllib3"];
    assert_eq!(fact["value"], installed_version.as_str());
    assert_eq!(fact["pinned"], "2.0.7");
    let raw = fact["raw"].as_str().expect("raw");
    assert!(
        raw.contains(&format!(
            "pinned 2.0.7 (requirements.txt:{line}): the installed version is not the lock file's"
        )),
        "{raw}"
    );

    let profile = profile_fixture("deps-test");
    let args = |command: &str, rest: &[&str]| -> Output {
        let mut all = vec![command, "--profile", profile.to_str().expect("UTF-8")];
        all.extend(rest);
        paritty(app, &all)
    };
    let out = args("diff", &["declared", "local", "--format", "text"]);
    let said = text(&out);
    assert!(said.contains(&format!("==2.0.7 (requirements.txt:{line})")), "{said}");
    assert!(said.contains("violates"), "{said}");
    let out = args("check", &["local", "--against", "declared"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("deps.python.urllib3"), "{}", text(&out));
}

/// `--declared-from HOST` with lock files a host could hold to mislead:
/// two requirements files pinning one package apart (the project
/// disagreeing with itself), names with ` (`, `)`, `:`, an escape
/// sequence, a newline, and a long one: HOST's declarations are those the
/// same files give here, none unsanitized.
#[test]
fn declared_from_a_host_with_hostile_lock_files_declares_as_here() {
    let lab = Lab::new();
    let _host = lab.add_host(&HostSpec { name: "prod", ..HostSpec::default() });
    let app = lab.dir().join("srv-app");
    fs::create_dir_all(&app).expect("mkdir");
    fs::set_permissions(&app, fs::Permissions::from_mode(0o755)).expect("chmod");
    let long = format!("requirements-{}.txt", "a".repeat(200));
    for (name, text) in [
        ("requirements.txt", "urllib3==2.0.7\nrequests==2.31.0\n"),
        ("requirements (dev:9).txt", "\nurllib3==1.26.18\n"),
        ("requirements-\u{1b}[31mred.txt", "idna==3.4\n"),
        ("requirements-\nnl.txt", "certifi==2023.7.22\n"),
        (long.as_str(), "six==1.16.0\n"),
    ] {
        fs::write(app.join(name), text).expect("write");
    }
    let listing = |args: &[&str]| declared_pins(&lab, &app, args);
    let there = listing(&["--declared-from", "prod"]);
    let same_files_here = listing(&["--app-dir", app.to_str().expect("UTF-8")]);
    for pin in &there {
        assert!(!pin.to_string().contains(['\u{1b}', '\n']), "{pin}");
    }
    assert_eq!(there.len(), 6, "{there:?}");
    assert_eq!(there, same_files_here);
}
