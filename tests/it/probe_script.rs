//! The remote probe, run by real local shells (dash, bash, busybox ash),
//! must reach the same facts as local collection: the invariant of
//! ARCHITECTURE.md without the network in between.

#![cfg(unix)]

use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::Write;
use std::os::unix::process::CommandExt as _;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::probe::{essence, path_with, run_script, shells};
use crate::common::{HEADER, command_fact, profile, tool};
use paritty::collect::local::LocalContext;
use paritty::collect::probed::facts_from_probe;
use paritty::collect::{CollectOptions, collect_local_with};
use paritty::model::Fact;
use paritty::probe::{frame, script};
use paritty::profile::{Profile, load_profile};

/// Runs the probe for `profile` with `shell`, PATH set to `path`.
fn probe(
    shell: &[String],
    profile: &Profile,
    opts: &CollectOptions,
    path: &OsString,
) -> Vec<(String, Fact)> {
    let built = script::build(profile, opts.script_limits());
    let out = run_script(shell, &built.text, |c| {
        c.env("PATH", path);
    });
    assert!(out.status.success(), "{shell:?} exit {:?}", out.status);
    let parsed = frame::parse(&out.stdout, &built.boundary);
    assert!(parsed.started && parsed.finished, "{shell:?}: probe ran to its end");
    facts_from_probe(profile, &parsed, opts.max_bytes, "cut off").into_iter().collect()
}

fn assert_same(
    shell: &[String],
    profile: &Profile,
    opts: &CollectOptions,
    path: &OsString,
) -> std::collections::BTreeMap<String, Fact> {
    let local = collect_local_with(profile, opts, &LocalContext::with_path(Some(path.clone())));
    let probed = probe(shell, profile, opts, path);
    assert_eq!(probed.len(), local.facts.len());
    for (id, remote) in &probed {
        let here = &local.facts[id];
        assert_eq!(
            essence(remote),
            essence(here),
            "{shell:?} {id}\nprobe: {remote:?}\nlocal: {here:?}"
        );
    }
    probed.into_iter().collect()
}

#[test]
fn default_profile_gives_the_same_facts_through_every_shell() {
    let profile = load_profile("default", None).expect("default profile");
    let opts = CollectOptions::default();
    let path = std::env::var_os("PATH").expect("PATH");
    for shell in shells() {
        assert_same(&shell, &profile, &opts, &path);
    }
}

