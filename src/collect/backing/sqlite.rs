//! SQLite: no server to ask, so the version is the library the file would
//! be opened with on that machine (the `sqlite3` CLI's, else python3's
//! `sqlite3` module's: which one is said), and the file's own format comes
//! from its 100-byte header (read only, never opened as a database).

use std::path::Path;
use std::time::Duration;

use super::Outcome;
use crate::collect::{command, locate::locate};
use crate::model::Status;

/// The header as text: `SQLite format 3, page size 4096, last written by
/// SQLite 3.40.1`; or why it is not a database file.
pub fn describe_header(bytes: &[u8]) -> String {
    if bytes.len() < 100 {
        return if bytes.is_empty() {
            "empty file (SQLite would make it a new database)".to_owned()
        } else {
            "not an SQLite database (shorter than its header)".to_owned()
        };
    }
    if &bytes[..16] != b"SQLite format 3\0" {
        return "not an SQLite database (no SQLite header)".to_owned();
    }
    let page = u32::from(u16::from_be_bytes([bytes[16], bytes[17]]));
    let page = if page == 1 { 65536 } else { page };
    let written = u32::from_be_bytes([bytes[96], bytes[97], bytes[98], bytes[99]]);
    format!(
        "SQLite format 3, page size {page}, last written by SQLite {}.{}.{}",
        written / 1_000_000,
        written / 1000 % 1000,
        written % 1000
    )
}

/// The library version in what `sqlite3 --version` or python3 printed:
/// its first word when it reads as a version.
pub fn library_version(printed: &str) -> Option<String> {
    let word = printed.split_whitespace().next()?;
    let ok = word.split('.').count() >= 2 && word.split('.').all(|p| p.parse::<u32>().is_ok());
    ok.then(|| word.to_owned())
}

/// This machine's answer for a database file (relative paths from the app
/// folder): the library version and the file's header.
pub fn ask_here(
    database: &str,
    app_dir: &Path,
    timeout: Duration,
    path_var: Option<&std::ffi::OsStr>,
) -> Outcome {
    let file = if database == ":memory:" {
        "in memory (no file)".to_owned()
    } else {
        let path = app_dir.join(database);
        match crate::fsutil::read_prefix(&path, 100) {
            Ok((bytes, _)) => describe_header(&bytes),
            Err(e) if e.io_kind() == Some(std::io::ErrorKind::NotFound) => {
                "no such file yet (SQLite would create it)".to_owned()
            }
            Err(e) => format!("not read: {}", e.problem),
        }
    };
    let tries: [(&str, &[&str]); 2] = [
        ("sqlite3", &["--version"]),
        ("python3", &["-c", "import sqlite3; print(sqlite3.sqlite_version)"]),
    ];
    for (program, args) in tries {
        let Some(found) = locate(program, path_var) else { continue };
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        let run = command::run(&found.path, &args, timeout, 4096);
        let printed = String::from_utf8_lossy(&run.output);
        if let Some(version) = library_version(&printed) {
            return Outcome::Answered {
                service: "sqlite".into(),
                version,
                how: format!("by {} (the library it links); file: {file}", found.path.display()),
            };
        }
    }
    Outcome::failed(
        Status::NotAsked,
        format!("no sqlite3 CLI or python3 here to tell the SQLite library version; file: {file}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_tells_the_format_and_the_last_writer() {
        let mut header = b"SQLite format 3\0".to_vec();
        header.extend_from_slice(&[0x10, 0x00]);
        header.resize(96, 0);
        header.extend_from_slice(&3_040_001u32.to_be_bytes());
        assert_eq!(
            describe_header(&header),
            "SQLite format 3, page size 4096, last written by SQLite 3.40.1"
        );
        assert!(describe_header(b"hello").starts_with("not an SQLite database"));
        assert!(describe_header(&[0u8; 100]).contains("no SQLite header"));
    }

    #[test]
    fn library_versions_are_read_from_either_tool() {
        assert_eq!(
            library_version(
                "3.40.1 2022-12-28 14:03:47 df5c253c0b3dd24916e4ec7cf77d3db5294cc9fd45ae7b9c5e82ad8197f3alt1\n"
            ),
            Some("3.40.1".into())
        );
        assert_eq!(library_version("3.46.0\n"), Some("3.46.0".into()));
        assert_eq!(library_version("sqlite3: not found"), None);
    }
}
