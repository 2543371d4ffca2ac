//! The probe's shell code passes `shellcheck -s sh` (POSIX sh): the shared
//! functions in `src/probe/prelude.sh` as a file, and whole generated probes,
//! where the per-source code `probe::script` writes around them is checked
//! too. shellcheck is required (CI installs it, `.ci/run`): a missing
//! shellcheck fails the test rather than skipping it.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::{HEADER, command_fact, profile};
use paritty::collect::CollectOptions;
use paritty::probe::script;
use paritty::profile::{Builtin, load_profile};

/// Runs `shellcheck -s sh` on `text` (named `name` in its messages) and
/// fails with what it said.
fn shellcheck(name: &str, text: &str) {
    let spawned = Command::new("shellcheck")
        // SC2016 ("expressions don't expand in single quotes") is the point
        // of `script::quote`: a profile's argv words reach the tool as
        // written, `$(...)` and backticks included.
        .args(["-s", "sh", "-e", "SC2016", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = spawned.unwrap_or_else(|e| {
        panic!(
            "cannot run shellcheck ({e}): install it (Debian package `shellcheck`, as .ci/run does)"
        )
    });
    let mut stdin = child.stdin.take().expect("stdin");
    let text = text.to_owned();
    // Written from a thread: shellcheck may answer before reading it all.
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let out = child.wait_with_output().expect("shellcheck ends");
    writer.join().expect("writer").expect("send the script to shellcheck");
    assert!(
        out.status.success(),
        "shellcheck -s sh found problems in {name}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_prelude_file_passes_shellcheck() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/probe/prelude.sh");
    let text = std::fs::read_to_string(&path).expect("read prelude.sh");
    shellcheck("src/probe/prelude.sh", &text);
}

#[test]
fn the_running_servers_file_passes_shellcheck() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/probe/running.sh");
    let text = std::fs::read_to_string(&path).expect("read running.sh");
    shellcheck("src/probe/running.sh", &text);
}

#[test]
fn a_probe_for_the_default_profile_passes_shellcheck() {
    let profile = load_profile("default", None).expect("default profile");
    let built = script::build(&profile, CollectOptions::default().script_limits());
    shellcheck("the default profile's probe", &built.text);
}

/// Every kind of source the generator writes, in one probe (the default
/// profile may not use them all): a glob, an absolute path, `absent_if` as
/// plain text and as a regex, file keys, a file near a program, variables
/// (which change how `_env` is set) and builtins.
#[test]
fn a_probe_with_every_kind_of_source_passes_shellcheck() {
    let text = format!(
        "{HEADER}{}{}{}\
         [[fact]]\nid = \"a.pip\"\nlabel = \"p\"\ncategory = \"P\"\ncompare = \"semver\"\n\
         sources = [{{ cmd = [\"pip\", \"-V\"], absent_if = \"No module named|Error\" }}, \
         {{ cmd = [\"pip3\", \"-V\"], absent_if = \"^Err(or)?\" }}, {{ cmd = [\"python3\", \"-m\", \"pip\"] }}]\n\
         [[fact]]\nid = \"b.java\"\nlabel = \"j\"\ncategory = \"R\"\ncompare = \"loose\"\n\
         sources = [{{ file = \"release\", near = \"java\", key = \"JAVA_VERSION\" }}, \
         {{ file = \"/etc/os-release\", key = \"VERSION_ID\" }}, {{ file = \"/etc/debian_version\" }}, \
         {{ file = \"/etc/x\", key = \"not an identifier\" }}]\n\
         [[fact]]\nid = \"c.env\"\nlabel = \"e\"\ncategory = \"S\"\ncompare = \"text\"\n\
         sources = [{{ env = \"SHELL\" }}, {{ builtin = \"hostname\" }}]\n\
         [[fact]]\nid = \"c.builtins\"\nlabel = \"b\"\ncategory = \"S\"\ncompare = \"text\"\n\
         sources = [{}]\n",
        command_fact("a.pg", &["/usr/lib/postgresql/*/bin/postgres", "-V"], "version"),
        command_fact("a.abs", &["/usr/bin/git", "--version"], "version"),
        command_fact("a.quoted", &["tool", "it's; $(rm -rf /) `x` \"y\""], "version"),
        Builtin::ALL.map(|b| format!("{{ builtin = {:?} }}", b.name())).join(", "),
    );
    let built = script::build(&profile(&text), CollectOptions::default().script_limits());
    shellcheck("a probe with every kind of source", &built.text);
}
