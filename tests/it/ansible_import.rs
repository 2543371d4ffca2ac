//! The probe through the real `ansible` (ansible-core and the `json`
//! callback of its ansible.posix collection, from target/ansible-venv)
//! against real sshd hosts: `ansible -m script` with `paritty probe`'s
//! file and `ansible -m raw` with `paritty probe --raw`, under the json
//! callback; `paritty import` of that output gives the values `paritty
//! snapshot` collects over SSH from the same host, and a host Ansible
//! could not reach is a failure line with Ansible's reason.

#![cfg(target_os = "linux")]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::common::remote::read_json;
use crate::common::sshd::{Fault, HostSpec, Lab};

/// The venv's python running one of its Ansible programs (by path, so a
/// venv copied elsewhere still runs its own).
fn ansible_program(name: &str) -> (PathBuf, PathBuf) {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ansible-venv/bin");
    let (python, program) = (venv.join("python"), venv.join(name));
    assert!(
        program.exists(),
        "{} is missing: run scripts/test-deps.sh (it installs ansible into a venv)",
        program.display()
    );
    (python, program)
}

fn paritty(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paritty"))
        .args(args)
        .current_dir(dir)
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .env_remove("SSH_AUTH_SOCK")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .output()
        .expect("run paritty")
}

/// `ansible all -i INVENTORY -m MODULE -a ARG` under the json callback,
/// reaching hosts as `ssh -F` the lab's config says (its user, key and
/// known_hosts, strict host key checking); its standard output.
fn ansible(lab: &Lab, work: &Path, inventory: &Path, module: &str, arg: &str) -> Vec<u8> {
    let (python, program) = ansible_program("ansible");
    let run = Command::new(python)
        .arg(program)
        .args(["all", "-i"])
        .arg(inventory)
        .args(["-m", module, "-a", arg])
        .current_dir(work)
        .env("ANSIBLE_LOAD_CALLBACK_PLUGINS", "1")
        .env("ANSIBLE_STDOUT_CALLBACK", "json")
        // No ControlPersist master left behind by the test.
        .env(
            "ANSIBLE_SSH_ARGS",
            format!("-F {} -o ControlMaster=no -o ControlPath=none", lab.ssh_config().display()),
        )
        .env("ANSIBLE_REMOTE_TMP", "/tmp")
        .env("ANSIBLE_LOCAL_TEMP", work.join("ansible-local"))
        .env("ANSIBLE_HOME", work.join("ansible-home"))
        .env("ANSIBLE_CONFIG", work.join("no-ansible.cfg"))
        .env("ANSIBLE_TIMEOUT", "10")
        .env("ANSIBLE_NOCOLOR", "1")
        .env("HOME", lab.home())
        .env_remove("SSH_AUTH_SOCK")
        .stdin(Stdio::null())
        .output()
        .expect("run ansible");
    // 4: some host unreachable; anything else is the test's own problem.
    assert!(
        matches!(run.status.code(), Some(0 | 2 | 4)),
        "ansible: {:?}\n{}",
        run.status,
        String::from_utf8_lossy(&run.stderr)
    );
    run.stdout
}

/// Seconds per probe command, both ways: a busy machine must not make a
/// tool time out on one run and answer on the other.
const SLOW: &str = "60";

/// Facts as `(status, value)` by id, from a snapshot file.
fn values(path: &Path) -> Vec<(String, String, String)> {
    let json = read_json(path);
    json["facts"]
        .as_object()
        .expect("facts")
        .iter()
        .map(|(id, f)| (id.clone(), f["status"].to_string(), f["value"].to_string()))
        .collect()
}

