#!/usr/bin/env bash
# Writes the templates the judges, cdk-nag and the workflow tests read: every environment into cdk.out/<env>/, and
# every settings file the repository keeps (config/example.prod.json, tests/workflow/settings/*.json) into
# cdk.out/settings/<file>/<env>/, the environment being the file's "name" (dev when it has none). The CDK tests'
# fixture synthesizes them all in one process (tests/TranscribeStack.Cdk.Tests/SynthesizedStacks.cs, with the
# context the CLI gives the app); this runs only the test that checks they were written. `npm test` runs every
# test instead, and checks that `cdk synth` writes the same dev template (scripts/same-template.mjs).
set -euo pipefail
source "$(dirname "$0")/env.sh"
trap clean_tmp EXIT
cd "$repo_root"
dotnet test tests/TranscribeStack.Cdk.Tests --nologo -v quiet --filter "FullyQualifiedName~CloudAssemblyTests" "$@"
