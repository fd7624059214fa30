#!/usr/bin/env bash
# Runs every test of the repository: `npm test` calls it, and CI calls `npm test`.
#   1. .NET tests: settings, every synthesized template, the functions (unit + against local S3/DynamoDB)
#   2. synthesis of every environment, publishing the functions as `cdk deploy` would
#   3. cdk-nag (AwsSolutions, HIPAA, NIST 800-53 r5, PCI DSS 3.2.1, Serverless) over those templates
#   4. the synthesized state machine executed by a local ASL interpreter, scenario by scenario,
#      and the self-tests of the benchmarks' virtual clock and simulated Transcribe
set -euo pipefail
source "$(dirname "$0")/env.sh"
trap clean_tmp EXIT
cd "$repo_root"

echo "== 1/4 .NET tests"
dotnet test TranscribeStack.sln --configuration Release
clean_tmp

echo "== 2/4 synthesize dev, staging and prod"
bash scripts/synth-all.sh

echo "== 3/4 cdk-nag"
node tests/nag/check.mjs cdk.out
node --test 'tests/nag/*.test.mjs'

echo "== 4/4 workflow behaviour (synthesized state machine, executed locally)"
node --test --test-concurrency=1 'tests/workflow/*.test.mjs' 'benchmarks/pipeline/*.test.mjs'
