#!/usr/bin/env python3
"""Six real running services behind latency proxies, for the "backing" section.

Usage: backing_lab.py --dir DIR

Starts PostgreSQL, MariaDB, two Redis, Memcached and RabbitMQ from Debian's
packages, each on its own 127.11.0.N (only 127.0.0.0/8 is ever used) and a
free port, as the unprivileged user `paritty-lab` when run as root (the
user scripts/test-deps.sh makes; PostgreSQL, MariaDB and Memcached refuse
root), with their data in DIR. In front of each, a latency proxy on
127.11.1.N delays every chunk by the service's own delay in each direction
(a round trip costs twice that): this kernel has no `netem` qdisc (it is
a module Debian's cloud kernels and many containers lack), so the delay
is emulated here, in user space, the way netem would on the wire. The
client's TCP handshake with the proxy is not delayed (the kernel
completes it); the proxy's own connection to the service waits one delay.

Writes DIR/services.env: one `NAME URL` line per service, URLs naming the
proxies (`postgres://postgres@127.11.1.1:P/postgres`, ...). Prints
"ready DIR" once every server said it is ready (its own log line, never a
sleep), then runs until stdin closes or it gets SIGTERM/SIGINT; every
server is stopped on the way out, and gets PR_SET_PDEATHSIG so a SIGKILLed
lab leaves none behind.
"""
import argparse
import asyncio
import ctypes
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)
USER = "paritty-lab"
START_DEADLINE = 180  # RabbitMQ's Erlang boots in seconds on two busy cores

# name, delay each way (ms): distinct, so the slowest and the sum differ.
DELAYS = {
    "postgresql": 25,
    "mariadb": 15,
    "redis": 20,
    "memcached": 10,
    "rabbitmq": 30,
    "redis2": 35,
}


def log(msg):
    print(f"== backing_lab: {msg}", file=sys.stderr, flush=True)


def free_port(addr):
    with socket.socket() as s:
        s.bind((addr, 0))
        return s.getsockname()[1]


