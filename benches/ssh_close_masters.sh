#!/usr/bin/env bash
# Close every ssh ControlMaster whose socket is in DIR: `ssh_close_masters.sh DIR`.
# ansible keeps one master connection per host alive for 60 s after it exits
# (ControlPersist). A run that found them would skip every SSH handshake, so
# the ssh section closes them before each timed ansible run (hyperfine
# --prepare, not timed): every ansible run starts cold, as paritty's do.
set -euo pipefail
dir=${1:?usage: ssh_close_masters.sh DIR}
for sock in "$dir"/*; do
    [ -S "$sock" ] || continue
    # The host name is ignored with -O; ssh waits for the master's answer.
    ssh -o ControlPath="$sock" -O exit closing-master >/dev/null 2>&1 || rm -f "$sock"
done
