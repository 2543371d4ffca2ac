//! This machine's app dependencies, read straight from the app folder's
//! files (no pip, no npm started: a few hundred small reads): the
//! virtualenv's `*.dist-info/METADATA` headers, npm's hidden lockfile (or
//! each top-level package's `package.json` where there is none), and the
//! lock files. Which virtualenv: `$VIRTUAL_ENV` when it is inside the app
//! folder, else the first of `.venv`, `venv`, `env`, `.virtualenv` there
//! holding a `pyvenv.cfg`; with none, and only for an app whose lock files
//! pin Python packages, the site-packages of the `python3` on PATH (an
//! image that `pip install`ed into its interpreter): a machine's own
//! Python packages are not an app's. Ruby's installed gems likewise: the
//! app's bundle (the app config's `BUNDLE_PATH`, else `$BUNDLE_PATH`,
//! else `vendor/bundle`: `deps::stream::bundle_dir`; the app config
//! `.bundle/config`, or `$BUNDLE_APP_CONFIG/config`) when it has one, its
//! gemspecs and its checkouts of `git:` gems, else, for an app with a
//! `Gemfile.lock` where Bundler is on PATH, the system's gem folders and
//! checkouts (the gems the lock names only).

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use super::{Found, facts};
use crate::declare::Problem;
use crate::deps::Ecosystem;
use crate::deps::ruby::GEMSPEC_HEAD;
use crate::deps::stream::{
    LOCK_FILES, MAX_FILE, SYSTEM_CHECKOUTS, SYSTEM_GEMS, VENVS, bundle_config, bundle_dir,
    is_requirements,
};
use crate::fsutil::{read_prefix, read_text};
use crate::model::Fact;

/// A METADATA file's headers are at its start; the rest is the
/// package's description.
const METADATA_HEAD: usize = 64 * 1024;

/// The part of the app's Bundler config read (the probe's `head -c`).
const BUNDLE_CONFIG_HEAD: usize = 64 * 1024;

/// Where to look.
pub struct Here<'a> {
    pub app_dir: &'a Path,
    /// `$VIRTUAL_ENV` as paritty was started with it.
    pub virtual_env: Option<&'a OsStr>,
    /// The PATH that finds `python3` (the interpreter's own packages).
    pub path_var: Option<&'a OsStr>,
    /// `$BUNDLE_PATH` as paritty was started with it (where Bundler
    /// installs when the app's config does not say).
    pub bundle_path: Option<&'a OsStr>,
    /// `$BUNDLE_APP_CONFIG` as paritty was started with it (the folder of
    /// the app's config instead of `.bundle`, as the official `ruby`
    /// images set it).
    pub bundle_app_config: Option<&'a OsStr>,
}

/// The `deps.*` facts of the app folder here.
pub fn collect(here: &Here<'_>) -> BTreeMap<String, Fact> {
    facts(&read(here))
}

/// What the app folder's dependency files say.
pub fn read(here: &Here<'_>) -> Found {
    let mut found = Found::default();
    let dir = here.app_dir;
    for name in LOCK_FILES {
        read_file(&mut found, dir, &dir.join(name));
    }
    for path in sorted(dir, |n| is_requirements(n) && n != "requirements.txt") {
        read_file(&mut found, dir, &path);
    }
    let pins_python = found.pinned.iter().any(|p| p.ecosystem == Ecosystem::Python);
    let site = match virtualenv(here) {
        Some(venv) => site_packages(&venv.join("lib")),
        None if pins_python => interpreter_site_packages(here.path_var),
        None => Vec::new(),
    };
    for folder in site {
        for dist in sorted(&folder, |n| n.ends_with(".dist-info")) {
            read_metadata(&mut found, dir, &dist.join("METADATA"));
        }
    }
    let modules = dir.join("node_modules");
    let hidden = modules.join(".package-lock.json");
    if hidden.is_file() {
        read_file(&mut found, dir, &hidden);
    } else if modules.is_dir() {
        for package in sorted(&modules, |n| !n.starts_with('.')) {
            if package.file_name().is_some_and(|n| n.to_string_lossy().starts_with('@')) {
                for scoped in sorted(&package, |n| !n.starts_with('.')) {
                    read_file(&mut found, dir, &scoped.join("package.json"));
                }
            } else {
                read_file(&mut found, dir, &package.join("package.json"));
            }
        }
    }
    let locks_gems = ["Gemfile.lock", "gems.locked"].iter().any(|n| dir.join(n).is_file());
    let mut gems = bundle_gemspecs(here);
    if gems.is_none() && locks_gems && has_bundler(here.path_var) {
        let folders = SYSTEM_GEMS.iter().flat_map(|pattern| expand(pattern));
        let mut specs: Vec<PathBuf> = folders.flat_map(|f| gemspecs_in(&f)).collect();
        for pattern in SYSTEM_CHECKOUTS {
            specs.extend(expand(pattern).iter().flat_map(|gems| checkout_gemspecs(gems)));
        }
        gems = Some(specs);
    }
    for spec in gems.unwrap_or_default() {
        read_gemspec(&mut found, dir, &spec);
    }
    found
}

