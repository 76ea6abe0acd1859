#!/usr/bin/env bash
# kill -9 during saves and during generate, many rounds (1000 by default):
# the state always loads afterwards, and generate's files are always one
# consistent set with no temp file left. Prints the rounds, the time and
# how many kills landed mid-run.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-1000}"
KILL_LOOP_ROUNDS="$rounds" HARDEN_LOOPBACK_ONLY=1 \
  cargo test --release --test kill_loop -- --nocapture 2>&1 | grep -E "rounds in|SEED|test result"
GENERATE_KILL_ROUNDS="$rounds" HARDEN_LOOPBACK_ONLY=1 \
  cargo test --release --test generate_kill sigkill -- --nocapture 2>&1 | grep -E "rounds in|SEED|test result"