#[test]
fn every_collection_behaviour_is_the_same_through_every_shell() {
    let first = tempfile::tempdir().expect("tmp");
    let second = tempfile::tempdir().expect("tmp");
    let versions = tempfile::tempdir().expect("tmp");
    tool(first.path(), "stderrjava", "echo 'openjdk version \"21\" 2023-09-19' >&2; exit 1");
    tool(first.path(), "hangs", "echo 'partial 1.0'; exec sleep 30");
    tool(first.path(), "chatty", "echo 'chatty 1.2.3'; head -c 3000000 /dev/zero | tr '\\0' x");
    tool(first.path(), "mvn", "printf '\\033[1mApache Maven 3.8.7\\033[m\\n\\033]0;title\\007'");
    tool(first.path(), "weird", "echo 'segfault'; exit 139");
    // A tool that writes a file of its own far past the byte cap (a cache,
    // a JVM's perf data): the cap is on what it prints, not on what it writes.
    let cache = first.path().join("cache");
    tool(
        first.path(),
        "caches",
        &format!("head -c 300000 /dev/zero > '{}'; echo 'caches 2.0.0'", cache.display()),
    );
    tool(first.path(), "node", "echo v20.11.0");
    tool(second.path(), "node", "echo v18.19.0");
    tool(first.path(), "py", "echo \"No module named 'django'\"; exit 1");
    tool(first.path(), "python", "echo 'Python 3.12.1'");
    for v in ["9.6", "15", "13"] {
        let bin = versions.path().join(v).join("bin");
        std::fs::create_dir_all(&bin).expect("mkdir");
        tool(&bin, "postgres", &format!("echo 'postgres (PostgreSQL) {v}'"));
    }
    // npm-style: the PATH entry is a symlink into the package, whose
    // package.json sits one folder up from the real file.
    let package = versions.path().join("npm");
    std::fs::create_dir_all(package.join("bin")).expect("mkdir");
    tool(&package.join("bin"), "npm-cli.js", "echo 'should not run'");
    std::fs::write(package.join("package.json"), "{\n  \"version\": \"10.2.4\"\n}\n")
        .expect("write");
    std::os::unix::fs::symlink(package.join("bin/npm-cli.js"), first.path().join("npm"))
        .expect("symlink");
    let release = first.path().join("os-release");
    std::fs::write(&release, "NAME='Test'\nVERSION_ID=\"41\"\n").expect("write");
    let glob = format!("{}/*/bin/postgres", versions.path().display());
    let mut text = HEADER.to_owned();
    for (id, argv, parser) in [
        ("a.java", vec!["stderrjava", "-version"], "java"),
        ("a.hangs", vec!["hangs"], "version"),
        ("a.chatty", vec!["chatty"], "version"),
        ("a.mvn", vec!["mvn", "-v"], "version"),
        ("a.weird", vec!["weird"], "version"),
        ("a.caches", vec!["caches"], "version"),
        ("a.node", vec!["node", "--version"], "node"),
        ("a.absent", vec!["paritty-absent", "--version"], "version"),
        ("a.postgres", vec![glob.as_str(), "--version"], "postgres"),
        ("a.quoted", vec!["python", "it's; $(rm -rf /) `x`"], "version"),
    ] {
        text.push_str(&command_fact(id, &argv, parser));
    }
    let file = release.display().to_string();
    let _ = write!(
        text,
        "[[fact]]\nid = \"b.django\"\nlabel = \"d\"\ncategory = \"R\"\ncompare = \"pep440\"\nparser = \"version\"\n\
         sources = [{{ cmd = [\"py\", \"-c\", \"import django\"], absent_if = \"No module named\" }}, {{ cmd = [\"python\", \"-V\"] }}]\n\
         [[fact]]\nid = \"b.os\"\nlabel = \"os\"\ncategory = \"S\"\ncompare = \"loose\"\nparser = \"trim\"\n\
         sources = [{{ file = {file:?}, key = \"ID\" }}, {{ file = {file:?}, key = \"VERSION_ID\" }}]\n\
         [[fact]]\nid = \"b.name\"\nlabel = \"n\"\ncategory = \"S\"\ncompare = \"text\"\nparser = \"trim\"\n\
         sources = [{{ file = {file:?}, key = \"NAME\" }}]\n\
         [[fact]]\nid = \"b.whole\"\nlabel = \"w\"\ncategory = \"S\"\ncompare = \"text\"\n\
         sources = [{{ file = {file:?} }}]\n\
         [[fact]]\nid = \"b.npm\"\nlabel = \"npm\"\ncategory = \"P\"\ncompare = \"semver\"\n\
         sources = [{{ file = \"../package.json\", near = \"npm\", regex = '\"version\": \"([^\"]+)\"' }}, {{ cmd = [\"npm\", \"-v\"] }}]\n\
         [[fact]]\nid = \"b.nearabsent\"\nlabel = \"n\"\ncategory = \"P\"\ncompare = \"semver\"\n\
         sources = [{{ file = \"../package.json\", near = \"paritty-absent\" }}]\n\
         [[fact]]\nid = \"b.env\"\nlabel = \"e\"\ncategory = \"S\"\ncompare = \"text\"\n\
         sources = [{{ env = \"PARITTY_UNSET_VAR\" }}, {{ env = \"HOME\" }}]\n"
    );
    // Builtins word their raw answer per transport; the parser makes it one value.
    for (builtin, parser) in [
        ("kernel.release", "trim"),
        ("arch", "trim"),
        ("hostname", "trim"),
        ("cpu.model", "trim"),
        ("cpu.cores", "trim"),
        ("memory.total", "memory"),
        ("timezone", "trim"),
    ] {
        let _ = write!(
            text,
            "[[fact]]\nid = \"c.{builtin}\"\nlabel = \"b\"\ncategory = \"S\"\ncompare = \"text\"\nparser = \"{parser}\"\n\
             sources = [{{ builtin = \"{builtin}\" }}]\n"
        );
    }
    let profile = profile(&text);
    let opts = CollectOptions {
        command_timeout: Duration::from_secs(2),
        max_bytes: 2048,
        ..CollectOptions::default()
    };
    let path =
        std::env::join_paths([first.path(), second.path(), "/usr/bin".as_ref(), "/bin".as_ref()])
            .expect("PATH");
    for shell in shells() {
        let probed = assert_same(&shell, &profile, &opts, &path);
        // The scenario really covers what it claims to.
        assert_eq!(probed["a.hangs"].status, paritty::model::Status::Timeout);
        assert!(probed["a.chatty"].truncated);
        assert_eq!(probed["a.mvn"].raw, "Apache Maven 3.8.7\n");
        assert_eq!(probed["a.caches"].value.as_deref(), Some("2.0.0"));
        let shadowed_node = second.path().join("node").display().to_string();
        assert_eq!(probed["a.node"].shadowed.first(), Some(&shadowed_node));
        assert_eq!(probed["a.postgres"].value.as_deref(), Some("15"));
        assert_eq!(probed["b.django"].value.as_deref(), Some("3.12.1"));
        assert_eq!(probed["b.os"].value.as_deref(), Some("41"));
        assert_eq!(probed["a.absent"].status, paritty::model::Status::Missing);
        assert_eq!(probed["b.npm"].value.as_deref(), Some("10.2.4"));
        let package_json = probed["b.npm"].found_at.as_deref().expect("found");
        assert!(package_json.ends_with("/npm/bin/../package.json"), "{package_json}");
        assert_eq!(probed["b.nearabsent"].status, paritty::model::Status::Missing);
    }
}