/// The app bundle's gemspecs, per `ruby/<abi>` folder its
/// `specifications/*.gemspec` then its checkouts' of `git:` gems; `None`
/// when it has neither folder (no bundle).
fn bundle_gemspecs(here: &Here<'_>) -> Option<Vec<PathBuf>> {
    let app_dir = here.app_dir;
    let file = app_dir.join(bundle_config(here.bundle_app_config.map(OsStr::to_string_lossy)));
    // Its first 64 KiB, bytes that are not UTF-8 kept as others, as the
    // probe reads it: a Latin-1 comment does not hide its BUNDLE_PATH.
    let config = read_prefix(&file, BUNDLE_CONFIG_HEAD).unwrap_or_default().0;
    let config = String::from_utf8_lossy(&config);
    let bundle = app_dir.join(bundle_dir(&config, here.bundle_path.and_then(OsStr::to_str)));
    let mut any = false;
    let mut specs = Vec::new();
    for abi in sorted(&bundle.join("ruby"), |_| true) {
        let (folder, checkouts) = (abi.join("specifications"), abi.join("bundler/gems"));
        any |= folder.is_dir() || checkouts.is_dir();
        specs.extend(gemspecs_in(&folder));
        specs.extend(checkout_gemspecs(&checkouts));
    }
    any.then_some(specs)
}

/// The `*.gemspec` files of `dir`, sorted.
fn gemspecs_in(dir: &Path) -> Vec<PathBuf> {
    // Hidden ones too are passed over, as the probe's globs pass them.
    sorted(dir, |n| n.ends_with(".gemspec") && !n.starts_with('.'))
        .into_iter()
        .filter(|p| p.is_file())
        .collect()
}

/// The gemspecs of each checkout in `gems` (a `bundler/gems` folder),
/// where Bundler's glob `{,*,*/*}.gemspec` finds them: at the top, then
/// one folder down, in the order the probe's `*.gemspec */*.gemspec`
/// globs give (each sorted as a whole by path, hidden ones passed over).
fn checkout_gemspecs(gems: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for checkout in sorted(gems, |n| !n.starts_with('.')).into_iter().filter(|p| p.is_dir()) {
        let mut level = vec![checkout];
        for _ in 0..2 {
            let mut specs: Vec<PathBuf> = level.iter().flat_map(|d| gemspecs_in(d)).collect();
            // By the bytes of the whole path, as a glob sorts in the C
            // locale (`Path`'s order goes by components).
            specs.sort_by(|a, b| a.as_os_str().as_bytes().cmp(b.as_os_str().as_bytes()));
            out.extend(specs);
            level = level
                .iter()
                .flat_map(|d| sorted(d, |n| !n.starts_with('.')))
                .filter(|p| p.is_dir())
                .collect();
        }
    }
    out
}

fn has_bundler(path_var: Option<&OsStr>) -> bool {
    let cwd = std::env::current_dir().unwrap_or_default();
    which::which_in("bundle", path_var, cwd).is_ok()
}

/// The folders a `SYSTEM_GEMS` pattern names (its `*` one folder).
fn expand(pattern: &str) -> Vec<PathBuf> {
    match pattern.split_once("/*/") {
        None => vec![PathBuf::from(pattern)].into_iter().filter(|p| p.is_dir()).collect(),
        Some((parent, rest)) => sorted(Path::new(parent), |_| true)
            .into_iter()
            .map(|p| p.join(rest))
            .filter(|p| p.is_dir())
            .collect(),
    }
}

