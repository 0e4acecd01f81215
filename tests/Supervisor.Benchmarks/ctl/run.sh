#!/usr/bin/env bash
# supervisorctl side by side: our NativeAOT client and the reference 4.2.5 one (when installed), one after
# the other against the same daemon (ours, Release) with N programs; wall time of `status` and `version`.
# Usage: [N=200] [RUNS=50] [SUPERVISORCTL_BINARY=path] tests/Supervisor.Benchmarks/ctl/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../../.."

if [ "$(cut -d' ' -f1 /proc/loadavg | cut -d. -f1)" -ge 1 ]; then
  echo "warning: load average $(cut -d' ' -f1-3 /proc/loadavg); figures are only comparable on an idle machine" >&2
fi

ours="${SUPERVISORCTL_BINARY:-}"
if [ -z "$ours" ]; then
  dotnet publish src/Ctl -c Release -r linux-x64 -o artifacts/supervisorctl -nologo -v q >/dev/null
  ours="$PWD/artifacts/supervisorctl/supervisorctl"
fi
dotnet build -c Release src/Host -v q -nologo >/dev/null
python3 "$here/bench.py" "$ours" src/Host/bin/Release/net10.0/supervisord.dll
