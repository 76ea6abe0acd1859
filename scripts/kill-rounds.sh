#!/usr/bin/env bash
# kill -9 during saves, many rounds (1000 by default): the state always
# loads afterwards. Prints the rounds, the time and how many saved.
set -euo pipefail
cd "$(dirname "$0")/.."
KILL_LOOP_ROUNDS="${1:-1000}" HARDEN_LOOPBACK_ONLY=1 \
  cargo test --release --test kill_loop -- --nocapture 2>&1 | grep -E "rounds in|SEED|test result"
