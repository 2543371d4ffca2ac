//! Writing files so that a reader never sees half of one, and naming files
//! after hosts so that no host's file takes another's place.

use std::io::Write;
use std::path::Path;

/// Writes `contents` to `path` through a temporary file in the same folder and
/// a rename, so an interrupted write leaves the old file (or none), never a
/// truncated one.
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".paritty-").suffix(".tmp");
    // tempfile makes private (0600) files; an export or snapshot is an
    // ordinary file, so ask for 0666 and let the umask decide, as `>` would.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut temp = builder.tempfile_in(dir)?;
    temp.write_all(contents)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A file name (without extension) from a host or target name, which comes
/// from outside: ASCII letters, digits and `._-` kept, anything else `_`,
/// no leading dot (no hidden files, no `..`), never empty.
pub fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' })
        .collect();
    let stem = stem.trim_start_matches('.');
    if stem.is_empty() { "host".into() } else { stem.to_owned() }
}

/// One file stem per name, in order, all distinct: a name that becomes the
/// same stem as an earlier one (`laptop` twice, `a b` after `a_b`) gets
/// `-2`, `-3`... Compared without case, so a case-insensitive file system
/// cannot merge two of them either.
pub fn unique_file_stems<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut taken = std::collections::HashSet::new();
    let mut out = Vec::new();
    for name in names {
        let base = file_stem(name);
        let mut candidate = base.clone();
        let mut n = 2;
        while !taken.insert(candidate.to_lowercase()) {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        out.push(candidate);
    }
    out
}
