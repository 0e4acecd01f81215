#!/usr/bin/env bash
# supervisorctl side by side: our NativeAOT client and the reference 4.2.5 one (when installed), one after
# the other against the same daemon (ours, Release) with N programs; wall time of `status` and `version`.
# Also the floor: a hello-world NativeAOT executable's start-up, published with the client's options.
# Usage: [N=200] [RUNS=50] [FLOOR=0] [SUPERVISORCTL_BINARY=path] tests/Supervisor.Benchmarks/ctl/run.sh
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
# The floor: a hello-world NativeAOT executable published with the client's start-up options, which
# writes one line to stdout; no client can start faster than it. FLOOR=0 skips it.
floor=""
if [ "${FLOOR:-1}" != 0 ]; then
  # Outside the repository, so none of its Directory.*.props come in.
  floor_dir="${TMPDIR:-/tmp}/supervisorctl-floor"
  mkdir -p "$floor_dir/src"
  cat >"$floor_dir/src/floor.csproj" <<'EOF_PROJECT'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <PublishAot>true</PublishAot>
    <InvariantGlobalization>true</InvariantGlobalization>
    <UseSystemResourceKeys>true</UseSystemResourceKeys>
    <IlcOptimizationPreference>Speed</IlcOptimizationPreference>
    <ConcurrentGarbageCollection>false</ConcurrentGarbageCollection>
    <StackTraceSupport>false</StackTraceSupport>
    <EventSourceSupport>false</EventSourceSupport>
  </PropertyGroup>
</Project>
EOF_PROJECT
  echo 'Console.Out.Write("hello\n");' >"$floor_dir/src/Program.cs"
  (cd "$floor_dir/src" && dotnet publish -c Release -r linux-x64 -o "$floor_dir/out" -nologo -v q >/dev/null)
  floor="$floor_dir/out/floor"
fi
dotnet build -c Release src/Host -v q -nologo >/dev/null
python3 "$here/bench.py" "$ours" src/Host/bin/Release/net10.0/supervisord.dll $floor