#[test]
fn a_probe_cut_off_mid_way_keeps_finished_facts_and_marks_the_rest() {
    let bin = tempfile::tempdir().expect("tmp");
    tool(bin.path(), "quick", "echo 'quick 1.0.1'");
    tool(bin.path(), "slow", "exec sleep 30");
    let text = format!(
        "{HEADER}{}{}",
        command_fact("a.quick", &["quick"], "version"),
        command_fact("b.slow", &["slow"], "version")
    );
    let profile = profile(&text);
    let limits = script::ScriptLimits {
        command_timeout: Duration::from_secs(30),
        max_bytes: 1024,
        max_parallel: 1,
    };
    let built = script::build(&profile, limits);
    // A group of its own, removed whole at the end as sshd ends a session:
    // the probe's watchdog would otherwise see `slow` to its 30 s deadline
    // while holding this test's inherited descriptors.
    let mut child = Command::new("/bin/sh")
        .arg("-s")
        .env("PATH", path_with(bin.path()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .process_group(0)
        .spawn()
        .expect("sh");
    child.stdin.take().expect("stdin").write_all(built.text.as_bytes()).expect("send");
    // Read until the first fact is out, then kill the shell: a host dying.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut seen = Vec::new();
    let end_of_first = format!("{} E 0\n", built.boundary);
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains(&end_of_first) {
        let n = std::io::Read::read(&mut stdout, &mut buf).expect("read");
        assert!(n > 0, "probe ended before its first fact");
        seen.extend_from_slice(&buf[..n]);
    }
    child.kill().expect("kill");
    let _ = child.wait();
    let group = format!("-{}", child.id());
    let _ = Command::new("kill").args(["-9", "--", &group]).status();
    let parsed = frame::parse(&seen, &built.boundary);
    assert!(parsed.started && !parsed.finished);
    let facts = facts_from_probe(&profile, &parsed, 1024, "the host went away");
    assert_eq!(facts["a.quick"].value.as_deref(), Some("1.0.1"));
    assert_eq!(facts["b.slow"].status, paritty::model::Status::Error);
    assert_eq!(facts["b.slow"].raw, "not collected: the host went away");
}

/// A source that answered stops the fact on the host too: the next source's
/// tool is not started for nothing (a slow `pip3` after `python3` answered,
/// `java -version` after the JDK's release file), which the probe checks
/// with grep for plain-text `absent_if` patterns and for keys.
#[test]
fn answered_sources_do_not_start_the_next_one() {
    let bin = tempfile::tempdir().expect("tmp");
    let marks = tempfile::tempdir().expect("tmp");
    let mark = |name: &str| marks.path().join(name);
    tool(bin.path(), "first", "echo 'first 1.0.0'");
    tool(
        bin.path(),
        "second",
        &format!("touch '{}'; echo 'second 2.0.0'", mark("second").display()),
    );
    tool(bin.path(), "third", &format!("touch '{}'; echo 'third 3.0.0'", mark("third").display()));
    let release = bin.path().join("release");
    std::fs::write(&release, "JAVA_VERSION=\"17.0.9\"\n").expect("write");
    let text = format!(
        "{HEADER}[[fact]]\nid = \"a.pip\"\nlabel = \"a\"\ncategory = \"P\"\ncompare = \"semver\"\nparser = \"version\"\n\
         sources = [{{ cmd = [\"first\"], absent_if = \"No module named|Error\" }}, {{ cmd = [\"second\"] }}]\n\
         [[fact]]\nid = \"b.java\"\nlabel = \"b\"\ncategory = \"R\"\ncompare = \"loose\"\nparser = \"version\"\n\
         sources = [{{ file = {:?}, key = \"JAVA_VERSION\" }}, {{ cmd = [\"third\"] }}]\n",
        release.display().to_string()
    );
    let profile = profile(&text);
    let path = path_with(bin.path());
    let facts: std::collections::BTreeMap<_, _> =
        probe(&["/bin/sh".to_owned()], &profile, &CollectOptions::default(), &path)
            .into_iter()
            .collect();
    assert_eq!(facts["a.pip"].value.as_deref(), Some("1.0.0"));
    assert_eq!(facts["b.java"].value.as_deref(), Some("17.0.9"));
    assert!(!mark("second").exists(), "the second source ran though the first answered");
    assert!(!mark("third").exists(), "the command ran though the file had the key");
}

#[test]
fn env_facts_see_exported_variables_only() {
    // bash assigns SHELL itself when the session has none, without
    // exporting it: programs never see it, so neither may the probe.
    let text = format!(
        "{HEADER}[[fact]]\nid = \"e.shell\"\nlabel = \"s\"\ncategory = \"S\"\ncompare = \"text\"\n\
         sources = [{{ env = \"SHELL\" }}]\n\
         [[fact]]\nid = \"e.exported\"\nlabel = \"x\"\ncategory = \"S\"\ncompare = \"text\"\n\
         sources = [{{ env = \"PARITTY_PROBE_VAR\" }}]\n"
    );
    let profile = profile(&text);
    let built = script::build(
        &profile,
        script::ScriptLimits {
            command_timeout: Duration::from_secs(5),
            max_bytes: 1024,
            max_parallel: 2,
        },
    );
    for shell in shells() {
        let out = run_script(&shell, &built.text, |c| {
            c.env_remove("SHELL").env("PARITTY_PROBE_VAR", "it's | `exported`");
        });
        let parsed = frame::parse(&out.stdout, &built.boundary);
        let facts = facts_from_probe(&profile, &parsed, 1024, "cut off");
        assert_eq!(facts["e.shell"].status, paritty::model::Status::Missing, "{shell:?}");
        assert_eq!(facts["e.exported"].value.as_deref(), Some("it's | `exported`"), "{shell:?}");
    }
}

#[test]
fn scratch_files_live_in_the_runtime_folder_and_are_removed() {
    // Creating a few hundred files on a disk file system cost the host more
    // CPU than the probed tools; the probe keeps them in memory-backed
    // folders and removes them however it ends.
    let bin = tempfile::tempdir().expect("tmp");
    let runtime = tempfile::tempdir().expect("tmp");
    tool(bin.path(), "look", "echo \"look 1.0 $(ls \"$XDG_RUNTIME_DIR\")\"");
    let profile = profile(&format!("{HEADER}{}", command_fact("a.look", &["look"], "trim")));
    let built = script::build(&profile, CollectOptions::default().script_limits());
    let path = path_with(bin.path());
    for shell in shells() {
        let out = run_script(&shell, &built.text, |c| {
            c.env("PATH", &path).env("XDG_RUNTIME_DIR", runtime.path());
        });
        let parsed = frame::parse(&out.stdout, &built.boundary);
        let facts = facts_from_probe(&profile, &parsed, 1024, "cut off");
        let seen = facts["a.look"].value.clone().unwrap_or_default();
        assert!(seen.starts_with("look 1.0 paritty."), "{shell:?}: {seen:?}");
        let left: Vec<_> = std::fs::read_dir(runtime.path()).expect("read").collect();
        assert!(left.is_empty(), "{shell:?} left {left:?}");
    }
}

#[test]
fn a_killed_probe_leaves_nothing_running_on_the_host() {
    // Without its EXIT trap (the shell SIGKILLed), the watchdog still kills
    // the hanging command at its deadline, removes the scratch folder and
    // stops. Every process of the probe inherits fd 3, a pipe this test
    // reads: its end is the moment the last of them is gone.
    use std::io::Read;
    let bin = tempfile::tempdir().expect("tmp");
    let runtime = tempfile::tempdir().expect("tmp");
    tool(bin.path(), "hang", "echo started >&3; exec sleep 60");
    let profile = profile(&format!("{HEADER}{}", command_fact("a.hang", &["hang"], "version")));
    let limits =
        CollectOptions { command_timeout: Duration::from_secs(1), ..CollectOptions::default() }
            .script_limits();
    let built = script::build(&profile, limits);
    let path = path_with(bin.path());
    for shell in shells() {
        let inner = format!("exec 3>&2; exec {} -s", shell.join(" "));
        let mut child = Command::new("/bin/sh")
            .args(["-c", &inner])
            .env("PATH", &path)
            .env("XDG_RUNTIME_DIR", runtime.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start shell");
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(built.text.as_bytes()).expect("send");
        let mut fd3 = child.stderr.take().expect("stderr");
        let mut started = [0u8; 8];
        fd3.read_exact(&mut started).expect("the tool starts");
        assert_eq!(&started, b"started\n");
        child.kill().expect("kill the probe's shell");
        let _ = child.wait();
        drop(stdin);
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut rest = Vec::new();
            let _ = fd3.read_to_end(&mut rest);
            let _ = done.send(rest);
        });
        finished
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("{shell:?}: probe processes still running 30 s later"));
        let left: Vec<_> = std::fs::read_dir(runtime.path()).expect("read").collect();
        assert!(left.is_empty(), "{shell:?} left {left:?}");
    }
}

