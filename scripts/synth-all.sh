#!/usr/bin/env bash
# Synthesizes every environment into cdk.out/<env>/, and every settings file the repository keeps
# (config/example.prod.json, tests/workflow/settings/*.json) into cdk.out/settings/<file>/<env>/, the
# environment being the file's "name" (dev when it has none). The judges, cdk-nag and the workflow
# tests read them.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$repo_root"
for environment in dev staging prod; do
  cdk synth --quiet -c env="$environment" --output "cdk.out/$environment"
  clean_tmp
done

rm -rf cdk.out/settings
for file in config/example.prod.json tests/workflow/settings/*.json; do
  environment="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).name ?? "dev")' "$file")"
  cdk synth --quiet -c env="$environment" -c settingsFile="$file" --output "cdk.out/settings/$(basename "$file" .json)/$environment"
  clean_tmp
done
