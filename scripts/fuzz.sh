#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 600) with cargo fuzz,
# seeded from fuzz/corpus/TARGET (the committed seed corpus is not grown;
# new inputs go to a scratch folder). Prints executions and findings per
# target. Needs `cargo install cargo-fuzz`; on a stable toolchain it uses
# RUSTC_BOOTSTRAP=1 for the sanitizer flags.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -uo pipefail
cd "$(dirname "$0")/../fuzz"
secs="${1:-600}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(checklist_toml state_toml env_file pip_audit_json answers_toml answers_grammar resp http_head postgres_answer tls_answer)
fi
export RUSTC_BOOTSTRAP=1
scratch="$(mktemp -d)"
for t in "${targets[@]}"; do
  mkdir -p "$scratch/$t"
  log="$scratch/$t.log"
  cargo fuzz run -s none "$t" "$scratch/$t" "corpus/$t" -- \
    -max_total_time="$secs" -rss_limit_mb=1024 -max_len=65536 >"$log" 2>&1
  code=$?
  runs=$(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1)
  crashes=$(ls artifacts/"$t" 2>/dev/null | wc -l)
  echo "$t: ${runs:-no summary (exit $code)}; artifacts: $crashes"
done
