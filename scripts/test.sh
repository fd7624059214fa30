#!/usr/bin/env bash
# Runs every test of the repository; `npm test` calls it and CI calls `npm test`.
set -euo pipefail
source "$(dirname "$0")/env.sh"
trap clean_tmp EXIT
cd "$repo_root"

echo "== .NET tests (config, templates, functions)"
dotnet test TranscribeStack.sln --configuration Release
