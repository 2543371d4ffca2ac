//! The renderers on a comparison of the fixture snapshots; JUnit read by a
//! real consumer and the commands through the binary are in
//! tests/it/check_formats.rs.

use super::github::{data, property};

#[test]
fn workflow_command_escaping() {
    assert_eq!(data("50% done\r\nnext: a,b"), "50%25 done%0D%0Anext: a,b");
    assert_eq!(property("50% done\r\nnext: a,b"), "50%25 done%0D%0Anext%3A a%2Cb");
    // `%` first: an escape is never escaped twice, nor produced by the input.
    assert_eq!(property("%3A"), "%253A");
}

/// A host compared on what it gave before it failed: its suite has the
/// facts and an `<error>`, and every format says it.
#[test]
fn a_partly_collected_host_is_an_error_in_every_format() {
    use super::{CheckDoc, CheckFormat, render};
    use crate::compare::matrix::Comparison;
    use crate::compare::severity::Severity;
    use crate::model::{FailReason, Failure, HostReport};

    let read = |name: &str| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/snapshots")
            .join(name);
        crate::model::snapshot_file::read_snapshot(&path).expect("fixture")
    };
    let reports = [
        HostReport {
            target: "prod".into(),
            snapshot: Some(read("debian11-prod.json")),
            failure: None,
        },
        HostReport {
            target: "laptop".into(),
            snapshot: Some(read("debian12-laptop.json")),
            failure: Some(Failure::new(FailReason::Timeout, "laptop: partial results, cut off")),
        },
    ];
    let comparison = Comparison::build(&reports, 0, &crate::compare::policy::Policy::default());
    let doc = CheckDoc {
        judged: &comparison,
        shown: &comparison,
        threshold: Severity::Packaging,
        redacted: None,
        accepted: None,
    };
    let junit = render(&doc, CheckFormat::Junit);
    assert!(junit.contains("<testcase name=\"collected\" classname=\"laptop\">"), "{junit}");
    assert!(junit.contains("type=\"timeout\""), "{junit}");
    assert!(junit.contains("errors=\"1\""), "{junit}");
    let github = render(&doc, CheckFormat::Github);
    assert!(
        github.contains("::error title=paritty%3A laptop partly collected::timeout: "),
        "{github}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&render(&doc, CheckFormat::Json)).expect("json");
    assert_eq!(json["partly_collected"][0]["reason"], "timeout", "{json:#}");
    assert_eq!(json["passed"], false);
}
