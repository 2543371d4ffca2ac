//! Reading an app folder's declaration files: each through the bounded
//! reader (`fsutil::read_text`), each parsed on its own, so one unreadable
//! or malformed file is one problem and the others still count.

use std::path::{Path, PathBuf};

use super::compose::{self, AppHost};
use super::{Declarations, FILES, Problem, WORKFLOWS, parse};
use crate::fsutil::read_text;
use crate::output::sanitize::one_line;

/// A declaration file is a few lines; a package.json or a compose file
/// with long comments stays far below this.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// More than this from one file is not a project's pin but a generated or
/// hostile file: the rest is left out, and said so.
pub const MAX_PER_FILE: usize = 64;

/// At most this many workflow files are read: a project has a handful.
pub const MAX_WORKFLOWS: usize = 32;

/// The declarations of the files in `dir` (those of [`FILES`] present,
/// and the GitHub Actions workflows under [`WORKFLOWS`]), compose services
/// given their roles by their types alone.
pub fn read_dir(dir: &Path) -> Declarations {
    read_dir_for(dir, &[])
}

/// The same, `hosts` the roles the app's URLs name (a compose service of
/// that name plays the role).
pub fn read_dir_for(dir: &Path, hosts: &[AppHost]) -> Declarations {
    let mut out =
        Declarations { app_dir: one_line(&dir.display().to_string()), ..Default::default() };
    let root = std::fs::canonicalize(dir).ok();
    let present: Vec<&str> = FILES
        .iter()
        .copied()
        .filter(|name| std::fs::symlink_metadata(dir.join(name)).is_ok())
        .collect();
    let project = compose::project(&present);
    let mut composed = Vec::new();
    for name in present.iter().filter(|n| !compose::is_compose(n) || project.contains(n)) {
        if let Some(text) = read_file(&mut out, root.as_deref(), name, &dir.join(name)) {
            if compose::is_compose(name) {
                composed.push((*name, text));
            } else {
                add_text(&mut out, name, &text);
            }
        }
    }
    add_compose(&mut out, &composed, hosts);
    for (name, path) in workflows(&mut out, dir) {
        if let Some(text) = read_file(&mut out, root.as_deref(), &name, &path) {
            add_text(&mut out, &name, &text);
        }
    }
    out
}

/// The `*.yml`/`*.yaml` files of the workflows folder, sorted, named by
/// their path in the app folder.
fn workflows(out: &mut Declarations, dir: &Path) -> Vec<(String, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(dir.join(WORKFLOWS)) else { return Vec::new() };
    let mut files: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .filter_map(|p| {
            let file = p.file_name()?.to_string_lossy().into_owned();
            Some((format!("{WORKFLOWS}/{file}"), p))
        })
        .collect();
    files.sort();
    if files.len() > MAX_WORKFLOWS {
        files.truncate(MAX_WORKFLOWS);
        let why = format!("more than {MAX_WORKFLOWS} workflows; the rest are left out");
        out.problems.push(Problem::new(WORKFLOWS, None, why));
    }
    files
}

/// One file's text, or its problem into `out`; a file not there at all
/// is neither.
fn read_file(
    out: &mut Declarations,
    root: Option<&Path>,
    name: &str,
    path: &Path,
) -> Option<String> {
    std::fs::symlink_metadata(path).ok()?;
    // The folder is someone else's: a link to `~/.ssh/...` or `/etc/shadow`
    // named `.nvmrc` (or a linked `.github`) would put that file's first
    // line in an export. Only what resolves inside the app folder is read.
    let inside = std::fs::canonicalize(path)
        .ok()
        .zip(root)
        .is_some_and(|(target, root)| target.starts_with(root));
    if !inside {
        let why = "is a link to outside the app folder: not read";
        out.problems.push(Problem::new(name, None, why));
        return None;
    }
    match read_text(path, MAX_FILE_BYTES) {
        Ok(text) => Some(text),
        Err(e) => {
            out.problems.push(Problem::new(name, None, format!("cannot read: {}", e.problem)));
            None
        }
    }
}

/// The declarations of files read on another machine (a host's app
/// folder, through its transport), by their names in that folder; `app_dir`
/// says where they were (`prod:/srv/app`).
pub fn from_texts(app_dir: &str, files: &[(String, String)]) -> Declarations {
    let mut out = Declarations { app_dir: one_line(app_dir), ..Default::default() };
    let present: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    let project = compose::project(&present);
    let mut composed = Vec::new();
    for (name, text) in files {
        if !compose::is_compose(name) {
            add_text(&mut out, name, text);
        } else if project.contains(&name.as_str()) {
            composed.push((name.as_str(), text.clone()));
        }
    }
    // The host's `.env` is not read here (it holds credentials, which stay
    // on the host): its compose services play the roles their types do.
    add_compose(&mut out, &composed, &[]);
    out
}

/// A compose project's files (base, then override) parsed together into
/// `out`, at most [`MAX_PER_FILE`] declarations of them.
fn add_compose(out: &mut Declarations, files: &[(&str, String)], hosts: &[AppHost]) {
    if files.is_empty() {
        return;
    }
    let texts: Vec<(&str, &str)> = files
        .iter()
        .map(|(name, text)| (*name, text.strip_prefix('\u{feff}').unwrap_or(text)))
        .collect();
    let (found, problems) = compose::declarations(&texts, hosts);
    push_capped(out, files[0].0, found);
    out.problems.extend(problems);
}

/// One file's text parsed into `out`, at most [`MAX_PER_FILE`] of it.
fn add_text(out: &mut Declarations, name: &str, text: &str) {
    // Editors on Windows start files with a byte order mark; npm and the
    // version managers skip it, and so does paritty.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (found, problems) = parse(name, text);
    push_capped(out, name, found);
    out.problems.extend(problems);
}

fn push_capped(out: &mut Declarations, name: &str, mut found: Vec<super::Declaration>) {
    if found.len() > MAX_PER_FILE {
        found.truncate(MAX_PER_FILE);
        out.problems.push(Problem::new(
            name,
            None,
            format!("more than {MAX_PER_FILE} declarations; the rest are left out"),
        ));
    }
    out.items.extend(found);
}
