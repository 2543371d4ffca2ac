//! Bounds on what the user (or a teammate's file) hands paritty: numeric
//! options and settings in range, and every file it reads refused when it
//! is a device, a FIFO or larger than its limit, with one line saying so.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::mpsc;
use std::time::Duration;

use paritty::collect::ssh::known_hosts::{self, HostId, Verdict};
use paritty::collect::ssh::settings::{MAX_SSH_CONFIG_BYTES, Request, Resolver, resolve_with};
use paritty::config::MAX_CONFIG_BYTES;
use paritty::fsutil::{ReadProblem, read_text};
use paritty::model::snapshot_file::{MAX_SNAPSHOT_BYTES, read_snapshot};
use paritty::profile::{MAX_PROFILE_BYTES, load_profile, parse_profile};

const FIXTURE: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/snapshots/debian12-laptop.json");

fn paritty(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paritty"))
        .args(args)
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run paritty")
}

/// The one error line of a run that must fail with exit code 2.
fn one_error(out: &Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "exit 2; stderr: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
    err
}

/// Runs `f` on its own thread and fails the test if it has not answered
/// within a few seconds: a reader blocked on a FIFO fails, not hangs, the
/// suite (the blocked thread is left behind; the process ends with the run).
fn quickly<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(10)).expect("answered without blocking")
}

/// The three files no reader may take: a never-ending device, a FIFO with
/// no writer, and a regular file one byte past `limit` (sparse: instant).
struct Hostile {
    _dir: tempfile::TempDir,
    fifo: PathBuf,
    huge: PathBuf,
}

impl Hostile {
    fn new(limit: u64, name: &str) -> Hostile {
        let dir = tempfile::tempdir().expect("tmp");
        let fifo = dir.path().join(format!("fifo-{name}"));
        let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
        assert!(made.success());
        let huge = dir.path().join(name);
        std::fs::File::create(&huge).and_then(|f| f.set_len(limit + 1)).expect("sparse file");
        Hostile { _dir: dir, fifo, huge }
    }

    /// (path, what the message must say) for each.
    fn cases(&self, limit_text: &str) -> Vec<(PathBuf, String)> {
        vec![
            (PathBuf::from("/dev/zero"), "it is a character device, not a regular file".into()),
            (self.fifo.clone(), "it is a FIFO, not a regular file".into()),
            (self.huge.clone(), format!("it is larger than the {limit_text} limit")),
        ]
    }
}

#[test]
fn the_shared_reader_refuses_devices_fifos_and_large_files() {
    let files = Hostile::new(100, "data");
    for (path, said) in files.cases("100 bytes") {
        let err = quickly({
            let path = path.clone();
            move || read_text(&path, 100).expect_err("refused")
        });
        assert_eq!(err.to_string(), format!("{}: {said}", path.display()));
    }
    let dir = tempfile::tempdir().expect("tmp");
    let err = read_text(dir.path(), 100).expect_err("a folder is refused");
    assert!(matches!(err.problem, ReadProblem::NotAFile("a folder")), "{err}");
    let exact = dir.path().join("exact");
    std::fs::write(&exact, "x".repeat(100)).expect("write");
    assert_eq!(read_text(&exact, 100).expect("at the limit").len(), 100);
    assert_eq!(read_text(Path::new("/dev/null"), 100).expect("/dev/null is empty"), "");
}

#[test]
fn profiles_and_their_extends_are_bounded() {
    let files = Hostile::new(MAX_PROFILE_BYTES, "big.toml");
    for (path, said) in files.cases("1 MiB") {
        let shown = path.display().to_string();
        let err = quickly(move || load_profile(&shown, None).expect_err("refused"));
        assert_eq!(err.to_string(), format!("profile {}: cannot read it: {said}", path.display()));
        let text =
            format!("[profile]\nname = \"child\"\nextends = {:?}\n", path.display().to_string());
        let err = quickly(move || parse_profile(&text, "child.toml", None).expect_err("refused"));
        assert!(err.to_string().contains(&said), "{err}");
        assert!(err.to_string().starts_with("profile child.toml:3:"), "{err}");
    }
}