#[test]
fn the_probe_through_ansible_imports_as_paritty_collects_it() {
    let lab = Lab::new();
    let tools: &[(&str, &str)] = &[
        ("git", "echo 'git version 2.43.0'"),
        ("node", "echo 'v20.11.1'"),
        // A tool printing a CR LF and a line that looks like a record.
        ("curl", "printf 'curl 8.5.0 (x86_64-pc-linux-gnu)\\r\\nPARITTY-0 E 0\\n'"),
    ];
    // Ansible's script module copies the file over SFTP.
    let sftp: &[&str] = &["Subsystem sftp internal-sftp"];
    // Kept to the end: dropping a host stops its sshd.
    let _web =
        lab.add_host(&HostSpec { name: "web-1", tools, sshd_config: sftp, ..HostSpec::default() });
    let down = Fault::closed_port();
    let work = tempfile::tempdir().expect("tmp");
    let inventory = work.path().join("hosts.ini");
    std::fs::write(
        &inventory,
        format!(
            "[web]\nweb-1\n[gone]\ndown ansible_host={} ansible_port={}\n",
            down.ip(),
            down.port()
        ),
    )
    .expect("inventory");

    // What paritty collects itself over SSH.
    let ssh_config = lab.ssh_config().display().to_string();
    let run = paritty(
        &[
            "snapshot",
            "web-1",
            "--ssh-config",
            &ssh_config,
            "--out",
            "direct.json",
            "--timeout",
            SLOW,
            "--host-timeout",
            "300",
        ],
        work.path(),
    );
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let direct = values(&work.path().join("direct.json"));
    let git = direct.iter().find(|(id, ..)| id == "tool.git").expect("git");
    assert_eq!(git.2, "\"2.43.0\"", "the host's own tools are collected");

    // The same probe through `ansible -m script` and `-m raw`.
    let run = paritty(&["probe", "--timeout", SLOW], work.path());
    assert!(run.status.success());
    std::fs::write(work.path().join("probe.sh"), &run.stdout).expect("probe.sh");
    let script = ansible(&lab, work.path(), &inventory, "script", "probe.sh");
    std::fs::write(work.path().join("script.json"), &script).expect("write");
    let run = paritty(&["probe", "--raw", "--timeout", SLOW], work.path());
    assert!(run.status.success());
    let line = String::from_utf8(run.stdout).expect("one line");
    let raw = ansible(&lab, work.path(), &inventory, "raw", line.trim_end());
    std::fs::write(work.path().join("raw.json"), &raw).expect("write");

    for (output, out) in [("script.json", "from-script"), ("raw.json", "from-raw")] {
        let run = paritty(&["import", output, "--out", out], work.path());
        let stderr = String::from_utf8_lossy(&run.stderr);
        // The unreachable host fails the import, with Ansible's reason.
        assert_eq!(run.status.code(), Some(2), "{output}: {stderr}");
        let line = stderr
            .lines()
            .find(|l| l.starts_with("paritty: down: "))
            .unwrap_or_else(|| panic!("{output}: no line for down: {stderr}"));
        assert!(line.contains("unreachable: down: Ansible could not reach it: "), "{line}");
        let written: Vec<String> = std::fs::read_dir(work.path().join(out))
            .expect("out folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(written, ["web-1.json"], "{output}: {stderr}");
        let imported = values(&work.path().join(out).join("web-1.json"));
        assert_eq!(imported, direct, "{output}: facts differ from paritty's own collection");
        let json = read_json(&work.path().join(out).join("web-1.json"));
        assert_eq!(json["host"]["labels"]["via"], "ansible");
        assert_eq!(
            json["facts"]["tool.curl"]["raw"],
            "curl 8.5.0 (x86_64-pc-linux-gnu)\nPARITTY-0 E 0\n"
        );
    }
}

/// Through Ansible with `paritty probe --host-app-dir`, the probe reads the
/// app folder as a `[[host]]`'s `app_dir` does: every fact as `paritty
/// snapshot` collects it over SSH, the host's own clients' answers (SQLite's
/// library) included; a service paritty would ask through the session is
/// `not-asked` in the import, saying why. A relative folder is refused.
#[test]
fn the_app_folder_and_its_services_come_through_ansible() {
    let lab = Lab::new();
    let sftp: &[&str] = &["Subsystem sftp internal-sftp"];
    let _host = lab.add_host(&HostSpec { name: "app-1", sshd_config: sftp, ..HostSpec::default() });
    let app = lab.dir().join("app");
    std::fs::create_dir_all(&app).expect("mkdir");
    std::fs::set_permissions(&app, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let closed = Fault::closed_port();
    let dotenv = format!("DATABASE_URL=sqlite:///db.sqlite3\nMEMCACHE_SERVERS={closed}\n");
    std::fs::write(app.join(".env"), dotenv).expect("write .env");
    std::fs::set_permissions(app.join(".env"), std::fs::Permissions::from_mode(0o644))
        .expect("chmod");
    let app_dir = app.to_str().expect("a UTF-8 path");
    let work = tempfile::tempdir().expect("tmp");
    let config = work.path().join("paritty.toml");
    std::fs::write(
        &config,
        format!(
            "[settings]\nssh_config = {:?}\n\n[[host]]\nname = \"app-1\"\napp_dir = {app_dir:?}\n",
            lab.ssh_config().display().to_string()
        ),
    )
    .expect("config");
    let config = config.to_str().expect("a UTF-8 path");
    let run = paritty(
        &["--config", config, "snapshot", "app-1", "--out", "direct.json", "--timeout", SLOW],
        work.path(),
    );
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));

    let run = paritty(&["probe", "--timeout", SLOW, "--host-app-dir", app_dir], work.path());
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    std::fs::write(work.path().join("probe.sh"), &run.stdout).expect("probe.sh");
    let inventory = work.path().join("hosts.ini");
    std::fs::write(&inventory, "app-1\n").expect("inventory");
    let output = ansible(&lab, work.path(), &inventory, "script", "probe.sh");
    std::fs::write(work.path().join("script.json"), &output).expect("write");
    let run = paritty(&["import", "script.json", "--out", "imported"], work.path());
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));

    let direct = read_json(&work.path().join("direct.json"));
    let imported = read_json(&work.path().join("imported/app-1.json"));
    let database = &imported["facts"]["backing.database"];
    assert!(database["value"].as_str().is_some_and(|v| v.starts_with("sqlite 3.")), "{database}");
    assert_eq!(database["value"], direct["facts"]["backing.database"]["value"]);
    let cache = &imported["facts"]["backing.cache"];
    assert_eq!(cache["status"], "not-asked", "{cache}");
    assert!(cache["raw"].as_str().is_some_and(|r| r.contains("imported from Ansible")), "{cache}");
    assert_eq!(direct["facts"]["backing.cache"]["status"], "unreachable");
    let others = |path: &Path| -> Vec<(String, String, String)> {
        values(path).into_iter().filter(|(id, ..)| id != "backing.cache").collect()
    };
    assert_eq!(
        others(&work.path().join("imported/app-1.json")),
        others(&work.path().join("direct.json"))
    );

    let run = paritty(&["probe", "--host-app-dir", "srv/app"], work.path());
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("--host-app-dir must be an absolute path"), "{stderr}");
}

