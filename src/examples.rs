//! The example snapshots shipped inside the binary, shown when nothing is
//! configured so a first run already shows what a divergence looks like.
//!
//! Three hosts of the default profile, in `examples/snapshots/`: a Debian
//! production server, a staging server that drifted from it (patch, minor,
//! packaging, a probe that timed out) and an Ubuntu laptop (major versions,
//! tools only it has, a shadowed `node`). Each is labelled
//! `example = "true"`; none is ever contacted.

use std::path::Path;

use crate::model::snapshot_file::parse_snapshot;
use crate::model::{FailReason, Failure, HostReport};

/// The label marking a shipped example (`example = "true"`).
pub const LABEL: &str = "example";

/// `(origin path, JSON)` of each example, baseline first.
const SHIPPED: [(&str, &str); 3] = [
    ("examples/snapshots/prod-web-1.json", include_str!("../examples/snapshots/prod-web-1.json")),
    (
        "examples/snapshots/staging-web-1.json",
        include_str!("../examples/snapshots/staging-web-1.json"),
    ),
    ("examples/snapshots/laptop-dev.json", include_str!("../examples/snapshots/laptop-dev.json")),
];

/// The examples as reports, in order: prod (the baseline), staging, laptop.
/// The target is the host name; a file that cannot be read (never, for the
/// shipped ones) becomes a report with a `BadSnapshot` failure.
pub fn reports() -> Vec<HostReport> {
    SHIPPED
        .iter()
        .map(|(origin, text)| match parse_snapshot(text, Path::new(origin)) {
            Ok(snapshot) => HostReport {
                target: snapshot.host.name.clone(),
                snapshot: Some(snapshot),
                failure: None,
            },
            Err(e) => HostReport {
                target: (*origin).to_owned(),
                snapshot: None,
                failure: Some(Failure::new(FailReason::BadSnapshot, e.to_string())),
            },
        })
        .collect()
}

/// Whether `report` is one of the shipped examples (labelled
/// `example = "true"`), rather than a real machine.
pub fn is_example(report: &HostReport) -> bool {
    report
        .snapshot
        .as_ref()
        .and_then(|s| s.host.labels.get(LABEL))
        .is_some_and(|value| value == "true")
}