#[test]
fn builtins_answer_the_same_without_proc_sys_kernel() {
    // Linux's /proc/sys/kernel spares a `uname` per builtin; elsewhere the
    // builtins ask `uname`. Hide the folder (a private mount namespace, as
    // root) and the answers must not change.
    if !rustix::process::geteuid().is_root() {
        eprintln!("skipped: hiding /proc/sys/kernel needs root (CI runs as root)");
        return;
    }
    let hidden = |shell: &str| -> Vec<String> {
        let hide = "mount -t tmpfs none /proc/sys/kernel && exec \"$@\"";
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", hide, "sh", shell]
            .map(str::to_owned)
            .to_vec()
    };
    let check = Command::new("sh")
        .args(["-c", "exec \"$@\" -c '[ ! -e /proc/sys/kernel/osrelease ]'", "sh"])
        .args(hidden("/bin/sh"))
        .status()
        .expect("run unshare");
    assert!(check.success(), "/proc/sys/kernel is hidden in the namespace");
    let mut text = HEADER.to_owned();
    // (The os.* builtins are fallbacks behind /etc/os-release, worded per transport.)
    for builtin in ["kernel.release", "arch", "hostname"] {
        let _ = write!(
            text,
            "[[fact]]\nid = \"c.{builtin}\"\nlabel = \"b\"\ncategory = \"S\"\ncompare = \"text\"\nparser = \"trim\"\n\
             sources = [{{ builtin = \"{builtin}\" }}]\n"
        );
    }
    let profile = profile(&text);
    let opts = CollectOptions::default();
    let path = std::env::var_os("PATH").expect("PATH");
    for shell in shells() {
        let mut shell_hidden = hidden(&shell[0]);
        shell_hidden.extend(shell[1..].iter().cloned());
        assert_same(&shell_hidden, &profile, &opts, &path);
    }
}

