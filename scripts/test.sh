#!/usr/bin/env bash
# Runs every test of the repository: `npm test` calls it, and CI calls `npm test`.
#   1. build: the solution, once (every later step runs what it built)
#   2. the .NET tests (settings, every synthesized template, the functions: unit and against local S3/DynamoDB);
#      their fixture synthesizes every environment and every settings file the repository keeps into cdk.out/.
#      Beside them, the C# code must keep the style of .editorconfig (dotnet format --verify-no-changes; lines of at
#      most 140 columns).
#   3. outside judges over those templates, each failing the run on a finding: the CloudFormation resource schemas,
#      the ASL validator and the AWS SDK service models, an IAM simulation of every request the pipeline makes (and
#      misuses), AWS's limits, the operations runbook's steps simulated against the operators' policy, cdk-nag
#      (AwsSolutions, HIPAA, NIST 800-53 r5, PCI DSS 3.2.1, Serverless), SECURITY.md's generated lists
#      and, beside them, the judges' own tests, then `cdk synth` (the README's command, publishing the functions), which
#      must write the tests' dev template
#   4. the synthesized state machines executed by a local ASL interpreter scenario by scenario, the test kit's
#      (testkit/) and the benchmarks' own tests
# Steps 2-4 run two at a time (two lanes), as the machine has two cores; a node:test runner takes two files at a time,
# so that a lane finishing early leaves no core idle.
# Quiet: one line per stage and per judge; each step's whole output goes to .tmp/test-logs/<step>.log. A failing
# step prints its log's last lines and path and ends the run with the step's own exit code. The last line is
# "<N> passed, <N> failed": the .NET and node:test tests of every runner, summed.
set -euo pipefail
source "$(dirname "$0")/env.sh"
trap clean_tmp EXIT
cd "$repo_root"

logs="$TMPDIR/test-logs"   # clean_tmp spares it (env.sh)
rm -rf "$logs" && mkdir -p "$logs"
started=$SECONDS

# Counts of the test runners in a log: "<passed> <failed>" (dotnet test's "Passed!/Failed!" lines, node:test's summary).
dotnet_counts() { awk '/^(Passed|Failed)! +- Failed: /{gsub(/,/,""); f+=$4; p+=$6} END {print p+0, f+0}' "$@"; }
node_counts() { awk '/^(# |ℹ )pass [0-9]+$/{p+=$NF} /^(# |ℹ )fail [0-9]+$/{f+=$NF} END {print p+0, f+0}' "$@"; }
# closing [failed]: the closing line, every runner's tests summed over the logs written so far (after a failure that
# no test counted: 1 failed).
closing() {
  local p f
  read -r p f < <({ dotnet_counts "$logs"/dotnet.log 2>/dev/null; node_counts "$logs"/js-*.log 2>/dev/null; } \
    | awk '{p+=$1; f+=$2} END {print p+0, f+0}')
  if [ "${1:-}" = failed ] && [ "$f" -eq 0 ]; then f=1; fi
  echo "$p passed, $f failed"
}

# step <name> <command...>: runs the command with its output appended to $logs/<name>.log. On failure prints the
# log's tail and path, and returns the command's code.
step() {
  local name="$1"; shift
  local log="$logs/$name.log" code=0 begin=$SECONDS
  "$@" >>"$log" 2>&1 || code=$?
  step_seconds=$((SECONDS - begin))
  if [ "$code" -ne 0 ]; then
    echo
    echo "FAILED: $name (exit $code after ${step_seconds} s); the last lines of $log:"
    tail -n 40 "$log" | sed 's/^/  | /'
    echo "Whole output: $log"
  fi
  return "$code"
}
# sum <log> <awk program printing the summary>: the judge's own figures, summed over its runs.
sum() { awk "$2" "$1"; }
# lanes <first> <second>: runs two functions at once, each printing into its own file, then prints the first's
# lines and the second's; on a failure, the closing line, and exits with the failed lane's code.
lanes() {
  local code1=0 code2=0 pid1 pid2
  # Each in a subshell of its own, where a failed step ends the lane (set -e).
  ("$1") >"$logs/lane-1.out" 2>&1 & pid1=$!
  ("$2") >"$logs/lane-2.out" 2>&1 & pid2=$!
  wait "$pid1" || code1=$?
  wait "$pid2" || code2=$?
  cat "$logs/lane-1.out" "$logs/lane-2.out"
  local code=$((code1 != 0 ? code1 : code2))
  if [ "$code" -ne 0 ]; then closing failed; exit "$code"; fi
}

