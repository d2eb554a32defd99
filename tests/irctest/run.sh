#!/usr/bin/env bash
# Runs irctest (progval/irctest, the IRC conformance suite) against `parley serve`, in its
# external-server mode, and prints the counts per selection. See docs/irc.md for the latest counts.
#
#   tests/irctest/run.sh IRCTEST_SRC [interop|rfc|all] [extra pytest args…]
#
# IRCTEST_SRC is an irctest source tree; this script fetches nothing and irctest is never copied
# into this repository. Get it with `git clone https://github.com/progval/irctest`, or from a
# bare mirror: `git --git-dir=MIRROR archive HEAD | tar -x -C /tmp/irctest-src`.
# The counts in docs/irc.md were taken at irctest b00c039.
#
# Each selection runs against its own fresh server: a temporary data directory (embedded SQLite),
# free loopback ports, and what irctest expects: server name My.Little.Server described as
# "test server", operator operuser/operpassword, no flood limits, no join history, open guests.
# It is stopped by its PID after its selection.
# Set PARLEY_BUILD=Debug to use a Debug build; the script builds the CLI when it is missing.
set -euo pipefail

src=${1:?usage: $0 IRCTEST_SRC [interop|rfc|all] [pytest args…]}
which=${2:-all}
shift $(( $# >= 2 ? 2 : 1 ))
src=$(cd "$src" && pwd)
repo=$(cd "$(dirname "$0")/../.." && pwd)
config=${PARLEY_BUILD:-Release}

need=()
for pkg in python3-pytest python3-pytest-timeout python3-ecdsa python3-filelock python3-websockets python3-cryptography; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi

dll="$repo/src/Parley.Cli/bin/$config/net10.0/parley.dll"
[ -f "$dll" ] || dotnet build "$repo/src/Parley.Cli" -c "$config" -v quiet -nologo >/dev/null

work=$(mktemp -d /tmp/parley-irctest.XXXXXX)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# A temporary copy of irctest, with the one change Debian's pytest 7.2 needs (its hookimpl
# has `hookwrapper`, not the newer `wrapper`).
cp -r "$src" "$work/irctest"
sed -i 's/@pytest.hookimpl(wrapper=True)/@pytest.hookimpl(hookwrapper=True)/' "$work/irctest/conftest.py"

# A fresh server per selection (own data directory, own ports): what one selection leaves behind
# (WHOWAS history, the peak user count) never meets the next.
start_server() {
  rm -rf "$work/data" && mkdir -p "$work/data"
  (
    cd "$work"
    export PARLEY_IRCSERVERNAME=My.Little.Server PARLEY_IRCSERVERDESCRIPTION="test server"
    export PARLEY_IRCGUESTS=${PARLEY_IRCGUESTS:-open}
    export PARLEY_IRCJOINHISTORY=0
    export PARLEY_IRCOPERATORS__operuser=operpassword
    export PARLEY_CONNECTIONS__RATEBURST=1000000 PARLEY_CONNECTIONS__RATEPERSECOND=1000000
    export PARLEY_PASSWORDITERATIONS=1000
    export PARLEY_LIMITS__SIGNINBURST=1000000 PARLEY_LIMITS__SIGNINPERSECOND=1000000
    export PARLEY_Logging__LogLevel__Default=Warning
    exec dotnet "$dll" serve --tcp 127.0.0.1:0 --http 127.0.0.1:0 --irc 127.0.0.1:0 --data "$work/data"
  ) >"$work/server.log" 2>&1 &
  server_pid=$!
  port=
  for _ in $(seq 1 200); do
    port=$(sed -n 's/^listening irc .*:\([0-9]*\)$/\1/p' "$work/server.log" | head -1)
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
    sleep 0.1
  done
  [ -n "$port" ] || { echo "parley serve did not announce its IRC port"; cat "$work/server.log"; exit 1; }
  echo "parley serve (pid $server_pid) on 127.0.0.1:$port"
}

stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}

base='not services and not implementation-specific and not deprecated and not strict'
declare -A selections=(
  [interop]="$base"
  [rfc]="$base and (RFC1459 or RFC2812) and not IRCv3"
)
case "$which" in
  all) names=(interop rfc) ;;
  interop|rfc) names=("$which") ;;
  *) echo "unknown selection '$which': interop, rfc or all"; exit 2 ;;
esac

status=0
for name in "${names[@]}"; do
  # Each run gets its own TMPDIR: irctest keeps files there, and runs must not share them.
  mkdir -p "$work/tmp-$name"
  start_server
  echo "== $name: ${selections[$name]}"
  (
    cd "$work/irctest"
    TMPDIR="$work/tmp-$name" IRCTEST_SERVER_HOSTNAME=127.0.0.1 IRCTEST_SERVER_PORT=$port IRCTEST_SERVER_SASL_MECHS=PLAIN \
      /usr/bin/python3 -m pytest -p no:cacheprovider --controller irctest.controllers.external_server \
      -m "${selections[$name]}" --timeout 15 -q -rfE "$@" 2>&1
  ) | tee "$work/$name.log" | grep -E '^(FAILED|ERROR) ' || true
  summary=$(grep -E '[0-9]+ (passed|failed)' "$work/$name.log" | tail -1 || true)
  echo "$name: ${summary:-no summary (see output above)}"
  grep -qE ' failed| error' <<<"$summary" && status=1
  if [ -n "${IRCTEST_LOG_DIR:-}" ]; then mkdir -p "$IRCTEST_LOG_DIR"; cp "$work/$name.log" "$IRCTEST_LOG_DIR/"; fi
  stop_server
done
exit $status
