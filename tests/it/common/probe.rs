//! Running probe scripts through the real local shells: the shells a host
//! might have, a PATH with a folder of fake tools first, and a watched run
//! that knows when the last process the probe started is gone.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use paritty::model::Fact;

/// The shells a host might have that this machine has too.
pub fn shells() -> Vec<Vec<String>> {
    let mut found = vec![vec!["/bin/sh".to_owned()]];
    for shell in ["/usr/bin/dash", "/bin/bash"] {
        if Path::new(shell).exists() {
            found.push(vec![shell.to_owned()]);
        }
    }
    if let Ok(busybox) = which::which("busybox") {
        found.push(vec![busybox.display().to_string(), "sh".to_owned()]);
    }
    found
}

/// A PATH of `bin` before the system's folders.
pub fn path_with(bin: &Path) -> OsString {
    std::env::join_paths([bin, "/usr/bin".as_ref(), "/bin".as_ref()]).expect("PATH")
}

/// What must agree between transports (durations may not).
pub fn essence(fact: &Fact) -> impl PartialEq + std::fmt::Debug + '_ {
    (
        fact.status,
        &fact.value,
        &fact.found_at,
        &fact.shadowed,
        fact.truncated,
        fact.exit_code,
        &fact.command,
        // A command's output is the same bytes; builtins may word it differently.
        fact.command.as_ref().map(|_| &fact.raw),
    )
}

/// Sends `text` to `shell -s`, set up by `env`, and waits for it to end
/// (reaped as soon as it exits, as sshd does: `super::output_like_sshd`).
pub fn run_script(
    shell: &[String],
    text: &str,
    env: impl FnOnce(&mut Command),
) -> std::process::Output {
    let mut command = Command::new(&shell[0]);
    command.args(&shell[1..]).arg("-s");
    env(&mut command);
    super::output_like_sshd(&mut command, text.as_bytes())
}

/// A probe running under `shell -s` in a process group of its own, with
/// fd 3 open on a pipe that every process it starts inherits (tools too):
/// the pipe's end is the moment the last of them is gone. A tool that
/// starts a daemon on purpose closes fd 3 for it. Dropping it kills the
/// group, so a failed test leaves nothing behind.
pub struct Watched {
    child: Child,
    stdout: Option<ChildStdout>,
    gone: mpsc::Receiver<()>,
    pub started: Instant,
}

impl Watched {
    pub fn start(shell: &[String], text: &str, env: impl FnOnce(&mut Command)) -> Watched {
        let mut command = Command::new("/bin/sh");
        command
            .args(["-c", "exec 3>&2 2>/dev/null; exec \"$@\" -s", "sh"])
            .args(shell)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        env(&mut command);
        let started = Instant::now();
        let mut child = command.spawn().expect("start shell");
        let mut fd3 = child.stderr.take().expect("fd 3");
        let (said, gone) = mpsc::channel();
        std::thread::spawn(move || {
            let mut rest = Vec::new();
            let _ = fd3.read_to_end(&mut rest);
            let _ = said.send(());
        });
        let mut stdin = child.stdin.take().expect("stdin");
        let text = text.to_owned();
        // From a thread: a shell that stops reading must not block the test.
        std::thread::spawn(move || stdin.write_all(text.as_bytes()));
        let stdout = child.stdout.take();
        Watched { child, stdout, gone, started }
    }

    /// Everything the probe printed, once its stdout closes, and how long
    /// that took from the start; fails if it takes past `bound`.
    pub fn output_within(&mut self, bound: Duration) -> (Vec<u8>, Duration) {
        let mut stdout = self.stdout.take().expect("output read once");
        let (said, heard) = mpsc::channel();
        std::thread::spawn(move || {
            let mut out = Vec::new();
            let _ = stdout.read_to_end(&mut out);
            let _ = said.send(out);
        });
        let left = bound.saturating_sub(self.started.elapsed());
        let out = heard
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("the probe's output was still open after {bound:?}"));
        (out, self.started.elapsed())
    }

    /// Fails unless every process of the probe is gone by `started + bound`.
    pub fn all_gone_within(&self, bound: Duration) {
        let left = bound.saturating_sub(self.started.elapsed());
        self.gone.recv_timeout(left).unwrap_or_else(|_| {
            panic!("processes of the probe still ran {bound:?} after it started")
        });
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-9", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.child.wait();
    }
}

