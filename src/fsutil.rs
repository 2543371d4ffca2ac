//! Writing files so that a reader never sees half of one.

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
