#!/usr/bin/env bash
# Runs the pinned CDK CLI with the repository's environment: `npm run cdk -- <command> [-c env=prod]`.
set -euo pipefail
source "$(dirname "$0")/env.sh"
trap clean_tmp EXIT
cd "$repo_root"
cdk "$@"
