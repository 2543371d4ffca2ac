//! The example snapshots shipped in the binary: they load, match the current
//! default profile, are what collection would have written from their raw
//! evidence, and together show every kind of divergence.

use std::collections::BTreeMap;
use std::path::Path;

use paritty::collect::evidence::{Attempt, Decider, Run, absent_label};
use paritty::compare::matrix::{Comparison, choose_baseline};
use paritty::compare::policy::Policy;
use paritty::compare::severity::Severity;
use paritty::examples::{is_example, reports};
use paritty::model::snapshot_file::{parse_snapshot, to_json};
use paritty::model::{Fact, HostReport, Snapshot, Status, Transport};
use paritty::profile::{FactDef, Profile, Source, SourceKind, load_profile};

const FILES: [&str; 3] = ["prod-web-1.json", "staging-web-1.json", "laptop-dev.json"];
const NAMES: [&str; 3] = ["example-prod-web-1", "example-staging-web-1", "example-laptop-dev"];

fn default_profile() -> Profile {
    load_profile("default", None).expect("the default profile loads")
}

fn snapshots() -> Vec<Snapshot> {
    reports()
        .into_iter()
        .map(|r| {
            assert_eq!(r.failure, None, "{}", r.target);
            r.snapshot.expect("an example has a snapshot")
        })
        .collect()
}

#[test]
fn every_example_parses_in_order_and_is_labelled() {
    let reports = reports();
    assert_eq!(reports.len(), 3);
    for (report, name) in reports.iter().zip(NAMES) {
        assert_eq!(report.failure, None, "{name}");
        assert_eq!(report.target, name);
        let snapshot = report.snapshot.as_ref().expect("parsed");
        assert_eq!(snapshot.host.name, name);
        assert_eq!(snapshot.schema_version, 1);
        assert!(snapshot.collected_at.starts_with("2026-11-20T"), "{name}");
        assert!(is_example(report), "{name}");
    }
    let transports: Vec<Transport> = reports
        .iter()
        .map(|r| r.snapshot.as_ref().expect("parsed").host.transport.clone())
        .collect();
    assert_eq!(transports, [Transport::Ssh, Transport::Ssh, Transport::Local]);
    let environments: Vec<&str> = reports
        .iter()
        .map(|r| r.snapshot.as_ref().expect("parsed").host.labels["environment"].as_str())
        .collect();
    assert_eq!(environments, ["prod", "staging", "dev"]);
    // The baseline chosen for them without asking is prod.
    assert_eq!(choose_baseline(&reports, None), Ok(0));
}

#[test]
fn only_the_example_label_makes_an_example() {
    fn labels(r: &mut HostReport) -> &mut BTreeMap<String, String> {
        &mut r.snapshot.as_mut().expect("parsed").host.labels
    }
    let mut report = reports().swap_remove(0);
    labels(&mut report).insert("example".into(), "false".into());
    assert!(!is_example(&report));
    labels(&mut report).remove("example");
    assert!(!is_example(&report));
    let failed = HostReport { target: "x".into(), snapshot: None, failure: None };
    assert!(!is_example(&failed));
}

#[test]
fn files_on_disk_parse_and_are_in_the_stable_layout() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/snapshots");
    for file in FILES {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path).expect("example file readable");
        let snapshot = parse_snapshot(&text, &path).expect("example parses");
        // Written exactly as paritty writes snapshots, so they diff cleanly.
        assert_eq!(to_json(&snapshot), text, "{file} is not in paritty's own JSON layout");
    }
}

#[test]
fn examples_match_the_current_default_profile() {
    let profile = default_profile();
    let ids: Vec<&str> = profile.facts.iter().map(|d| d.id.as_str()).collect();
    for snapshot in snapshots() {
        let name = &snapshot.host.name;
        assert_eq!(snapshot.profile.name, "default", "{name}");
        assert_eq!(
            snapshot.profile.hash, profile.hash,
            "{name}: the default profile changed; regenerate examples/snapshots"
        );
        let mut have: Vec<&str> = snapshot.facts.keys().map(String::as_str).collect();
        let mut want = ids.clone();
        have.sort_unstable();
        want.sort_unstable();
        assert_eq!(have, want, "{name}: fact ids differ from the default profile's");
        for def in &profile.facts {
            let fact = &snapshot.facts[&def.id];
            assert_eq!(fact.label, def.label, "{name} {}", def.id);
            assert_eq!(fact.category, def.category, "{name} {}", def.id);
            assert_eq!(fact.compare, Some(def.compare), "{name} {}", def.id);
            assert_eq!(fact.informational, def.informational, "{name} {}", def.id);
        }
    }
}

/// The source of `def` that produced `fact`, by its command or where it read.
fn source_of<'d>(def: &'d FactDef, fact: &Fact) -> &'d Source {
    let found_at = fact.found_at.as_deref();
    def.sources
        .iter()
        .find(|s| match (&s.kind, &fact.command, found_at) {
            (SourceKind::Command(argv), Some(command), _) => argv == command,
            (SourceKind::Env(var), None, Some(at)) => at.strip_prefix('$') == Some(var.as_str()),
            (SourceKind::File { path, near: None, .. }, None, Some(at)) => path == at,
            (SourceKind::File { path, near: Some(_), .. }, None, Some(at)) => at.ends_with(path),
            (SourceKind::Builtin(_), None, None) => true,
            _ => false,
        })
        .unwrap_or_else(|| panic!("{}: no source of the profile gives {fact:?}", def.id))
}

