#!/usr/bin/env bash
# One `parley bench bigroom` run against a freshly started server, as docs/benchmarks.md's "Big
# rooms" runs were made: the server on core 0 (Parley with the bench environment on a new data
# directory, or InspIRCd from bench/peers), the generator on core 1; then the server is stopped.
# The run's JSON line, with `target`, `label`, `repeat` and `commit` added, is appended to OUT;
# the generator's whole output goes to OUT's directory as LABEL-REPEAT.log.
#
# Usage: bench/run-bigroom.sh <parley|inspircd> PARLEY OUT LABEL REPEAT [bench bigroom options...]
#   PARLEY  the parley executable (Release build); it is both the server and the generator
#   e.g.    bench/run-bigroom.sh parley $P bench/results/2026-12-07-bigroom.jsonl after-10000 1 --members 10000 --timeout 1800
# COMMIT=abc1234 records another commit than this checkout's; PASSWORD_ITERATIONS=100000 runs Parley at the
# default password cost (the bench environment lowers it to 1000). Wrap it in `flock /tmp/parley-cpu.lock` on a shared machine.
# With --restart (Parley only) the bench stops the server itself and starts it again (same command,
# directory, environment, core); it prints the new PID (restart_server_pid), which is stopped here too.
set -euo pipefail

target=${1:-}; parley=${2:-}; out=${3:-}; label=${4:-}; repeat=${5:-}
if [ -z "$repeat" ] || [ ! -x "$parley" ] || [[ $target != parley && $target != inspircd ]]; then
    echo "usage: $0 <parley|inspircd> PARLEY OUT LABEL REPEAT [bench bigroom options...]" >&2
    exit 2
fi
shift 5
here=$(cd "$(dirname "$0")" && pwd)
commit=${COMMIT:-$(git -C "$here" rev-parse --short HEAD)}   # the commit the binary was built from, if not this one
log=$(dirname "$out")/$label-$repeat.log
run=$(mktemp -d /tmp/parley-bigroom.XXXXXX)
ulimit -n "$(ulimit -Hn)"

case $target in
    parley)
        PARLEY_Connections__RateBurst=1000000 PARLEY_Connections__RatePerSecond=1000000 \
        PARLEY_Limits__SignInBurst=1000000 PARLEY_Limits__SignInPerSecond=1000000 \
        PARLEY_PasswordIterations=${PASSWORD_ITERATIONS:-1000} PARLEY_Logging__LogLevel__Default=Warning \
        taskset -c 0 "$parley" serve --data "$run/data" \
            --tcp 127.0.0.1:17878 --http 127.0.0.1:18080 --irc 127.0.0.1:16667 > "$run/server.out" 2>&1 &
        starter=$!
        server=$starter   # taskset execs parley
        ready=
        for _ in $(seq 100); do grep -q '^listening irc' "$run/server.out" && ready=1 && break; sleep 0.2; done
        [ -n "$ready" ] || { echo "parley did not start:" >&2; cat "$run/server.out" >&2; kill "$starter" 2>/dev/null; exit 1; }
        args=(--proto native --port 17878) ;;
    inspircd)
        "$here/peers/run-peer.sh" inspircd 0 > "$run/server.out" 2>&1 &
        starter=$!
        for _ in $(seq 100); do grep -q '^pid ' "$run/server.out" && break; sleep 0.2; done
        server=$(sed -n 's/^pid //p' "$run/server.out")
        [ -n "$server" ] || { echo "inspircd did not start:" >&2; cat "$run/server.out" >&2; kill "$starter" 2>/dev/null; exit 1; }
        sleep 1
        args=(--proto irc --port 16668) ;;
esac

status=0
taskset -c 1 "$parley" bench bigroom "${args[@]}" --server-pid "$server" "$@" > "$log" 2>&1 || status=$?
kill "$starter" 2>/dev/null || true
wait "$starter" 2>/dev/null || true
# --restart: the server the bench started again is no child of this script; stop it by its PID and wait until it has gone.
for restarted in $(grep -o 'restart_server_pid[": ]*[0-9]*' "$log" | grep -o '[0-9]*$' | sort -u); do
    [ "$restarted" -gt 1 ] || continue   # 0: the bench stopped before it started one (and `kill 0` would hit this script)
    kill "$restarted" 2>/dev/null || true
    for _ in $(seq 150); do kill -0 "$restarted" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$restarted" 2>/dev/null || true
done
rm -rf "$run"

# A run that printed no result line still shows its log below and keeps its exit code.
{ grep '^{' "$log" || true; } | TARGET=$target LABEL=$label REPEAT=$repeat COMMIT=$commit python3 -c '
import json, os, sys
for line in sys.stdin:
    d = json.loads(line)
    d.update(target=os.environ["TARGET"] if os.environ["TARGET"] == "inspircd" else "parley-native",
             label=os.environ["LABEL"], repeat=int(os.environ["REPEAT"]), commit=os.environ["COMMIT"])
    print(json.dumps(d, separators=(",", ":")))' >> "$out"
grep -v '^{' "$log" | sed -n '/^parley bench bigroom/,$p'
exit "$status"