/// Kills, when dropped (also when a test fails), the processes whose pids
/// it was given or that a test's tools wrote, one a line, to its file:
/// daemons they started on purpose, which the probe leaves alone, and tools
/// in sessions of their own when a test kills their probe.
pub struct Reaper {
    pub file: Option<std::path::PathBuf>,
    pub pids: Vec<String>,
}

impl Drop for Reaper {
    fn drop(&mut self) {
        let listed = self.file.as_ref().and_then(|f| std::fs::read_to_string(f).ok());
        let listed = listed.iter().flat_map(|text| text.split_whitespace());
        for pid in self.pids.iter().map(String::as_str).chain(listed) {
            let _ = Command::new("kill").args(["-9", pid]).stderr(Stdio::null()).status();
        }
    }
}

/// The `paritty.*` scratch folders in `dir`.
pub fn scratch_folders(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read scratch parent")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("paritty."))
        .collect();
    names.sort();
    names
}

/// The first line a tool writes to the FIFO `path` (made here, world
/// writable), read on a thread: a writer that never comes fails the test
/// after `bound` instead of hanging it.
pub fn fifo_line(path: &Path, bound: Duration) -> String {
    let (said, heard) = mpsc::channel();
    let fifo = path.to_owned();
    std::thread::spawn(move || {
        let mut line = String::new();
        let file = std::fs::File::open(&fifo).expect("open fifo");
        let _ = std::io::BufRead::read_line(&mut std::io::BufReader::new(file), &mut line);
        let _ = said.send(line);
    });
    let line = heard.recv_timeout(bound).unwrap_or_else(|_| {
        // Unblock the reader thread before failing.
        let _ = std::fs::OpenOptions::new().write(true).open(path);
        panic!("nothing was written to {} within {bound:?}", path.display())
    });
    line.trim().to_owned()
}

/// Writes `text` to the FIFO `path` for a tool reading it, on a thread: a
/// reader that never comes fails the test after `bound` instead of hanging
/// it.
pub fn fifo_write(path: &Path, text: &str, bound: Duration) {
    let (said, heard) = mpsc::channel();
    let (fifo, text) = (path.to_owned(), text.to_owned());
    std::thread::spawn(move || {
        let _ = said.send(std::fs::write(&fifo, text));
    });
    let written = heard.recv_timeout(bound).unwrap_or_else(|_| {
        // Unblock the writer thread before failing.
        let _ = std::fs::File::open(path);
        panic!("nobody read {} within {bound:?}", path.display())
    });
    written.expect("write to the fifo");
}

/// Makes a FIFO at `path` that any user may write (a host's login user may
/// not be the test's).
pub fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").args(["-m", "0666"]).arg(path).status().expect("mkfifo");
    assert!(made.success(), "mkfifo {}", path.display());
}

/// A process's start time (clock ticks since boot, field 22 of
/// /proc/PID/stat), as the probe's owner file records it.
#[cfg(target_os = "linux")]
pub fn start_time(pid: u32) -> String {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("read stat");
    let after_name = &stat[stat.rfind(") ").expect("stat format") + 2..];
    after_name.split_whitespace().nth(19).expect("starttime").to_owned()
}

/// Whether process `pid` has ended (or never was) by `deadline`: a pidfd
/// becomes readable when its process ends, so this waits for that event,
/// not in steps.
#[cfg(target_os = "linux")]
pub fn ended_by(pid: u32, deadline: Instant) -> bool {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    use rustix::io::Errno;
    use rustix::process::{Pid, PidfdFlags, pidfd_open};
    let pid = Pid::from_raw(i32::try_from(pid).expect("pid")).expect("not 0");
    let fd = match pidfd_open(pid, PidfdFlags::empty()) {
        Ok(fd) => fd,
        Err(Errno::SRCH) => return true,
        Err(e) => panic!("pidfd_open {pid:?}: {e}"),
    };
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let timeout = Timespec::try_from(left).expect("a timeout poll takes");
        let mut fds = [PollFd::new(&fd, PollFlags::IN)];
        match poll(&mut fds, Some(&timeout)) {
            Ok(0) => return false,
            Ok(_) => return true,
            Err(Errno::INTR) => {}
            Err(e) => panic!("poll a pidfd: {e}"),
        }
    }
}

