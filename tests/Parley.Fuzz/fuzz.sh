#!/usr/bin/env bash
# Runs one fuzz target under afl-fuzz (docs/reliability.md, "Fuzzing").
#   tests/Parley.Fuzz/fuzz.sh json|irc|peer [SECONDS]     (default 1800)
# Work goes to $PARLEY_FUZZ_DIR (default /tmp/parley-fuzz): the instrumented build, and afl's
# findings per codec in findings-<codec>/ (crashes in findings-<codec>/default/crashes/).
set -euo pipefail
codec=${1:?usage: fuzz.sh json|irc|peer [seconds]}
seconds=${2:-1800}
here=$(cd "$(dirname "$0")" && pwd)
work=${PARLEY_FUZZ_DIR:-/tmp/parley-fuzz}
out=$work/build-$codec
tools=$work/tools
mkdir -p "$work"

command -v afl-fuzz >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq afl++ >/dev/null; }
[ -x "$tools/sharpfuzz" ] || dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null

# Build into a folder per codec and instrument the codec assemblies there: SharpFuzz rewrites them in
# place, so the ordinary build output is left alone, and rebuilding for one codec (after a fix) does
# not pull the assemblies from under another codec's running fuzzer. Delete the folder to rebuild.
if [ ! -f "$out/.instrumented" ]; then
  dotnet build "$here" -c Release -o "$out" -v quiet -nologo
  "$tools/sharpfuzz" "$out/Parley.Protocol.dll"
  "$tools/sharpfuzz" "$out/Parley.Peer.dll"
  touch "$out/.instrumented"
fi

# The target is `dotnet`, not an afl-compiled binary; this machine's core pattern and CPU governor
# are not ours to change; other work shares the cores, so afl must not pin one.
export AFL_SKIP_BIN_CHECK=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1
exec afl-fuzz -V "$seconds" -i "$here/corpus/$codec" -o "$work/findings-$codec" -t 5000 -m none \
  -- dotnet "$out/Parley.Fuzz.dll" "$codec"
