#!/usr/bin/env bash
# Runs every test of the repository: `npm test` calls it, and CI calls `npm test`.
#   1. .NET tests: settings, every synthesized template, the functions (unit + against local S3/DynamoDB)
#   2. synthesis of every environment and of every settings file kept in the repository (config/,
#      tests/workflow/settings/), publishing the functions as `cdk deploy` would
#   3. outside judges over those templates, each failing the run on a finding: the CloudFormation
#      resource schemas, the ASL validator and the AWS SDK service models, an IAM simulation of every
#      request the pipeline makes (and misuses), AWS's limits, the operations runbook's steps simulated against the
#      operators' policy; then cdk-nag (AwsSolutions, HIPAA, NIST 800-53 r5, PCI DSS 3.2.1, Serverless), over the
#      environments and the settings files' templates; SECURITY.md's lists generated from the templates
#   4. the synthesized state machine executed by a local ASL interpreter, scenario by scenario,
#      the self-tests of the test kit (testkit/: virtual clock, service stand-ins, executor) and the
#      benchmarks' own
# Quiet: one line per stage and per judge; each step's whole output goes to .tmp/test-logs/<step>.log. A failing
# step prints its log's last lines and path and ends the run with the step's own exit code. The last line is
# "<N> passed, <N> failed": the .NET and node:test tests of every runner, summed.
set -euo pipefail
source "$(dirname "$0")/env.sh"
trap clean_tmp EXIT
cd "$repo_root"

logs="$TMPDIR/test-logs"   # clean_tmp spares it (env.sh)
rm -rf "$logs" && mkdir -p "$logs"
passed=0
failed=0
started=$SECONDS

# Counts of the test runners in a log: "<passed> <failed>" (dotnet test's "Passed!/Failed!" lines, node:test's summary).
dotnet_counts() { awk '/^(Passed|Failed)! +- Failed: /{gsub(/,/,""); f+=$4; p+=$6} END {print p+0, f+0}' "$1"; }
node_counts() { awk '/^(# |ℹ )pass [0-9]+$/{p+=$NF} /^(# |ℹ )fail [0-9]+$/{f+=$NF} END {print p+0, f+0}' "$1"; }

# step <name> <command...>: runs the command with its output appended to $logs/<name>.log. On failure prints the
# log's tail and path and the closing count, and exits with the command's code.
step() {
  local name="$1"; shift
  local log="$logs/$name.log" code=0 begin=$SECONDS
  "$@" >>"$log" 2>&1 || code=$?
  step_seconds=$((SECONDS - begin))
  if [ "$code" -ne 0 ]; then
    local counts; counts="$( { dotnet_counts "$log"; node_counts "$log"; } | awk '{p+=$1; f+=$2} END {print p+0, f+0}')"
    local step_failed="${counts#* }"
    echo
    echo "FAILED: $name (exit $code after ${step_seconds} s); the last lines of $log:"
    tail -n 40 "$log" | sed 's/^/  | /'
    echo "Whole output: $log"
    echo "$((passed + ${counts% *})) passed, $((failed + (step_failed > 0 ? step_failed : 1))) failed"
    exit "$code"
  fi
}
# count <passed> <failed>: adds a runner's counts to the closing line.
count() { passed=$((passed + $1)); failed=$((failed + $2)); }
# sum <log> <awk program printing the summary>: the judge's own figures, summed over its runs.
sum() { awk "$2" "$1"; }

printf '== 1/4 .NET tests'
step dotnet dotnet test TranscribeStack.sln --configuration Release
read -r p f < <(dotnet_counts "$logs/dotnet.log"); count "$p" "$f"
echo ": $p passed, $f failed ($step_seconds s)"
clean_tmp

printf '== 2/4 synthesize dev, staging and prod, and the settings files'
step synth bash scripts/synth-all.sh
echo ": $(find cdk.out -name 'TranscribeStack-*.template.json' | wc -l) templates ($step_seconds s)"