/// A gemspec's head (`ruby::gemspec` reads the lines ending within its
/// first `GEMSPEC_HEAD` bytes), as the probe sends it.
fn read_gemspec(found: &mut Found, app_dir: &Path, path: &Path) {
    let name = shown(app_dir, path);
    match read_prefix(path, GEMSPEC_HEAD) {
        Ok((bytes, cut)) => {
            // Bytes above 127 as `?`, as the probe's awk sends them: a
            // line is then as long here as there.
            let mut text: String =
                bytes.iter().map(|b| if b.is_ascii() { char::from(*b) } else { '?' }).collect();
            if !cut && !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            found.add_file(&name, &text);
        }
        Err(e) => {
            found.problems.push(Problem::new(&name, None, format!("cannot read: {}", e.problem)));
        }
    }
}

/// The app's virtualenv, if it has one.
fn virtualenv(here: &Here<'_>) -> Option<PathBuf> {
    let root = std::fs::canonicalize(here.app_dir).ok()?;
    let active = here
        .virtual_env
        .filter(|v| !v.is_empty())
        .and_then(|v| std::fs::canonicalize(v).ok())
        .filter(|v| v.starts_with(&root));
    active.or_else(|| VENVS.iter().map(|v| root.join(v)).find(|v| v.join("pyvenv.cfg").is_file()))
}

/// `LIB/python3.X/site-packages` folders.
fn site_packages(lib: &Path) -> Vec<PathBuf> {
    sorted(lib, |n| n.starts_with("python"))
        .into_iter()
        .map(|p| p.join("site-packages"))
        .filter(|p| p.is_dir())
        .collect()
}

/// The site-packages of the `python3` on PATH, found from where it is
/// (`PREFIX/bin/python3` -> `PREFIX/lib/python3.X/site-packages`), and
/// Debian's `/usr/local/lib/python3.X/dist-packages`, where its pip
/// installs, for `/usr/bin/python3`.
fn interpreter_site_packages(path_var: Option<&OsStr>) -> Vec<PathBuf> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let Ok(python) = which::which_in("python3", path_var, cwd) else { return Vec::new() };
    let Ok(real) = std::fs::canonicalize(python) else { return Vec::new() };
    let Some(prefix) = real.parent().and_then(Path::parent) else { return Vec::new() };
    let mut out = site_packages(&prefix.join("lib"));
    if prefix == Path::new("/usr") {
        out.extend(
            sorted(Path::new("/usr/local/lib"), |n| n.starts_with("python3"))
                .into_iter()
                .map(|p| p.join("dist-packages"))
                .filter(|p| p.is_dir()),
        );
    }
    out
}

/// The entries of `dir` whose names pass `keep`, sorted.
fn sorted(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| keep(&e.file_name().to_string_lossy()))
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}

/// `path` as the evidence names it: inside the app folder, from there
/// (a virtualenv found by its real path is inside too); each byte that is
/// a control character or above 127 a `?`, as the probe's awk names it
/// (a bundle under a home folder named in UTF-8 reads the same both ways).
fn shown(app_dir: &Path, path: &Path) -> String {
    let root = std::fs::canonicalize(app_dir).ok();
    let rest = path.strip_prefix(app_dir).ok().or_else(|| path.strip_prefix(root.as_deref()?).ok());
    let bytes = rest.unwrap_or(path).as_os_str().as_bytes();
    bytes.iter().map(|b| if (b' '..0x7f).contains(b) { char::from(*b) } else { '?' }).collect()
}

fn read_file(found: &mut Found, app_dir: &Path, path: &Path) {
    if std::fs::symlink_metadata(path).is_err() {
        return;
    }
    let name = shown(app_dir, path);
    match read_text(path, MAX_FILE as u64) {
        Ok(text) => found.add_file(&name, &text),
        Err(e) => {
            found.problems.push(Problem::new(&name, None, format!("cannot read: {}", e.problem)));
        }
    }
}

/// A METADATA file's headers (up to the first blank line) only.
fn read_metadata(found: &mut Found, app_dir: &Path, path: &Path) {
    let name = shown(app_dir, path);
    match read_prefix(path, METADATA_HEAD) {
        Ok((bytes, _)) => {
            let text = String::from_utf8_lossy(&bytes);
            let end =
                text.find("\n\n").or_else(|| text.find("\r\n\r\n")).map_or(text.len(), |i| i + 1);
            found.add_file(&name, &text[..end]);
        }
        Err(e) => {
            found.problems.push(Problem::new(&name, None, format!("cannot read: {}", e.problem)));
        }
    }
}
