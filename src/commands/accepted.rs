//! The accepted-drift file as the commands find it: `--accepted PATH`,
//! else `paritty-accepted.toml` in the current folder (read by `check`
//! and the view when it exists, written by `accept`), and today's date
//! its expiries are judged on.

use std::path::PathBuf;
use std::time::SystemTime;

use color_eyre::eyre::{Result, eyre};

use crate::cli::AcceptedArgs;
use crate::compare::accepted::{self, Acceptance, MAX_ACCEPTED_BYTES};

/// The file named by `--accepted`, else `paritty-accepted.toml` here.
pub fn path(args: &AcceptedArgs) -> PathBuf {
    args.accepted.clone().unwrap_or_else(|| PathBuf::from(accepted::FILE_NAME))
}

/// The acceptances and the path they came from; `None` when the default
/// file does not exist (a file named by `--accepted` must).
pub fn load(args: &AcceptedArgs) -> Result<Option<(PathBuf, Vec<Acceptance>)>> {
    let path = path(args);
    match crate::fsutil::read_text(&path, MAX_ACCEPTED_BYTES) {
        Ok(text) => Ok(Some((path.clone(), accepted::parse(&text, &path)?))),
        Err(e) if e.io_kind() == Some(std::io::ErrorKind::NotFound) && args.accepted.is_none() => {
            Ok(None)
        }
        Err(e) => Err(eyre!("accepted {}: cannot read it: {}", path.display(), e.problem)),
    }
}

/// Today in UTC, `YYYY-MM-DD`.
pub fn today() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()[..10].to_owned()
}
