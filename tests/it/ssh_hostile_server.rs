//! An SSH server that lets paritty in and then misbehaves in its channels
//! (`common::fake_ssh`, `FakeSsh::with_channels`): extended data no real
//! sshd sends, on a service's `direct-tcpip` channel and on the probe's
//! exec channel. What the probe loop cannot read must not keep it awake
//! nor hide a channel's end.

#![cfg(target_os = "linux")]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::backing_ssh_hostile::{Run, path, under_bash};
use crate::common::fake_ssh::FakeSsh;

/// The fake server, and an ssh_config in `dir` naming it `fakehost`
/// (reached with a fresh key, its host key known).
fn fake_host(dir: &Path) -> (FakeSsh, PathBuf) {
    let server = FakeSsh::with_channels(dir);
    let key = dir.join("id_ed25519");
    let made = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "tester", "-f"])
        .arg(&key)
        .output()
        .expect("run ssh-keygen");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let known_hosts = dir.join("known_hosts");
    fs::write(&known_hosts, server.known_hosts_line()).expect("write known_hosts");
    let ssh_config = dir.join("ssh_config");
    let block = format!(
        "Host fakehost\n    HostName {}\n    Port {}\n    User tester\n    \
         UserKnownHostsFile {}\n    StrictHostKeyChecking yes\n    IdentitiesOnly yes\n    \
         IdentityFile {}\n    ConnectTimeout 60\n",
        server.addr(),
        server.port(),
        known_hosts.display(),
        key.display()
    );
    fs::write(&ssh_config, block).expect("write ssh_config");
    fs::set_permissions(&ssh_config, fs::Permissions::from_mode(0o600)).expect("chmod");
    (server, ssh_config)
}

/// `paritty snapshot TARGET` of the fake host in `dir` with `args`.
fn snapshot(dir: &Path, ssh_config: &Path, target: &str, args: &[&str]) -> Run {
    let profile = crate::backing::profile();
    let snap_path = dir.join("snap.json");
    Run::of(
        under_bash()
            .args(["snapshot", target, "--ssh-config", path(ssh_config)])
            .args(args)
            .args(["--profile", path(&profile), "--format", "json", "--no-redact"])
            .args(["--out", path(&snap_path)])
            .current_dir(dir)
            .env("PARITTY_CONFIG_DIR", dir.join("no-config"))
            .env_remove("SSH_AUTH_SOCK")
            .stdin(Stdio::null()),
        &snap_path,
    )
}

/// Extended data (stderr and type 2) on a service's `direct-tcpip`
/// channel, which then never answers: the service times out at the
/// command timeout, and the wait costs little CPU. (Left in libssh2's
/// queue, that data kept the loop from ever sleeping: 2 s of CPU in 2.2.)
#[test]
fn extended_data_on_a_tunnel_does_not_keep_the_loop_spinning() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (server, ssh_config) = fake_host(dir.path());
    let app = dir.path().join("app");
    fs::create_dir(&app).expect("create the app folder");
    fs::write(app.join(".env"), "MEMCACHE_SERVERS=127.0.0.1:11211\n").expect("write .env");
    let config = dir.path().join("paritty.toml");
    let text = format!("[[host]]\nname = \"fakehost\"\napp_dir = \"{}\"\n", app.display());
    fs::write(&config, text).expect("write paritty.toml");
    let args = ["--config", path(&config), "--timeout", "2", "--host-timeout", "60"];
    let run = snapshot(dir.path(), &ssh_config, "fakehost", &args);
    assert_eq!(run.exit(), "0", "{}\nserver: {:?}", run.stderr(), server.errors());
    let cache = run.fact("backing.cache");
    assert_eq!(cache["status"], "timeout", "{cache}");
    run.assert_idle_cheap();
}

/// A container on the fake host (a stand-in `podman` on its PATH that runs
/// the probe with `/bin/sh -s`): the exec channel that keeps the engine's
/// stderr also gets extended data of type 2. The probe's end is still
/// seen, the facts come back, and the host is done without waiting for
/// its deadline or spinning.
#[test]
fn extended_data_on_a_containers_exec_channel_neither_spins_nor_hides_its_end() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (server, ssh_config) = fake_host(dir.path());
    let bin = dir.path().join("bin");
    fs::create_dir(&bin).expect("create bin");
    let podman = "#!/bin/sh\ncase \"$1\" in\n\
        container) printf 'running\\tsha256:0123\\tlocalhost/app:1\\n' ;;\n\
        exec) exec /bin/sh -s ;;\n*) exit 1 ;;\nesac\n";
    fs::write(bin.join("podman"), podman).expect("write podman");
    fs::set_permissions(bin.join("podman"), fs::Permissions::from_mode(0o755)).expect("chmod");
    // Exit 0 is the host done before its deadline: one that missed the
    // end would run to it and fail with `timeout` (30 s leaves a busy
    // machine room; the bug took all of it whatever it was).
    let args = ["--timeout", "5", "--host-timeout", "30"];
    let run = snapshot(dir.path(), &ssh_config, "podman:web@fakehost", &args);
    assert_eq!(run.exit(), "0", "{}\nserver: {:?}", run.stderr(), server.errors());
    let arch = run.fact("arch");
    assert_eq!(arch["status"], "ok", "{arch}");
    run.assert_idle_cheap();
}
