//! `snapshot --out DIR` host by host: each host's file is written as it
//! finishes, so a run cut short by SIGTERM or SIGINT keeps what finished and
//! says what it did not collect; a file that cannot be written does not stop
//! the others.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::sshd::Fault;
use paritty::model::snapshot_file::read_snapshot;

/// One fact from the environment: local collection takes no time.
const PROFILE: &str = "[profile]\nname = \"tiny\"\ndescription = \"one variable\"\n\n[[fact]]\n\
id = \"env.lang\"\nlabel = \"LANG\"\ncategory = \"System\"\ncompare = \"exact\"\n\
parser = \"trim\"\nsources = [{ env = \"LANG\" }]\n";

fn team_snapshot(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snapshots/debian12-laptop.json");
    std::fs::copy(fixture, &path).expect("copy");
    path
}

fn temporary_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".paritty-"))
        .collect()
}

#[test]
fn an_interrupted_run_keeps_the_hosts_that_finished() {
    use rustix::process::{Pid, Signal, kill_process};
    for (signal, code) in [(Signal::TERM, 143), (Signal::INT, 130)] {
        let dir = tempfile::tempdir().expect("tmp");
        let profile = dir.path().join("tiny.toml");
        std::fs::write(&profile, PROFILE).expect("profile");
        let ssh_config = dir.path().join("ssh_config");
        std::fs::write(&ssh_config, "").expect("ssh config");
        let team = team_snapshot(dir.path(), "laptop.json");
        let team = team.to_str().expect("utf8");
        // A host that accepts the connection and never answers: still being
        // collected when the signal comes.
        let silent = Fault::silent_listener();
        let hung = format!("{}:{}", silent.addr(), silent.port());
        let out = dir.path().join("out");
        let mut child = Command::new(env!("CARGO_BIN_EXE_paritty"))
            .args(["snapshot", "local", team, &hung, "--profile"])
            .arg(&profile)
            .arg("--ssh-config")
            .arg(&ssh_config)
            .args(["--connect-timeout", "600", "--host-timeout", "600", "--out"])
            .arg(&out)
            .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn paritty");
        // A snapshot file is written under its own name.
        let finished = [out.join("local.json"), out.join("laptop.json")];
        // Files appear by rename, whole: once both exist the two hosts are done.
        let deadline = Instant::now() + Duration::from_secs(60);
        while !finished.iter().all(|f| f.exists()) {
            if let Some(status) = child.try_wait().expect("wait") {
                panic!("paritty ended before the signal: {status}");
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("the finished hosts were not written within 60 s (written at the end?)");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        kill_process(Pid::from_child(&child), signal).expect("signal");
        let mut stderr = String::new();
        child.stderr.take().expect("stderr").read_to_string(&mut stderr).expect("read");
        let status = child.wait().expect("wait");
        assert_eq!(status.code(), Some(code), "{signal:?}: {stderr}");
        for file in &finished {
            let snapshot = read_snapshot(file).unwrap_or_else(|e| panic!("{e}"));
            assert!(!snapshot.facts.is_empty(), "{}", file.display());
            assert!(stderr.contains(&format!("wrote {}", file.display())), "{stderr}");
        }
        let last = stderr.lines().last().expect("a last line");
        assert!(last.contains("interrupted by SIG"), "{last}");
        assert!(last.ends_with(&format!("not collected: {hung}")), "{last}");
        let files: Vec<_> = std::fs::read_dir(&out).expect("out").collect();
        assert_eq!(files.len(), 2, "only the finished hosts, no temporary file: {files:?}");
    }
}

/// A file that cannot be written (here a folder is in its place) is
/// reported; the others are written and reported too; exit 2.
#[test]
fn a_file_that_cannot_be_written_does_not_stop_the_others() {
    let dir = tempfile::tempdir().expect("tmp");
    let targets: Vec<PathBuf> =
        ["a.json", "b.json", "c.json"].iter().map(|n| team_snapshot(dir.path(), n)).collect();
    let out = dir.path().join("out");
    let file = |t: &PathBuf| out.join(t.file_name().expect("a file name"));
    std::fs::create_dir_all(file(&targets[0])).expect("a folder where the first file goes");
    let run = Command::new(env!("CARGO_BIN_EXE_paritty"))
        .arg("snapshot")
        .args(&targets)
        .arg("--out")
        .arg(&out)
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .output()
        .expect("run paritty");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot write {}: it is a folder", file(&targets[0]).display())),
        "{stderr}"
    );
    for target in &targets[1..] {
        read_snapshot(&file(target)).unwrap_or_else(|e| panic!("{e}"));
        assert!(stderr.contains(&format!("wrote {}", file(target).display())), "{stderr}");
    }
    assert!(stderr.contains("1 of 3 files could not be written (2 written)"), "{stderr}");
    assert!(temporary_files(&out).is_empty());
}

/// A full disk, for real: a 12 KiB tmpfs in a private mount namespace (root
/// only; skipped elsewhere) takes one 4 KiB snapshot of three. Every failure
/// and every written file is said, nothing half-written is left, exit 2.
#[test]
fn a_full_disk_is_reported_file_by_file() {
    let private = Command::new("unshare")
        .args(["-m", "--propagation", "private", "true"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !private {
        eprintln!("skipped: no private mount namespace here (needs root)");
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let targets: Vec<PathBuf> =
        ["a.json", "b.json", "c.json"].iter().map(|n| team_snapshot(dir.path(), n)).collect();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).expect("mkdir");
    // The mount exists only inside `unshare`; afterwards `out` is the empty
    // folder it was, which also shows nothing was written outside the tmpfs.
    let script = "mount -t tmpfs -o size=12k none \"$1\" || exit 99; shift; \"$@\"; status=$?; \
                  echo listing: $(ls -A \"$OUT\") >&2; exit $status";
    let run = Command::new("unshare")
        .args(["-m", "--propagation", "private", "sh", "-c", script, "sh"])
        .arg(&out)
        .arg(env!("CARGO_BIN_EXE_paritty"))
        .arg("snapshot")
        .args(&targets)
        .arg("--out")
        .arg(&out)
        .env("OUT", &out)
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .output()
        .expect("run unshare");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    let full: Vec<&str> = stderr.lines().filter(|l| l.contains("No space left")).collect();
    assert_eq!(full.len(), 2, "each failed file said: {stderr}");
    assert!(full.iter().all(|l| l.starts_with("paritty: error: cannot write ")), "{stderr}");
    let wrote: Vec<&str> = stderr.lines().filter(|l| l.starts_with("paritty: wrote ")).collect();
    assert_eq!(wrote.len(), 1, "{stderr}");
    assert!(stderr.contains("2 of 3 files could not be written (1 written)"), "{stderr}");
    // What the tmpfs held at the end: the one written file, no temporary one.
    let listed: Vec<&str> = stderr
        .lines()
        .find_map(|l| l.strip_prefix("listing:"))
        .expect("listing")
        .split_whitespace()
        .collect();
    assert_eq!(listed.len(), 1, "{stderr}");
    assert!(wrote[0].ends_with(&format!("/{}", listed[0])), "the written one: {stderr}");
    assert!(std::fs::read_dir(&out).expect("out").next().is_none());
}
