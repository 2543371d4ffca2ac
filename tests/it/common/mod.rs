//! Shared test helpers: folders of fake tools and profiles built from text.

use std::path::{Path, PathBuf};

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

#[cfg(target_os = "linux")]
pub mod fake_ssh;
#[cfg(target_os = "linux")]
pub mod pty;
#[cfg(target_os = "linux")]
pub mod remote;
#[cfg(target_os = "linux")]
pub mod sshd;
pub mod tui;
