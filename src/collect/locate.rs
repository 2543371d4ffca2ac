//! Finding a probe's program: every copy on PATH (the first runs, the others
//! are shadowed and worth showing), or a path with `*` wildcards.

use std::path::{Path, PathBuf};

/// Where a program was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub path: PathBuf,
    /// Later copies on PATH that are different files.
    pub shadowed: Vec<PathBuf>,
}

/// Finds `program`: a bare name is searched on `path_var`; a path is taken as
/// is, with `*` in its components expanded to the highest-sorting match.
pub fn locate(program: &str, path_var: Option<&std::ffi::OsStr>) -> Option<Located> {
    if program.contains('/') || (cfg!(windows) && program.contains('\\')) {
        let path =
            if program.contains('*') { expand_glob(program)? } else { PathBuf::from(program) };
        return is_executable(&path).then_some(Located { path, shadowed: Vec::new() });
    }
    let cwd = std::env::current_dir().ok()?;
    let mut copies = which::which_in_all(program, path_var, cwd).ok()?;
    let first = copies.next()?;
    let mut seen = vec![first.clone()];
    let mut shadowed = Vec::new();
    for copy in copies {
        // /bin and /usr/bin are often the same folder: not a second copy.
        if !seen.iter().any(|s| same_file(s, &copy)) {
            seen.push(copy.clone());
            shadowed.push(copy);
        }
    }
    Some(Located { path: first, shadowed })
}

/// The same file on disk (the probe script asks `test -ef`, the same
/// question), whatever the links in between.
#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => a == b,
    }
}

#[cfg(not(unix))]
fn same_file(a: &Path, b: &Path) -> bool {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_owned());
    canonical(a) == canonical(b)
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// Expands `*` within path components, e.g. `/usr/lib/postgresql/*/bin/postgres`,
/// and returns the match that sorts highest by version-aware order, so
/// `PostgreSQL` 16 wins over 9.6.
pub fn expand_glob(pattern: &str) -> Option<PathBuf> {
    let mut candidates = vec![PathBuf::from(if pattern.starts_with('/') { "/" } else { "." })];
    for part in pattern.split('/').filter(|p| !p.is_empty()) {
        let mut next = Vec::new();
        for base in &candidates {
            if part.contains('*') {
                let Ok(entries) = std::fs::read_dir(base) else {
                    continue;
                };
                for entry in entries.filter_map(Result::ok) {
                    let name = entry.file_name();
                    if name.to_str().is_some_and(|n| wildcard_match(part, n)) {
                        next.push(base.join(name));
                    }
                }
            } else {
                let joined = base.join(part);
                if joined.exists() {
                    next.push(joined);
                }
            }
        }
        candidates = next;
    }
    candidates.into_iter().max_by(|a, b| natural_cmp(&a.to_string_lossy(), &b.to_string_lossy()))
}

/// `*` matches any run of characters; everything else matches itself.
fn wildcard_match(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(i) => rest = &rest[i + middle.len()..],
            None => return false,
        }
    }
    true
}

/// Compares strings with digit runs as numbers: `9.6` < `15`.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let key = |s: &str| -> Vec<(u8, u64, String)> {
        let mut out = Vec::new();
        let mut chars = s.chars().peekable();
        while let Some(&c) = chars.peek() {
            let mut run = String::new();
            let digits = c.is_ascii_digit();
            while let Some(&d) = chars.peek() {
                if d.is_ascii_digit() != digits {
                    break;
                }
                run.push(d);
                chars.next();
            }
            if digits {
                out.push((1, run.parse().unwrap_or(u64::MAX), String::new()));
            } else {
                out.push((0, 0, run));
            }
        }
        out
    };
    key(a).cmp(&key(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_within_a_component() {
        assert!(wildcard_match("*", "15"));
        assert!(wildcard_match("python3.*", "python3.11"));
        assert!(!wildcard_match("python3.*", "python2.7"));
        assert!(wildcard_match("a*b*c", "axxbyyc"));
        assert!(!wildcard_match("a*b*c", "acb"));
    }

    #[test]
    fn natural_order_compares_numbers_as_numbers() {
        assert!(natural_cmp("/pg/9.6/bin", "/pg/15/bin").is_lt());
        assert!(natural_cmp("/pg/16/bin", "/pg/15/bin").is_gt());
        assert!(natural_cmp("a", "a").is_eq());
    }

    #[test]
    fn glob_picks_the_highest_version_folder() {
        let dir = tempfile::tempdir().expect("temp dir");
        for v in ["9.6", "15", "13"] {
            std::fs::create_dir_all(dir.path().join(v).join("bin")).expect("mkdir");
            std::fs::write(dir.path().join(v).join("bin/postgres"), "").expect("write");
        }
        let pattern = format!("{}/*/bin/postgres", dir.path().display());
        let found = expand_glob(&pattern).expect("a match");
        assert_eq!(found, dir.path().join("15/bin/postgres"));
        assert_eq!(expand_glob(&format!("{}/*/bin/mysqld", dir.path().display())), None);
    }

    #[test]
    fn a_bare_name_absent_from_path_is_not_found() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert_eq!(locate("definitely-not-a-tool", Some(dir.path().as_os_str())), None);
    }
}
