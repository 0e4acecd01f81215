#!/usr/bin/env bash
# Issue 16, item 3: does each program cost the same at 5,000 programs as at 200? Runs ours (Release) at
# N=200 and N=5000, alternating, RUNS times each, and prints per-program launch and shutdown with the
# ratio of the medians, plus how the daemon answers while it launches (getAllProcessInfo, whose time is
# mostly Python's parsing of 5,000 entries, and a request the engine thread itself answers).
# Usage: [RUNS=2] [SMALL=200] [LARGE=5000] tests/Supervisor.Benchmarks/engine/scale.sh
# The reference is left out: at 5,000 programs its launch takes minutes (engine/run.sh with N=5000 runs it).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../../.."
RUNS="${RUNS:-2}" SMALL="${SMALL:-200}" LARGE="${LARGE:-5000}"
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

dotnet build -c Release src/Host -v q -nologo >/dev/null
dll=src/Host/bin/Release/net10.0/supervisord.dll
for run in $(seq "$RUNS"); do
  for n in "$SMALL" "$LARGE"; do
    echo "run $run, N=$n, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    N="$n" WRK_SECONDS=1 IDLE_SECONDS=2 LOG_SECONDS=1 \
      python3 "$here/bench.py" measure ours "$results/n$n-$run.json" -- dotnet "$dll" 2>/dev/null \
      || echo "N=$n run $run: measurement failed" >&2
  done
done

# The floor: a process that holds no descriptors spawns N /bin/sleep with posix_spawn and nothing else
# (no pipes, no logs, no bookkeeping): what the kernel and the children themselves cost per program.
floor() {
  python3 - "$1" <<'PY'
import os, signal, sys, time
n = int(sys.argv[1])
start, pids = time.monotonic(), []
for _ in range(n):
    pids.append(os.posix_spawn("/bin/sleep", ["sleep", "100000"], {}))
took = time.monotonic() - start
for pid in pids:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
print(f"{took * 1000 / n:.3f}")
PY
}
for run in $(seq "$RUNS"); do
  for n in "$SMALL" "$LARGE"; do
    floor "$n" >> "$results/floor$n"
  done
done

python3 - "$results" "$SMALL" "$LARGE" <<'PY'
import json, glob, statistics, sys
directory, small, large = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def floor(n):
    return [float(x) for x in open(f"{directory}/floor{n}").read().split()]
def runs(n):
    return [json.load(open(p)) for p in sorted(glob.glob(f"{directory}/n{n}-*.json"))]
rows = [("launch_ms_per_program", "launch per program (first to Nth 'spawned:')", "ms"),
        ("shutdown_ms_per_program", "shutdown per program (SIGTERM until exit)", "ms"),
        ("launch_slowest_answer_s", "slowest getAllProcessInfo during the launch", "s"),
        ("launch_partial_views", "answers showing the launch part done", ""),
        ("launch_slowest_engine_answer_s", "slowest engine answer during the launch (stopProcess fault)", "s")]
print(f"| measure | N={small} | N={large} | ratio of medians |")
print("|---|---|---|---|")
a, b = floor(small), floor(large)
print(f"| floor: posix_spawn of /bin/sleep, nothing else (ms per program) | {' / '.join(f'{x:.2f}' for x in a)} | "
      f"{' / '.join(f'{x:.2f}' for x in b)} | {statistics.median(b) / statistics.median(a):.2f} |")
for key, label, unit in rows:
    a = [r[key] for r in runs(small) if r.get(key) is not None]
    b = [r[key] for r in runs(large) if r.get(key) is not None]
    if not a or not b:
        continue
    ratio = statistics.median(b) / statistics.median(a) if statistics.median(a) else float("nan")
    fmt = lambda xs: " / ".join(f"{x:.2f}" if isinstance(x, float) else str(x) for x in xs)
    print(f"| {label} ({unit}) | {fmt(a)} | {fmt(b)} | {ratio:.2f} |")
PY