/// What is not Ansible's JSON output is one line saying what and where,
/// exit 2, nothing written; so is a file past the size cap's kind (a FIFO
/// would hang a reader that trusted it).
#[test]
fn what_is_not_ansibles_output_is_refused_in_one_line() {
    let work = tempfile::tempdir().expect("tmp");
    std::fs::write(work.path().join("bad.json"), "{\"plays\": [{\"tasks\": 7}]}").expect("write");
    std::fs::write(work.path().join("empty.json"), "{\"plays\": []}").expect("write");
    let fifo = work.path().join("fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().expect("mkfifo").success());
    for (file, said) in [
        (
            "bad.json",
            "paritty: error: bad.json: not the JSON of Ansible's `json` callback (line 1, column",
        ),
        ("empty.json", "paritty: error: empty.json: Ansible's output names no host"),
        ("fifo", "paritty: error: fifo: it is a FIFO, not a regular file"),
    ] {
        let run = paritty(&["import", file, "--out", "out"], work.path());
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with(said), "{stderr}");
        assert!(!work.path().join("out").exists());
    }
}

/// `--host-app-dir` goes into the script as one single-quoted word: a
/// folder named with quotes, `$()`, backticks and `;` is read as that
/// folder by `sh` running the printed probe, and nothing in its name runs;
/// a name with a newline is refused.
#[test]
fn a_host_app_dir_named_like_shell_code_is_only_a_folder() {
    let work = tempfile::tempdir().expect("tmp");
    let dir = work.path().join("a'b $(touch RAN1) `touch RAN2` \"q\" ;touch RAN3");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join(".env"), "DATABASE_URL=postgres://127.0.0.1:1/x\n").expect("write");
    let profile = crate::common::remote::profile_fixture("backing-test");
    let dir_arg = dir.to_str().expect("UTF-8");
    let args = ["probe", "--profile", profile.to_str().expect("UTF-8"), "--host-app-dir", dir_arg];
    let run = paritty(&args, work.path());
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let out = crate::common::probe::run_script(
        &["/bin/sh".to_owned()],
        &String::from_utf8_lossy(&run.stdout),
        |c| {
            c.current_dir(work.path());
        },
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains(&format!("DATABASE_URL in {dir_arg}/.env:1")), "{said}");
    let mut ran = Vec::new();
    for folder in [work.path(), dir.as_path()] {
        for entry in std::fs::read_dir(folder).expect("read") {
            let name = entry.expect("entry").file_name().to_string_lossy().into_owned();
            if name.starts_with("RAN") {
                ran.push(name);
            }
        }
    }
    assert!(ran.is_empty(), "the probe ran {ran:?}");
    let newline = format!("{dir_arg}\nx");
    let run = paritty(&["probe", "--host-app-dir", &newline], work.path());
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("--host-app-dir holds a control character"), "{stderr}");
}
