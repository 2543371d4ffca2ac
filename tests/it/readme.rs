//! The README's promises about how paritty is tested: its test command is
//! the one CI runs.

use std::path::Path;

fn read(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).expect(name)
}

/// The command in the fenced block under "## Test it".
fn readme_test_command() -> String {
    let readme = read("README.md");
    let section = readme.split("## Test it").nth(1).expect("README has a Test it section");
    let block = section.split("```").nth(1).expect("a fenced block under Test it");
    let lines: Vec<&str> = block.lines().skip(1).filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one command under Test it: {lines:?}");
    lines[0].trim().to_owned()
}

#[test]
fn ci_runs_exactly_the_readme_test_command() {
    let command = readme_test_command();
    let ci = read(".ci/run");
    let last = ci.lines().rev().find(|l| !l.trim().is_empty() && !l.starts_with('#'));
    assert_eq!(last.map(str::trim), Some(command.as_str()), ".ci/run must end with `{command}`");
}
