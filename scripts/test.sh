#!/usr/bin/env bash
# The README's test command: installs what the tests need where it can
# (scripts/test-deps.sh), then runs the whole suite. Extra arguments go to
# `cargo test` (a filter, `-- --nocapture`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/test-deps.sh
exec cargo test --locked "$@"
