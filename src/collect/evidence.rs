//! From what a source did to a `Fact`: the one place that decides a fact's
//! status and value, shared by every transport so the same output gives the
//! same answer locally and over SSH (ARCHITECTURE.md, principle 1).

use crate::model::{Fact, Status};
use crate::output::keyvalue;
use crate::profile::{FactDef, Source, SourceKind};

/// What happened when one source of a fact was tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// Its program, file or variable is not there; says what was sought.
    Absent(String),
    /// A command ran (or could not be started).
    Ran(Run),
    /// A file, variable or builtin answered with `text`.
    Read { text: String, found_at: Option<String>, truncated: bool },
}

/// One probe command's run, output already sanitized.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Run {
    pub argv: Vec<String>,
    pub found_at: String,
    pub shadowed: Vec<String>,
    pub output: String,
    pub exit_code: Option<i32>,
    pub timed_out: bool,
    pub truncated: bool,
    pub spawn_error: Option<String>,
}

/// Decides the fact from its sources' attempts, in profile order: the first
/// source that is present decides; none present means `missing`. Returns
/// `None` while more attempts are needed (the next source must be tried).
pub struct Decider<'d> {
    def: &'d FactDef,
    looked_for: Vec<String>,
}

impl<'d> Decider<'d> {
    pub fn new(def: &'d FactDef) -> Self {
        Decider { def, looked_for: Vec::new() }
    }

    /// Feeds the attempt of `source`; `Some` once the fact is decided.
    pub fn feed(&mut self, source: &Source, attempt: Attempt) -> Option<Fact> {
        let fact = match attempt {
            Attempt::Absent(what) => {
                self.looked_for.push(what);
                return None;
            }
            Attempt::Ran(run) => {
                if run.spawn_error.is_none()
                    && !run.timed_out
                    && source.absent_if.as_ref().is_some_and(|re| re.is_match(&run.output))
                {
                    self.looked_for
                        .push(format!("{} (ran, reports it absent)", run.argv.join(" ")));
                    return None;
                }
                ran(source, run)
            }
            Attempt::Read { text, found_at, truncated } => {
                let mut fact = if let Some(key) = key_of(source) {
                    let Some(line) = keyvalue::line_of(&text, key) else {
                        let file = found_at.as_deref().unwrap_or("?");
                        self.looked_for.push(format!("{key} in {file}"));
                        return None;
                    };
                    // The parser sees the value; the line is the evidence.
                    let value = keyvalue::lookup(&text, key).unwrap_or_default();
                    let mut fact = extracted(source, &value);
                    line.clone_into(&mut fact.raw);
                    fact
                } else {
                    let mut fact = extracted(source, &text);
                    fact.truncated = truncated;
                    fact
                };
                fact.found_at = found_at;
                fact
            }
        };
        Some(self.labelled(fact))
    }

    /// The fact when no source was present: `missing`, a normal answer.
    pub fn missing(self) -> Fact {
        let mut fact = Fact::empty(Status::Missing);
        fact.raw = format!("not found: {}", self.looked_for.join(", "));
        self.labelled(fact)
    }

    fn labelled(&self, mut fact: Fact) -> Fact {
        describe(&mut fact, self.def);
        fact
    }
}

/// Copies what the profile says about a fact into it, so a snapshot file
/// explains and compares itself without its profile.
pub fn describe(fact: &mut Fact, def: &FactDef) {
    fact.label.clone_from(&def.label);
    fact.category.clone_from(&def.category);
    fact.compare = Some(def.compare);
    fact.informational = def.informational;
}

/// How an absent source is named in a `missing` fact's evidence.
pub fn absent_label(source: &Source) -> String {
    match &source.kind {
        SourceKind::Command(argv) => argv[0].clone(),
        SourceKind::File { path, near: Some(program), .. } => format!("{program} (for {path})"),
        SourceKind::File { path, .. } => path.clone(),
        SourceKind::Env(var) => format!("${var}"),
        SourceKind::Builtin(builtin) => format!("builtin {}", builtin.name()),
    }
}

/// Where a file, variable or builtin answer came from.
pub fn read_from(source: &Source) -> Option<String> {
    match &source.kind {
        SourceKind::File { path, near: None, .. } => Some(path.clone()),
        // Known only once the program is found: the attempt says where.
        SourceKind::Env(var) => Some(format!("${var}")),
        SourceKind::File { near: Some(_), .. }
        | SourceKind::Command(_)
        | SourceKind::Builtin(_) => None,
    }
}

fn key_of(source: &Source) -> Option<&str> {
    match &source.kind {
        SourceKind::File { key, .. } => key.as_deref(),
        _ => None,
    }
}

fn ran(source: &Source, run: Run) -> Fact {
    let mut fact = if let Some(why) = &run.spawn_error {
        let mut f = Fact::empty(Status::Error);
        f.raw = format!("could not run {}: {why}", run.found_at);
        f
    } else if run.timed_out {
        let mut f = Fact::empty(Status::Timeout);
        f.raw = run.output;
        f
    } else {
        let mut f = extracted(source, &run.output);
        f.raw = run.output;
        // A command cut off at the byte cap ended on SIGPIPE: its exit
        // status says nothing about the tool.
        f.exit_code = if run.truncated { None } else { run.exit_code };
        f
    };
    fact.truncated = run.truncated;
    fact.command = Some(run.argv);
    fact.found_at = Some(run.found_at);
    fact.shadowed = run.shadowed;
    fact
}

/// `ok` with the extracted value, or `error` when the text holds none; the
/// text is kept as the raw evidence either way. A successful parse counts
/// even after a non-zero exit (musl's `ldd`, some `-version` wrappers).
fn extracted(source: &Source, text: &str) -> Fact {
    let value = source.extract.apply(text);
    let mut fact = Fact::empty(if value.is_some() { Status::Ok } else { Status::Error });
    fact.value = value;
    text.clone_into(&mut fact.raw);
    fact
}
