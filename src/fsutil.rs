//! Files in and out: writing so that a reader never sees half of one (and
//! writing through what is not a plain file), reading someone else's file
//! (a profile, a config, a snapshot, an ssh file) without trusting it to be
//! small, or to be a file at all, and naming files after hosts so that no
//! host's file takes another's place.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// How many symlinks `write_out` follows before giving up, as the kernel's
/// own limit (ELOOP) would.
const MAX_LINKS: usize = 40;

/// Where `write_out` put the bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wrote {
    /// A regular file (new or replaced), written atomically at this path:
    /// the symlink's target when `--out` named a symlink.
    File(PathBuf),
    /// Written through to what was already there: a character device, a
    /// FIFO, or standard output reached by a link like `/dev/stdout`.
    Through,
}

/// Why `write_out` refused a path it could open.
#[derive(Debug)]
pub enum OutError {
    /// A folder, a block device or a socket: nothing a report belongs in.
    Unsuitable {
        path: PathBuf,
        kind: &'static str,
    },
    /// Symlinks that point at each other, or a chain too long to be meant.
    Loop(PathBuf),
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl fmt::Display for OutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutError::Unsuitable { path, kind } => {
                write!(f, "cannot write {}: it is {kind}", path.display())
            }
            OutError::Loop(path) => {
                write!(f, "cannot write {}: too many levels of symlinks", path.display())
            }
            OutError::Io { path, error } => write!(f, "cannot write {}: {error}", path.display()),
        }
    }
}

impl std::error::Error for OutError {}

/// Writes `contents` where an `--out PATH` says, as a user means it:
///
/// - a regular file, or nothing yet: atomically (`write_atomic`);
/// - a symlink: followed; its final target is written by these same rules,
///   so the link stays a link (a link to nothing yet creates its target);
/// - a character device or a FIFO (`/dev/null`, `/dev/stdout` on a pipe, a
///   named pipe): written through, as a shell's `>` would; a rename would
///   replace the device or the pipe with a file;
/// - a folder, block device or socket: refused.
pub fn write_out(path: &Path, contents: &[u8]) -> Result<Wrote, OutError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |error| OutError::Io { path, error }
    };
    // The kernel follows the links (also /proc's, whose text is no path).
    match std::fs::metadata(path) {
        Ok(meta) => {
            let kind = meta.file_type();
            if kind.is_file() {
                // A link stays a link: the file it ends at is replaced, beside it.
                let linked = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_symlink());
                let real = if linked {
                    std::fs::canonicalize(path).map_err(io(path))?
                } else {
                    path.to_owned()
                };
                write_atomic(&real, contents).map_err(io(&real))?;
                return Ok(Wrote::File(real));
            }
            if let Some(unsuitable) = unsuitable(kind) {
                return Err(OutError::Unsuitable { path: path.to_owned(), kind: unsuitable });
            }
            // Devices and FIFOs: opened as they are, never created or renamed.
            let mut file = std::fs::OpenOptions::new().write(true).open(path).map_err(io(path))?;
            file.write_all(contents).and_then(|()| file.flush()).map_err(io(path))?;
            Ok(Wrote::Through)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let target = dangling_target(path)?;
            write_atomic(&target, contents).map_err(io(&target))?;
            Ok(Wrote::File(target))
        }
        Err(e) => Err(OutError::Io { path: path.to_owned(), error: e }),
    }
}

/// What a path that does not resolve ends at: itself, or the last name of
/// its chain of symlinks (`link -> reports/new.md` gives `reports/new.md`
/// beside the link), where the file is to be created.
fn dangling_target(path: &Path) -> Result<PathBuf, OutError> {
    let mut at = path.to_owned();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&at) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let points = std::fs::read_link(&at)
                    .map_err(|error| OutError::Io { path: at.clone(), error })?;
                at = match at.parent() {
                    Some(parent) if points.is_relative() => parent.join(points),
                    _ => points,
                };
            }
            _ => return Ok(at),
        }
    }
    Err(OutError::Loop(path.to_owned()))
}

#[cfg(unix)]
fn unsuitable(kind: std::fs::FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_dir() {
        Some("a folder")
    } else if kind.is_block_device() {
        Some("a block device")
    } else if kind.is_socket() {
        Some("a socket")
    } else {
        None
    }
}

#[cfg(not(unix))]
fn unsuitable(kind: std::fs::FileType) -> Option<&'static str> {
    kind.is_dir().then_some("a folder")
}

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
    // Through the `File`: the error then names no temporary path (the
    // caller names the file it was writing).
    temp.as_file_mut().write_all(contents)?;
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

