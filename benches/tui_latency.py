#!/usr/bin/env python3
"""How fast the TUI shows something, for the "tui" section.

Usage: tui_latency.py PARITTY RUNS OUT.json

Runs `paritty` (no arguments, no config: this machine beside the shipped
examples) RUNS times on a fresh pseudo-terminal of 40x140 (as the session
leader, via `setsid --ctty`), feeds everything it writes to pyte (a VT100
emulator) and records, from the moment of the spawn:

  first_frame   the title bar is on the emulated screen
  local_filled  this machine's column has its values: the status line shows
                the summary ("... vs 3 hosts: ...") instead of "collecting N"
  exited        after "q" was sent at local_filled

Waiting is select() on the pty with a deadline; no sleeps. Writes the
samples (milliseconds) as JSON.
"""
import fcntl
import json
import os
import select
import struct
import subprocess
import sys
import tempfile
import termios
import time

import pyte

ROWS, COLS = 40, 140
DEADLINE = 30.0


def one_run(paritty):
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    screen = pyte.Screen(COLS, ROWS)
    stream = pyte.ByteStream(screen)
    env = dict(os.environ, TERM="xterm-256color", PARITTY_CONFIG_DIR="/nonexistent/paritty-bench")
    env.pop("NO_COLOR", None)
    cwd = tempfile.mkdtemp(prefix="paritty-tui-bench-")
    start = time.monotonic()
    child = subprocess.Popen(
        ["setsid", "--ctty", paritty], stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env
    )
    os.close(slave)
    marks = {}
    sent_quit = False
    try:
        while time.monotonic() - start < DEADLINE:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    break  # EIO: the child closed the terminal
                if not data:
                    break
                stream.feed(data)
                now = (time.monotonic() - start) * 1000
                text = "\n".join(screen.display)
                if "first_frame" not in marks and "paritty · profile" in text:
                    marks["first_frame"] = now
                if "local_filled" not in marks and " vs 3 hosts:" in text:
                    marks["local_filled"] = now
            if "local_filled" in marks and not sent_quit:
                os.write(master, b"q")
                sent_quit = True
            if child.poll() is not None:
                break
        child.wait(timeout=DEADLINE)
        marks["exited"] = (time.monotonic() - start) * 1000
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        os.close(master)
        os.rmdir(cwd)
    if set(marks) != {"first_frame", "local_filled", "exited"} or child.returncode != 0:
        raise SystemExit(f"tui_latency: incomplete run {marks}, exit {child.returncode}")
    return marks


def main():
    paritty, runs, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    samples = [one_run(paritty) for _ in range(runs)]
    with open(out, "w") as f:
        json.dump(samples, f)


if __name__ == "__main__":
    main()