class Lab:
    def __init__(self, root):
        self.root = root
        self.procs = []  # (name, Popen)
        self.ids = None
        if os.geteuid() == 0:
            try:
                pw = pwd.getpwnam(USER)
            except KeyError:
                raise SystemExit(f"no user {USER} (bash scripts/test-deps.sh makes it)")
            self.ids = (pw.pw_uid, pw.pw_gid)

    def folder(self, name):
        d = f"{self.root}/{name}"
        os.makedirs(d, exist_ok=True)
        self.give(d)
        return d

    def give(self, path):
        if self.ids:
            os.chown(path, *self.ids)

    def preexec(self):
        def run():
            os.setsid()
            _libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
            if self.ids:
                os.setgroups([])
                os.setgid(self.ids[1])
                os.setuid(self.ids[0])
        return run

    def setup(self, argv, cwd):
        r = subprocess.run(argv, cwd=cwd, env={**os.environ, "HOME": cwd},
                           stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           preexec_fn=self.preexec())
        if r.returncode != 0:
            raise SystemExit(f"{argv[0]} failed: {r.stdout}{r.stderr}")

    def start(self, name, argv, cwd, ready, env=None):
        """Starts a server and waits for its `ready` line; its output then
        keeps being drained into a file (memcached -vv logs every connection)."""
        proc = subprocess.Popen(argv, cwd=cwd, env={**os.environ, "HOME": cwd, **(env or {})},
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, errors="replace",
                                preexec_fn=self.preexec())
        self.procs.append((name, proc))
        seen = []
        found = threading.Event()

        def drain():
            with open(f"{cwd}/server.log", "w") as f:
                for line in proc.stdout:
                    f.write(line)
                    if not found.is_set():
                        seen.append(line)
                        if ready in line:
                            found.set()
            found.set()  # it exited: stop waiting
        threading.Thread(target=drain, daemon=True).start()
        found.wait(START_DEADLINE)
        if proc.poll() is not None or not any(ready in l for l in seen):
            raise SystemExit(f"{name} did not start:\n{''.join(seen[-20:])}")

    def postgresql(self, addr, port):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
        if not bins:
            raise SystemExit("no PostgreSQL server (Debian package postgresql)")
        bindir = os.path.dirname(bins[-1])
        d = self.folder("postgresql")
        self.setup([f"{bindir}/initdb", "--no-sync", "--auth=trust", "--username=postgres",
                    "--encoding=UTF8", "--locale=C", "-D", f"{d}/data"], d)
        self.start("postgresql", [f"{bindir}/postgres", "-D", f"{d}/data",
                                  "-c", f"listen_addresses={addr}", "-c", f"port={port}",
                                  "-c", f"unix_socket_directories={d}", "-c", "fsync=off",
                                  "-c", "shared_buffers=16MB"],
                   d, "database system is ready to accept connections")
        return "postgres://postgres@{at}/postgres"

    def mariadb(self, addr, port):
        d = self.folder("mariadb")
        small = ["--innodb-log-file-size=4M", "--innodb-buffer-pool-size=16M"]
        self.setup(["mariadb-install-db", "--no-defaults", "--skip-test-db",
                    "--auth-root-authentication-method=normal", f"--datadir={d}/data", *small], d)
        # An account any host matches, so a TCP client is greeted (the
        # version is in the greeting, before any login).
        with open(f"{d}/init.sql", "w") as f:
            f.write("CREATE USER IF NOT EXISTS 'bench'@'%';\n")
        self.give(f"{d}/init.sql")
        self.start("mariadb", ["/usr/sbin/mariadbd", "--no-defaults", f"--datadir={d}/data",
                               f"--socket={d}/mysqld.sock", f"--pid-file={d}/mariadbd.pid",
                               f"--port={port}", f"--bind-address={addr}",
                               f"--init-file={d}/init.sql", "--skip-log-bin",
                               "--performance-schema=OFF", *small],
                   d, "ready for connections")
        return "mysql://{at}/app"

    def redis(self, name, addr, port):
        d = self.folder(name)
        self.start(name, ["redis-server", "--bind", addr, "--port", str(port), "--save", "",
                          "--appendonly", "no", "--daemonize", "no", "--logfile", "",
                          "--dir", d],
                   d, "Ready to accept connections")
        return "redis://{at}/0"

    def memcached(self, addr, port):
        d = self.folder("memcached")
        self.start("memcached", ["memcached", "-l", addr, "-p", str(port), "-U", "0", "-m", "8",
                                 "-vv"], d, "server listening")
        return "memcached://{at}"

    def rabbitmq(self, addr, port):
        script = "/usr/lib/rabbitmq/bin/rabbitmq-server"
        if not os.path.exists(script):
            raise SystemExit("no RabbitMQ (Debian package rabbitmq-server)")
        d = self.folder("rabbitmq")
        with open(f"{d}/enabled_plugins", "w") as f:
            f.write("[].\n")
        self.give(f"{d}/enabled_plugins")
        epmd, dist = free_port("127.0.0.1"), free_port(addr)
        octets = addr.replace(".", ",")
        env = {
            "ERL_EPMD_PORT": str(epmd),
            "RABBITMQ_NODENAME": f"paritty-bench-{os.getpid()}@localhost",
            "RABBITMQ_NODE_IP_ADDRESS": addr,
            "RABBITMQ_NODE_PORT": str(port),
            "RABBITMQ_DIST_PORT": str(dist),
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS":
                f"+S 1:1 -kernel inet_dist_use_interface {{{octets}}}",
            "RABBITMQ_SCHEDULER_BIND_TYPE": "u",
            "RABBITMQ_LOGS": "-",
            "RABBITMQ_ENABLED_PLUGINS_FILE": f"{d}/enabled_plugins",
        }
        for var, leaf in [("CONF_ENV_FILE", "rabbitmq-env.conf"), ("CONFIG_FILE", "rabbitmq"),
                          ("ADVANCED_CONFIG_FILE", "advanced.config"), ("MNESIA_BASE", "mnesia"),
                          ("LOG_BASE", "log"), ("PID_FILE", "pid"),
                          ("PLUGINS_EXPAND_DIR", "plugins-expand"),
                          ("FEATURE_FLAGS_FILE", "feature_flags"), ("QUORUM_DIR", "quorum"),
                          ("STREAM_DIR", "stream")]:
            env[f"RABBITMQ_{var}"] = f"{d}/{leaf}"
        env["ERL_CRASH_DUMP"] = f"{d}/erl_crash.dump"
        # Its own epmd in its process group, so it ends with the node.
        self.start("rabbitmq", ["sh", "-c",
                                'epmd -port "$ERL_EPMD_PORT" -address 127.0.0.1 & exec "$0"',
                                script], d, "Server startup complete", env)
        return "amqp://{at}/"

    def stop(self):
        for _, p in self.procs:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for name, p in self.procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                log(f"{name} ignored SIGTERM: SIGKILL")
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        self.procs.clear()


