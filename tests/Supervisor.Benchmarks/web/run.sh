#!/usr/bin/env bash
# The status page with N programs, ours beside the reference 4.2.5 (when installed): median wall time per page,
# the daemon's CPU per page, and the page's size. See tests/Supervisor.Benchmarks/README.md, "Web interface".
#   tests/Supervisor.Benchmarks/web/run.sh            # N=200
#   N=5000 REFERENCE=0 tests/Supervisor.Benchmarks/web/run.sh   # the big fleet, ours only (500 rows and a filter box)
set -euo pipefail
cd "$(dirname "$0")/../../.."
N=${N:-200}
REQUESTS=${REQUESTS:-300}
# Pages before the measured ones: ours compiles its hot paths again, optimised, over the first hundred or so
# (tiered JIT, on a background thread that the daemon's CPU figure counts), and a daemon serves pages for days.
WARMUP=${WARMUP:-200}
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$dir"' EXIT

ours_dll=src/Host/bin/Release/net10.0/supervisord.dll
if [ ! -f "$ours_dll" ]; then
  dotnet build src/Host -c Release -nologo -v q >/dev/null
fi

config() { # $1 = port, $2 = name
  cat <<CONF
[inet_http_server]
port = 127.0.0.1:$1

[supervisord]
logfile = $dir/$2.log
pidfile = $dir/$2.pid
childlogdir = $dir/$2-logs

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

CONF
  for i in $(seq -w 1 "$N"); do
    printf '[program:p%s]\ncommand = /bin/sleep 100000\nstartsecs = 0\nredirect_stderr = true\n\n' "$i"
  done
}

# Waits until every program is RUNNING (the page is then the steady one a person looks at).
wait_running() { # $1 = port
  python3 - "$1" "$N" <<'PY'
import sys, time, xmlrpc.client
proxy = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{sys.argv[1]}/RPC2")
deadline = time.time() + max(120, int(sys.argv[2]) / 10)
while time.time() < deadline:
    try:
        infos = proxy.supervisor.getAllProcessInfo()
        if len(infos) == int(sys.argv[2]) and all(i["statename"] == "RUNNING" for i in infos):
            sys.exit(0)
    except Exception:
        pass
    time.sleep(0.5)
sys.exit("programs did not all reach RUNNING")
PY
}

run() { # $1 = name, $2 = port, $3... = command
  local name=$1 port=$2; shift 2
  mkdir -p "$dir/$name-logs"
  config "$port" "$name" > "$dir/$name.conf"
  "$@" -n -c "$dir/$name.conf" > "$dir/$name.out" 2>&1 &
  local pid=$!
  wait_running "$port"
  python3 tests/Supervisor.Benchmarks/web/bench.py "$name" "$pid" "$port" "$REQUESTS" "$WARMUP"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

printf 'N=%s programs, %s pages each after %s warm-up pages; load average %s\n' "$N" "$REQUESTS" "$WARMUP" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'daemon\tmedian ms/page (wall)\tdaemon CPU ms/page\tpage bytes\n'
if [ "${REFERENCE:-1}" != 0 ] && [ -x /usr/bin/supervisord ]; then
  run reference 19201 /usr/bin/supervisord
fi
run ours 19202 dotnet "$ours_dll"