/// `app.revision` as shipped, asked in an app folder: git in a real
/// repository, a REVISION file, and no app folder at all, through every
/// shell and locally alike.
#[test]
fn app_sources_are_asked_in_the_app_folder_through_every_shell() {
    use crate::common::git::{DATES, repository};
    let mut profile = load_profile("default", None).expect("default profile");
    profile.facts.retain(|f| f.id == "app.revision");
    let tmp = tempfile::tempdir().expect("tmp");
    let commits = repository(&tmp.path().join("repo"), "main", &DATES[..2]);
    let file_only = tmp.path().join("file-only");
    std::fs::create_dir_all(&file_only).expect("mkdir");
    std::fs::write(file_only.join("REVISION"), format!("{}\n", commits[0])).expect("write");
    let opts = CollectOptions::default();
    let path = std::env::var_os("PATH").expect("PATH");
    let cases = [
        (Some(tmp.path().join("repo")), Some(commits[1].as_str())),
        (Some(file_only), Some(commits[0].as_str())),
        // An app folder that is not there, and none at all: absent.
        (Some(tmp.path().join("gone")), None),
        (None, None),
    ];
    for (dir, want) in cases {
        let ctx =
            LocalContext { app_dir: dir.clone(), ..LocalContext::with_path(Some(path.clone())) };
        let local = collect_local_with(&profile, &opts, &ctx);
        let here = &local.facts["app.revision"];
        assert_eq!(here.value.as_deref(), want, "{dir:?}: {here:?}");
        let built = script::build(&profile, opts.script_limits());
        let text = dir.as_deref().and_then(|d| d.to_str());
        let built = built.in_app(text);
        for shell in shells() {
            let out = run_script(&shell, &built.text, |c| {
                c.env("PATH", &path).env("GIT_CONFIG_GLOBAL", "/dev/null");
            });
            let parsed = frame::parse(&out.stdout, &built.boundary);
            let probed = facts_from_probe(&profile, &parsed, opts.max_bytes, "cut off");
            let there =
                &probed.iter().find(|(id, _)| id.as_str() == "app.revision").expect("fact").1;
            assert_eq!(
                essence(there),
                essence(here),
                "{shell:?} {dir:?}\nprobe: {there:?}\nlocal: {here:?}"
            );
        }
    }
}

