//! Reading one file of a container without a shell in it: `ENGINE cp
//! CONTAINER:PATH -` writes it as a tar stream, of which the first entry is
//! taken (`tar`). A symbolic link (Debian's `/etc/os-release` points to
//! `../usr/lib/os-release`) is followed by its path inside the container,
//! a few hops at most; nothing is ever written on this machine.

use std::time::Instant;

use super::engine::EngineCli;
use super::tar::{self, Entry};
use crate::output::sanitize;

/// Links followed before giving up (a loop, or a long chain).
const MAX_HOPS: usize = 4;

/// Tar headers around one small file: a PAX header, the entry, the end.
const TAR_OVERHEAD: usize = 8 * 512;

/// What reading a file gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileAnswer {
    /// Its text (sanitized) and the path it was read at, after links.
    Text { path: String, text: String },
    /// No such file in the container.
    Absent,
    /// There, or maybe there, but not readable this way: why.
    Unreadable(String),
}

/// `path` (absolute) of `container`, at most `max_bytes` of content.
pub fn read(
    cli: &EngineCli,
    container: &str,
    path: &str,
    deadline: Instant,
    max_bytes: usize,
) -> FileAnswer {
    let mut at = path.to_owned();
    for _ in 0..=MAX_HOPS {
        let source = format!("{container}:{at}");
        let fetched = match cli.fetch(
            &["cp", &source, "-"],
            deadline,
            max_bytes.saturating_add(TAR_OVERHEAD),
        ) {
            Ok(fetched) => fetched,
            Err(failure) => return FileAnswer::Unreadable(failure.message().to_owned()),
        };
        if !fetched.ok {
            return if says_absent(&fetched.complaint) {
                FileAnswer::Absent
            } else {
                let said = super::fault::first_line(&fetched.complaint);
                FileAnswer::Unreadable(format!("{} cp {at}: {said}", cli.name()))
            };
        }
        match tar::first_entry(&fetched.bytes, max_bytes) {
            Ok(Entry::File(bytes)) => {
                return FileAnswer::Text { path: at, text: sanitize::clean_output(&bytes) };
            }
            Ok(Entry::Symlink(target)) => match resolve(&at, &target) {
                Some(next) => at = next,
                None => {
                    return FileAnswer::Unreadable(format!("{at}: a link paritty does not follow"));
                }
            },
            Ok(Entry::Other) => {
                return FileAnswer::Unreadable(format!("{at} is not a regular file"));
            }
            Err(e) => return FileAnswer::Unreadable(format!("{} cp {at}: {e}", cli.name())),
        }
    }
    FileAnswer::Unreadable(format!("{path}: more than {MAX_HOPS} links"))
}

/// Engines' ways of saying there is no such file.
fn says_absent(complaint: &str) -> bool {
    let lower = complaint.to_lowercase();
    ["no such file or directory", "could not find the file", "could not be found"]
        .iter()
        .any(|n| lower.contains(n))
}

/// Where link `target`, found at `link` (absolute), points: a path inside
/// the container, `..` applied lexically (at the root it stays there, as
/// the kernel does). `None` for a target that is not a plain path.
fn resolve(link: &str, target: &str) -> Option<String> {
    if target.is_empty() || target.contains('\0') || target.len() > 4096 {
        return None;
    }
    let base =
        if target.starts_with('/') { "" } else { link.rsplit_once('/').map_or("", |(d, _)| d) };
    let mut parts: Vec<&str> = Vec::new();
    for part in base.split('/').chain(target.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    Some(format!("/{}", parts.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_inside_the_container() {
        assert_eq!(
            resolve("/etc/os-release", "../usr/lib/os-release").as_deref(),
            Some("/usr/lib/os-release")
        );
        assert_eq!(
            resolve("/etc/os-release", "/usr/lib/os-release").as_deref(),
            Some("/usr/lib/os-release")
        );
        assert_eq!(resolve("/etc/os-release", "../../../../x").as_deref(), Some("/x"));
        assert_eq!(resolve("/etc/a", "./b").as_deref(), Some("/etc/b"));
        assert_eq!(resolve("/etc/a", ""), None);
    }

    #[test]
    fn engines_say_a_file_is_absent_in_their_words() {
        assert!(says_absent(
            "Error: \"/etc/nope\" could not be found on container web: no such file or directory"
        ));
        assert!(says_absent(
            "Error response from daemon: Could not find the file /etc/nope in container web"
        ));
        assert!(!says_absent("Error: permission denied"));
    }
}
