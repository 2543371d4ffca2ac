//! Ruby's installed gems against real ones: the gemspecs Debian's
//! `ruby-rack` installs (`scripts/test-deps.sh`), copied into an app's
//! bundle or read where they are, each gem's name and version taken from
//! RubyGems itself (`Gem::Specification.load`) at test time; read here,
//! by the probe in every local shell, and over a real sshd.

use std::fmt::Write as _;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::deps::{diff_with_prod, here, probed, text};
use crate::common::probe::shells;
use crate::common::sshd::{HostSpec, Lab};
use paritty::model::Status;

/// Debian's folder of the gems its packages install.
const SYSTEM: &str = "/usr/share/rubygems-integration/all/specifications";

/// Where the gems Ruby itself comes with are, as RubyGems says.
fn default_gems() -> String {
    let out = Command::new("ruby")
        .args(["-e", "print Gem.default_specifications_dir"])
        .output()
        .expect("ruby runs (scripts/test-deps.sh installs it)");
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The real gemspec of gem `name` in `dir` (the first whose file name
/// starts so), with its version as RubyGems reads it.
fn gem_in(dir: &str, name: &str) -> (PathBuf, String) {
    let found =
        fs::read_dir(dir).ok().into_iter().flatten().map(|e| e.expect("entry").path()).find(|p| {
            p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(&format!("{name}-")))
        });
    let path = found.unwrap_or_else(|| {
        panic!(
            "no {name} gemspec in {dir}: run scripts/test-deps.sh (it installs ruby and ruby-rack)"
        )
    });
    let out = Command::new("ruby")
        .args(["-e", "s = Gem::Specification.load(ARGV[0]); print s.name, ' ', s.version"])
        .arg(&path)
        .output()
        .expect("ruby runs (scripts/test-deps.sh installs it)");
    let said = String::from_utf8(out.stdout).expect("UTF-8");
    let version =
        said.strip_prefix(&format!("{name} ")).unwrap_or_else(|| panic!("{said:?}")).to_owned();
    (path, version)
}

/// The real rack gemspec ruby-rack installed.
fn rack() -> (PathBuf, String) {
    gem_in(SYSTEM, "rack")
}

/// A folder `app` (made) with a Gemfile.lock of `specs`.
fn app_with_lock(app: &Path, specs: &[(&str, &str)]) {
    fs::create_dir_all(app).expect("mkdir");
    fs::set_permissions(app, fs::Permissions::from_mode(0o755)).expect("chmod");
    let mut lock = String::from("GEM\n  remote: https://rubygems.org/\n  specs:\n");
    for (name, version) in specs {
        let _ = writeln!(lock, "    {name} ({version})");
    }
    lock.push_str("\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  rack\n\nBUNDLED WITH\n   2.3.15\n");
    fs::write(app.join("Gemfile.lock"), lock).expect("write");
}

/// Copies `spec` into the bundle at `bundle` (in the app), as Bundler
/// lays it out.
fn install_into(bundle: &Path, spec: &Path) {
    let specs = bundle.join("ruby/3.1.0/specifications");
    fs::create_dir_all(&specs).expect("mkdir");
    fs::copy(spec, specs.join(spec.file_name().expect("name"))).expect("copy");
}

/// An older version than `version`, for a lock that pins another.
fn older(version: &str) -> String {
    let (major, rest) = version.split_once('.').expect("dotted");
    let major: u32 = major.parse().expect("a number");
    format!("{}.{rest}", major.saturating_sub(1))
}

#[test]
fn the_bundle_the_config_names_and_the_system_gems_give_installed_versions_and_pins() {
    let (spec, version) = rack();
    let pin = older(&version);
    let root = tempfile::tempdir().expect("tmp");

    // vendor/bundle, the lock pinning another version and a gem installed
    // nowhere.
    let vendored = root.path().join("vendored");
    app_with_lock(&vendored, &[("rack", &pin), ("not-installed-gem", "1.0.0")]);
    install_into(&vendored.join("vendor/bundle"), &spec);
    let facts = here(&vendored);
    let rack = &facts["deps.ruby.rack"];
    assert_eq!(rack.value.as_deref(), Some(version.as_str()), "{rack:?}");
    assert_eq!(rack.pinned.as_deref(), Some(pin.as_str()));
    assert!(
        rack.found_at.as_deref().is_some_and(|at| at.starts_with("vendor/bundle/")),
        "{rack:?}"
    );
    assert_eq!(facts["deps.ruby.not-installed-gem"].status, Status::Missing);
    assert_eq!(facts.len(), 2, "{facts:?}");

    // .bundle/config's quoted BUNDLE_PATH, relative to the app folder.
    let configured = root.path().join("configured");
    app_with_lock(&configured, &[("rack", &version)]);
    fs::create_dir_all(configured.join(".bundle")).expect("mkdir");
    fs::write(configured.join(".bundle/config"), "---\nBUNDLE_PATH: \"./gems here\"\n")
        .expect("write");
    install_into(&configured.join("gems here"), &spec);
    let facts = here(&configured);
    let rack = &facts["deps.ruby.rack"];
    assert_eq!(rack.value.as_deref(), Some(version.as_str()));
    assert_eq!(rack.pinned.as_deref(), Some(version.as_str()));
    assert!(rack.found_at.as_deref().is_some_and(|at| at.starts_with("gems here/")), "{rack:?}");

    // No bundle: the system's gems, only those the lock names (the
    // system folder holds bundler, webrick and more), Ruby's own default
    // gems among them.
    let (json_spec, json_version) = gem_in(&default_gems(), "json");
    let system = root.path().join("system");
    app_with_lock(&system, &[("json", &json_version), ("rack", &pin)]);
    let facts = here(&system);
    let json = &facts["deps.ruby.json"];
    assert_eq!(json.value.as_deref(), Some(json_version.as_str()), "{json:?}");
    assert_eq!(json.pinned.as_deref(), Some(json_version.as_str()));
    assert!(
        json.found_at
            .as_deref()
            .is_some_and(|at| at.starts_with(json_spec.to_str().expect("UTF-8")))
    );
    let rack = &facts["deps.ruby.rack"];
    assert_eq!(rack.value.as_deref(), Some(version.as_str()));
    assert_eq!(rack.pinned.as_deref(), Some(pin.as_str()));
    assert_eq!(rack.found_at.as_deref(), spec.to_str());
    assert_eq!(facts.keys().collect::<Vec<_>>(), ["deps.ruby.json", "deps.ruby.rack"]);

    // The probe reads the same, in every shell.
    for app in [&vendored, &configured, &system] {
        let want = here(app);
        for shell in shells() {
            assert_eq!(probed(&shell, app), want, "{shell:?} in {}", app.display());
        }
    }
}

#[test]
fn an_ssh_host_s_bundle_gives_what_local_collection_gives() {
    let (spec, version) = rack();
    let pin = older(&version);
    let lab = Lab::new();
    let _host = lab.add_host(&HostSpec { name: "prod", ..HostSpec::default() });
    let remote_app = lab.dir().join("srv-app");
    app_with_lock(&remote_app, &[("rack", &pin), ("not-installed-gem", "1.0.0")]);
    install_into(&remote_app.join("vendor/bundle"), &spec);
    for dir in ["vendor", "vendor/bundle", "vendor/bundle/ruby", "vendor/bundle/ruby/3.1.0"] {
        fs::set_permissions(remote_app.join(dir), fs::Permissions::from_mode(0o755))
            .expect("chmod");
    }
    let local_app = tempfile::tempdir().expect("tmp");
    app_with_lock(local_app.path(), &[("rack", &pin), ("not-installed-gem", "1.0.0")]);
    install_into(&local_app.path().join("vendor/bundle"), &spec);

    let run = |format: &str| diff_with_prod(&lab, local_app.path(), &remote_app, format);
    let out = run("json");
    assert!(out.status.code().is_some_and(|c| c < 2), "{}", text(&out));
    let diff: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let rows: Vec<&Value> = diff["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|r| r["id"].as_str().is_some_and(|id| id.starts_with("deps.ruby.")))
        .collect();
    let ids: Vec<&str> = rows.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, ["deps.ruby.not-installed-gem", "deps.ruby.rack"], "{diff}");
    let rack = rows[1];
    for cell in [&rack["cells"][0], &rack["cells"][1]] {
        assert_eq!(cell["value"], version.as_str(), "{rack}");
        assert_eq!(cell["lock"], pin.as_str(), "{rack}");
    }
    assert_eq!(rack["cells"][1]["severity"], "equal", "{rack}");
    let said = text(&run("text"));
    assert!(said.contains(&format!("{version} (lock pins {pin})")), "{said}");
}
