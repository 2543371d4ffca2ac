//! Reading an app folder's declaration files: each through the bounded
//! reader (`fsutil::read_text`), each parsed on its own, so one unreadable
//! or malformed file is one problem and the others still count.

use std::path::Path;

use super::{Declarations, FILES, Problem, parse};
use crate::fsutil::read_text;
use crate::output::sanitize::one_line;

/// A declaration file is a few lines; a package.json or a compose file
/// with long comments stays far below this.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// More than this from one file is not a project's pin but a generated or
/// hostile file: the rest is left out, and said so.
pub const MAX_PER_FILE: usize = 64;

/// The declarations of the files in `dir` (those of [`FILES`] present).
pub fn read_dir(dir: &Path) -> Declarations {
    let mut out =
        Declarations { app_dir: one_line(&dir.display().to_string()), ..Default::default() };
    let root = std::fs::canonicalize(dir).ok();
    for name in FILES {
        let path = dir.join(name);
        // A name that is not there at all is not a problem; anything else is.
        let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
        // The folder is someone else's: a link to `~/.ssh/...` or
        // `/etc/shadow` named `.nvmrc` would put that file's first line in
        // an export. Links are followed only inside the app folder.
        if meta.is_symlink() {
            let inside = std::fs::canonicalize(&path)
                .ok()
                .zip(root.as_ref())
                .is_some_and(|(target, root)| target.starts_with(root));
            if !inside {
                let why = "is a link to outside the app folder: not read";
                out.problems.push(Problem::new(name, None, why));
                continue;
            }
        }
        let text = match read_text(&path, MAX_FILE_BYTES) {
            Ok(text) => text,
            Err(e) => {
                out.problems.push(Problem::new(name, None, format!("cannot read: {}", e.problem)));
                continue;
            }
        };
        // Editors on Windows start files with a byte order mark; npm and
        // the version managers skip it, and so does paritty.
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let (mut found, problems) = parse(name, text);
        if found.len() > MAX_PER_FILE {
            found.truncate(MAX_PER_FILE);
            out.problems.push(Problem::new(
                name,
                None,
                format!("more than {MAX_PER_FILE} declarations; the rest are left out"),
            ));
        }
        out.items.extend(found);
        out.problems.extend(problems);
    }
    out
}
