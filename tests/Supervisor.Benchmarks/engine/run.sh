#!/usr/bin/env bash
# Side-by-side engine benchmark: the reference supervisord 4.2.5 (when installed) and ours (Release),
# one after the other, on the same generated config of N programs; prints a table with ratios.
# Usage: [N=200] [WRK_SECONDS=10] [IDLE_SECONDS=20] [LOG_SECONDS=10] tests/Supervisor.Benchmarks/engine/run.sh
# Needs python3, wrk (apt-get install -y wrk) and, for the reference column, supervisor.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../../.."
export N="${N:-200}"
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

if [ "$(cut -d' ' -f1 /proc/loadavg | cut -d. -f1)" -ge 1 ]; then
  echo "warning: load average $(cut -d' ' -f1-3 /proc/loadavg); figures are only comparable on an idle machine" >&2
fi

if [ -x /usr/bin/supervisord ]; then
  python3 "$here/bench.py" measure reference "$results/reference.json" -- /usr/bin/supervisord
else
  echo "reference supervisord not installed (apt-get install supervisor): its column stays n/a" >&2
fi

dotnet build -c Release src/Host -v q -nologo >/dev/null
dll=src/Host/bin/Release/net10.0/supervisord.dll
[ -f "$dll" ] || { echo "no $dll after the Release build" >&2; exit 1; }
python3 "$here/bench.py" measure ours "$results/ours.json" -- dotnet "$dll" || echo "ours: measurement failed (see above)" >&2

python3 "$here/bench.py" table "$results/reference.json" "$results/ours.json"
