#!/usr/bin/env bash
# Runs every Parley test: the one command README.md gives for it.
# It installs what the tests need when it is missing, so a fresh machine passes it too.
set -euo pipefail
cd "$(dirname "$0")"

need_apt=()
# (Later suites add their system packages here, e.g. redis-server, chromium.)
if [ ${#need_apt[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

dotnet test Parley.sln "$@"
