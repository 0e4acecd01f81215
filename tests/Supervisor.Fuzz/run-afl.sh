#!/usr/bin/env bash
# A coverage-guided long run of one fuzz target under afl-fuzz (README.md here).
#
#   tests/Supervisor.Fuzz/run-afl.sh TARGET [MINUTES]      TARGET: reader, dispatch, http or all (default 20 minutes)
#
# Publishes the fuzz program (Release, IL only), instruments the daemon's codec, RPC and HTTP code, the
# Abstractions and the bundled supervisor plugin with SharpFuzz (the dotnet tool pinned in
# .config/dotnet-tools.json, restored here only), seeds afl-fuzz with corpus/ and regressions/, runs it on one
# core for the given time while sampling the target's memory, then prints execs, paths, edges, crashes, hangs
# and peak RSS, and replays every crash and hang through the target to say what it broke. Everything goes to
# artifacts/fuzz/TARGET/ (ignored by git). Environment: FUZZ_TIMEOUT_MS (afl's per-input limit, 5000).
set -euo pipefail

target=${1:?usage: run-afl.sh reader|dispatch|http|all [MINUTES]}
minutes=${2:-20}
case "$target" in reader|dispatch|http|all) ;; *) echo "unknown target '$target' (reader, dispatch, http, all)" >&2; exit 2 ;; esac

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work="$root/artifacts/fuzz/$target"
bin="$work/bin"
out="$work/findings"

if ! command -v afl-fuzz >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
  else
    echo "afl-fuzz is missing: apt-get install afl++" >&2; exit 1
  fi
fi

rm -rf "$work"
mkdir -p "$work/in"

echo "== publish (Release, without ReadyToRun: SharpFuzz instruments IL-only assemblies)"
dotnet publish "$here/Supervisor.Fuzz.csproj" -c Release -p:ReadyToRunAtBuild=false -o "$bin" -v quiet -nologo >"$work/publish.log"

echo "== instrument"
(cd "$here" && dotnet tool restore >/dev/null)
sharpfuzz() { (cd "$here" && dotnet tool run sharpfuzz "$@"); }
sharpfuzz "$bin/supervisord.dll" Supervisor.Host.XmlRpc Supervisor.Host.Rpc Supervisor.Host.Http
sharpfuzz "$bin/Supervisor.Abstractions.dll"
sharpfuzz "$bin/SupervisorRpc.dll"

# Seeds: the corpus and every input kept from earlier runs. afl-fuzz skips what it cannot use.
cp "$here"/corpus/*.xml "$work/in/"
find "$here/regressions" -type f ! -name README.md -exec cp {} "$work/in/" \;

# The target's memory, sampled every second: the fork server and the .NET child it restarts (VmHWM is a
# process's own peak RSS; a child replaced after a crash or hang takes its peak with it, hence the sampling).
sample_memory() {
  local afl=$1 peak=0 peak_pid=0
  while kill -0 "$afl" 2>/dev/null; do
    for pid in $(pgrep -P "$afl") $(for p in $(pgrep -P "$afl"); do pgrep -P "$p"; done); do
      local hwm
      hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
      if [ -n "$hwm" ] && [ "$hwm" -gt "$peak" ]; then peak=$hwm; peak_pid=$pid; fi
    done
    echo "$peak $peak_pid" >"$work/peak-rss"
    sleep 1
  done
}

echo "== afl-fuzz, $minutes minutes, target $target"
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 \
  AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_FORKSRV_INIT_TMOUT=60000 AFL_MAP_SIZE=65536
start=$(date +%s)
afl-fuzz -i "$work/in" -o "$out" -t "${FUZZ_TIMEOUT_MS:-5000}" -m none -V $((minutes * 60)) \
  -x "$here/xmlrpc.dict" -- dotnet "$bin/Supervisor.Fuzz.dll" afl "$target" >"$work/afl.log" 2>&1 &
afl=$!
sample_memory "$afl" &
sampler=$!
status=0
wait "$afl" || status=$?
wait "$sampler" || true
elapsed=$(( $(date +%s) - start ))
if [ "$status" -ne 0 ]; then
  echo "afl-fuzz exited with status $status; the end of its log:" >&2
  tail -30 "$work/afl.log" >&2
fi

stats="$out/default/fuzzer_stats"
stat() { awk -F' *: *' -v k="$1" '$1 == k {print $2}' "$stats"; }
read -r peak_kb peak_pid <"$work/peak-rss" || { peak_kb=0; peak_pid=0; }
crashes=$(find "$out/default/crashes" -type f -name 'id:*' | wc -l)
hangs=$(find "$out/default/hangs" -type f -name 'id:*' | wc -l)
{
  echo "target          $target"
  echo "run time        ${elapsed} s (afl: $(stat run_time) s)"
  echo "execs           $(stat execs_done) ($(stat execs_per_sec)/s)"
  echo "paths           $(stat corpus_count) (from $(find "$work/in" -type f | wc -l) seeds)"
  echo "edges           $(stat edges_found) of $(stat total_edges) ($(stat bitmap_cvg))"
  echo "crashes         $crashes"
  echo "hangs           $hangs"
  echo "peak RSS        $((peak_kb / 1024)) MiB (target process, VmHWM sampled each second)"
} | tee "$work/summary.txt"

# Every crash and hang again, once each, saying what it broke: a crash is an invariant violation or an
# exception that escaped; a hang that runs to completion here was slow under afl's limit, not stuck.
for kind in crashes hangs; do
  if [ -n "$(find "$out/default/$kind" -type f -name 'id:*' -print -quit)" ]; then
    echo "== $kind replayed (artifacts/fuzz/$target/$kind.txt)"
    timeout 300 dotnet "$bin/Supervisor.Fuzz.dll" run "$target" "$out/default/$kind" >"$work/$kind.txt" 2>&1 || true
    grep -E '^(VIOLATION|  [A-Za-z.]+(Exception|Error))|inputs,' "$work/$kind.txt" | head -40
  fi
done
exit "$status"
