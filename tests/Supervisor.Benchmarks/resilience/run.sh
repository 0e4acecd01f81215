#!/usr/bin/env bash
# Issue 11's attacks side by side: the reference supervisord 4.2.5 and ours (Release), each attack bounded in
# time, one markdown table at the end (see ../README.md). About ten minutes for both daemons.
# Usage: [DAEMONS="reference ours"] [FD_RUNS=3] [RELOADS=10] [STDIN_CALLS=1000] [STDIN_SECONDS=60] [BLOCK_MS=8000]
#        [MULTICALL_SECONDS=45] [SLOW_WATCH=60] [RESULTS=out.json] [KEEP=1] tests/Supervisor.Benchmarks/resilience/run.sh [ATTACK ...]
# Attacks: fds race stdin multicall storm blocking thread disk slowbody (default: all).
# Needs root, /usr/bin/python3, prlimit and setpriv (util-linux) and, for the reference column, supervisor.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../../.."

if [ "$(cut -d' ' -f1 /proc/loadavg | cut -d. -f1)" -ge 1 ]; then
  echo "warning: load average $(cut -d' ' -f1-3 /proc/loadavg); latency and CPU figures are only comparable on an idle machine" >&2
fi
if [ ! -x /usr/bin/supervisord ]; then
  echo "reference supervisord not installed (apt-get install supervisor): measuring ours only" >&2
  export DAEMONS="${DAEMONS:-ours}"
fi

dotnet build -c Release src/Host -v q -nologo >/dev/null
dotnet build -c Release tests/TestPlugins/Throwing -v q -nologo >/dev/null
[ -f src/Host/bin/Release/net10.0/supervisord.dll ] || { echo "no supervisord.dll after the Release build" >&2; exit 1; }

exec python3 "$here/run.py" "$@"
