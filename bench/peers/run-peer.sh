#!/usr/bin/env bash
# Starts one benchmark peer server in the foreground, pinned to one CPU, in a fresh temporary
# directory, and prints its PID first ("pid N"). Ctrl-C or SIGTERM stops it and removes the
# directory. Usage: bench/peers/run-peer.sh <inspircd|ngircd|redis|ws> [cpu]   (cpu defaults to 0)
# Run as root, the daemon itself runs as the package's own user (InspIRCd refuses to run as
# root); setpriv rather than runuser, whose PAM session would lower the open-file limit to 1024.
set -euo pipefail

peer=${1:-}
cpu=${2:-0}
here=$(cd "$(dirname "$0")" && pwd)

case $peer in
    inspircd) conf=$here/inspircd/inspircd.conf; user=irc; port=16668 ;;
    ngircd) conf=$here/ngircd.conf; user=irc; port=16669 ;;
    redis) conf=$here/redis.conf; user=redis; port=16379 ;;
    ws) conf=$here/ws/server.js; user=daemon; port=16080 ;;
    *) echo "usage: $0 <inspircd|ngircd|redis|ws> [cpu]" >&2; exit 2 ;;
esac

run=$(mktemp -d "/tmp/parley-peer-$peer.XXXXXX")
chmod 755 "$run"
sed "s|@RUNDIR@|$run|g" "$conf" > "$run/$(basename "$conf")"
rconf=$run/$(basename "$conf")

case $peer in
    inspircd) cmd=(/usr/sbin/inspircd --config "$rconf" --nofork --nopid) ;;
    ngircd) cmd=(/usr/sbin/ngircd --config "$rconf" --nodaemon) ;;
    redis) cmd=(/usr/bin/redis-server "$rconf") ;;
    # Node resolves `ws` next to the script, so it runs where it is (npm installs it once).
    ws) [ -d "$here/ws/node_modules/ws" ] || (cd "$here/ws" && npm ci --no-audit --no-fund >&2)
        cmd=(node "$conf" "$port") ;;
esac

# As many descriptors as this machine allows (10,000+ connections need more than the usual 1024).
ulimit -n "$(ulimit -Hn)"

as_user=()
if [ "$(id -u)" = 0 ]; then
    chown -R "$user:$user" "$run"
    as_user=(setpriv "--reuid=$user" "--regid=$user" --init-groups --)
fi

# taskset and setpriv exec the daemon, so $! is the daemon's own PID.
taskset -c "$cpu" "${as_user[@]}" "${cmd[@]}" &
pid=$!
echo "$pid" > "$run/pid"
echo "pid $pid"
echo "$peer on 127.0.0.1:$port, cpu $cpu, open files $(ulimit -n), dir $run" >&2

stop() {
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -rf "$run"
    exit 0
}
trap stop INT TERM
status=0
wait "$pid" || status=$?
rm -rf "$run"
exit "$status"
