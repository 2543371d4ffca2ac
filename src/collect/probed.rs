//! Facts from a probe script's framed output: the records of each source
//! become the same `Attempt`s local collection makes, and `evidence` decides.

use std::collections::BTreeMap;

use super::evidence::{Attempt, Decider, Run, absent_label, describe, read_from};
use crate::model::{Fact, Status};
use crate::output::sanitize;
use crate::probe::frame::{ProbeOutput, Record};
use crate::profile::{Profile, SourceKind};

/// Every fact of `profile`; facts the probe never delivered (it was cut
/// off) are `error`s that say why, so partial results stay marked.
pub fn facts_from_probe(
    profile: &Profile,
    output: &ProbeOutput,
    max_bytes: usize,
    cut_off: &str,
) -> BTreeMap<String, Fact> {
    let mut facts = BTreeMap::new();
    for (i, def) in profile.facts.iter().enumerate() {
        let fact = if let Some(records) = output.facts.get(&i) {
            let mut decider = Decider::new(def);
            let mut answer = None;
            for record in records {
                let Some(source) = def.sources.get(source_of(record)) else { continue };
                answer = decider.feed(source, attempt(record, source, max_bytes));
                if answer.is_some() {
                    break;
                }
            }
            answer.unwrap_or_else(|| decider.missing())
        } else {
            let mut fact = Fact::empty(Status::Error);
            fact.raw = format!("not collected: {cut_off}");
            describe(&mut fact, def);
            fact
        };
        facts.insert(def.id.clone(), fact);
    }
    // The host's running servers, where its probe listed them.
    if let Some(records) = output.facts.get(&crate::probe::script::running_fact(profile)) {
        let listing = super::running::listing::read(records);
        let why = (!listing.observable).then_some(super::running::local::NOT_OBSERVABLE);
        super::running::attach(profile, &mut facts, &listing.seen, &listing.answers, why);
    }
    facts
}

fn source_of(record: &Record) -> usize {
    match record {
        Record::Absent { source } | Record::Ran { source, .. } | Record::Read { source, .. } => {
            *source
        }
    }
}

fn attempt(record: &Record, source: &crate::profile::Source, max_bytes: usize) -> Attempt {
    let capped = |bytes: &[u8]| sanitize::clean_output(&bytes[..bytes.len().min(max_bytes)]);
    match record {
        Record::Absent { .. } => Attempt::Absent(absent_label(source)),
        Record::Ran { copies, exit_code, killed, output, .. } => {
            let SourceKind::Command(argv) = &source.kind else {
                return Attempt::Absent(absent_label(source));
            };
            let mut seen: Vec<&str> = Vec::new();
            let mut shadowed = Vec::new();
            for copy in copies {
                // Several PATH entries can be one folder (/bin -> usr/bin).
                if !seen.contains(&copy.real.as_str()) {
                    if !seen.is_empty() {
                        shadowed.push(sanitize::strip_control(&copy.path));
                    }
                    seen.push(&copy.real);
                }
            }
            Attempt::Ran(Run {
                argv: argv.clone(),
                found_at: copies
                    .first()
                    .map(|c| sanitize::strip_control(&c.path))
                    .unwrap_or_default(),
                shadowed,
                output: capped(output),
                exit_code: if *killed { None } else { *exit_code },
                timed_out: *killed,
                truncated: output.len() > max_bytes,
                spawn_error: None,
            })
        }
        Record::Read { output, copies, .. } => {
            let text = capped(output);
            // Local builtins answer trimmed; shell commands end in newlines.
            let text = if matches!(source.kind, SourceKind::Builtin(_)) {
                text.trim().into()
            } else {
                text
            };
            let found_at = match &source.kind {
                SourceKind::File { near: Some(_), .. } => {
                    copies.first().map(|c| sanitize::strip_control(&c.path))
                }
                _ => read_from(source),
            };
            Attempt::Read { text, found_at, truncated: output.len() > max_bytes }
        }
    }
}
