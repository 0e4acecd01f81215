#!/usr/bin/env bash
# One connection's round trip, side by side: `wrk -t1 -c1` posting supervisor.getState (http/getstate.lua)
# to our Release daemon, to a bare Kestrel answering the same bytes (the floor: `Supervisor.Benchmarks
# kestrel-floor`) and, when installed, to the reference /usr/bin/supervisord. Prints requests/s and each
# server's CPU per request (utime+stime from /proc/<pid>/stat over the run), ROUNDS times, alternating.
# Needs wrk. Usage: roundtrip.sh [seconds] (ROUNDS=3, REFERENCE=1; NOBUILD=1 skips the build).
set -euo pipefail
cd "$(dirname "$0")/../../.."
seconds="${1:-10}"
rounds="${ROUNDS:-3}"
lua=tests/Supervisor.Benchmarks/http/getstate.lua
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"' EXIT
if [ -z "${NOBUILD:-}" ]; then
  dotnet build -c Release tests/Supervisor.Benchmarks -v q -nologo >/dev/null
fi

conf() { # port
  sed -e "s/127.0.0.1:9101/127.0.0.1:$1/" -e "s#/tmp/supervisor-bench#$work/d$1#" tests/Supervisor.Benchmarks/http/bench.conf > "$work/$1.conf"
  echo "$work/$1.conf"
}

declare -A server
dotnet src/Host/bin/Release/net10.0/supervisord.dll -n -c "$(conf 9101)" >/dev/null 2>&1 & pids+=($!); server[ours]=$!
dotnet tests/Supervisor.Benchmarks/bin/Release/net10.0/Supervisor.Benchmarks.dll kestrel-floor 9102 >/dev/null & pids+=($!); server[floor]=$!
names=(ours floor)
if [ "${REFERENCE:-1}" = 1 ] && [ -x /usr/bin/supervisord ]; then
  /usr/bin/supervisord -n -c "$(conf 9103)" >/dev/null 2>&1 & pids+=($!); server[reference]=$!; names+=(reference)
fi
declare -A port=([ours]=9101 [floor]=9102 [reference]=9103)
for name in "${names[@]}"; do
  for _ in $(seq 100); do curl -s -o /dev/null -d x "http://127.0.0.1:${port[$name]}/RPC2" && break; sleep 0.2; done
  wrk -t1 -c1 -d3s -s "$lua" "http://127.0.0.1:${port[$name]}" >/dev/null   # warm-up
done

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
tick=$(getconf CLK_TCK)
printf '| round | server | requests/s | server CPU µs per request | load average |\n|---|---|---:|---:|---|\n'
for round in $(seq "$rounds"); do
  for name in "${names[@]}"; do
    pid=${server[$name]}
    before=$(cpu "$pid")
    out=$(wrk -t1 -c1 -d"${seconds}s" -s "$lua" "http://127.0.0.1:${port[$name]}")
    after=$(cpu "$pid")
    if ! grep -q 'non-200 or wrong answers: 0' <<<"$out"; then echo "$name: wrong answers" >&2; echo "$out" >&2; fi
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    total=$(awk '/requests in/ {print $1}' <<<"$out")
    printf '| %s | %s | %.0f | %.1f | %s |\n' "$round" "$name" "$rps" "$(echo "($after - $before) * 1000000 / $tick / $total" | bc -l)" "$(cut -d' ' -f1-3 /proc/loadavg)"
  done
done