async def pipe(reader, writer, delay, loop):
    """Copies reader to writer, every chunk `delay` seconds later, in order."""
    queue = asyncio.Queue()

    async def feed():
        while True:
            try:
                data = await reader.read(65536)
            except OSError:
                data = b""
            queue.put_nowait((loop.time() + delay, data))
            if not data:
                return

    async def send():
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                if not data:
                    writer.write_eof()
                    return
                writer.write(data)
                await writer.drain()
            except OSError:
                return
    await asyncio.gather(feed(), send())


def proxies(routes, started):
    """An event loop on its own thread serving every proxy."""
    loop = asyncio.new_event_loop()

    async def serve(listen, upstream, delay):
        async def on_client(c_reader, c_writer):
            await asyncio.sleep(delay)  # the proxy's own handshake with the service
            try:
                u_reader, u_writer = await asyncio.open_connection(*upstream)
            except OSError:
                c_writer.close()
                return
            await asyncio.gather(pipe(c_reader, u_writer, delay, loop),
                                 pipe(u_reader, c_writer, delay, loop))
            c_writer.close()
            u_writer.close()
        return await asyncio.start_server(on_client, *listen)

    async def main():
        for listen, upstream, delay in routes:
            await serve(listen, upstream, delay)
        started.set()
        await asyncio.Event().wait()

    threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True).start()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", required=True)
    args = ap.parse_args()
    root = os.path.abspath(args.dir)
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    lab = Lab(root)
    lab.give(root)

    stopping = threading.Event()

    def on_signal(_signum, _frame):
        stopping.set()
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        urls, routes = [], []
        for n, name in enumerate(DELAYS, start=1):
            addr, front = f"127.11.0.{n}", f"127.11.1.{n}"
            port, front_port = free_port(addr), free_port(front)
            started = time.monotonic()
            if name.startswith("redis"):
                url = lab.redis(name, addr, port)
            else:
                url = getattr(lab, name)(addr, port)
            log(f"{name} ready on {addr}:{port} in {time.monotonic() - started:.1f} s,"
                f" behind {front}:{front_port} (+{DELAYS[name]} ms each way)")
            urls.append(f"{name} {url.format(at=f'{front}:{front_port}')}\n")
            routes.append(((front, front_port), (addr, port), DELAYS[name] / 1000))
        started = threading.Event()
        proxies(routes, started)
        if not started.wait(30):
            raise SystemExit("the latency proxies did not start")
        with open(f"{root}/services.env", "w") as f:
            f.writelines(urls)
        print(f"ready {root}", flush=True)
        sys.stdin.read()
    except KeyboardInterrupt:
        if not stopping.is_set():
            raise
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        lab.stop()
        log("every server stopped")


if __name__ == "__main__":
    main()
