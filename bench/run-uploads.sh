#!/usr/bin/env bash
# One `parley bench fanout` run (with or without --uploads) against a freshly started Parley, as
# docs/benchmarks.md's "Uploads beside chat" runs were made: the server on core 0 with the bench
# environment (the per-user upload limit left at its default) on a new data directory, the
# generator on core 1; then the server is stopped and its data directory removed. The run's JSON
# line, with `target`, `label`, `repeat` and `commit` added, is appended to OUT; the generator's
# whole output goes to OUT's directory as LABEL-REPEAT.log.
#
# Usage: bench/run-uploads.sh PARLEY OUT LABEL REPEAT [bench fanout options...]
#   PARLEY  the parley executable (Release build); it is both the server and the generator
#   e.g.    bench/run-uploads.sh $P bench/results/2026-12-07-uploads.jsonl files 1 --receivers 100 --rate 1000 --uploads 100
# TCP_PORT, HTTP_PORT, IRC_PORT (17878, 18080, 16667) move the server; COMMIT=abc1234 records another
# commit than this checkout's. Wrap it in `flock /tmp/parley-cpu.lock` on a shared machine.
set -euo pipefail

parley=${1:-}; out=${2:-}; label=${3:-}; repeat=${4:-}
if [ -z "$repeat" ] || [ ! -x "$parley" ]; then
    echo "usage: $0 PARLEY OUT LABEL REPEAT [bench fanout options...]" >&2
    exit 2
fi
shift 4
here=$(cd "$(dirname "$0")" && pwd)
commit=${COMMIT:-$(git -C "$here" rev-parse --short HEAD)}
tcp=${TCP_PORT:-17878}; http=${HTTP_PORT:-18080}; irc=${IRC_PORT:-16667}
log=$(dirname "$out")/$label-$repeat.log
run=$(mktemp -d /tmp/parley-uploads.XXXXXX)
ulimit -n "$(ulimit -Hn)"

PARLEY_Connections__RateBurst=1000000 PARLEY_Connections__RatePerSecond=1000000 \
PARLEY_Limits__SignInBurst=1000000 PARLEY_Limits__SignInPerSecond=1000000 \
PARLEY_PasswordIterations=1000 PARLEY_Logging__LogLevel__Default=Warning \
taskset -c 0 "$parley" serve --data "$run/data" \
    --tcp 127.0.0.1:$tcp --http 127.0.0.1:$http --irc 127.0.0.1:$irc > "$run/server.out" 2>&1 &
server=$!   # taskset execs parley
ready=
for _ in $(seq 100); do grep -q '^listening irc' "$run/server.out" && ready=1 && break; sleep 0.2; done
[ -n "$ready" ] || { echo "parley did not start:" >&2; cat "$run/server.out" >&2; kill "$server" 2>/dev/null; exit 1; }

status=0
taskset -c 1 "$parley" bench fanout --proto native --port "$tcp" --upload-port "$http" --server-pid "$server" "$@" > "$log" 2>&1 || status=$?
kill "$server" 2>/dev/null || true
wait "$server" 2>/dev/null || true
# Anything the server said beyond its start (warnings, errors) is kept with the run.
grep -v '^listening' "$run/server.out" | sed 's/^/server: /' >> "$log" || true
rm -rf "$run"

{ grep '^{' "$log" || true; } | LABEL=$label REPEAT=$repeat COMMIT=$commit python3 -c '
import json, os, sys
for line in sys.stdin:
    d = json.loads(line)
    d.update(target="parley-native", label=os.environ["LABEL"], repeat=int(os.environ["REPEAT"]), commit=os.environ["COMMIT"])
    print(json.dumps(d, separators=(",", ":")))' >> "$out"
grep -v '^{' "$log" | sed -n '/^parley bench fanout/,$p'
exit "$status"
