//! The real binary: what a user types, what they get back, and exit codes.

use std::path::Path;
use std::process::{Command, Output};

use paritty::profile::{SourceKind, load_profile};

fn paritty(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paritty"))
        .args(args)
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run paritty")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// How a version sits in a command's output.
type Extract = fn(&str) -> String;

/// Runs a command of this machine and returns its trimmed merged output.
fn machine(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).env("LC_ALL", "C").output().ok()?;
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    Some(text.trim().to_owned())
}

fn os_release(key: &str) -> Option<String> {
    let text = std::fs::read_to_string("/etc/os-release").ok()?;
    paritty::output::keyvalue::lookup(&text, key)
}

fn assert_one_error_line(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(2), "exit code 2 for an error; stderr: {}", stderr(out));
    let err = stderr(out);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
    assert!(err.starts_with("paritty: error: "), "{err}");
    err
}

#[test]
fn version_and_help() {
    let out = paritty(&["--version"]);
    assert!(out.status.success());
    assert_eq!(stdout(&out).trim(), format!("paritty {}", env!("CARGO_PKG_VERSION")));
    let help = stdout(&paritty(&["--help"]));
    for word in ["snapshot", "profiles"] {
        assert!(help.contains(word), "help mentions {word}: {help}");
    }
    assert_eq!(paritty(&["--no-such-flag"]).status.code(), Some(2));
}

/// `--version` and `--help` answer wherever they are typed, and the
/// everyone's `--config` goes before or after a subcommand: none of them
/// is an option of the interactive view's misplaced.
#[test]
fn version_help_and_config_are_taken_anywhere() {
    // A subcommand's says its name too: "paritty-snapshot 0.1.0".
    let version = format!(" {}", env!("CARGO_PKG_VERSION"));
    for args in [&["snapshot", "--version"][..], &["--version", "snapshot"], &["profiles", "-V"]] {
        let out = paritty(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let said = stdout(&out);
        assert!(
            said.starts_with("paritty") && said.trim_end().ends_with(&version),
            "{args:?}: {said}"
        );
    }
    for args in [&["--help", "snapshot"][..], &["snapshot", "--help"], &["help", "diff"]] {
        let out = paritty(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).contains("Usage: paritty"), "{args:?}: {}", stdout(&out));
    }
    let config = tempfile::tempdir().expect("test set-up");
    let file = config.path().join("paritty.toml");
    std::fs::write(&file, "[settings]\n").expect("test set-up");
    let file = file.to_str().expect("a UTF-8 path");
    for args in [&["--config", file, "profiles"][..], &["profiles", "--config", file]] {
        let out = paritty(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).contains("default"), "{args:?}: {}", stdout(&out));
    }
}