#[test]
fn the_binary_refuses_a_device_as_profile_in_one_line() {
    let err = one_error(&paritty(&["probe", "--profile", "/dev/zero"]));
    assert!(err.contains("/dev/zero") && err.contains("character device"), "{err}");
}

#[test]
fn configs_are_bounded() {
    let files = Hostile::new(MAX_CONFIG_BYTES, "paritty.toml");
    for (path, said) in files.cases("1 MiB") {
        let err = quickly({
            let path = path.clone();
            move || paritty::config::load(Some(&path)).expect_err("refused")
        });
        assert_eq!(err.to_string(), format!("config {}: cannot read it: {said}", path.display()));
    }
}

#[test]
fn snapshots_are_bounded() {
    let files = Hostile::new(MAX_SNAPSHOT_BYTES, "big.json");
    for (path, said) in files.cases("32 MiB") {
        let err = quickly({
            let path = path.clone();
            move || read_snapshot(&path).expect_err("refused")
        });
        assert_eq!(err.to_string(), format!("cannot read snapshot {}: {said}", path.display()));
    }
}

#[test]
fn known_hosts_files_are_bounded_and_never_skipped_when_unreadable() {
    let files = Hostile::new(known_hosts::MAX_KNOWN_HOSTS_BYTES, "known_hosts");
    let host = HostId { name: "example.org".into(), port: 22 };
    for (path, said) in files.cases("16 MiB") {
        let verdict = quickly({
            let (path, host) = (path.clone(), host.clone());
            move || known_hosts::check_key(b"key", &[path], &host)
        });
        assert_eq!(verdict, Verdict::Unreadable { file: path, problem: said });
    }
    let none = [PathBuf::from("/dev/null")];
    assert_eq!(known_hosts::check_key(b"key", &none, &host), Verdict::Unknown);
}

fn parse_settings(config: &Path) -> String {
    let config = config.to_owned();
    quickly(move || {
        let req = Request { host: "box", user: None, port: None, config_file: Some(&config) };
        resolve_with(&req, Resolver::Parse).expect_err("refused").to_string()
    })
}

#[test]
fn ssh_configs_and_their_includes_are_bounded() {
    let files = Hostile::new(MAX_SSH_CONFIG_BYTES, "config");
    let dir = tempfile::tempdir().expect("tmp");
    for (index, (path, said)) in files.cases("1 MiB").into_iter().enumerate() {
        let err = parse_settings(&path);
        assert_eq!(
            err,
            format!(
                "ssh settings for \"box\": cannot read ssh config file {}: {said}",
                path.display()
            )
        );
        let including = dir.path().join(format!("including-{index}"));
        std::fs::write(&including, format!("Host *\n  Include {}\n", path.display()))
            .expect("write");
        let err = parse_settings(&including);
        assert!(err.contains(&path.display().to_string()) && err.contains(&said), "{err}");
    }
    let req =
        Request { host: "box", user: None, port: None, config_file: Some(Path::new("/dev/null")) };
    assert!(resolve_with(&req, Resolver::Parse).is_ok(), "-F /dev/null means no config");
}

