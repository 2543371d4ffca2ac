//! Loading profiles by name or path, resolving `extends`, and validating, with
//! one error line naming the file, the line and the problem.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use regex::Regex;
use toml::Spanned;

use super::raw::{RawFact, RawProfile, RawRunning, RawSource};
use super::{
    Builtin, CompareKind, Extract, FactDef, Profile, RunningDef, Source, SourceKind, shipped,
};
use crate::fsutil;
use crate::output::parse;

/// The largest profile file read (the shipped ones are a few KiB): a path
/// such as `/dev/zero` or a huge file is refused, not read into memory.
pub const MAX_PROFILE_BYTES: u64 = 1 << 20;

/// A profile that cannot be used: where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError {
    pub origin: String,
    /// 1-based line and column, when the problem has a place in the file.
    pub position: Option<(usize, usize)>,
    pub message: String,
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some((line, column)) => {
                write!(f, "profile {}:{line}:{column}: {}", self.origin, self.message)
            }
            None => write!(f, "profile {}: {}", self.origin, self.message),
        }
    }
}

impl std::error::Error for ProfileError {}

/// One line of `paritty profiles`.
#[derive(Debug, Clone)]
pub struct ProfileListing {
    pub name: String,
    pub origin: String,
    pub description: String,
    /// The number of facts, or why the profile does not load.
    pub facts: Result<usize, ProfileError>,
}

/// Loads a profile given as a name (user folder first, then the shipped
/// ones) or as a path (anything with a `/` or ending in `.toml`).
pub fn load_profile(spec: &str, user_dir: Option<&Path>) -> Result<Profile, ProfileError> {
    Loader { user_dir, chain: Vec::new() }.load_spec(spec)
}

/// Parses profile text; `origin` names it in errors. `extends` resolves
/// against `user_dir` and the shipped profiles.
pub fn parse_profile(
    text: &str,
    origin: &str,
    user_dir: Option<&Path>,
) -> Result<Profile, ProfileError> {
    Loader { user_dir, chain: Vec::new() }.load_text(text, origin)
}

/// Every profile paritty can find: shipped ones, then the user's.
pub fn list_profiles(user_dir: Option<&Path>) -> Vec<ProfileListing> {
    let mut names: Vec<String> = shipped::SHIPPED.iter().map(|(n, _)| (*n).to_owned()).collect();
    for path in user_profile_files(user_dir) {
        if let Some(stem) = path.file_stem().and_then(|s| s.to_str())
            && !names.iter().any(|n| n == stem)
        {
            names.push(stem.to_owned());
        }
    }
    names
        .into_iter()
        .map(|name| match load_profile(&name, user_dir) {
            Ok(p) => ProfileListing {
                name,
                origin: p.origin,
                description: p.description,
                facts: Ok(p.facts.len()),
            },
            Err(e) => ProfileListing {
                origin: e.origin.clone(),
                name,
                description: String::new(),
                facts: Err(e),
            },
        })
        .collect()
}

fn user_profile_files(user_dir: Option<&Path>) -> Vec<PathBuf> {
    let Some(dir) = user_dir else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    files
}

struct Loader<'a> {
    user_dir: Option<&'a Path>,
    /// Names and paths being loaded, to refuse `extends` cycles.
    chain: Vec<String>,
}