/// An option of the interactive view's given before a subcommand would be
/// the view's and quietly do nothing: refused with where it goes. `--config`
/// is everyone's, before or after.
#[test]
fn a_view_option_before_a_subcommand_is_refused_with_where_it_goes() {
    for (args, flag) in [
        (&["--host-timeout", "5", "snapshot", "local"][..], "--host-timeout"),
        (&["--profile", "minimal", "diff", "local"][..], "--profile"),
        (&["--accept-new", "check", "local"][..], "--accept-new"),
    ] {
        let out = paritty(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        let command =
            args.iter().find(|a| ["snapshot", "diff", "check"].contains(a)).expect("a subcommand");
        assert!(
            err.contains(&format!("{flag} before `{command}` is the interactive view's; put it after the subcommand: paritty {command} {flag} ...")),
            "{err}"
        );
        assert!(stdout(&out).is_empty());
    }
    let out = paritty(&["--config", "/nonexistent/paritty.toml", "profiles"]);
    assert!(stderr(&out).contains("/nonexistent/paritty.toml"), "{}", stderr(&out));
}

#[cfg(target_os = "linux")]
#[test]
fn json_snapshot_matches_what_the_machine_reports() {
    let out = paritty(&["snapshot", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let snap: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let value = |id: &str| snap["facts"][id]["value"].as_str().map(str::to_owned);
    let status = |id: &str| snap["facts"][id]["status"].as_str().map(str::to_owned);

    assert_eq!(value("os.id"), os_release("ID"));
    if let Some(version) = os_release("VERSION_ID") {
        assert_eq!(value("os.version"), Some(version));
    }
    assert_eq!(value("kernel.release"), machine("uname", &["-r"]));
    assert_eq!(value("arch"), machine("uname", &["-m"]));
    assert_eq!(value("hostname"), machine("uname", &["-n"]));

    // (fact id, command, how the version sits in its output)
    let tools: [(&str, &str, &[&str], Extract); 4] = [
        ("runtime.python3", "python3", &["--version"], |o| {
            o.trim_start_matches("Python ").to_owned()
        }),
        ("runtime.node", "node", &["--version"], |o| o.trim_start_matches('v').to_owned()),
        ("tool.git", "git", &["--version"], |o| {
            o.split_whitespace().nth(2).unwrap_or("").to_owned()
        }),
        ("tool.openssl", "openssl", &["version"], |o| {
            o.split_whitespace().nth(1).unwrap_or("").to_owned()
        }),
    ];
    for (id, program, args, extract) in tools {
        if which::which(program).is_ok() {
            let reported = machine(program, args).expect("runs");
            assert_eq!(
                value(id),
                Some(extract(&reported)),
                "{id} vs `{program}` saying {reported:?}"
            );
        } else {
            assert_eq!(status(id).as_deref(), Some("missing"), "{id} absent here");
        }
    }
}

/// Every fact reported `missing` really has none of its programs on PATH
/// and none of its files; every fact whose first program is on PATH is not
/// `missing`.
#[cfg(unix)]
#[test]
fn missing_means_absent() {
    let out = paritty(&["snapshot", "--format", "json"]);
    let snap: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let profile = load_profile("default", None).expect("default profile");
    let mut missing = 0;
    for def in &profile.facts {
        let status = snap["facts"][&def.id]["status"].as_str().expect("status");
        let present = def.sources.iter().any(|s| match &s.kind {
            SourceKind::Command(argv) if argv[0].contains('*') => {
                paritty::collect::locate::expand_glob(&argv[0]).is_some()
            }
            SourceKind::Command(argv) if argv[0].contains('/') => Path::new(&argv[0]).exists(),
            SourceKind::Command(argv) => which::which(&argv[0]).is_ok(),
            SourceKind::File { path, key: None, near: None } => Path::new(path).exists(),
            _ => true,
        });
        if status == "missing" {
            missing += 1;
            assert!(
                def.sources.iter().all(|s| !matches!(s.kind, SourceKind::Builtin(_))) || !present,
                "{} is missing though it has a builtin",
                def.id
            );
            let commands_only =
                def.sources.iter().all(|s| matches!(s.kind, SourceKind::Command(_)));
            if commands_only {
                assert!(!present, "{} reported missing but its tool is on PATH", def.id);
            }
        } else if def.sources.iter().all(|s| matches!(s.kind, SourceKind::Command(_))) {
            assert!(present, "{} is {status} but none of its tools is on PATH", def.id);
        }
    }
    assert!(missing > 0, "a default profile this wide has absent tools on any one machine");
}

#[test]
fn snapshot_out_writes_the_file_and_reads_back() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("me.json");
    let out = paritty(&["snapshot", "--out", path.to_str().expect("utf8")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "nothing on stdout with --out");
    assert!(stderr(&out).contains("wrote"), "{}", stderr(&out));
    let snap = paritty::model::snapshot_file::read_snapshot(&path).expect("valid snapshot");
    assert_eq!(snap.profile.name, "default");
    assert!(snap.facts.len() >= 50);
}

#[test]
fn text_format_groups_by_category() {
    let out = paritty(&["snapshot", "--format", "text", "--timeout", "5"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for heading in ["System", "Runtimes", "Tools", "Backing services", "Package managers"] {
        assert!(text.lines().any(|l| l == heading), "heading {heading} in:\n{text}");
    }
    assert!(text.contains(" facts: "), "status summary line");
}

#[test]
fn bad_profile_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().expect("tmp");
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[profile]\nname = \"bad\"\nowner = \"me\"\n").expect("write");
    let out = paritty(&["snapshot", "--profile", bad.to_str().expect("utf8")]);
    let err = assert_one_error_line(&out);
    assert!(err.contains(&format!("{}:3:1", bad.display())), "{err}");
    assert!(err.contains("owner"), "{err}");
    assert!(out.stdout.is_empty());

    let err = assert_one_error_line(&paritty(&["snapshot", "--profile", "no-such-profile"]));
    assert!(err.contains("no profile named `no-such-profile`"), "{err}");
}

#[test]
fn unwritable_output_is_one_line_and_leaves_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let target = dir.path().join("missing-folder").join("snap.json");
    let err =
        assert_one_error_line(&paritty(&["snapshot", "--out", target.to_str().expect("utf8")]));
    assert!(err.contains("cannot write"), "{err}");
    assert!(!target.exists());
    let err = assert_one_error_line(&paritty(&["snapshot", "--timeout", "0"]));
    assert!(err.contains("--timeout"), "{err}");
}

#[test]
fn profiles_lists_shipped_and_user_profiles() {
    let config = tempfile::tempdir().expect("tmp");
    let profiles = config.path().join("profiles");
    std::fs::create_dir(&profiles).expect("mkdir");
    std::fs::write(
        profiles.join("team.toml"),
        "[profile]\nname = \"team\"\ndescription = \"our stack\"\nextends = \"default\"\n",
    )
    .expect("write");
    std::fs::write(profiles.join("broken.toml"), "[profile]\nname = 3\n").expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_paritty"))
        .arg("profiles")
        .env("PARITTY_CONFIG_DIR", config.path())
        .output()
        .expect("run");
    assert!(out.status.success());
    let text = stdout(&out);
    let default_count = load_profile("default", None).expect("default").facts.len();
    for name in ["default", "node-web", "python-django", "jvm-service", "team"] {
        assert!(text.lines().any(|l| l.starts_with(name)), "{name} listed:\n{text}");
    }
    let team = text.lines().find(|l| l.starts_with("team")).expect("team line");
    assert!(team.contains(&format!("{default_count} facts")), "{team}");
    let broken = text.lines().find(|l| l.starts_with("broken")).expect("broken line");
    assert!(broken.contains("invalid") && broken.contains("broken.toml:2"), "{broken}");
}

#[test]
fn a_closed_stdout_is_not_an_error() {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_paritty"))
        .args(["snapshot", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_bad_config_is_one_line_naming_file_and_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("paritty.toml");
    std::fs::write(
        &config,
        "[settings]\nworkers = 4\n\n[[host]]\nname = \"db\"\nenviroment = \"prod\"\n",
    )
    .expect("write");
    let out = paritty(&["--config", config.to_str().expect("utf8"), "snapshot"]);
    let err = assert_one_error_line(&out);
    assert!(err.contains(&format!("config {}:6:1", config.display())), "{err}");
    assert!(err.contains("enviroment"), "{err}");
    let absent = dir.path().join("absent.toml");
    let err =
        assert_one_error_line(&paritty(&["--config", absent.to_str().expect("utf8"), "profiles"]));
    assert!(err.contains("cannot read it"), "{err}");
}

#[test]
fn bad_targets_are_refused_before_collecting() {
    for (args, expected) in [
        (&["snapshot", "-oProxyCommand=x"][..], "unexpected argument"),
        (&["snapshot", "db:notaport"][..], "is not a port"),
        (&["snapshot", "local", "local"][..], "named twice"),
    ] {
        let out = paritty(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(expected), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn bad_key_bindings_are_config_errors_with_their_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("paritty.toml");
    std::fs::write(&config, "[keys]\nquit = [\"x\", \"ctrl-q\"]\nexplode = \"e\"\n")
        .expect("write");
    let err =
        assert_one_error_line(&paritty(&["--config", config.to_str().expect("utf8"), "profiles"]));
    assert!(err.contains(&format!("config {}:3:", config.display())), "{err}");
    assert!(err.contains("unknown action `explode`"), "{err}");
    std::fs::write(&config, "[keys]\nquit = \"ctrl-\"\n").expect("write");
    let err =
        assert_one_error_line(&paritty(&["--config", config.to_str().expect("utf8"), "profiles"]));
    assert!(err.contains(":2:") && err.contains("not a key"), "{err}");
    std::fs::write(&config, "[keys]\nquit = [\"x\", \"ctrl-q\"]\n").expect("write");
    let out = paritty(&["--config", config.to_str().expect("utf8"), "profiles"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[cfg(unix)]
#[test]
fn written_files_are_ordinary_files_not_private_ones() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("me.json");
    let out = Command::new(env!("CARGO_BIN_EXE_paritty"))
        .args(["snapshot", "--out", path.to_str().expect("utf8")])
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    // 0666 less the umask, as a shell redirection would make it: readable by
    // the teammates it is written for.
    let mode = std::fs::metadata(&path).expect("written").permissions().mode() & 0o777;
    assert_eq!(mode & 0o044, 0o044 & !current_umask(), "mode {mode:o}");
}

#[cfg(unix)]
fn current_umask() -> u32 {
    let out = Command::new("sh").args(["-c", "umask"]).output().expect("sh");
    u32::from_str_radix(String::from_utf8_lossy(&out.stdout).trim(), 8).expect("octal")
}

#[test]
fn probe_prints_the_script_hosts_run() {
    let dir = tempfile::tempdir().expect("tmp");
    let profile = dir.path().join("one.toml");
    std::fs::write(
        &profile,
        "[profile]\nname = \"one\"\ndescription = \"a variable\"\n\n[[fact]]\nid = \"env.probe_test\"\n\
         label = \"v\"\ncategory = \"System\"\ncompare = \"exact\"\nparser = \"trim\"\n\
         sources = [{ env = \"PARITTY_PROBE_TEST\" }]\n",
    )
    .expect("write");
    let out = paritty(&["probe", "--profile", profile.to_str().expect("utf8")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let script = stdout(&out);
    assert!(script.starts_with("#!/bin/sh\n# paritty "), "{script}");
    // The script is what a host runs: sh gives back this machine's answer,
    // framed by the boundary the script names.
    let ran = crate::common::output_like_sshd(
        Command::new("sh").args(["-c", &script]).env("PARITTY_PROBE_TEST", "hello 1.2"),
        b"",
    );
    let framed = String::from_utf8_lossy(&ran.stdout);
    let boundary = framed.split(' ').next().expect("boundary");
    assert!(boundary.starts_with("PARITTY-") && script.contains(boundary), "{framed}");
    assert!(
        framed.contains("\nhello 1.2\n") && framed.ends_with(&format!("{boundary} Z\n")),
        "{framed}"
    );

    let bad = paritty(&["probe", "--profile", "/nonexistent/profile.toml"]);
    assert!(assert_one_error_line(&bad).contains("/nonexistent/profile.toml"));
}

/// `ssh -G` costs a process per host: it answers only what paritty's own
/// reading of the config cannot (here `Match exec`), or everything when
/// `PARITTY_SSH_RESOLVER=openssh`. A wrapper `ssh` first on PATH notes
/// each run; the host's port is closed, so nothing else happens.
#[test]
fn ssh_dash_g_runs_only_when_needed_or_asked() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tmp");
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).expect("mkdir");
    let runs = dir.path().join("ssh-runs");
    let real = which::which("ssh").expect("the OpenSSH client (CI installs it)");
    let wrapper = bin.join("ssh");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\nexec '{}' \"$@\"\n",
            runs.display(),
            real.display()
        ),
    )
    .expect("write wrapper");
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let config = dir.path().join("ssh_config");
    std::fs::write(
        &config,
        "Host plain exec\n  HostName 127.0.0.1\n  Port 1\n  StrictHostKeyChecking yes\n\
         Match originalhost exec exec true\n  User someone\n",
    )
    .expect("write config");
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let run = |host: &str, resolver: Option<&str>| {
        let _ = std::fs::remove_file(&runs);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_paritty"));
        cmd.args(["snapshot", "--ssh-config", config.to_str().expect("utf8"), host])
            .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
            .env("PATH", &path)
            .env_remove("PARITTY_SSH_RESOLVER");
        if let Some(r) = resolver {
            cmd.env("PARITTY_SSH_RESOLVER", r);
        }
        let out = cmd.output().expect("run paritty");
        // Port 1 is closed: the host fails, after its settings resolved.
        assert!(!out.status.success(), "{}", stderr(&out));
        assert!(stderr(&out).contains(&format!("{host}: unreachable")), "{}", stderr(&out));
        std::fs::read_to_string(&runs).unwrap_or_default()
    };
    assert_eq!(run("plain", None), "", "no ssh -G for a config the parser reads whole");
    let asked = run("plain", Some("openssh"));
    assert!(asked.starts_with("-G ") && asked.trim_end().ends_with("plain"), "{asked}");
    let exec = run("exec", None);
    assert!(exec.starts_with("-G ") && exec.trim_end().ends_with("exec"), "{exec}");
}

/// Targets whose names become the same file name (`a b` and `a_b`) are
/// written to two files in `--out DIR`, neither replacing the other.
#[test]
fn snapshot_out_dir_gives_colliding_names_their_own_files() {
    let dir = tempfile::tempdir().expect("tmp");
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snapshots/debian12-laptop.json");
    let (spaced, underscored) = (dir.path().join("a b.json"), dir.path().join("a_b.json"));
    std::fs::copy(&fixture, &spaced).expect("copy");
    std::fs::copy(&fixture, &underscored).expect("copy");
    let out_dir = dir.path().join("out");
    let out = paritty(&[
        "snapshot",
        spaced.to_str().expect("utf8"),
        underscored.to_str().expect("utf8"),
        "--out",
        out_dir.to_str().expect("utf8"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let files: Vec<_> =
        std::fs::read_dir(&out_dir).expect("out").map(|e| e.expect("e").path()).collect();
    assert_eq!(files.len(), 2, "{files:?}");
    for file in &files {
        paritty::model::snapshot_file::read_snapshot(file).expect("a whole snapshot");
        assert!(stderr(&out).contains(&format!("wrote {}", file.display())), "{}", stderr(&out));
    }
}

/// A bare word naming both a folder here and possibly a host is refused;
/// `./NAME/` is the folder, `ssh://NAME` the host, an inventory name the host.
#[test]
fn a_folder_does_not_shadow_a_host_of_the_same_name() {
    let here = tempfile::tempdir().expect("tmp");
    std::fs::create_dir(here.path().join("fake")).expect("mkdir");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/snapshots/debian12-laptop.json"),
        here.path().join("fake/laptop.json"),
    )
    .expect("copy");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_paritty"))
            .args(args)
            .current_dir(here.path())
            .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
            .env_remove("RUST_BACKTRACE")
            .output()
            .expect("run paritty")
    };
    let err = assert_one_error_line(&run(&["snapshot", "--format", "json", "fake"]));
    assert_eq!(
        err.trim_end(),
        "paritty: error: target `fake` is a folder here and could also be a host: write \
         `./fake/` for the snapshots in the folder, or `ssh://fake` for the host"
    );
    let out = run(&["snapshot", "--format", "json", "./fake/"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("\"name\": \"laptop\""), "the folder's snapshot");
    // `local` is a keyword, folder or not.
    std::fs::create_dir(here.path().join("local")).expect("mkdir");
    std::fs::write(
        here.path().join("one.toml"),
        "[profile]\nname = \"one\"\n[[fact]]\nid = \"home\"\nlabel = \"home\"\n\
         category = \"Env\"\ncompare = \"text\"\nsources = [{ env = \"HOME\" }]\n",
    )
    .expect("write profile");
    let out = run(&["snapshot", "--format", "json", "--profile", "./one.toml", "local"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Declared in the inventory: the host is meant (and refused at once: port 1).
    std::fs::write(
        here.path().join("paritty.toml"),
        "[[host]]\nname = \"fake\"\nssh = \"nobody@127.0.0.1:1\"\n",
    )
    .expect("write config");
    let out = run(&["snapshot", "--format", "json", "--ssh-config", "/dev/null", "fake"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("paritty: fake: unreachable"), "collected as a host: {err}");
}
