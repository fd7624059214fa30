#!/usr/bin/env bash
# Runs every test of the repository: `npm test` calls it, and CI calls `npm test`.
#   1. .NET tests: settings, every synthesized template, the functions (unit + against local S3/DynamoDB)
#   2. synthesis of every environment and of every settings file kept in the repository (config/,
#      tests/workflow/settings/), publishing the functions as `cdk deploy` would
#   3. outside judges over those templates, each failing the run on a finding: the CloudFormation
#      resource schemas, the ASL validator and the AWS SDK service models, an IAM simulation of every
#      request the pipeline makes (and misuses), AWS's limits, the README runbook's steps simulated against the
#      operators' policy; then cdk-nag (AwsSolutions, HIPAA, NIST 800-53 r5, PCI DSS 3.2.1, Serverless), over the
#      environments and the settings files' templates; SECURITY.md's lists generated from the templates
#   4. the synthesized state machine executed by a local ASL interpreter, scenario by scenario,
#      the self-tests of the test kit (testkit/: virtual clock, service stand-ins, executor) and the
#      benchmarks' own
set -euo pipefail
source "$(dirname "$0")/env.sh"
trap clean_tmp EXIT
cd "$repo_root"

echo "== 1/4 .NET tests"
dotnet test TranscribeStack.sln --configuration Release
clean_tmp

echo "== 2/4 synthesize dev, staging and prod, and the settings files"
bash scripts/synth-all.sh

echo "== 3/4 outside judges and cdk-nag"
# Every environment, then every settings file's template (its one environment).
judge_all() {
  node tests/judges/schemas.mjs "$1"
  node tests/judges/asl.mjs "$1"
  node tests/judges/iam/simulate.mjs "$1"
  node tests/judges/limits.mjs "$1"
  node tests/runbook/check.mjs "$1"
  node tests/nag/check.mjs "$1"
}
judge_all cdk.out
for template_dir in cdk.out/settings/*/*/; do
  echo "-- settings file $(basename "$(dirname "$template_dir")") ($(basename "$template_dir"))"
  JUDGE_ENVIRONMENTS="$(basename "$template_dir")" judge_all "$(dirname "$template_dir")"
done
node tests/docs/generated.mjs cdk.out
node --test 'tests/judges/*.test.mjs' 'tests/judges/iam/*.test.mjs' 'tests/runbook/*.test.mjs' 'tests/docs/*.test.mjs' 'tests/nag/*.test.mjs' 'tests/settings/*.test.mjs'

echo "== 4/4 workflow behaviour (synthesized state machine, executed locally)"
node --test --test-concurrency=1 'tests/workflow/*.test.mjs' 'testkit/*.test.mjs' 'benchmarks/pipeline/*.test.mjs'