printf '== 1/4 build'
step build dotnet build TranscribeStack.sln --nologo || { code=$?; closing failed; exit "$code"; }
echo " ($step_seconds s)"
# The test kit hosts the real C# planner from this build instead of building it again (testkit/planner.mjs).
export LOCAL_INVOKE_DLL="$repo_root/tests/TranscribeStack.LocalInvoke/bin/Debug/net10.0/TranscribeStack.LocalInvoke.dll"

dotnet_tests() {
  step dotnet dotnet test TranscribeStack.sln --no-build --nologo
  local p f; read -r p f < <(dotnet_counts "$logs/dotnet.log")
  echo "== 2/4 .NET tests: $p passed, $f failed, and $(find cdk.out -name 'TranscribeStack-*.template.json' -not -path 'cdk.out/cli/*' | wc -l) templates synthesized ($step_seconds s)"
}
# long_lines: every C# line over .editorconfig's max_line_length (140), which dotnet format does not check; fails on any.
long_lines() {
  git ls-files --cached --others --exclude-standard -- '*.cs' \
    | xargs awk 'length > 140 { print FILENAME ":" FNR ": " length " columns, more than max_line_length 140"; n++ } END { exit n > 0 }'
}
style() {
  local begin=$SECONDS
  printf '   C# style (.editorconfig)'
  step style dotnet format TranscribeStack.sln --verify-no-changes --no-restore
  step style long_lines
  echo ": dotnet format --verify-no-changes, and no line over 140 columns ($((SECONDS - begin)) s)"
}
cli_synth() {
  # As a machine without credentials or AWS configuration synthesizes (the README's command; CI's case).
  step cli-synth env -u AWS_PROFILE -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_REGION \
    -u AWS_DEFAULT_REGION AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true \
    cdk synth --quiet -c env=dev --output cdk.out/cli
  printf '   cdk synth (dev), publishing the functions (%s s)' "$step_seconds"
  step same-template node scripts/same-template.mjs cdk.out/cli/TranscribeStack-dev.template.json cdk.out/dev/TranscribeStack-dev.template.json
  echo ": the same template as the tests'"
}
lanes dotnet_tests style

judges_then_workflow() {
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
  local p f
  printf '== 4/4 workflow behaviour (synthesized state machines, executed locally), the test kit and the benchmarks'
  step js-workflow node --test --test-concurrency=2 'tests/workflow/*.test.mjs' 'testkit/*.test.mjs' 'benchmarks/pipeline/*.test.mjs'
  read -r p f < <(node_counts "$logs/js-workflow.log")
  echo ": $p passed, $f failed ($step_seconds s)"
}
judges_own_tests_then_cli_synth() {
  local p f
  echo '== 3/4 outside judges and cdk-nag, over every environment and every settings file'
  printf "   their own tests (each judge fails on what it must find)"
  step js-judges node --test --test-concurrency=2 'tests/judges/*.test.mjs' 'tests/judges/iam/*.test.mjs' 'tests/runbook/*.test.mjs' 'tests/docs/*.test.mjs' 'tests/nag/*.test.mjs' 'tests/settings/*.test.mjs'
  read -r p f < <(node_counts "$logs/js-judges.log")
  echo ": $p passed, $f failed ($step_seconds s)"
  cli_synth
}
lanes judges_own_tests_then_cli_synth judges_then_workflow

echo "All steps passed in $((SECONDS - started)) s; their output: $logs/"
closing