impl Loader<'_> {
    fn load_spec(&mut self, spec: &str) -> Result<Profile, ProfileError> {
        let is_path = spec.contains('/')
            || spec.contains('\\')
            || Path::new(spec).extension().is_some_and(|e| e.eq_ignore_ascii_case("toml"));
        if is_path {
            return self.load_path(Path::new(spec));
        }
        if let Some(dir) = self.user_dir {
            let path = dir.join(format!("{spec}.toml"));
            // Anything by that name, so a FIFO or a folder there is named
            // as the problem rather than silently passed over.
            if path.exists() {
                return self.load_path(&path);
            }
        }
        if let Some(text) = shipped::find(spec) {
            return self.load_text(text, &format!("built-in:{spec}"));
        }
        Err(ProfileError {
            origin: spec.to_owned(),
            position: None,
            message: format!(
                "no profile named `{spec}` (run `paritty profiles` to list them, \
                 or give a path to a .toml file)"
            ),
        })
    }

    fn load_path(&mut self, path: &Path) -> Result<Profile, ProfileError> {
        let origin = path.display().to_string();
        let text = fsutil::read_text(path, MAX_PROFILE_BYTES).map_err(|e| ProfileError {
            origin: origin.clone(),
            position: None,
            message: format!("cannot read it: {}", e.problem),
        })?;
        self.load_text(&text, &origin)
    }

    fn load_text(&mut self, text: &str, origin: &str) -> Result<Profile, ProfileError> {
        let at = |span: Option<Range<usize>>, message: String| ProfileError {
            origin: origin.to_owned(),
            position: span.map(|s| position_of(text, s.start)),
            message,
        };
        let raw: RawProfile = toml::from_str(text)
            .map_err(|e| at(e.span(), e.message().trim().replace('\n', " ")))?;
        if self.chain.iter().any(|o| o == origin) {
            return Err(at(None, format!("`extends` loops back to {origin}")));
        }
        self.chain.push(origin.to_owned());

        let header = raw.profile.into_inner();
        let mut facts = Vec::new();
        let mut hash_input = String::new();
        if let Some(parent) = &header.extends {
            let parent_profile = self.load_spec(parent.get_ref()).map_err(|e| {
                if e.origin == *parent.get_ref() && e.position.is_none() {
                    at(Some(parent.span()), e.message)
                } else {
                    e
                }
            })?;
            facts = parent_profile.facts;
            hash_input.push_str(&parent_profile.hash);
        }
        hash_input.push_str(text);

        for raw_fact in raw.fact {
            let span = raw_fact.span();
            let fact = build_fact(raw_fact.into_inner(), &at)?;
            if facts.iter().any(|f: &FactDef| f.id == fact.id) {
                return Err(at(Some(span), format!("duplicate fact id `{}`", fact.id)));
            }
            facts.push(fact);
        }
        self.chain.pop();
        Ok(Profile {
            name: header.name.into_inner(),
            description: header.description,
            origin: origin.to_owned(),
            facts,
            hash: format!("fnv1a64:{:016x}", fnv1a64(hash_input.as_bytes())),
        })
    }
}

type ErrAt<'t> = dyn Fn(Option<Range<usize>>, String) -> ProfileError + 't;

fn build_fact(raw: RawFact, at: &ErrAt<'_>) -> Result<FactDef, ProfileError> {
    let id = raw.id.get_ref();
    if !is_valid_id(id) {
        return Err(at(
            Some(raw.id.span()),
            format!(
                "fact id `{id}` must be lowercase letters, digits, `.`, `_` or `-`, \
                 like `tool.git`"
            ),
        ));
    }
    let compare: CompareKind = serde::Deserialize::deserialize(
        serde::de::value::StrDeserializer::<serde::de::value::Error>::new(raw.compare.get_ref()),
    )
    .map_err(|_| {
        at(
            Some(raw.compare.span()),
            format!(
                "unknown comparison `{}` (expected semver, dpkg, rpm, pep440, loose, text or exact)",
                raw.compare.get_ref()
            ),
        )
    })?;
    let fact_extract = build_extract(raw.parser.as_ref(), raw.regex.as_ref(), at)?;
    if raw.sources.get_ref().is_empty() {
        return Err(at(Some(raw.sources.span()), format!("fact `{id}` has no sources")));
    }
    let mut sources = Vec::new();
    for raw_source in raw.sources.get_ref() {
        sources.push(build_source(raw_source, fact_extract.as_ref(), at)?);
    }
    let running = raw.running.as_ref().map(|r| build_running(r, &sources, at)).transpose()?;
    Ok(FactDef {
        id: id.clone(),
        label: raw.label,
        category: raw.category,
        compare,
        informational: raw.informational,
        sources,
        running,
    })
}

/// A fact's `running` table: program names only (they go into the probe
/// and are compared with file names), its version asked as the fact's
/// first command asks it unless the command line tells it.
fn build_running(
    raw: &Spanned<RawRunning>,
    sources: &[Source],
    at: &ErrAt<'_>,
) -> Result<RunningDef, ProfileError> {
    let span = Some(raw.span());
    let r = raw.get_ref();
    let plain = |p: &String| {
        !p.is_empty()
            && p.len() <= 64
            && p != "."
            && p != ".."
            && p.chars().all(|c| c.is_ascii_alphanumeric() || "._+-".contains(c))
    };
    if r.programs.is_empty() || !r.programs.iter().all(plain) {
        return Err(at(
            span,
            "`running.programs` needs file names of the server's executable, like `redis-server`"
                .into(),
        ));
    }
    let cmdline = r.cmdline.as_ref().map(|c| compile_regex(c, at)).transpose()?;
    let command = sources.iter().find_map(|s| match &s.kind {
        SourceKind::Command(argv) => Some((argv, &s.extract)),
        _ => None,
    });
    let version_in_cmdline = cmdline.as_ref().is_some_and(|re| re.captures_len() > 1);
    let (args, extract) = match (command, version_in_cmdline) {
        (_, true) => (Vec::new(), default_extract()),
        (Some((argv, extract)), false) => {
            (r.args.clone().unwrap_or_else(|| argv[1..].to_vec()), extract.clone())
        }
        (None, false) => {
            return Err(at(
                span,
                "`running` needs a `cmd` source (its arguments ask the running executable its \
                 version) or a `cmdline` regex with a group for the version"
                    .into(),
            ));
        }
    };
    Ok(RunningDef { programs: r.programs.clone(), cmdline, args, extract })
}

