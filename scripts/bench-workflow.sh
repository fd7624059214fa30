#!/usr/bin/env bash
# Runs one workflow benchmark against the synthesized templates in cdk.out/<env>/:
#   npm run bench:polling   ->  bash scripts/bench-workflow.sh polling
#   npm run bench:burst     ->  bash scripts/bench-workflow.sh burst
#   npm run bench:cost      ->  bash scripts/bench-workflow.sh cost
# The templates are the ones `npm test` (or scripts/synth-all.sh) last synthesized; they are
# synthesized first when one is missing, or when BENCH_SYNTH=1 asks for it.
set -euo pipefail
source "$(dirname "$0")/env.sh"
trap clean_tmp EXIT
cd "$repo_root"
name="${1:?usage: bench-workflow.sh polling|burst|cost [options]}"
missing=0
for environment in dev staging prod; do
  [ -f "cdk.out/$environment/TranscribeStack-$environment.template.json" ] || missing=1
done
if [ "$missing" = 1 ] || [ "${BENCH_SYNTH:-0}" = 1 ]; then
  echo "(synthesizing dev, staging and prod first: the benchmark executes their state machines)" >&2
  bash scripts/synth-all.sh >/dev/null
else
  echo "(the templates in cdk.out/ as last synthesized; BENCH_SYNTH=1 synthesizes them first)" >&2
fi
node "benchmarks/pipeline/$name.mjs" "${@:2}"
