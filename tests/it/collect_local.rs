//! Local collection against real processes: fake tools in temporary folders
//! put on the collector's PATH, so each behaviour is forced, not hoped for.

#![cfg(unix)]

use std::ffi::OsString;
use std::time::Duration;

use crate::common::{HEADER, command_fact, profile, tool};
use paritty::collect::local::LocalContext;
use paritty::collect::{CollectOptions, collect_local_with};
use paritty::model::Status;

fn options() -> CollectOptions {
    CollectOptions { command_timeout: Duration::from_secs(10), ..CollectOptions::default() }
}

fn path_of(dirs: &[&std::path::Path]) -> Option<OsString> {
    std::env::join_paths(
        dirs.iter().map(|d| d.to_path_buf()).chain(["/usr/bin".into(), "/bin".into()]),
    )
    .ok()
}

#[test]
fn version_on_stderr_with_nonzero_exit_is_still_ok() {
    let bin = tempfile::tempdir().expect("tmp");
    tool(bin.path(), "fakejava", "echo 'openjdk version \"17.0.9\" 2023-10-17' >&2; exit 1");
    let p = profile(&format!(
        "{HEADER}{}",
        command_fact("runtime.java", &["fakejava", "-version"], "version")
    ));
    let snap = collect_local_with(&p, &options(), &LocalContext::with_path(path_of(&[bin.path()])));
    let fact = &snap.facts["runtime.java"];
    assert_eq!(fact.status, Status::Ok, "{fact:?}");
    assert_eq!(fact.value.as_deref(), Some("17.0.9"));
    assert_eq!(fact.exit_code, Some(1));
    assert_eq!(fact.found_at.as_deref(), Some(bin.path().join("fakejava").to_str().expect("utf8")));
    assert_eq!(fact.command.as_deref(), Some(&["fakejava".to_owned(), "-version".to_owned()][..]));
}

#[test]
fn absent_tool_is_missing_with_what_was_looked_for() {
    let bin = tempfile::tempdir().expect("tmp");
    let p = profile(&format!(
        "{HEADER}{}",
        command_fact("tool.nope", &["paritty-no-such-tool", "--version"], "version")
    ));
    let snap = collect_local_with(&p, &options(), &LocalContext::with_path(path_of(&[bin.path()])));
    let fact = &snap.facts["tool.nope"];
    assert_eq!(fact.status, Status::Missing);
    assert_eq!(fact.value, None);
    assert!(fact.raw.contains("paritty-no-such-tool"), "{}", fact.raw);
}

#[test]
fn later_sources_are_tried_when_earlier_ones_are_absent() {
    let bin = tempfile::tempdir().expect("tmp");
    tool(bin.path(), "python", "echo 'Python 3.12.1'");
    let text = format!(
        "{HEADER}[[fact]]\nid = \"runtime.python3\"\nlabel = \"Python\"\ncategory = \"Runtimes\"\n\
         compare = \"pep440\"\nparser = \"version\"\n\
         sources = [{{ cmd = [\"python3-absent\", \"--version\"] }}, {{ cmd = [\"python\", \"--version\"] }}]\n"
    );
    let snap = collect_local_with(
        &profile(&text),
        &options(),
        &LocalContext::with_path(path_of(&[bin.path()])),
    );
    let fact = &snap.facts["runtime.python3"];
    assert_eq!(fact.value.as_deref(), Some("3.12.1"));
    assert_eq!(fact.command.as_ref().map(|c| c[0].as_str()), Some("python"));
}