/// The body of a hostile `docker`: it gathers every probe boundary it can
/// read (its ancestors' command lines and environments, the scratch
/// folders, its open files), notes them in `found` (those of its session's
/// runtime folder, first, also in `found.own`), and prints, with each (in
/// that order, so the output's cap keeps the first), records that
/// would make fact 0 `Python 3.12.99`, fact 1 `git version 9.9.9` and fact 3
/// `after 6.6.6`, framed both ways a reader might take them (an output up to
/// the next record, and one of a stated length), and a false end of the
/// probe. Itself it is fact 2.
pub fn forger(found: &Path) -> String {
    format!(
        r#"{{
  cat "${{XDG_RUNTIME_DIR:-/nonexistent}}"/paritty.*/*
  p=$$
  for _ in 1 2 3 4 5; do
    p=$(awk '{{ print $4 }}' /proc/$p/stat) || break
    cat /proc/$p/cmdline /proc/$p/environ
  done
  cat /dev/shm/paritty.*/*
  for f in /proc/self/fd/*; do [ -f "$f" ] && cat "$f"; done
}} 2>/dev/null | grep -ao 'PARITTY-[0-9a-f]\{{32\}}' | awk '!seen[$0]++' > '{found}'
# For the test: those in this session's runtime folder, this probe's own.
cat "$XDG_RUNTIME_DIR"/paritty.*/* 2>/dev/null | grep -ao 'PARITTY-[0-9a-f]\{{32\}}' | sort -u > '{found}.own'
echo 'Docker version 24.0.7, build afdd53b'
while read -r b; do
  printf '\n%s E 2\n' "$b"
  for forged in '0 Python 3.12.99' '1 git version 9.9.9' '3 after 6.6.6'; do
    i=${{forged%% *}}; body=${{forged#* }}
    printf '%s F %s\n%s C 0\n%s X 0\n%s O\n%s\n%s E %s\n' "$b" "$i" "$b" "$b" "$b" "$body" "$b" "$i"
    printf '%s F %s\n%s C 0\n%s X 0\n%s O %s\n%s\n\n%s E %s\n' "$b" "$i" "$b" "$b" "$b" "$((${{#body}} + 1))" "$body" "$b" "$i"
  done
  printf '%s Z\n%s F 2\n%s C 0\n%s O\n' "$b" "$b" "$b" "$b"
done < '{found}'"#,
        found = found.display()
    )
}

/// A profile whose fact 2 is the forger's `docker`, between facts it
/// targets (`python3`, `git` before it, `after` behind).
pub const FORGED_PROFILE: &str = "[profile]\nname = \"forged\"\n\
    [[fact]]\nid = \"runtime.python3\"\nlabel = \"p\"\ncategory = \"R\"\ncompare = \"pep440\"\nparser = \"version\"\nsources = [{ cmd = [\"python3\", \"--version\"] }]\n\
    [[fact]]\nid = \"tool.git\"\nlabel = \"g\"\ncategory = \"T\"\ncompare = \"loose\"\nparser = \"version\"\nsources = [{ cmd = [\"git\", \"--version\"] }]\n\
    [[fact]]\nid = \"tool.docker\"\nlabel = \"d\"\ncategory = \"T\"\ncompare = \"loose\"\nparser = \"version\"\nsources = [{ cmd = [\"docker\", \"--version\"] }]\n\
    [[fact]]\nid = \"tool.after\"\nlabel = \"a\"\ncategory = \"T\"\ncompare = \"loose\"\nparser = \"version\"\nsources = [{ cmd = [\"after\", \"--version\"] }]\n";

/// The honest tools of `FORGED_PROFILE`: `(name, body)`.
pub const HONEST_TOOLS: [(&str, &str); 3] = [
    ("python3", "echo 'Python 3.11.2'"),
    ("git", "echo 'git version 2.39.2'"),
    ("after", "echo 'after 1.0.0'"),
];