/// A file that [`read_bytes`] or [`read_text`] refused, and why.
#[derive(Debug)]
pub struct ReadError {
    pub path: PathBuf,
    pub problem: ReadProblem,
}

/// Why a file was not read. Its `Display` is the reason alone, for callers
/// whose own message already names the file.
#[derive(Debug)]
pub enum ReadProblem {
    Io(io::Error),
    /// A folder, FIFO, socket or device: its kind.
    NotAFile(&'static str),
    /// Longer than the limit (bytes) its kind of file may be.
    TooLarge {
        limit: u64,
    },
    /// Not UTF-8: the offset of the first bad byte.
    NotUtf8 {
        at: usize,
    },
}

impl ReadError {
    /// The error's kind when it comes from the system (absent, denied...).
    pub fn io_kind(&self) -> Option<io::ErrorKind> {
        match &self.problem {
            ReadProblem::Io(e) => Some(e.kind()),
            _ => None,
        }
    }
}

impl fmt::Display for ReadProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadProblem::Io(e) => write!(f, "{e}"),
            ReadProblem::NotAFile(kind) => write!(f, "it is {kind}, not a regular file"),
            ReadProblem::TooLarge { limit } => {
                write!(f, "it is larger than the {} limit", human_bytes(*limit))
            }
            ReadProblem::NotUtf8 { at } => write!(f, "it is not UTF-8 text (byte {at})"),
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.problem)
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.problem {
            ReadProblem::Io(e) => Some(e),
            _ => None,
        }
    }
}

/// `1 MiB` for round sizes, else the number of bytes.
pub fn human_bytes(bytes: u64) -> String {
    const MIB: u64 = 1 << 20;
    const KIB: u64 = 1 << 10;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// The whole of a regular file of at most `limit` bytes. Anything else is
/// refused without reading it: a FIFO (which would block until a writer
/// comes), a device such as `/dev/zero` (which never ends), a folder, or a
/// file past the limit (at most `limit + 1` bytes are ever read, so a file
/// growing while it is read cannot exhaust memory either).
pub fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let fail = |problem| ReadError { path: path.to_owned(), problem };
    // The one device that is empty by design: `ssh -F /dev/null` and
    // `UserKnownHostsFile /dev/null` are common ways to say "none".
    if path == Path::new("/dev/null") {
        return Ok(Vec::new());
    }
    let file = open_regular(path).map_err(fail)?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| fail(ReadProblem::Io(e)))?;
    if bytes.len() as u64 > limit {
        return Err(fail(ReadProblem::TooLarge { limit }));
    }
    Ok(bytes)
}

/// [`read_bytes`] as UTF-8 text.
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    String::from_utf8(read_bytes(path, limit)?).map_err(|e| ReadError {
        path: path.to_owned(),
        problem: ReadProblem::NotUtf8 { at: e.utf8_error().valid_up_to() },
    })
}

/// Up to `max` bytes from the start of a regular file, and whether there was
/// more: for a file whose beginning is the answer (a version file), where a
/// longer file is cut, not refused.
pub fn read_prefix(path: &Path, max: usize) -> Result<(Vec<u8>, bool), ReadError> {
    let fail = |problem| ReadError { path: path.to_owned(), problem };
    let file = open_regular(path).map_err(fail)?;
    let mut bytes = Vec::new();
    file.take(max as u64 + 1).read_to_end(&mut bytes).map_err(|e| fail(ReadProblem::Io(e)))?;
    let truncated = bytes.len() > max;
    bytes.truncate(max);
    Ok((bytes, truncated))
}

/// Opens `path` for reading if it is a regular file (after symlinks).
/// O_NONBLOCK makes opening a FIFO return at once (without it, `open`
/// itself waits for a writer); the kind is then checked on the open file,
/// so it cannot be swapped between the check and the read. The flag does
/// not change how a regular file reads.
fn open_regular(path: &Path) -> Result<File, ReadProblem> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(path).map_err(ReadProblem::Io)?;
    let meta = file.metadata().map_err(ReadProblem::Io)?;
    if !meta.is_file() {
        return Err(ReadProblem::NotAFile(kind_of(meta.file_type())));
    }
    Ok(file)
}

fn kind_of(kind: std::fs::FileType) -> &'static str {
    if kind.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
    }
    "an unknown kind of file"
}
