#!/usr/bin/env bash
# HTTP throughput of supervisor.getState: the Release daemon on 127.0.0.1:9101, wrk with
# 16 connections on 2 threads. Needs wrk (apt-get install -y wrk). Usage: run.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/../../.."
seconds="${1:-10}"
dotnet build -c Release src/Host -v q -nologo >/dev/null
dotnet src/Host/bin/Release/net10.0/supervisord.dll -n -s -c tests/Supervisor.Benchmarks/http/bench.conf &
daemon=$!
trap 'kill $daemon 2>/dev/null; wait $daemon 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -s -o /dev/null http://127.0.0.1:9101/ && break; sleep 0.2; done
wrk -t2 -c16 -d3s -s tests/Supervisor.Benchmarks/http/getstate.lua http://127.0.0.1:9101 >/dev/null   # warm-up
wrk -t2 -c16 -d"${seconds}s" -s tests/Supervisor.Benchmarks/http/getstate.lua http://127.0.0.1:9101
