//! Shared test helpers: folders of fake tools and profiles built from text.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::thread::{self, JoinHandle};

use paritty::profile::{Profile, parse_profile};

/// Writes an executable `/bin/sh` script `name` into `dir`.
#[cfg(unix)]
pub fn tool(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write tool");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}

/// A profile from TOML text, panicking with the loader's message if invalid.
pub fn profile(text: &str) -> Profile {
    parse_profile(text, "test.toml", None).unwrap_or_else(|e| panic!("{e}"))
}

/// One `[[fact]]` table with a command source.
pub fn command_fact(id: &str, argv: &[&str], parser: &str) -> String {
    let argv: Vec<String> = argv.iter().map(|a| format!("{a:?}")).collect();
    format!(
        "[[fact]]\nid = {id:?}\nlabel = {id:?}\ncategory = \"Tools\"\ncompare = \"loose\"\n\
         parser = {parser:?}\nsources = [{{ cmd = [{}] }}]\n",
        argv.join(", ")
    )
}

pub const HEADER: &str = "[profile]\nname = \"test\"\n";

/// Runs `cmd` with `input` on its stdin to its end, as sshd runs a session: the process is
/// reaped as soon as it exits while its output is still being read. `Command::output` reaps
/// only after EOF, so a background process that holds the output until its parent is gone
/// (the probe's watchdog, when the signal that stops it comes too early to be seen) would wait
/// for the test and the test for it, forever.
pub fn output_like_sshd(cmd: &mut Command, input: &[u8]) -> Output {
    fn drain(pipe: Option<impl Read + Send + 'static>) -> JoinHandle<Vec<u8>> {
        let mut pipe = pipe.expect("piped");
        thread::spawn(move || {
            let mut all = Vec::new();
            pipe.read_to_end(&mut all).expect("read the child's output");
            all
        })
    }
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
    let (stdout, stderr) = (drain(child.stdout.take()), drain(child.stderr.take()));
    let mut stdin = child.stdin.take().expect("piped stdin");
    stdin.write_all(input).expect("write the child's input");
    drop(stdin);
    let status = child.wait().expect("wait for the child");
    let stdout = stdout.join().expect("stdout reader");
    Output { status, stdout, stderr: stderr.join().expect("stderr reader") }
}

#[cfg(target_os = "linux")]
pub mod fake_ssh;
pub mod git;
#[cfg(target_os = "linux")]
pub mod kubectl;
#[cfg(target_os = "linux")]
pub mod mongo_standin;
#[cfg(target_os = "linux")]
pub mod podman;
#[cfg(unix)]
pub mod probe;
#[cfg(target_os = "linux")]
pub mod pty;
#[cfg(target_os = "linux")]
pub mod remote;
pub mod rendezvous;
#[cfg(target_os = "linux")]
pub mod services;
#[cfg(target_os = "linux")]
pub mod sshd;
pub mod tui;
