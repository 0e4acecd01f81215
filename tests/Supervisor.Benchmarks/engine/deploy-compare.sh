#!/usr/bin/env bash
# Deploy options side by side (issue 16, item 5): the framework-dependent Release build (what
# `dotnet build -c Release src/Host` gives and the tests run), a self-contained ReadyToRun publish, and a
# self-contained composite ReadyToRun publish (the framework and the daemon compiled into one image, one
# version bubble). Publishes each once into artifacts/deploy/<variant> (delete that folder to publish again;
# the publish's wall and CPU time are kept beside it), checks that each serves the sample config with its
# plugin (supervisor.getState, another.*), then runs engine/bench.py on each in turn, RUNS rounds, so
# the variants share the machine's load, and prints one table (medians, with the range of the runs).
#
# Usage (from anywhere): [RUNS=3] [N=200] [VARIANTS="framework-dependent self-contained composite"]
#   tests/Supervisor.Benchmarks/engine/deploy-compare.sh
# Needs python3 and wrk (apt-get install -y wrk); the publishes need the linux-x64 runtime and crossgen2
# packs (restored from NuGet on the first publish).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../../.."
export N="${N:-200}" WRK_SECONDS="${WRK_SECONDS:-1}" IDLE_SECONDS="${IDLE_SECONDS:-3}" LOG_SECONDS="${LOG_SECONDS:-1}"
runs="${RUNS:-3}"
read -r -a variants <<< "${VARIANTS:-framework-dependent self-contained composite}"
deploy=artifacts/deploy
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
mkdir -p "$deploy"

# The variant's folder, and the command that starts its daemon (without -n -c, which bench.py adds).
folder() {
  case "$1" in
    framework-dependent) echo src/Host/bin/Release/net10.0 ;;
    *) echo "$deploy/$1" ;;
  esac
}
command_of() {
  case "$1" in
    framework-dependent) echo "dotnet $(folder "$1")/supervisord.dll" ;;
    *) echo "$(folder "$1")/supervisord" ;;
  esac
}

# Publish (or build) one variant; a publish's wall and user+system CPU seconds go to $deploy/<variant>.time
# (not the framework-dependent build's: it is incremental, and the tests build it anyway).
# Each publish gets its own intermediate folders (--artifacts-path), so a composite and a non-composite
# ReadyToRun image never share obj/ (the compiler's incremental check does not see the switch).
publish() {
  local variant="$1" log="$deploy/$1.log"
  local -a args
  case "$variant" in
    framework-dependent)
      args=(build src/Host -c Release) ;;
    self-contained)
      args=(publish src/Host -c Release -r linux-x64 --self-contained -p:PublishReadyToRun=true -p:ReadyToRunAtBuild=false
            --artifacts-path "$deploy/.build/$variant" -o "$deploy/$variant") ;;
    composite)
      args=(publish src/Host -c Release -r linux-x64 --self-contained -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true
            -p:ReadyToRunAtBuild=false --artifacts-path "$deploy/.build/$variant" -o "$deploy/$variant") ;;
    *) echo "unknown variant $variant" >&2; exit 2 ;;
  esac
  # Without build servers and in one MSBuild node, so the compilers run as children this dotnet waits for
  # and their CPU time is counted (crossgen2 itself still uses every core).
  [ "$variant" = framework-dependent ] || args+=(--disable-build-servers -m:1)
  echo "$variant: dotnet ${args[*]} (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  local TIMEFORMAT='%R %U %S'
  if ! { time dotnet "${args[@]}" > "$log" 2>&1; } 2> "$deploy/$variant.time.new"; then
    tail -n 20 "$log" >&2
    echo "$variant: failed, see $log" >&2
    exit 1
  fi
  if [ "$variant" = framework-dependent ]; then
    rm "$deploy/$variant.time.new"
  else
    mv "$deploy/$variant.time.new" "$deploy/$variant.time"
  fi
}

for variant in "${variants[@]}"; do
  if [ "$variant" = framework-dependent ] || [ ! -x "$(folder "$variant")/supervisord" ]; then
    publish "$variant"
  fi
done

# Each variant serves the sample config and its plugin from its own folder.
for variant in "${variants[@]}"; do
  # shellcheck disable=SC2046
  python3 "$here/deploy_check.py" "$variant" $(command_of "$variant")
done

if [ "$(cut -d' ' -f1 /proc/loadavg | cut -d. -f1)" -ge 1 ]; then
  echo "warning: load average $(cut -d' ' -f1-3 /proc/loadavg); figures are only comparable on an idle machine" >&2
fi
for round in $(seq 1 "$runs"); do
  for variant in "${variants[@]}"; do
    cut -d' ' -f1 /proc/loadavg > "$results/$variant.$round.load"
    # shellcheck disable=SC2046
    python3 "$here/bench.py" measure "$variant" "$results/$variant.$round.json" -- $(command_of "$variant") \
      || echo "$variant, round $round: measurement failed (see above)" >&2
  done
done

# Size on disk: the folder a deploy copies. The framework-dependent build's folder leaves out linux-x64/, where
# a publish with the SelfContainedComposite profile builds; that deploy also needs the shared runtime.
sizes=()
for variant in "${variants[@]}"; do
  sizes+=("$variant=$(du -sb --exclude=linux-x64 "$(folder "$variant")" | cut -f1):$(find "$(folder "$variant")" -path '*/linux-x64' -prune -o -type f -print | wc -l):$(cat "$deploy/$variant.time" 2>/dev/null || echo)")
done
python3 "$here/deploy_table.py" "$results" "$runs" "${sizes[@]}"
shared="$(dirname "$(readlink -f "$(command -v dotnet)")")/shared"
for framework in Microsoft.NETCore.App Microsoft.AspNetCore.App; do
  version="$(dotnet --list-runtimes | awk -v f="$framework" '$1 == f { v = $2 } END { print v }')"
  if [ -n "$version" ]; then
    du -sh "$shared/$framework/$version" | awk -v f="$framework" '{ print "the shared " f " a framework-dependent deploy runs on: " $1 }'
  fi
done