#[test]
fn numeric_options_out_of_range_are_refused_naming_option_and_range() {
    let cases: [(&[&str], &str); 6] = [
        (
            &["--max-bytes", "9223372036854775807"],
            "--max-bytes must be between 1 and 67108864 (64 MiB), not 9223372036854775807",
        ),
        (&["--max-bytes", "0"], "--max-bytes must be between 1 and 67108864 (64 MiB), not 0"),
        (&["--jobs", "0"], "--jobs must be between 1 and 1024, not 0"),
        (&["--jobs", "100000"], "--jobs must be between 1 and 1024, not 100000"),
        (&["--workers", "100000"], "--workers must be between 1 and 1024, not 100000"),
        (&["--timeout", "0"], "--timeout must be a positive number of seconds below 86400, not 0"),
    ];
    for (options, said) in cases {
        let mut args = vec!["snapshot", "--format", "json"];
        args.extend_from_slice(options);
        args.push(FIXTURE);
        let err = one_error(&paritty(&args));
        assert_eq!(err.trim_end(), format!("paritty: error: {said}"), "{options:?}");
    }
    let out = paritty(&[
        "snapshot",
        "--format",
        "json",
        "--max-bytes",
        "67108864",
        "--jobs",
        "1024",
        FIXTURE,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn numeric_settings_out_of_range_are_refused_naming_key_and_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let cases = [
        (
            "max_bytes = 9223372036854775807",
            "`max_bytes` in [settings] of {} must be between 1 and 67108864 (64 MiB), not 9223372036854775807",
        ),
        ("workers = 0", "`workers` in [settings] of {} must be between 1 and 1024, not 0"),
        (
            "host_timeout = 1e9",
            "`host_timeout` in [settings] of {} must be a positive number of seconds below 86400, not 1000000000",
        ),
    ];
    for (setting, said) in cases {
        let config = dir.path().join("paritty.toml");
        std::fs::write(&config, format!("[settings]\n{setting}\n")).expect("write");
        let shown = config.display().to_string();
        let err =
            one_error(&paritty(&["--config", &shown, "snapshot", "--format", "json", FIXTURE]));
        assert_eq!(err.trim_end(), format!("paritty: error: {}", said.replace("{}", &shown)));
    }
}

#[test]
fn a_pathological_known_hosts_pattern_costs_little() {
    // 30 stars against 60 letters: trying every split would take longer
    // than the age of the universe.
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("known_hosts");
    let pattern = format!("{}b", "*a".repeat(30));
    std::fs::write(&file, format!("{pattern} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\n")).expect("write");
    let host = HostId { name: "a".repeat(60), port: 22 };
    let verdict = quickly(move || known_hosts::check_key(b"key", &[file], &host));
    assert_eq!(verdict, Verdict::Unknown);
}

#[test]
fn fact_files_are_read_up_to_the_cap_and_never_block() {
    use paritty::collect::{CollectOptions, collect_local_with, local::LocalContext};
    use paritty::model::Status;
    let files = Hostile::new(1 << 20, "version");
    let fact = |id: &str, path: &Path| {
        format!(
            "[[fact]]\nid = {id:?}\nlabel = {id:?}\ncategory = \"Files\"\ncompare = \"text\"\n\
             sources = [{{ file = {:?} }}]\n",
            path.display().to_string()
        )
    };
    let text = format!(
        "{}{}{}{}",
        crate::common::HEADER,
        fact("file.zero", Path::new("/dev/zero")),
        fact("file.fifo", &files.fifo),
        fact("file.big", &files.huge),
    );
    let profile = crate::common::profile(&text);
    let opts = CollectOptions { max_bytes: 100, ..CollectOptions::default() };
    let snapshot =
        quickly(move || collect_local_with(&profile, &opts, &LocalContext::with_path(None)));
    for id in ["file.zero", "file.fifo"] {
        assert_eq!(snapshot.facts[id].status, Status::Missing, "{id}: not a file to read");
    }
    let big = &snapshot.facts["file.big"];
    assert!(big.truncated && big.raw.len() <= 100, "{big:?}");
}

#[test]
fn a_fifo_in_a_team_folder_is_named_and_the_others_still_load() {
    let team = tempfile::tempdir().expect("tmp");
    std::fs::copy(FIXTURE, team.path().join("laptop.json")).expect("copy");
    let fifo = team.path().join("stuck.json");
    assert!(Command::new("mkfifo").arg(&fifo).status().expect("mkfifo").success());
    let folder = format!("{}/", team.path().display());
    let out = quickly(move || paritty(&["snapshot", "--format", "json", &folder]));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "a target failed: {err}");
    assert_eq!(
        err.trim_end(),
        format!(
            "paritty: {0}: bad-snapshot: cannot read snapshot {0}: it is a FIFO, not a regular file",
            fifo.display()
        )
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"name\": \"laptop\""));
    let shown = fifo.display().to_string();
    let out = quickly(move || paritty(&["snapshot", "--format", "json", &shown]));
    assert!(String::from_utf8_lossy(&out.stderr).contains("it is a FIFO"), "{out:?}");
}
