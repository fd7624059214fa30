#!/usr/bin/env bash
# Runs one workflow benchmark against freshly synthesized templates:
#   npm run bench:polling   ->  bash scripts/bench-workflow.sh polling
#   npm run bench:burst     ->  bash scripts/bench-workflow.sh burst
set -euo pipefail
source "$(dirname "$0")/env.sh"
trap clean_tmp EXIT
cd "$repo_root"
name="${1:?usage: bench-workflow.sh polling|burst}"
echo "(synthesizing dev, staging and prod first: the benchmark executes their state machines)" >&2
bash scripts/synth-all.sh >/dev/null
node "benchmarks/pipeline/$name.mjs" "${@:2}"
