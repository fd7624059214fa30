#!/usr/bin/env bash
# Runs every test of the repository: `npm test` calls it, and CI calls `npm test`.
#   1. .NET tests: settings, every synthesized template, the functions (unit + against local S3/DynamoDB)
#   2. synthesis of every environment, publishing the functions as `cdk deploy` would
#   3. outside judges over those templates, each failing the run on a finding: the CloudFormation
#      resource schemas, the ASL validator and the AWS SDK service models, an IAM simulation of every
#      request the pipeline makes (and misuses), AWS's limits; then cdk-nag (AwsSolutions, HIPAA,
#      NIST 800-53 r5, PCI DSS 3.2.1, Serverless)
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

echo "== 2/4 synthesize dev, staging and prod"
bash scripts/synth-all.sh

echo "== 3/4 outside judges and cdk-nag"
node tests/judges/schemas.mjs cdk.out
node tests/judges/asl.mjs cdk.out
node tests/judges/iam/simulate.mjs cdk.out
node tests/judges/limits.mjs cdk.out
node tests/nag/check.mjs cdk.out
node --test 'tests/judges/*.test.mjs' 'tests/judges/iam/*.test.mjs' 'tests/nag/*.test.mjs'

echo "== 4/4 workflow behaviour (synthesized state machine, executed locally)"
node --test --test-concurrency=1 'tests/workflow/*.test.mjs' 'testkit/*.test.mjs' 'benchmarks/pipeline/*.test.mjs'
