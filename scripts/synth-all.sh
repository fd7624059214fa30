#!/usr/bin/env bash
# Synthesizes every environment into cdk.out/<env>/ (used by the cdk-nag check and the workflow tests).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$repo_root"
for environment in dev staging prod; do
  cdk synth --quiet -c env="$environment" --output "cdk.out/$environment"
  clean_tmp
done