fn build_source(
    raw: &Spanned<RawSource>,
    fact_extract: Option<&Extract>,
    at: &ErrAt<'_>,
) -> Result<Source, ProfileError> {
    let span = Some(raw.span());
    let s = raw.get_ref();
    let kinds = [s.cmd.is_some(), s.file.is_some(), s.env.is_some(), s.builtin.is_some()];
    if kinds.iter().filter(|k| **k).count() != 1 {
        return Err(at(
            span,
            "a source needs exactly one of `cmd`, `file`, `env`, `builtin`".into(),
        ));
    }
    if (s.key.is_some() || s.near.is_some()) && s.file.is_none() {
        return Err(at(span, "`key` and `near` only go with `file`".into()));
    }
    let kind = if let Some(argv) = &s.cmd {
        if argv.first().is_none_or(String::is_empty) {
            return Err(at(span, "`cmd` needs a program name as its first element".into()));
        }
        SourceKind::Command(argv.clone())
    } else if let Some(path) = &s.file {
        if let Some(program) = &s.near
            && (program.is_empty() || program.contains('/') || path.starts_with('/'))
        {
            return Err(at(
                span,
                "`near` takes a program name, and `file` is then relative to it".into(),
            ));
        }
        SourceKind::File { path: path.clone(), key: s.key.clone(), near: s.near.clone() }
    } else if let Some(var) = &s.env {
        // The name goes into the remote probe script: only identifiers.
        let identifier = var.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !identifier {
            return Err(at(span, format!("`env` needs a variable name, not `{var}`")));
        }
        SourceKind::Env(var.clone())
    } else {
        let name = s.builtin.as_deref().unwrap_or_default();
        let builtin = Builtin::from_name(name).ok_or_else(|| {
            let known: Vec<&str> = Builtin::ALL.iter().map(|b| b.name()).collect();
            at(span.clone(), format!("unknown builtin `{name}` (known: {})", known.join(", ")))
        })?;
        SourceKind::Builtin(builtin)
    };
    if s.absent_if.is_some() && s.cmd.is_none() {
        return Err(at(span, "`absent_if` only goes with `cmd`".into()));
    }
    if s.app
        && (s.near.is_some()
            || !(s.cmd.is_some() || s.file.as_deref().is_some_and(|f| !f.starts_with('/'))))
    {
        return Err(at(
            span,
            "`app` goes with `cmd`, or with a `file` relative to the app folder (no `near`)".into(),
        ));
    }
    let absent_if = s.absent_if.as_ref().map(|r| compile_regex(r, at)).transpose()?;
    let extract = match build_extract(s.parser.as_ref(), s.regex.as_ref(), at)? {
        Some(own) => own,
        None => match fact_extract {
            Some(shared) => shared.clone(),
            None => default_extract(),
        },
    };
    Ok(Source { kind, extract, absent_if, in_app: s.app })
}

fn build_extract(
    parser: Option<&Spanned<String>>,
    regex: Option<&Spanned<String>>,
    at: &ErrAt<'_>,
) -> Result<Option<Extract>, ProfileError> {
    match (parser, regex) {
        (Some(p), Some(_)) => {
            Err(at(Some(p.span()), "give either `parser` or `regex`, not both".into()))
        }
        (Some(p), None) => {
            let name = p.get_ref();
            let parse = parse::lookup(name).ok_or_else(|| {
                at(
                    Some(p.span()),
                    format!("unknown parser `{name}` (known: {})", parse::NAMES.join(", ")),
                )
            })?;
            Ok(Some(Extract::Parser { name: name.clone(), parse }))
        }
        (None, Some(r)) => Ok(Some(Extract::Regex(compile_regex(r, at)?))),
        (None, None) => Ok(None),
    }
}

fn compile_regex(r: &Spanned<String>, at: &ErrAt<'_>) -> Result<Regex, ProfileError> {
    Regex::new(r.get_ref()).map_err(|e| {
        let detail = e.to_string();
        let last = detail.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
        at(Some(r.span()), format!("bad regex `{}`: {}", r.get_ref(), last.trim()))
    })
}

fn default_extract() -> Extract {
    Extract::Parser { name: "first-line".into(), parse: parse::first_line }
}

fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('.')
        && !id.ends_with('.')
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
}

/// 1-based line and column of a byte offset.
pub fn position_of(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// FNV-1a: tiny, stable across platforms and releases, enough to tell two
/// profiles apart (not a security boundary).
fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}