echo '== 3/4 outside judges and cdk-nag, over every environment and every settings file'
template_sets=(cdk.out cdk.out/settings/*/*/)
# judge <name> <script>: the script over every environment, then over every settings file's template (its one environment).
judge() {
  local name="$1" script="$2" begin=$SECONDS
  printf '   judge %s' "$name"
  step "judge-$name" node "$script" cdk.out
  for template_dir in cdk.out/settings/*/*/; do
    echo "-- settings file $(basename "$(dirname "$template_dir")") ($(basename "$template_dir"))" >>"$logs/judge-$name.log"
    JUDGE_ENVIRONMENTS="$(basename "$template_dir")" step "judge-$name" node "$script" "$(dirname "$template_dir")"
  done
  step_seconds=$((SECONDS - begin))
}
judge schemas tests/judges/schemas.mjs
echo ": $(sum "$logs/judge-schemas.log" '/^[a-z]+: [0-9]+ finding\(s\); /{f+=$2; r+=$4; v+=$6; n++} END {printf "%d findings; %d templates, %d resources, %d property values checked", f, n, r, v}') ($step_seconds s)"
judge asl tests/judges/asl.mjs
echo ": $(sum "$logs/judge-asl.log" '/^[0-9]+ finding\(s\) in /{f+=$1; n+=NF-3} END {printf "%d findings over %d templates", f, n}') ($step_seconds s)"
judge iam tests/judges/iam/simulate.mjs
echo ": $(sum "$logs/judge-iam.log" '/^== [a-z]+: [0-9]+ requests /{gsub(/,/,""); r+=$3; for (i=1;i<=NF;i++) { if ($(i+1)=="mismatches") m+=$i; if ($(i+1)=="findings") f+=$i } n++} END {printf "%d requests over %d templates, %d mismatches, %d findings", r, n, m, f}') ($step_seconds s)"
judge limits tests/judges/limits.mjs
echo ": $(sum "$logs/judge-limits.log" '/ \| allowed: /{f++; next} /^[a-z]+: /{m++} END {printf "%d findings, %d figures measured", f, m}') ($step_seconds s)"
judge runbook tests/runbook/check.mjs
echo ": $(sum "$logs/judge-runbook.log" '/^runbook [a-z]+: [0-9]+ requests /{r+=$3; d+=$(NF-3); p+=$(NF-1); n++} END {printf "%d requests over %d templates simulated against the operators'"'"' policy, %d denied, %d problems", r, n, d, p}') ($step_seconds s)"
judge cdk-nag tests/nag/check.mjs
echo ": $(sum "$logs/judge-cdk-nag.log" '/^  [0-9]+ unacknowledged error\(s\), /{e+=$1; w+=$4; a+=$7; n++} /stale acknowledgement/{s++} END {printf "%d unacknowledged errors, %d unacknowledged warnings, %d acknowledged findings (%d stale acknowledgements) over %d templates", e, w, a, s, n}') ($step_seconds s)"
printf '   SECURITY.md'
step docs node tests/docs/generated.mjs cdk.out
echo ": the generated lists are current"
printf "   the judges' own tests"
step judges-self-tests node --test 'tests/judges/*.test.mjs' 'tests/judges/iam/*.test.mjs' 'tests/runbook/*.test.mjs' 'tests/docs/*.test.mjs' 'tests/nag/*.test.mjs' 'tests/settings/*.test.mjs'
read -r p f < <(node_counts "$logs/judges-self-tests.log"); count "$p" "$f"
echo ": $p passed, $f failed ($step_seconds s)"

printf '== 4/4 workflow behaviour (synthesized state machines, executed locally)'
step workflow node --test --test-concurrency=1 'tests/workflow/*.test.mjs' 'testkit/*.test.mjs' 'benchmarks/pipeline/*.test.mjs'
read -r p f < <(node_counts "$logs/workflow.log"); count "$p" "$f"
echo ": $p passed, $f failed ($step_seconds s)"

echo "All steps passed in $((SECONDS - started)) s; their output: $logs/"
echo "$passed passed, $failed failed"