#[test]
fn a_slow_command_times_out_and_others_still_answer() {
    let bin = tempfile::tempdir().expect("tmp");
    tool(bin.path(), "hangs", "echo 'partial 1.0'; exec sleep 60");
    tool(bin.path(), "quick", "echo 'quick 2.5.1'");
    let text = format!(
        "{HEADER}{}{}",
        command_fact("tool.hangs", &["hangs"], "version"),
        command_fact("tool.quick", &["quick"], "version")
    );
    let opts = CollectOptions { command_timeout: Duration::from_millis(300), ..options() };
    let snap = collect_local_with(
        &profile(&text),
        &opts,
        &LocalContext::with_path(path_of(&[bin.path()])),
    );
    let hung = &snap.facts["tool.hangs"];
    assert_eq!(hung.status, Status::Timeout);
    assert_eq!(hung.value, None);
    assert!(hung.raw.contains("partial 1.0"), "partial output is kept: {:?}", hung.raw);
    assert!(hung.duration_ms < 10_000, "the sleep was killed, not waited for");
    assert_eq!(snap.facts["tool.quick"].value.as_deref(), Some("2.5.1"));
}

#[test]
fn huge_output_is_capped_and_marked() {
    let bin = tempfile::tempdir().expect("tmp");
    tool(bin.path(), "chatty", "echo 'chatty 1.2.3'; head -c 10000000 /dev/zero | tr '\\0' x");
    let opts = CollectOptions { max_bytes: 4096, ..options() };
    let text = format!("{HEADER}{}", command_fact("tool.chatty", &["chatty"], "version"));
    let snap = collect_local_with(
        &profile(&text),
        &opts,
        &LocalContext::with_path(path_of(&[bin.path()])),
    );
    let fact = &snap.facts["tool.chatty"];
    assert!(fact.truncated);
    assert_eq!(fact.raw.len(), 4096);
    assert_eq!(fact.value.as_deref(), Some("1.2.3"));
    assert_eq!(fact.status, Status::Ok);
    // Cut off at the cap (SIGPIPE), so its exit status is not reported.
    assert_eq!(fact.exit_code, None);
}

#[test]
fn escape_sequences_in_output_are_stripped() {
    let bin = tempfile::tempdir().expect("tmp");
    tool(
        bin.path(),
        "mvn",
        "printf '\\033[1mApache Maven 3.8.7\\033[m\\n\\033]0;title\\007\\033[2J'",
    );
    let text = format!("{HEADER}{}", command_fact("tool.mvn", &["mvn", "-v"], "version"));
    let snap = collect_local_with(
        &profile(&text),
        &options(),
        &LocalContext::with_path(path_of(&[bin.path()])),
    );
    let fact = &snap.facts["tool.mvn"];
    assert_eq!(fact.raw, "Apache Maven 3.8.7\n");
    assert_eq!(fact.value.as_deref(), Some("3.8.7"));
}

#[test]
fn unparseable_output_is_an_error_that_keeps_the_raw_text() {
    let bin = tempfile::tempdir().expect("tmp");
    tool(bin.path(), "weird", "echo 'segmentation fault'; exit 139");
    let text = format!("{HEADER}{}", command_fact("tool.weird", &["weird"], "version"));
    let snap = collect_local_with(
        &profile(&text),
        &options(),
        &LocalContext::with_path(path_of(&[bin.path()])),
    );
    let fact = &snap.facts["tool.weird"];
    assert_eq!(fact.status, Status::Error);
    assert_eq!(fact.raw, "segmentation fault\n");
    assert_eq!(fact.exit_code, Some(139));
}

#[test]
fn shadowed_copies_later_on_path_are_kept() {
    let first = tempfile::tempdir().expect("tmp");
    let second = tempfile::tempdir().expect("tmp");
    tool(first.path(), "node", "echo v20.11.0");
    tool(second.path(), "node", "echo v18.19.0");
    let text =
        format!("{HEADER}{}", command_fact("runtime.node", &["node", "--version"], "version"));
    // Only the two test folders: a real node in /usr/bin must not count.
    let ctx = LocalContext::with_path(std::env::join_paths([first.path(), second.path()]).ok());
    let snap = collect_local_with(&profile(&text), &options(), &ctx);
    let fact = &snap.facts["runtime.node"];
    assert_eq!(fact.value.as_deref(), Some("20.11.0"));
    assert_eq!(fact.shadowed, vec![second.path().join("node").display().to_string()]);
}

