//! `--out` onto what is not a plain file: a FIFO, a character device, a
//! symlink (to a file, to nothing yet, to standard output) and `-`. Only a
//! regular file is written by temporary file and rename; everything else is
//! written through, and a symlink is followed, never replaced.

use std::io::Read;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/snapshots")
        .join(name)
        .to_str()
        .expect("utf8")
        .to_owned()
}

/// `paritty diff laptop prod --out OUT` in `dir`.
fn diff_out(dir: &Path, out: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paritty"))
        .args(["diff", &fixture("debian12-laptop.json"), &fixture("debian11-prod.json")])
        .args(["--out", out])
        .current_dir(dir)
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .stdin(Stdio::null())
        .output()
        .expect("run paritty")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn is_table(text: &str) -> bool {
    text.lines().last().is_some_and(|l| l.starts_with("prod-web-1 vs 1 host:"))
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_fifo_is_written_through_to_its_reader() {
    use std::os::unix::fs::OpenOptionsExt;
    let dir = tempfile::tempdir().expect("tmp");
    let fifo = dir.path().join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    // A second name for the same FIFO, so the reader can be let go below
    // even if the first name was replaced.
    let keep = dir.path().join("pipe-keep");
    std::fs::hard_link(&fifo, &keep).expect("link");
    let reading = fifo.clone();
    // Opening a FIFO for reading waits for a writer, as a shell's would.
    let reader = std::thread::spawn(move || {
        let mut got = String::new();
        std::fs::File::open(&reading).expect("open fifo").read_to_string(&mut got).expect("read");
        got
    });
    let out = diff_out(dir.path(), fifo.to_str().expect("utf8"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let kind = std::fs::symlink_metadata(&fifo).expect("still there").file_type();
    assert!(kind.is_fifo(), "still a FIFO: {kind:?}");
    // paritty opened the FIFO, so the reader has it open or has finished;
    // should it have closed without writing, this open and close give the
    // reader its end of file (and fails harmlessly once nobody reads).
    let _ = std::fs::OpenOptions::new().write(true).custom_flags(libc::O_NONBLOCK).open(&keep);
    let got = reader.join().expect("reader");
    assert!(is_table(&got), "the reader got the table: {got:?}");
    assert_eq!(entries(dir.path()), ["pipe", "pipe-keep"], "no temporary file left");
}

#[test]
fn a_symlink_to_a_file_is_followed_and_stays_a_symlink() {
    let dir = tempfile::tempdir().expect("tmp");
    let real = dir.path().join("reports");
    std::fs::create_dir(&real).expect("mkdir");
    std::fs::write(real.join("diff.txt"), "old\n").expect("write");
    let link = dir.path().join("link");
    std::os::unix::fs::symlink("reports/diff.txt", &link).expect("symlink");
    let out = diff_out(dir.path(), "link");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(std::fs::symlink_metadata(&link).expect("link").file_type().is_symlink());
    assert_eq!(std::fs::read_link(&link).expect("link"), PathBuf::from("reports/diff.txt"));
    assert!(is_table(&std::fs::read_to_string(real.join("diff.txt")).expect("target")));
    assert_eq!(entries(&real), ["diff.txt"], "written atomically beside the target");

    // A symlink to a file not there yet: the file is created where it points.
    std::os::unix::fs::symlink("reports/new.txt", dir.path().join("dangling")).expect("symlink");
    let out = diff_out(dir.path(), "dangling");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(std::fs::symlink_metadata(dir.path().join("dangling")).expect("l").is_symlink());
    assert!(is_table(&std::fs::read_to_string(real.join("new.txt")).expect("created")));
}

#[test]
fn dash_and_a_link_to_standard_output_print_the_output() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = diff_out(dir.path(), "-");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(is_table(&text(&out.stdout)), "{}", text(&out.stdout));
    assert!(!text(&out.stderr).contains("wrote"), "{}", text(&out.stderr));
    assert!(entries(dir.path()).is_empty(), "no file named -: {:?}", entries(dir.path()));

    // What /dev/stdout is, made here so the real one is never at stake.
    let link = dir.path().join("stdout");
    std::os::unix::fs::symlink("/proc/self/fd/1", &link).expect("symlink");
    let out = diff_out(dir.path(), link.to_str().expect("utf8"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(is_table(&text(&out.stdout)), "printed through the link: {}", text(&out.stderr));
    assert!(std::fs::symlink_metadata(&link).expect("link").file_type().is_symlink());
}

/// A null device made in a temporary folder (as root only; the real /dev is
/// never touched): written to, not replaced by a file.
#[test]
fn a_character_device_is_written_through() {
    let dir = tempfile::tempdir().expect("tmp");
    let null = dir.path().join("null");
    let made = Command::new("mknod")
        .arg(&null)
        .args(["c", "1", "3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("skipped: mknod is not permitted here (needs root)");
        return;
    }
    let out = diff_out(dir.path(), null.to_str().expect("utf8"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let kind = std::fs::symlink_metadata(&null).expect("still there").file_type();
    assert!(kind.is_char_device(), "still a device: {kind:?}");
    assert_eq!(entries(dir.path()), ["null"], "no temporary file left");
}