/// What collection decides from the fact's own evidence, as a transport
/// would have fed it: the sources before the one that answered were absent.
fn decided(def: &FactDef, fact: &Fact) -> Fact {
    let mut decider = Decider::new(def);
    if fact.status == Status::Missing {
        for source in &def.sources {
            assert!(decider.feed(source, Attempt::Absent(absent_label(source))).is_none());
        }
        return decider.missing();
    }
    let answering = source_of(def, fact);
    for source in def.sources.iter().take_while(|s| !std::ptr::eq(*s, answering)) {
        assert!(decider.feed(source, Attempt::Absent(absent_label(source))).is_none());
    }
    let attempt = match &fact.command {
        Some(argv) => Attempt::Ran(Run {
            argv: argv.clone(),
            found_at: fact.found_at.clone().expect("a command fact says where it ran"),
            shadowed: fact.shadowed.clone(),
            output: fact.raw.clone(),
            exit_code: fact.exit_code,
            timed_out: fact.status == Status::Timeout,
            truncated: fact.truncated,
            spawn_error: None,
        }),
        None => Attempt::Read {
            text: fact.raw.clone(),
            found_at: fact.found_at.clone(),
            truncated: fact.truncated,
        },
    };
    decider
        .feed(answering, attempt)
        .unwrap_or_else(|| panic!("{}: its evidence does not decide the fact", def.id))
}

#[test]
fn every_value_is_what_the_profile_decides_from_its_raw_evidence() {
    let profile = default_profile();
    for snapshot in snapshots() {
        for def in &profile.facts {
            let fact = &snapshot.facts[&def.id];
            let mut expected = decided(def, fact);
            expected.duration_ms = fact.duration_ms;
            assert_eq!(&expected, fact, "{} {}", snapshot.host.name, def.id);
        }
    }
}

fn cell(comparison: &Comparison, id: &str, column: usize) -> (Severity, Option<String>) {
    let row = comparison.rows.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("row {id}"));
    let cell = &row.cells[column];
    (cell.severity, cell.value.clone())
}

#[test]
fn against_prod_the_examples_show_every_kind_of_divergence() {
    let reports = reports();
    let comparison = Comparison::build(&reports, 0, &Policy::default());
    let (staging, laptop) = (1, 2);
    let v = |s: &str| Some(s.to_owned());

    // Staging drifted a little from prod.
    assert_eq!(cell(&comparison, "service.postgresql", 0), (Severity::Equal, v("15.6")));
    assert_eq!(cell(&comparison, "tool.openssl", staging), (Severity::Patch, v("3.0.13")));
    // PostgreSQL 10+ numbers releases major.minor: 15.6 -> 15.7 is a minor step.
    assert_eq!(cell(&comparison, "service.postgresql", staging), (Severity::Minor, v("15.7")));
    assert_eq!(cell(&comparison, "runtime.node", staging), (Severity::Minor, v("18.20.2")));
    assert_eq!(
        cell(&comparison, "tool.systemd", staging),
        (Severity::Packaging, v("252.22-1~deb12u2"))
    );
    assert_eq!(cell(&comparison, "tool.docker", staging), (Severity::Unknown, None));
    assert_eq!(cell(&comparison, "service.nginx", staging), (Severity::Equal, v("1.22.1")));

    // The laptop is another world.
    assert_eq!(cell(&comparison, "runtime.node", laptop), (Severity::Major, v("20.11.1")));
    assert_eq!(cell(&comparison, "service.postgresql", laptop), (Severity::Major, v("16.2")));
    assert_eq!(cell(&comparison, "runtime.python3", laptop), (Severity::Minor, v("3.12.3")));
    assert_eq!(cell(&comparison, "service.redis", laptop), (Severity::Minor, v("7.2.4")));
    assert_eq!(cell(&comparison, "tool.openssl", laptop), (Severity::Patch, v("3.0.13")));
    assert_eq!(cell(&comparison, "runtime.go", laptop), (Severity::Missing, v("1.22.1")));
    assert_eq!(cell(&comparison, "service.nginx", laptop), (Severity::Missing, None));
    assert_eq!(cell(&comparison, "os.id", laptop), (Severity::Different, v("ubuntu")));

    // Informational facts differ but never count.
    let hostname = comparison.rows.iter().find(|r| r.id == "hostname").expect("hostname row");
    assert!(hostname.informational);
    assert_eq!(hostname.worst(), Severity::Equal);

    let totals = comparison.totals();
    for severity in [
        Severity::Packaging,
        Severity::Patch,
        Severity::Minor,
        Severity::Major,
        Severity::Different,
        Severity::Missing,
        Severity::Unknown,
    ] {
        let cells = comparison
            .rows
            .iter()
            .filter(|r| !r.informational)
            .flat_map(|r| &r.cells)
            .filter(|c| c.severity == severity)
            .count();
        assert!(cells > 0, "no cell of severity {}", severity.as_str());
    }
    assert!(totals.contains_key(&Severity::Major), "{}", comparison.summary());
    assert!(totals.contains_key(&Severity::Unknown), "{}", comparison.summary());
}

#[test]
fn the_laptop_node_shadows_the_system_one() {
    let laptop = &snapshots()[2];
    let node = &laptop.facts["runtime.node"];
    assert_eq!(node.found_at.as_deref(), Some("/home/dev/.nvm/versions/node/v20.11.1/bin/node"));
    assert_eq!(node.shadowed, ["/usr/bin/node"]);
    let staging = &snapshots()[1];
    let docker = &staging.facts["tool.docker"];
    assert_eq!((docker.status, docker.value.as_deref()), (Status::Timeout, None));
}