/// Each fake tool waits until all of them have started: run one at a time
/// they would all time out, so every fact being `ok` proves concurrency
/// without timing anything.
#[test]
fn commands_run_concurrently() {
    const N: usize = 8;
    let bin = tempfile::tempdir().expect("tmp");
    let marks = tempfile::tempdir().expect("tmp");
    let marks_dir = marks.path().display();
    tool(
        bin.path(),
        "barrier",
        &format!(
            "touch '{marks_dir}'/$1\nwhile [ $(ls '{marks_dir}' | wc -l) -lt {N} ]; do sleep 0.02; done\necho 'barrier 1.0.0'"
        ),
    );
    let mut text = HEADER.to_owned();
    for i in 0..N {
        text.push_str(&command_fact(
            &format!("tool.b{i}"),
            &["barrier", &i.to_string()],
            "version",
        ));
    }
    let opts = CollectOptions { command_timeout: Duration::from_secs(20), ..options() };
    let snap = collect_local_with(
        &profile(&text),
        &opts,
        &LocalContext::with_path(path_of(&[bin.path()])),
    );
    for i in 0..N {
        let fact = &snap.facts[&format!("tool.b{i}")];
        assert_eq!(fact.status, Status::Ok, "b{i}: {fact:?}");
    }
}

#[test]
fn files_keys_and_environment_variables_are_sources() {
    let dir = tempfile::tempdir().expect("tmp");
    let release = dir.path().join("os-release");
    std::fs::write(&release, "NAME=\"Test OS\"\nVERSION_ID=\"41\"\nID=testos\n").expect("write");
    let text = format!(
        "{HEADER}[[fact]]\nid = \"os.version\"\nlabel = \"OS\"\ncategory = \"System\"\ncompare = \"loose\"\n\
         parser = \"trim\"\nsources = [{{ file = {:?}, key = \"VERSION_ID\" }}]\n\
         [[fact]]\nid = \"os.variant\"\nlabel = \"Variant\"\ncategory = \"System\"\ncompare = \"text\"\n\
         sources = [{{ file = {:?}, key = \"VARIANT_ID\" }}]\n\
         [[fact]]\nid = \"env.path\"\nlabel = \"PATH\"\ncategory = \"System\"\ncompare = \"text\"\n\
         sources = [{{ env = \"PATH\" }}]\n",
        release.display().to_string(),
        release.display().to_string()
    );
    let snap = collect_local_with(&profile(&text), &options(), &LocalContext::new());
    let version = &snap.facts["os.version"];
    assert_eq!(version.value.as_deref(), Some("41"));
    assert_eq!(version.raw, "VERSION_ID=\"41\"");
    assert_eq!(version.found_at.as_deref(), Some(release.to_str().expect("utf8")));
    assert_eq!(snap.facts["os.variant"].status, Status::Missing);
    let path = std::env::var("PATH").expect("PATH is set for tests");
    assert_eq!(snap.facts["env.path"].value.as_deref(), Some(path.as_str()));
}

#[test]
fn absent_if_turns_a_launcher_without_its_payload_into_missing() {
    let bin = tempfile::tempdir().expect("tmp");
    tool(bin.path(), "py", "echo \"ModuleNotFoundError: No module named 'django'\"; exit 1");
    let text = format!(
        "{HEADER}[[fact]]\nid = \"runtime.django\"\nlabel = \"Django\"\ncategory = \"Runtimes\"\n\
         compare = \"pep440\"\nparser = \"version\"\n\
         sources = [{{ cmd = [\"py\", \"-c\", \"import django\"], absent_if = \"No module named\" }}]\n"
    );
    let ctx = LocalContext::with_path(path_of(&[bin.path()]));
    let snap = collect_local_with(&profile(&text), &options(), &ctx);
    let fact = &snap.facts["runtime.django"];
    assert_eq!(fact.status, Status::Missing, "{fact:?}");
    assert!(fact.raw.contains("reports it absent"), "{}", fact.raw);
}
