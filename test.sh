#!/usr/bin/env bash
# Runs every Parley test: the one command README.md gives for it.
# It installs what the tests need when it is missing, so a fresh machine passes it too.
set -euo pipefail
cd "$(dirname "$0")"

need_apt=()
# (Later suites add their system packages here, e.g. redis-server, chromium.)
# The browser tests (tests/Parley.Web.Tests) drive Debian's Chromium; Playwright never downloads one.
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# The Redis store and multi-node tests start their own redis-server (tests/Parley.Tests/Support/RedisServer.cs).
command -v redis-server >/dev/null || need_apt+=(redis-server)
# The IRC end-to-end test drives a real IRC client, WeeChat without its terminal UI.
command -v weechat-headless >/dev/null || need_apt+=(weechat-headless)
# The TLS tests check with openssl s_client that the server itself refuses TLS 1.0 and 1.1.
command -v openssl >/dev/null || need_apt+=(openssl)
if [ ${#need_apt[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# A test that hangs is stopped after 10 minutes with a small dump, and the run names it (no test
# takes a tenth of that): a hang then fails CI in minutes with its culprit, not after 90 with none.
hang=(--blame-hang-timeout 10m --blame-hang-dump-type mini)
dotnet test Parley.sln "${hang[@]}" "$@"
# The micro-benchmarks are not in the solution (BenchmarkDotNet runs them by hand); they reach into
# internals, so make sure they still compile.
dotnet build bench/Parley.Benchmarks -v quiet -nologo
# The fuzz targets (tests/Parley.Fuzz, docs/reliability.md) are run by hand under afl-fuzz; build them
# here for the same reason.
dotnet build tests/Parley.Fuzz -v quiet -nologo

# The TCP and IRC listeners run on one of two transports (docs/architecture.md): the run above
# used the default, epoll on Linux; run the same tests again on the runtime's managed sockets.
if [ "$(uname -s)" = Linux ]; then
  PARLEY_TRANSPORT=sockets dotnet test tests/Parley.Tests --no-build "${hang[@]}" "$@"
fi
