#!/usr/bin/env bash
# One `parley bench fanout|rooms` run against Parley on Redis, as docs/benchmarks.md's "Two nodes
# on Redis" runs were made: a fresh redis-server (AOF on, fsync always: the durable setting) in a
# new directory, then one or two fresh Parley nodes on it (the bench environment, each its own
# data directory), then the generator, spreading its connections over the nodes with --servers;
# then everything is stopped. The run's JSON line, with `target`, `label`, `repeat`, `commit`,
# `pinning` and `note` (the set-up in words) added, is appended to OUT; the generator's whole
# output goes to OUT's directory as LABEL-REPEAT.log. Redis's CPU over the window is the line's
# `other_cpu` (--cpu-pids), the nodes' is in `nodes`.
#
# Usage: bench/run-redis.sh <1|2> PARLEY OUT LABEL REPEAT WORKLOAD [bench options...]
#   1|2     how many Parley nodes
#   PARLEY  the parley executable (Release build); it is both the nodes and the generator
#   e.g.    bench/run-redis.sh 2 $P bench/results/2026-12-07-redis.jsonl rooms-two 1 rooms --rooms 1000 --members 5 --concurrency 1000 --warmup 20 --duration 10
# Pinning (taskset CPU lists), by default node a on 0, node b on 1, redis-server and the generator
# on 1: A_CPUS, B_CPUS, REDIS_CPUS, BENCH_CPUS. Ports: nodes 37878/37879 (native), 38080/38081
# (http), 37667/37668 (irc); redis 39379; each the next free one if a socket holds it. COMMIT=abc1234 records another commit than this
# checkout's. REDIS_PERSISTENCE (default "--appendonly yes --appendfsync always") sets Redis's
# persistence arguments: "--appendonly yes --appendfsync everysec", "--appendonly no". Wrap it in `flock /tmp/parley-cpu.lock` on a shared machine.
set -euo pipefail

nodes=${1:-}; parley=${2:-}; out=${3:-}; label=${4:-}; repeat=${5:-}; workload=${6:-}
if [ -z "$workload" ] || [ ! -x "$parley" ] || [[ $nodes != 1 && $nodes != 2 ]]; then
    echo "usage: $0 <1|2> PARLEY OUT LABEL REPEAT <fanout|rooms> [bench options...]" >&2
    exit 2
fi
shift 6
REDIS_PERSISTENCE=${REDIS_PERSISTENCE:---appendonly yes --appendfsync always}
A_CPUS=${A_CPUS:-0}; B_CPUS=${B_CPUS:-1}; REDIS_CPUS=${REDIS_CPUS:-1}; BENCH_CPUS=${BENCH_CPUS:-1}
here=$(cd "$(dirname "$0")" && pwd)
commit=${COMMIT:-$(git -C "$here" rev-parse --short HEAD)}
log=$(dirname "$out")/$label-$repeat.log
run=$(mktemp -d /tmp/parley-redis.XXXXXX)
# A port no socket uses now, from $1 up (another process's client connections may hold one of ours
# as their ephemeral port: then the next).
free_port() {
    local p=$1
    while [ -n "$(ss -Htan "( sport = :$p )")" ]; do p=$((p + 1)); done
    echo "$p"
}
redis_port=$(free_port 39379)
ulimit -n "$(ulimit -Hn)"
pids=()

stop_all() {
    # Nodes first (a clean stop takes their users offline in Redis), then Redis.
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do
        for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    pids=()
}
trap 'stop_all; rm -rf "$run"' EXIT

mkdir -p "$run/redis"
# taskset execs redis-server, so $! is its PID.
# shellcheck disable=SC2086 # REDIS_PERSISTENCE is several arguments
taskset -c "$REDIS_CPUS" /usr/bin/redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$run/redis" \
    $REDIS_PERSISTENCE --save "" --daemonize no --logfile "$run/redis.log" &
redis=$!
pids=("$redis")
for _ in $(seq 50); do redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
redis-cli -p "$redis_port" ping | grep -q PONG || { echo "redis-server did not start:" >&2; cat "$run/redis.log" >&2; exit 1; }

start_node() {   # NAME CPUS TCP HTTP IRC
    PARLEY_Connections__RateBurst=1000000 PARLEY_Connections__RatePerSecond=1000000 \
    PARLEY_Limits__SignInBurst=1000000 PARLEY_Limits__SignInPerSecond=1000000 \
    PARLEY_PasswordIterations=1000 PARLEY_Logging__LogLevel__Default=Warning \
    PARLEY_Store=Redis PARLEY_Redis=127.0.0.1:$redis_port PARLEY_NodeId="$1" \
    taskset -c "$2" "$parley" serve --data "$run/$1" \
        --tcp "127.0.0.1:$3" --http "127.0.0.1:$4" --irc "127.0.0.1:$5" > "$run/$1.out" 2>&1 &
    pids=("$!" "${pids[@]}")
    for _ in $(seq 100); do grep -q '^listening irc' "$run/$1.out" && return 0; sleep 0.2; done
    echo "parley node $1 did not start:" >&2; cat "$run/$1.out" >&2; exit 1
}
a_tcp=$(free_port 37878)
start_node a "$A_CPUS" "$a_tcp" "$(free_port 38080)" "$(free_port 37667)"
servers=127.0.0.1:$a_tcp
pinning="{\"a\":\"$A_CPUS\",\"redis\":\"$REDIS_CPUS\",\"bench\":\"$BENCH_CPUS\"}"
note="one Parley node on Redis: node a on cpu $A_CPUS"
if [ "$nodes" = 2 ]; then
    b_tcp=$(free_port $((a_tcp + 1)))
    start_node b "$B_CPUS" "$b_tcp" "$(free_port 38081)" "$(free_port 37668)"
    servers=$servers,127.0.0.1:$b_tcp
    pinning="{\"a\":\"$A_CPUS\",\"b\":\"$B_CPUS\",\"redis\":\"$REDIS_CPUS\",\"bench\":\"$BENCH_CPUS\"}"
    note="two Parley nodes on Redis, connections round-robin: node a on cpu $A_CPUS, node b on cpu $B_CPUS"
fi
note="$note; redis-server ($REDIS_PERSISTENCE) on cpu $REDIS_CPUS; generator on cpu $BENCH_CPUS"

status=0
taskset -c "$BENCH_CPUS" "$parley" bench "$workload" --proto native --servers "$servers" --cpu-pids "$redis" "$@" > "$log" 2>&1 || status=$?
stop_all

# A run that printed no result line still shows its log below and keeps its exit code.
{ grep '^{' "$log" || true; } | NODES=$nodes LABEL=$label REPEAT=$repeat COMMIT=$commit PINNING=$pinning NOTE=$note python3 -c '
import json, os, sys
for line in sys.stdin:
    d = json.loads(line)
    d.update(target="parley-redis-" + ("one" if os.environ["NODES"] == "1" else "two") + "-node" + ("" if os.environ["NODES"] == "1" else "s"),
             label=os.environ["LABEL"], repeat=int(os.environ["REPEAT"]), commit=os.environ["COMMIT"],
             pinning=json.loads(os.environ["PINNING"]), note=os.environ["NOTE"])
    print(json.dumps(d, separators=(",", ":")))' >> "$out"
grep -v '^{' "$log" | sed -n "/^parley bench $workload/,\$p"
exit "$status"
