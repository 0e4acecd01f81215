#!/usr/bin/env bash
# Side-by-side event benchmark (issue 4): events/s to one listener (childutils and raw C), events/s to an
# in-process plugin subscriber (ours only), and getState latency while a slow listener's pool is saturated.
# The reference supervisord 4.2.5 (when installed) runs first, then ours (Release); one table at the end.
# Usage: [SECONDS_PER_RUN=5] [PROGRAMS=0] [BUFFER=10000] [LATENCY_SECONDS=5] [LATENCY_WARMUP=3] [SLOW_DELAY=0.1] tests/Supervisor.Benchmarks/events/run.sh
# Needs /usr/bin/python3 with Debian's supervisor package (listeners import supervisor.childutils), wrk and cc.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../../.."
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

if [ "$(cut -d' ' -f1 /proc/loadavg | cut -d. -f1)" -ge 1 ]; then
  echo "warning: load average $(cut -d' ' -f1-3 /proc/loadavg); figures are only comparable on an idle machine" >&2
fi
/usr/bin/python3 -c "import supervisor.childutils" 2>/dev/null || { echo "/usr/bin/python3 has no supervisor package (apt-get install supervisor)" >&2; exit 1; }

# The raw listener: skipped (its rows n/a) without a C compiler.
if command -v cc >/dev/null; then
  cc -O2 -Wall -Wextra -Werror -o "$results/raw_listener" "$here/raw_listener.c"
  export RAW_LISTENER="$results/raw_listener"
else
  echo "no cc: the raw listener rows stay n/a" >&2
fi

if [ -x /usr/bin/supervisord ]; then
  python3 "$here/bench.py" measure reference "$results/reference.json" -- /usr/bin/supervisord || echo "reference: measurement failed (see above)" >&2
else
  echo "reference supervisord not installed (apt-get install supervisor): its column stays n/a" >&2
fi

# Ours in Release, with the EventCounter test plugin in a plugins folder of its own.
dotnet build -c Release src/Host -v q -nologo >/dev/null
dotnet build -c Release tests/TestPlugins/EventCounter -v q -nologo >/dev/null
dll=src/Host/bin/Release/net10.0/supervisord.dll
[ -f "$dll" ] || { echo "no $dll after the Release build" >&2; exit 1; }
mkdir -p "$results/plugins"
cp -r tests/TestPlugins/EventCounter/bin/Release/net10.0 "$results/plugins/EventCounter"
python3 "$here/bench.py" measure ours "$results/ours.json" --plugins "$results/plugins" -- dotnet "$dll" || echo "ours: measurement failed (see above)" >&2

python3 "$here/bench.py" table "$results/reference.json" "$results/ours.json"