/// The app's configuration is the probe's first frame when it names a
/// service (a transport asks the services while the probe goes on), with
/// the URL's password left out; a session that names none sends no such
/// frame. Through every shell.
#[test]
fn the_apps_configuration_is_the_first_frame_when_it_names_a_service() {
    let mut profile = load_profile("default", None).expect("default profile");
    profile.facts.retain(|f| f.id == "kernel.release" || f.id == "os.id");
    let opts = CollectOptions::default();
    let built = script::build(&profile, opts.script_limits());
    let config = script::app_config_fact(&profile);
    let path = std::env::var_os("PATH").expect("PATH");
    let first_fact = |stdout: &[u8]| -> Option<usize> {
        let marker = format!("{} F ", built.boundary);
        let text = String::from_utf8_lossy(stdout);
        let at = text.find(&marker)?;
        text[at + marker.len()..].split_whitespace().next()?.parse().ok()
    };
    for shell in shells() {
        let out = run_script(&shell, &built.text, |c| {
            c.env_clear().env("PATH", &path);
            c.env("DATABASE_URL", "postgres://app:Probe-Planted-77@db/app");
        });
        assert_eq!(first_fact(&out.stdout), Some(config), "{shell:?}");
        let parsed = frame::parse(&out.stdout, &built.boundary);
        let records = parsed.facts.get(&config).expect("the configuration's frame");
        let frame::Record::Read { output, .. } = &records[0] else { panic!("{records:?}") };
        let lines = String::from_utf8_lossy(output);
        assert!(lines.contains("\tpostgres://db/app\t2"), "{shell:?}: {lines}");
        assert!(!String::from_utf8_lossy(&out.stdout).contains("Probe-Planted-77"), "{shell:?}");

        // No variable of any role's in the session.
        let out = run_script(&shell, &built.text, |c| {
            c.env_clear().env("PATH", &path);
        });
        let parsed = frame::parse(&out.stdout, &built.boundary);
        assert!(parsed.finished, "{shell:?}");
        assert!(!parsed.facts.contains_key(&config), "{shell:?}: {:?}", parsed.facts.keys());
        assert!(parsed.facts.contains_key(&script::app_fact(&profile)), "{shell:?}");
    }
}
