//! `--declared-from HOST`: the declaration files of a host's app folder
//! (its `app_dir`), read through the host's own transport (the probe over
//! SSH, the engine for a container) as a profile of file facts asked in
//! the app folder, then parsed here like the local ones, with the lock
//! pins the same probe's dependency fact read. Text only, each file at
//! most `declare::read::MAX_FILE_BYTES`, never evaluated.

use std::sync::Arc;

use color_eyre::eyre::{Result, eyre};

use super::collecting;
use crate::collect::plan::Plan;
use crate::collect::target::Target;
use crate::declare::read::{MAX_FILE_BYTES, from_texts};
use crate::declare::{Declaration, Declarations, FILES, Problem};
use crate::model::Status;
use crate::output::parse::lookup;
use crate::profile::{CompareKind, Extract, FactDef, Profile, Source, SourceKind};

/// The profile that reads each of `declare::FILES` in the app folder.
fn files_profile() -> Profile {
    let parse = lookup("trim").unwrap_or(|raw| Some(raw.to_owned()));
    let facts = FILES
        .iter()
        .enumerate()
        .map(|(i, name)| FactDef {
            id: format!("declared.file.{i}"),
            label: (*name).to_owned(),
            category: "Declared".into(),
            compare: CompareKind::Text,
            informational: true,
            sources: vec![Source {
                kind: SourceKind::File { path: (*name).to_owned(), key: None, near: None },
                extract: Extract::Parser { name: "trim".into(), parse },
                absent_if: None,
                in_app: true,
            }],
            running: None,
        })
        .collect();
    Profile {
        name: "declared-files".into(),
        description: "the app folder's declaration files".into(),
        origin: "built-in:declared-files".into(),
        facts,
        hash: String::new(),
    }
}

/// What `target`'s app folder declares, read there. A target without an
/// app folder (or not collectable) is an error naming it.
pub fn read(target: &Target, plan: &Plan) -> Result<Declarations> {
    let name = target.name();
    let Some(app_dir) = target.app_dir() else {
        return Err(eyre!(
            "--declared-from {name}: it names no app folder (set `app_dir` for it in paritty.toml)"
        ));
    };
    let mut plan = plan.clone();
    plan.profile = Arc::new(files_profile());
    plan.collect.max_bytes = usize::try_from(MAX_FILE_BYTES).unwrap_or(usize::MAX);
    let reports = collecting::collect(std::slice::from_ref(target), &plan);
    let report = reports.into_iter().next().ok_or_else(|| eyre!("{name}: not collected"))?;
    let Some(snapshot) = report.snapshot else {
        let why = report.failure.map_or_else(|| "not collected".to_owned(), |f| f.to_string());
        return Err(eyre!("--declared-from {name}: {why}"));
    };
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for (i, file) in FILES.iter().enumerate() {
        let Some(fact) = snapshot.facts.get(&format!("declared.file.{i}")) else { continue };
        match fact.status {
            Status::Missing => {}
            _ if fact.truncated => problems.push(Problem::new(
                file,
                None,
                format!("larger than {MAX_FILE_BYTES} bytes: not read"),
            )),
            Status::Timeout => problems.push(Problem::new(file, None, "timed out: not read")),
            _ => files.push(((*file).to_owned(), fact.raw.clone())),
        }
    }
    let mut declarations = from_texts(&format!("{name}:{app_dir}"), &files);
    declarations.problems.extend(problems);
    // The probe read the app's dependency files too: their lock pins
    // declare, as this machine's do.
    let pins = crate::collect::deps::pins_of(&snapshot.facts);
    add_pins(&mut declarations, pins.iter());
    Ok(declarations)
}

/// Lock pins as declarations: each an exact constraint on its `deps.*`
/// fact by the ecosystem's rules (here's, `declared::here`, and a host's).
pub fn add_pins<'p>(
    declarations: &mut Declarations,
    pins: impl Iterator<Item = &'p crate::deps::Package>,
) {
    use crate::declare::Rules;
    use crate::deps::{Ecosystem, fact_id};
    for pin in pins {
        let (constraint, rules) = match pin.ecosystem {
            Ecosystem::Python => (format!("=={}", pin.version), Rules::Pep440),
            Ecosystem::Node => (pin.version.clone(), Rules::Npm),
            Ecosystem::Ruby => (format!("= {}", pin.version), Rules::Ruby),
        };
        declarations.items.push(Declaration {
            fact: fact_id(pin.ecosystem, &pin.name),
            constraint,
            rules,
            file: pin.file.clone(),
            line: pin.line,
        });
    }
}
