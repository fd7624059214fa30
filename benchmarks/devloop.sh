#!/usr/bin/env bash
# Benchmark "developer loop": the wall time of the README's two commands on this machine.
#   npm run bench:devloop
# Runs `npm run synth` twice (the second finds the published Lambda code and the build cached, as
# a developer's next synth does) and `npm test` once, and prints one row per run with its exit code.
set -uo pipefail
cd "$(dirname "$0")/.."

now() { date +%s.%N; }
rows=()
status=0
run() {
  local label="$1"; shift
  local log; log="$(mktemp)"
  local start; start="$(now)"
  "$@" >"$log" 2>&1
  local code=$?
  local seconds; seconds="$(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')"
  rows+=("$(printf '| %-28s | %-15s | %8s | %4d |' "$label" "$*" "$seconds" "$code")")
  if [ "$code" -ne 0 ]; then
    status=1
    echo "== '$*' failed (exit $code); last lines:" >&2
    tail -20 "$log" >&2
  fi
  rm -f "$log"
}

echo "Developer loop on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
  ".NET SDK $(dotnet --version), Node $(bash -c 'source scripts/env.sh; node --version')"
echo "(commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown); each command as the README gives it)"
echo

if [ ! -d cdk/bin ] && [ ! -d cdk.out ]; then first="synth (dev), clean clone"; else first="synth (dev), first"; fi
run "$first"             npm run synth
run "synth (dev), again" npm run synth
run "all tests"          npm test

printf '| %-28s | %-15s | %8s | %4s |\n' "run" "command" "wall (s)" "exit"
printf '| %-28s | %-15s | %8s | %4s |\n' "----------------------------" "---------------" "-------:" "---:"
printf '%s\n' "${rows[@]}"
exit "$status"
