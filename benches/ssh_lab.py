#!/usr/bin/env python3
"""A lab of N real OpenSSH servers on loopback, for the "ssh" section.

Usage: ssh_lab.py --hosts N [--sizes 1,8,N] --dir DIR

Starts N `/usr/sbin/sshd -D -e` processes, each on its own address
127.10.X.Y (only 127.0.0.0/8 is ever used) and a free port, with its own
ed25519 host key; one generated client key logs in to all of them. Writes,
into DIR:

  ssh_config        `Host bench-I` blocks (HostName, Port, User, IdentityFile,
                    IdentitiesOnly, UserKnownHostsFile, StrictHostKeyChecking),
                    and a `Host 127.10.*` block with the same checks for
                    clients that connect by address (ansible does)
  known_hosts       every host's key, so host keys ARE checked (no
                    accept-new, no StrictHostKeyChecking=no)
  inventory-S.ini   an ansible inventory of bench-1..bench-S for each S in
                    --sizes (default: N)
  listeners         the servers' process ids (see ssh_remote_cpu.py)
  sshd/I/           each server's config, host key and log

Then it checks that `ssh` logs in to every host, prints "ready DIR" on
stdout and runs until stdin closes or it gets SIGTERM/SIGINT; every sshd
is stopped on the way out, also on error. The servers also get
PR_SET_PDEATHSIG, so even a SIGKILLed lab leaves no sshd behind.
Synchronisation is by sshd's own "Server listening on" line, never a sleep.
"""
import argparse
import concurrent.futures
import ctypes
import getpass
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading

SSHD = "/usr/sbin/sshd"  # absolute: sshd re-executes itself for each connection
PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)  # loaded before any fork


def die_with_parent():
    """preexec_fn: the server gets SIGTERM when the lab dies, however."""
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def log(msg):
    print(f"== ssh_lab: {msg}", file=sys.stderr, flush=True)


def address(i):
    """Host i (1-based) -> 127.10.X.Y, Y in 1..250: N up to 250*256 hosts."""
    return f"127.10.{(i - 1) // 250}.{(i - 1) % 250 + 1}"


def free_port(addr):
    """A port nobody listens on at addr right now. sshd binds it a moment
    later; if someone else got it meanwhile, sshd says so and we retry."""
    with socket.socket() as s:
        s.bind((addr, 0))
        return s.getsockname()[1]


def keygen(path, comment):
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path],
                   check=True, stdin=subprocess.DEVNULL)


def sftp_server():
    # Debian's default sshd_config runs the separate sftp-server binary;
    # ansible copies its module over sftp, so use the same when present.
    p = "/usr/lib/openssh/sftp-server"
    return p if os.access(p, os.X_OK) else "internal-sftp"


