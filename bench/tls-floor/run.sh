#!/bin/bash
# usage: CERT=c.pem KEY=k.pem bench/tls-floor/run.sh VARIANT [N]   (VARIANT: default, noresume, release); build first: dotnet build -c Release bench/tls-floor
V=$1; N=${2:-5000}; B=$(dirname $0)/bin/Release/net10.0/tls-floor
ulimit -n 20000
timeout 120 taskset -c 0 $B server 29443 $CERT $KEY $V > /tmp/tls-floor-out-$V.txt &
SP=$!; sleep 3
timeout 100 taskset -c 1 $B client 29443 $N > /tmp/tls-floor-client-$V.txt &
CP=$!
for i in $(seq 90); do grep -q connected /tmp/tls-floor-client-$V.txt && break; sleep 1; done
sleep 5; [ -n "$GCDUMP" ] && dotnet-gcdump report -p $(pgrep -P $SP) > /tmp/tls-floor-gc-$V.txt 2>&1; sleep 2; kill $CP; kill $SP; wait 2>/dev/null
head -2 /tmp/tls-floor-out-$V.txt; tail -1 /tmp/tls-floor-out-$V.txt
