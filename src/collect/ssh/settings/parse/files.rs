//! Reading config files for the parser: `Include` with its globs, the
//! owner/permission check, and OpenSSH's quirks about both.

use std::io;
use std::path::{Path, PathBuf};

use super::{Flags, MAX_DEPTH, Reader};
use crate::collect::ssh::settings::{MAX_SSH_CONFIG_BYTES, expand, lex};
use crate::fsutil::{self, ReadError};

impl Reader<'_> {
    pub(super) fn include(
        &mut self,
        args: &[String],
        flags: Flags,
        active: &mut bool,
        depth: u32,
        at: &dyn Fn(&str) -> String,
    ) -> Result<(), String> {
        if depth >= MAX_DEPTH {
            return Err("Too many recursive configuration includes".into());
        }
        for arg in args {
            if arg.is_empty() {
                return Err(at("keyword include empty argument"));
            }
            if arg.starts_with('~') && !flags.user_conf {
                return Err(at(&format!("bad include path {arg}.")));
            }
            let anchored = match arg {
                a if a.starts_with('/') || a.starts_with('~') => a.clone(),
                a if flags.user_conf => format!("~/.ssh/{a}"),
                a => format!("/etc/ssh/{a}"),
            };
            if anchored.contains('[') {
                self.needs("an Include pattern with [...]");
            }
            let before = *active;
            for path in glob(&self.glob_tilde(&anchored).map_err(|e| at(&e))?) {
                let text = match read(&path) {
                    Ok(text) => text,
                    Err(e) if e.io_kind() == Some(io::ErrorKind::NotFound) => continue,
                    Err(e) => return Err(cannot_open(&path, &e)),
                };
                self.check_perm(&path)?;
                let inner = Flags { never_match: flags.never_match || !before, ..flags };
                self.read_text(&path, &text, inner, active, depth + 1)?;
                *active = before;
            }
        }
        Ok(())
    }

    /// OpenSSH's bundled `glob()` expands a leading `~` from `$HOME` (passwd
    /// only when unset), unlike every other `~` in `ssh_config`.
    pub(super) fn glob_tilde(&self, pattern: &str) -> Result<String, String> {
        let home = std::env::var("HOME").ok().filter(|h| !h.is_empty());
        match (pattern.strip_prefix('~'), home) {
            (Some(rest), Some(home)) if rest.is_empty() || rest.starts_with('/') => {
                Ok(format!("{home}{rest}"))
            }
            _ => expand::tilde(pattern, self.local),
        }
    }

    /// `readconf.c`'s `SSHCONF_CHECKPERM`: owned by us or root, not writable by
    /// group or others.
    #[cfg(unix)]
    pub(super) fn check_perm(&self, path: &Path) -> Result<(), String> {
        use std::os::unix::fs::MetadataExt;
        match std::fs::metadata(path) {
            Ok(m) if (m.uid() != 0 && m.uid() != self.local.uid) || m.mode() & 0o022 != 0 => {
                Err(format!("Bad owner or permissions on {}", path.display()))
            }
            _ => Ok(()),
        }
    }

    #[cfg(not(unix))]
    pub(super) fn check_perm(&self, _path: &Path) -> Result<(), String> {
        Ok(())
    }
}

/// A file's text; a folder reads as empty, as `fopen()+getline()` do. A
/// FIFO, a device or a file past the size limit is refused (ssh would
/// block or read without end).
pub(super) fn read(path: &Path) -> Result<String, ReadError> {
    if path.is_dir() {
        return Ok(String::new());
    }
    fsutil::read_bytes(path, MAX_SSH_CONFIG_BYTES).map(|b| String::from_utf8_lossy(&b).into_owned())
}

pub(super) fn cannot_open(path: &Path, e: &ReadError) -> String {
    format!("Can't open user config file {}: {}", path.display(), e.problem)
}

/// The files a `*`/`?` pattern names, sorted; a name starting with `.`
/// only matches a pattern that does.
fn glob(pattern: &str) -> Vec<PathBuf> {
    let mut found = vec![PathBuf::from(if pattern.starts_with('/') { "/" } else { "." })];
    for part in pattern.split('/').filter(|p| !p.is_empty()) {
        if !part.contains(['*', '?']) {
            for dir in &mut found {
                dir.push(part);
            }
            continue;
        }
        found = found
            .iter()
            .flat_map(|dir| {
                let entries = std::fs::read_dir(dir).into_iter().flatten().flatten();
                entries
                    .filter_map(|e| e.file_name().into_string().ok())
                    .filter(|n| {
                        (part.starts_with('.') || !n.starts_with('.')) && lex::matches(n, part)
                    })
                    .map(|n| dir.join(n))
                    .collect::<Vec<_>>()
            })
            .collect();
    }
    found.retain(|p| p.symlink_metadata().is_ok());
    found.sort();
    found
}