class Lab:
    def __init__(self, root, n, user, keep_bashrc):
        self.root, self.n, self.user = root, n, user
        # bash sources ~/.bashrc for a command sent over ssh when it is the
        # top-level shell (SHLVL < 2 once incremented). This machine's root
        # .bashrc runs `pyenv init` (~0.12 s for EVERY remote command), a
        # cost of the dev box, not of either tool, and one that weighs on
        # ansible (several commands per host) far more than on paritty (one
        # per host). SHLVL=1 makes bash skip it; --keep-bashrc keeps it.
        self.shell_env = [] if keep_bashrc else ["SetEnv SHLVL=1"]
        self.procs = []  # (index, Popen)
        self.hosts = []  # (name, addr, port, host public key)

    def start(self):
        if os.geteuid() == 0:
            # sshd's privilege separation needs this as root; the Debian
            # package makes it at boot, a container may not have it.
            os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        shutil.rmtree(self.root, ignore_errors=True)
        os.makedirs(f"{self.root}/sshd")
        self.client_key = f"{self.root}/client_ed25519"
        keygen(self.client_key, "paritty-bench-client")
        shutil.copy(f"{self.client_key}.pub", f"{self.root}/authorized_keys")
        for i in range(1, self.n + 1):
            self.hosts.append(self.start_host(i))
        # For ssh_remote_cpu.py: the servers' reaped children are the remote
        # side's CPU (the session sshd and every command it ran).
        with open(f"{self.root}/listeners", "w") as f:
            f.writelines(f"{p.pid}\n" for _, p in self.procs)
        log(f"{self.n} sshd listening on 127.10.*")

    def start_host(self, i):
        d = f"{self.root}/sshd/{i}"
        os.makedirs(d)
        keygen(f"{d}/host_ed25519", f"bench-{i}")
        addr = address(i)
        for _attempt in range(5):
            port = free_port(addr)
            with open(f"{d}/sshd_config", "w") as f:
                f.write("\n".join([
                    f"ListenAddress {addr}:{port}",
                    f"HostKey {d}/host_ed25519",
                    f"PidFile {d}/sshd.pid",  # not the system's /run/sshd.pid
                    f"AuthorizedKeysFile {self.root}/authorized_keys",
                    "StrictModes no",  # the scratch dir's modes are not ~/.ssh's
                    "UsePAM no",
                    "PermitRootLogin prohibit-password",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    # 64 clients may handshake at once: no random drops.
                    "MaxStartups 200:30:300",
                    "MaxSessions 10",
                    f"Subsystem sftp {sftp_server()}",
                    *self.shell_env,
                    "",
                ]))
            proc = subprocess.Popen(
                [SSHD, "-D", "-e", "-f", f"{d}/sshd_config"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                preexec_fn=die_with_parent, text=True)
            self.procs.append((i, proc))
            seen = []
            for line in proc.stderr:  # blocks until sshd says it listens, or exits
                seen.append(line)
                if "Server listening on" in line:
                    break
            else:
                proc.wait()
                self.procs.remove((i, proc))
                if any("Bind to port" in l or "Address already in use" in l for l in seen):
                    continue  # the port was taken meanwhile: another one
                raise SystemExit(f"sshd for bench-{i} exited:\n{''.join(seen)}")
            # Keep draining sshd's log (one line per login) into a file, or
            # a full pipe would block the server.
            logf = open(f"{d}/sshd.log", "w")
            logf.writelines(seen)
            threading.Thread(target=shutil.copyfileobj, args=(proc.stderr, logf), daemon=True).start()
            with open(f"{d}/host_ed25519.pub") as f:
                key = " ".join(f.read().split()[:2])
            return (f"bench-{i}", addr, port, key)
        raise SystemExit(f"no free port for bench-{i} on {addr}")

    def write_files(self, sizes):
        cfg, kh = f"{self.root}/ssh_config", f"{self.root}/known_hosts"
        checks = [
            "IdentitiesOnly yes",
            f"UserKnownHostsFile {kh}",
            "StrictHostKeyChecking yes",
        ]
        with open(cfg, "w") as f:
            for name, addr, port, _ in self.hosts:
                f.write(f"Host {name}\n")
                for line in [f"HostName {addr}", f"Port {port}", f"User {self.user}",
                             f"IdentityFile {self.client_key}", *checks]:
                    f.write(f"    {line}\n")
            # ansible runs `ssh -F ssh_config ... ADDRESS`, which no alias
            # block matches: the same checks for the addresses.
            f.write("Host 127.10.*\n" + "".join(f"    {line}\n" for line in checks))
        with open(kh, "w") as f:
            for _, addr, port, key in self.hosts:
                f.write(f"[{addr}]:{port} {key}\n")
        for size in sizes:
            with open(f"{self.root}/inventory-{size}.ini", "w") as f:
                f.write("[bench]\n")
                for name, addr, port, _ in self.hosts[:size]:
                    f.write(f"{name} ansible_host={addr} ansible_port={port}"
                            f" ansible_user={self.user} ansible_ssh_private_key_file={self.client_key}\n")
                f.write("\n[all:vars]\n")
                # Host key checking through the lab's known_hosts, as for paritty.
                f.write(f"ansible_ssh_common_args='-F {cfg}'\n")

    def check(self):
        """One login per host with the system ssh client and the lab's
        ssh_config: proves config, keys and known_hosts before any timing."""
        def login(host):
            r = subprocess.run(
                ["ssh", "-F", f"{self.root}/ssh_config", "-o", "BatchMode=yes", host[0], "true"],
                stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
            return host[0], r.returncode, r.stderr.strip()
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            bad = [r for r in pool.map(login, self.hosts) if r[1] != 0]
        if bad:
            raise SystemExit("ssh login failed: " + "; ".join(f"{h}: rc {rc} {err}" for h, rc, err in bad[:5]))

    def stop(self):
        for _, p in self.procs:
            if p.poll() is None:
                p.terminate()
        for i, p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                log(f"sshd of bench-{i} ignored SIGTERM: SIGKILL")
                p.kill()
                p.wait()
        self.procs.clear()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hosts", type=int, required=True)
    ap.add_argument("--sizes", default="", help="inventory sizes, comma-separated (default: --hosts)")
    ap.add_argument("--dir", required=True)
    ap.add_argument("--keep-bashrc", action="store_true",
                    help="let remote commands source the user's ~/.bashrc (see Lab.__init__)")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s] or [args.hosts]
    if max(sizes) > args.hosts:
        ap.error("an inventory size is larger than --hosts")
    lab = Lab(os.path.abspath(args.dir), args.hosts, getpass.getuser(), args.keep_bashrc)

    stopping = threading.Event()
    # SIGTERM/SIGINT -> an exception in the main thread, so `finally` stops
    # the servers whatever the lab was doing.
    def on_signal(signum, _frame):
        stopping.set()
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        lab.start()
        lab.write_files(sizes)
        lab.check()
        print(f"ready {lab.root}", flush=True)
        sys.stdin.read()  # until the section closes our stdin (or exits)
    except KeyboardInterrupt:
        if not stopping.is_set():
            raise
    finally:
        # A second signal must not cut the clean-up short.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        lab.stop()
        log("every sshd stopped")


if __name__ == "__main__":
    main()
