//! No tool output can pass for another fact, through dash, bash and
//! busybox: a hostile tool that knows the probe's boundary (it finds it in
//! the scratch folder) prints records for other facts, and they keep their
//! real values; its own output is kept as the bytes it printed.

#![cfg(target_os = "linux")]

use std::time::Duration;

use crate::common::probe::{FORGED_PROFILE, HONEST_TOOLS, Watched, forger, path_with, shells};
use crate::common::{profile, tool};
use paritty::collect::CollectOptions;
use paritty::collect::probed::facts_from_probe;
use paritty::probe::{frame, script};

#[test]
fn a_tool_that_knows_the_boundary_cannot_forge_other_facts() {
    let bin = tempfile::tempdir().expect("tmp");
    let work = tempfile::tempdir().expect("tmp");
    let found = work.path().join("found");
    for (name, body) in HONEST_TOOLS {
        tool(bin.path(), name, body);
    }
    tool(bin.path(), "docker", &forger(&found));
    let profile = profile(FORGED_PROFILE);
    // One fact at a time: the facts before the forger are out, their
    // frames in the scratch folder, when it looks.
    let opts = CollectOptions { max_parallel: 1, ..CollectOptions::default() };
    let path = path_with(bin.path());
    for shell in shells() {
        let built = script::build(&profile, opts.script_limits());
        let runtime = tempfile::tempdir().expect("tmp");
        let mut probe = Watched::start(&shell, &built.text, |c| {
            c.env("PATH", &path).env("XDG_RUNTIME_DIR", runtime.path());
        });
        let (out, _) = probe.output_within(Duration::from_secs(30));
        let seen = std::fs::read_to_string(&found).expect("the forger ran");
        assert!(seen.contains(&built.boundary), "{shell:?}: it found the boundary: {seen}");

        let parsed = frame::parse(&out, &built.boundary);
        assert!(parsed.finished, "{shell:?}");
        let facts = facts_from_probe(&profile, &parsed, opts.max_bytes, "cut off");
        for (id, value) in
            [("runtime.python3", "3.11.2"), ("tool.git", "2.39.2"), ("tool.after", "1.0.0")]
        {
            assert_eq!(facts[id].value.as_deref(), Some(value), "{shell:?} {id}: {:?}", facts[id]);
        }
        let docker = &facts["tool.docker"];
        assert_eq!(docker.value.as_deref(), Some("24.0.7"), "{shell:?}");
        assert!(docker.raw.starts_with("Docker version 24.0.7, build afdd53b\n"), "{shell:?}");
        let forged = format!("{} F 0\n", built.boundary);
        assert!(docker.raw.contains(&forged), "{shell:?}: its output is kept as printed");
    }
}
