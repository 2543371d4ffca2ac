//! Gems from `git:` and `path:` sources, and the bundle `$BUNDLE_PATH`
//! names (and the config `$BUNDLE_APP_CONFIG` names), against Bundler's own installs (`scripts/test-deps.sh` makes
//! them offline under target/deps-fixture/ruby: a gem checked out of a
//! local git repository, beside a gem of the app's own folder, into the
//! path `.bundle/config` names and into the one `$BUNDLE_PATH` named).
//! What is installed, and where, is what Bundler itself loads
//! (`Bundler.load.specs`) at test time; read here, by the probe in every
//! local shell, and over a real sshd whose sessions set `BUNDLE_PATH`.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::deps::{diff_with_prod, fixture, here_with, probed_with, snapshot_with, text};
use crate::common::probe::shells;
use crate::common::sshd::{HostSpec, Lab};
use paritty::model::Status;

/// A gem as Bundler loads it: name, version, and the folder it loads it
/// from.
#[derive(Debug)]
struct Loaded {
    name: String,
    version: String,
    folder: PathBuf,
}

/// What Bundler loads for the app in `app` with its variables `env` (and
/// no user config): `None` when it cannot (a gem is not installed where
/// it looks).
fn bundler_loads(app: &Path, env: &[(&str, &str)]) -> Option<Vec<Loaded>> {
    let mut command = Command::new("ruby");
    command
        .args(["-rbundler", "-e"])
        .arg("Bundler.load.specs.each { |s| puts [s.name, s.version, s.full_gem_path].join(\"\\t\") }")
        .current_dir(app)
        .env("BUNDLE_USER_CONFIG", "/nonexistent")
        .env("BUNDLE_SILENCE_ROOT_WARNING", "1");
    for name in ["BUNDLE_PATH", "BUNDLE_APP_CONFIG", "BUNDLE_GEMFILE", "BUNDLE_IGNORE_CONFIG"] {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    let out = command.output().expect("ruby runs (scripts/test-deps.sh installs it)");
    if !out.status.success() {
        return None;
    }
    let said = String::from_utf8(out.stdout).expect("UTF-8");
    let loaded = said
        .lines()
        .map(|line| {
            let mut parts = line.split('\t');
            let mut next = || parts.next().unwrap_or_else(|| panic!("{line:?}")).to_owned();
            Loaded { name: next(), version: next(), folder: PathBuf::from(next()) }
        })
        .collect();
    Some(loaded)
}

/// The fixture's app folder `name` (`app`, `app-env`).
fn app(name: &str) -> PathBuf {
    fixture("ruby").join(name)
}

/// The gems Bundler loads from checkouts of `git:` sources in `app`'s
/// bundle, and those of `path:` sources (in the app folder, outside its
/// bundle): at least one of each.
fn git_and_path_gems(app: &Path, env: &[(&str, &str)]) -> (Vec<Loaded>, Vec<Loaded>) {
    let loaded = bundler_loads(app, env).expect("Bundler loads the fixture's bundle");
    let (git, rest): (Vec<Loaded>, Vec<Loaded>) =
        loaded.into_iter().partition(|g| g.folder.to_string_lossy().contains("/bundler/gems/"));
    let path: Vec<Loaded> = rest.into_iter().filter(|g| g.folder.starts_with(app)).collect();
    assert!(!git.is_empty() && !path.is_empty(), "{git:?} {path:?}");
    (git, path)
}

/// Every `git:` gem is a fact with the version Bundler loads, the lock's
/// pin beside it, found in the checkout Bundler loads it from; no `path:`
/// gem is one (the app's own code), and nothing else is (the checkout's
/// other gem, which Bundler does not load, among them); the probe reads
/// the same in every shell.
fn assert_read_as_bundler_loads(app: &Path, env: &[(&str, &str)]) {
    let (git, path) = git_and_path_gems(app, env);
    let facts = here_with(app, env);
    for gem in &git {
        let fact = &facts[&format!("deps.ruby.{}", gem.name)];
        assert_eq!(fact.status, Status::Ok, "{fact:?}");
        assert_eq!(fact.value.as_deref(), Some(gem.version.as_str()), "{fact:?}");
        assert_eq!(fact.pinned.as_deref(), Some(gem.version.as_str()), "{fact:?}");
        let checkout = gem.folder.strip_prefix(app).expect("the checkout is in the app folder");
        let at = fact.found_at.as_deref().unwrap_or_default();
        assert!(Path::new(at).starts_with(checkout), "{at} is not in {}", checkout.display());
    }
    for gem in &path {
        assert!(!facts.contains_key(&format!("deps.ruby.{}", gem.name)), "{facts:?}");
    }
    assert_eq!(facts.len(), git.len(), "{facts:?}");
    for shell in shells() {
        assert_eq!(
            probed_with(&shell, app, env),
            facts,
            "{shell:?} in {} with {env:?}",
            app.display()
        );
    }
}

#[test]
fn a_git_gem_is_read_from_its_checkout_and_a_path_gem_is_the_app_s_own() {
    assert_read_as_bundler_loads(&app("app"), &[]);
}

#[test]
fn bundle_path_from_the_environment_counts_where_the_app_s_config_says_none() {
    let env_app = app("app-env");
    // Relative (to the app folder), as written with `./`, and absolute.
    let absolute = env_app.join("gems-env");
    for value in ["gems-env", "./gems-env", absolute.to_str().expect("UTF-8")] {
        assert_read_as_bundler_loads(&env_app, &[("BUNDLE_PATH", value)]);
    }
    // The app's .bundle/config comes first: Bundler loads the gems of the
    // path it names whatever the environment says.
    assert_read_as_bundler_loads(&app("app"), &[("BUNDLE_PATH", "gems-env")]);

    // Without it, Bundler cannot load the bundle in gems-env, and what the
    // lock pins is not installed.
    assert_not_installed(&env_app, &[], &[("BUNDLE_PATH", "gems-env")]);
}

/// Bundler cannot load `app` with `env`, and every `git:` gem it loads
/// with `loading` is a `missing` fact with its pin, here and in the probe.
fn assert_not_installed(app: &Path, env: &[(&str, &str)], loading: &[(&str, &str)]) {
    assert!(bundler_loads(app, env).is_none(), "Bundler found the gems after all: {env:?}");
    let (git, _) = git_and_path_gems(app, loading);
    let facts = here_with(app, env);
    for gem in &git {
        let fact = &facts[&format!("deps.ruby.{}", gem.name)];
        assert_eq!(fact.status, Status::Missing, "{fact:?}");
        assert_eq!(fact.pinned.as_deref(), Some(gem.version.as_str()), "{fact:?}");
    }
    for shell in shells() {
        assert_eq!(probed_with(&shell, app, env), facts, "{shell:?} with {env:?}");
    }
}

#[test]
fn bundle_app_config_names_the_folder_of_the_app_s_config() {
    // A config elsewhere, as the official ruby images keep it
    // (BUNDLE_APP_CONFIG=/usr/local/bundle), naming gems-env.
    let elsewhere = tempfile::tempdir().expect("tmp");
    fs::write(elsewhere.path().join("config"), "---\nBUNDLE_PATH: \"gems-env\"\n").expect("write");
    let folder = elsewhere.path().to_str().expect("UTF-8");
    assert_read_as_bundler_loads(&app("app-env"), &[("BUNDLE_APP_CONFIG", folder)]);
    // The app's own .bundle/config is then not read: with an empty
    // folder nothing names its path, and the gems are not installed.
    let empty = tempfile::tempdir().expect("tmp");
    let empty = empty.path().to_str().expect("UTF-8");
    assert_not_installed(&app("app"), &[("BUNDLE_APP_CONFIG", empty)], &[]);
}

#[test]
fn paritty_s_own_bundle_path_is_this_machine_s() {
    let env_app = app("app-env");
    let (git, _) = git_and_path_gems(&env_app, &[("BUNDLE_PATH", "gems-env")]);
    let with = snapshot_with(&env_app, &[("BUNDLE_PATH", "gems-env")]);
    let without = snapshot_with(&env_app, &[]);
    for gem in &git {
        let id = format!("deps.ruby.{}", gem.name);
        assert_eq!(with["facts"][&id]["value"], gem.version.as_str(), "{with}");
        assert_eq!(without["facts"][&id]["status"], "missing", "{without}");
    }
}

/// Copies app folder `from` to `to`, readable by the lab's user, but for
/// git's own folders (the checkouts' `.git`), which no reader opens.
fn copy_app(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    fs::set_permissions(to, fs::Permissions::from_mode(0o755)).expect("chmod");
    for entry in fs::read_dir(from).expect("read") {
        let entry = entry.expect("entry");
        let (path, target) = (entry.path(), to.join(entry.file_name()));
        let kind = entry.file_type().expect("type");
        if kind.is_dir() && entry.file_name() != ".git" {
            copy_app(&path, &target);
        } else if kind.is_file() {
            fs::copy(&path, &target).expect("copy");
            fs::set_permissions(&target, fs::Permissions::from_mode(0o644)).expect("chmod");
        }
    }
}

#[test]
fn an_ssh_host_s_bundle_path_comes_from_its_session() {
    let (git, _) = git_and_path_gems(&app("app-env"), &[("BUNDLE_PATH", "gems-env")]);
    let lab = Lab::new();
    let env = [("BUNDLE_PATH", "gems-env")];
    let _host = lab.add_host(&HostSpec { name: "prod", env: &env, ..HostSpec::default() });
    let remote_app = lab.dir().join("srv-app");
    copy_app(&app("app-env"), &remote_app);

    // This machine: the app whose .bundle/config names its bundle.
    let out = diff_with_prod(&lab, &app("app"), &remote_app, "json");
    assert!(out.status.code().is_some_and(|c| c < 2), "{}", text(&out));
    let diff: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let rows: Vec<&Value> = diff["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|r| r["id"].as_str().is_some_and(|id| id.starts_with("deps.ruby.")))
        .collect();
    assert_eq!(rows.len(), git.len(), "{diff}");
    for gem in &git {
        let row = rows
            .iter()
            .find(|r| r["id"] == format!("deps.ruby.{}", gem.name).as_str())
            .unwrap_or_else(|| panic!("no row of {}: {diff}", gem.name));
        for cell in [&row["cells"][0], &row["cells"][1]] {
            assert_eq!(cell["value"], gem.version.as_str(), "{row}");
            // `lock` is said only where the lock pins another version.
            assert!(cell.get("lock").is_none(), "{row}");
        }
        assert_eq!(row["cells"][1]["severity"], "equal", "{row}");
    }
}

/// A gemspec as RubyGems writes it: its name and version lines.
fn gemspec(name: &str, version: &str) -> String {
    format!(
        "# -*- encoding: utf-8 -*-\nGem::Specification.new do |s|\n  s.name = \"{name}\".freeze\n  s.version = \"{version}\"\nend\n"
    )
}

/// An app whose lock names `rack` and the `git:` gem `tool`, its bundle in
/// `bundle` (relative to the app folder) holding both.
fn hostile_bundle(app: &Path, bundle: &Path) {
    fs::create_dir_all(app).expect("mkdir");
    let lock = "GIT\n  remote: /srv/tool.git\n  revision: abc\n  specs:\n    tool (0.3.0)\n\n\
                GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (2.2.8)\n\n\
                PLATFORMS\n  ruby\n\nDEPENDENCIES\n  rack\n  tool!\n";
    fs::write(app.join("Gemfile.lock"), lock).expect("write");
    let abi = app.join(bundle).join("ruby/3.1.0");
    let specs = abi.join("specifications");
    fs::create_dir_all(&specs).expect("mkdir");
    fs::write(specs.join("rack-2.2.8.gemspec"), gemspec("rack", "2.2.8")).expect("write");
    let checkout = abi.join("bundler/gems/tool-abc");
    fs::create_dir_all(checkout.join("sub/deeper/deepest")).expect("mkdir");
    fs::write(checkout.join("tool.gemspec"), gemspec("tool", "0.3.0")).expect("write");
    fs::write(checkout.join("sub/deeper/deepest/x.gemspec"), gemspec("tool", "9.9.9"))
        .expect("write");
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// `.bundle/config` naming BUNDLE_PATH twice, the first empty: the probe
/// reads the first line (empty: the environment's, else vendor/bundle),
/// as here does.
#[test]
fn a_config_naming_bundle_path_twice_is_read_as_the_probe_reads_it() {
    let tmp = tempfile::tempdir().expect("tmp");
    let app = tmp.path().join("app");
    hostile_bundle(&app, Path::new("vendor/bundle"));
    hostile_bundle(&app, Path::new("gems"));
    fs::write(
        app.join("gems/ruby/3.1.0/specifications/rack-2.2.8.gemspec"),
        gemspec("rack", "3.0.0"),
    )
    .expect("write");
    fs::create_dir_all(app.join(".bundle")).expect("mkdir");
    fs::write(app.join(".bundle/config"), "---\nBUNDLE_PATH: \"./\"\nBUNDLE_PATH: \"gems\"\n")
        .expect("write");
    let want = here_with(&app, &[]);
    assert_eq!(want["deps.ruby.rack"].value.as_deref(), Some("2.2.8"), "{want:?}");
    for shell in shells() {
        assert_eq!(probed_with(&shell, &app, &[]), want, "{shell:?}");
    }
    // A config with a Latin-1 comment, and one longer than 64 KiB: its
    // BUNDLE_PATH counts all the same, here as in the probe.
    let mut latin = b"---\nBUNDLE_PATH: \"gems\"\n# caf\xe9\n".to_vec();
    fs::write(app.join(".bundle/config"), &latin).expect("write");
    let want = here_with(&app, &[]);
    assert_eq!(want["deps.ruby.rack"].value.as_deref(), Some("3.0.0"), "{want:?}");
    for shell in shells() {
        assert_eq!(probed_with(&shell, &app, &[]), want, "{shell:?}");
    }
    // A path with a trailing slash, in the config or the environment: the
    // same files, named alike.
    for (config, env) in [("BUNDLE_PATH: \"gems/\"\n", None), ("", Some("gems//"))] {
        fs::write(app.join(".bundle/config"), config).expect("write");
        let env: Vec<(&str, &str)> = env.map(|e| ("BUNDLE_PATH", e)).into_iter().collect();
        let want = here_with(&app, &env);
        assert_eq!(want["deps.ruby.rack"].value.as_deref(), Some("3.0.0"), "{want:?}");
        for shell in shells() {
            assert_eq!(probed_with(&shell, &app, &env), want, "{shell:?} {env:?}");
        }
    }
    latin.truncate(latin.len() - 6);
    latin.extend(format!("# {}\n", "x".repeat(70 * 1024)).bytes());
    fs::write(app.join(".bundle/config"), &latin).expect("write");
    assert_eq!(here_with(&app, &[]), want);
    for shell in shells() {
        assert_eq!(probed_with(&shell, &app, &[]), want, "{shell:?}");
    }
}

/// A bundle of FIFOs, symlinks, 2000 gemspecs in a checkout, nested
/// folders, found through a BUNDLE_PATH of `..`, a newline and shell
/// metacharacters, and a BUNDLE_APP_CONFIG likewise: the probe in every
/// shell reads what here reads (its files go to awk in batches of 256, so
/// this crosses several), runs nothing, and a FIFO never blocks it (the
/// bound is a hang's, not a speed: grown one by one in "$@", the list of
/// 6000 took bash 18 s, 20000 207 s; batched, about 1.5 s for 6000).
#[test]
fn a_hostile_bundle_and_bundle_variables_read_as_here_and_never_hang() {
    let tmp = tempfile::tempdir().expect("tmp");
    let app = tmp.path().join("app");
    let odd = "../b $(touch RAN1) `touch RAN2`\n;touch RAN3 'q\"";
    hostile_bundle(&app, Path::new(odd));
    let abi = app.join(odd).join("ruby/3.1.0");
    let specs = abi.join("specifications");
    mkfifo(&specs.join("fifo-1.0.gemspec"));
    std::os::unix::fs::symlink(specs.join("fifo-1.0.gemspec"), specs.join("tofifo-1.0.gemspec"))
        .expect("symlink");
    std::os::unix::fs::symlink(specs.join("rack-2.2.8.gemspec"), specs.join("link-2.2.8.gemspec"))
        .expect("symlink");
    std::os::unix::fs::symlink("/nonexistent", specs.join("dangling-1.gemspec")).expect("symlink");
    let checkout = abi.join("bundler/gems/tool-abc");
    mkfifo(&checkout.join("fifo.gemspec"));
    mkfifo(&checkout.join("sub/fifo.gemspec"));
    for i in 0..2000 {
        fs::write(checkout.join(format!("g{i}.gemspec")), gemspec(&format!("g{i}"), "1.0"))
            .expect("write");
    }
    // The app's config elsewhere, named as oddly, saying nothing of the path.
    let config_dir = "cfg $(touch RAN4)\n`touch RAN5`";
    fs::create_dir_all(app.join(config_dir)).expect("mkdir");
    fs::write(app.join(config_dir).join("config"), "---\nBUNDLE_JOBS: \"4\"\n").expect("write");
    let env = [("BUNDLE_PATH", odd), ("BUNDLE_APP_CONFIG", config_dir)];
    let want = here_with(&app, &env);
    let ids: Vec<&String> = want.keys().collect();
    assert_eq!(ids, ["deps.ruby.rack", "deps.ruby.tool"], "{want:?}");
    for shell in shells() {
        let started = std::time::Instant::now();
        assert_eq!(probed_with(&shell, &app, &env), want, "{shell:?}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(120),
            "{shell:?}: {:?}",
            started.elapsed()
        );
    }
    let ran: Vec<String> = ["RAN1", "RAN2", "RAN3", "RAN4", "RAN5"]
        .iter()
        .filter(|f| app.join(f).exists() || tmp.path().join(f).exists() || Path::new(f).exists())
        .map(ToString::to_string)
        .collect();
    assert!(ran.is_empty(), "the probe ran {ran:?}");
}
