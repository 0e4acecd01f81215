#!/usr/bin/env python3
"""Where the daemon's memory goes at idle (tests/Supervisor.Benchmarks/README.md, "Where the memory goes").

  [N=200] [RUNS=3] [SETTLE_SECONDS=20] [TOP=25] memory/smaps.py [-- DAEMON-COMMAND...]

Starts the daemon (default: the Release build, `dotnet src/Host/bin/Release/net10.0/supervisord.dll`) on a
config of N `/bin/sleep` programs served on a unix socket only, waits until all N run, then SETTLE_SECONDS,
and prints per run: VmRSS and Pss (smaps_rollup), anonymous and file-backed resident memory, the biggest
mappings by resident size (smaps summed per path) and the managed assemblies mapped. Then it makes one
getAllProcessInfo call over the socket (as `supervisorctl status` does), waits again and prints RSS/Pss once
more (what serving a request leaves resident). The load average is printed beside every figure.
Environment variables set for this script (DOTNET_*) reach the daemon, so a runtime knob is measured with
e.g. `DOTNET_GCgen0size=0x100000 memory/smaps.py`.
"""
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
import xmlrpc.client

N = int(os.environ.get("N", "200"))
RUNS = int(os.environ.get("RUNS", "3"))
SETTLE_SECONDS = float(os.environ.get("SETTLE_SECONDS", "20"))
TOP = int(os.environ.get("TOP", "25"))
ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def write_config(directory):
    sections = [f"""[unix_http_server]
file = {directory}/s.sock

[supervisord]
logfile = {directory}/supervisord.log
pidfile = {directory}/supervisord.pid
childlogdir = {directory}
minfds = {N * 4 + 256}
minprocs = {N + 200}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
"""]
    for i in range(N):
        sections.append(f"[program:p{i:05d}]\ncommand = /bin/sleep 100000\nredirect_stderr = true\n")
    path = os.path.join(directory, "supervisord.conf")
    with open(path, "w") as f:
        f.write("\n".join(sections))
    return path


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=60)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)


class UnixTransport(xmlrpc.client.Transport):
    def __init__(self, path):
        super().__init__()
        self.socket_path = path

    def make_connection(self, host):
        return UnixConnection(self.socket_path)


def running_children(pid):
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    with open(f"/proc/{entry}/comm") as f:
                        if f.read().strip() == "sleep":
                            count += 1
            except OSError:
                pass
    return count


def rollup(pid):
    values = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[-1] == "kB":
                values[parts[0].rstrip(":")] = int(parts[1])
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "RssAnon:", "RssFile:", "RssShmem:")):
                values[line.split(":")[0]] = int(line.split()[1])
    return values


def per_mapping(pid):
    """Resident and Pss kB summed per path ([anon], [heap], [stack], ... for the unnamed ones)."""
    sums = {}
    name = None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            if not parts[0].endswith(":") or "-" in parts[0]:
                name = parts[5] if len(parts) >= 6 else "[anon]"
                if name.startswith("/memfd:doublemapper"):
                    name = "[doublemapper: jitted code and stubs]"
                continue
            if parts[0] in ("Rss:", "Pss:", "Anonymous:"):
                entry = sums.setdefault(name, {"Rss:": 0, "Pss:": 0, "Anonymous:": 0})
                entry[parts[0]] += int(parts[1])
    return sums


def mib(kb):
    return f"{kb / 1024:6.1f}"


def report(pid, label, detail):
    values = rollup(pid)
    print(f"{label}: RSS {mib(values['VmRSS'])} MiB  Pss {mib(values['Pss'])}  anon {mib(values['RssAnon'])}"
          f"  file {mib(values['RssFile'])}  (load {loadavg()})", flush=True)
    if not detail:
        return values
    sums = per_mapping(pid)
    print(f"  top {TOP} mappings by resident size (MiB: Rss, Pss, of which anonymous):")
    for path, entry in sorted(sums.items(), key=lambda kv: -kv[1]["Rss:"])[:TOP]:
        print(f"    {mib(entry['Rss:'])} {mib(entry['Pss:'])} {mib(entry['Anonymous:'])}  {path}")
    assemblies = sorted({os.path.basename(p) for p in sums if p.endswith(".dll")})
    print(f"  {len(assemblies)} assemblies mapped: {' '.join(assemblies)}")
    icu = sorted({os.path.basename(p) for p in sums if "libicu" in p})
    print(f"  ICU mapped: {' '.join(icu) or 'no'}", flush=True)
    return values


def one_run(command, run):
    with tempfile.TemporaryDirectory(prefix="smaps-") as directory:
        config = write_config(directory)
        daemon = subprocess.Popen(command + ["-n", "-c", config], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        try:
            deadline = time.monotonic() + max(60, N * 0.2)
            while running_children(daemon.pid) < N:
                if daemon.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"daemon ended or did not start {N} programs; see {directory}/supervisord.log")
                time.sleep(0.2)
            time.sleep(SETTLE_SECONDS)
            idle = report(daemon.pid, f"run {run} idle, {N} running", detail=(run == 1))
            server = xmlrpc.client.ServerProxy("http://localhost/RPC2", transport=UnixTransport(f"{directory}/s.sock"))
            infos = server.supervisor.getAllProcessInfo()
            assert len(infos) == N
            time.sleep(SETTLE_SECONDS)
            served = report(daemon.pid, f"run {run} after one getAllProcessInfo", detail=(run == 1))
            return idle, served
        finally:
            daemon.terminate()
            try:
                daemon.wait(timeout=60)
            except subprocess.TimeoutExpired:
                daemon.kill()


def main():
    args = sys.argv[1:]
    command = args[1:] if args[:1] == ["--"] else ["dotnet", os.path.join(ROOT, "src/Host/bin/Release/net10.0/supervisord.dll")]
    knobs = " ".join(f"{k}={v}" for k, v in sorted(os.environ.items()) if k.startswith("DOTNET_"))
    print(f"N={N}, {RUNS} runs, {SETTLE_SECONDS:g} s settle; {' '.join(command)}; {knobs or 'no DOTNET_ knobs'}", flush=True)
    results = [one_run(command, run) for run in range(1, RUNS + 1)]
    for index, label in ((0, "idle"), (1, "after a request")):
        rss = [r[index]["VmRSS"] / 1024 for r in results]
        pss = [r[index]["Pss"] / 1024 for r in results]
        print(f"{label}: RSS {min(rss):.1f}-{max(rss):.1f} MiB, Pss {min(pss):.1f}-{max(pss):.1f} MiB over {RUNS} runs")


if __name__ == "__main__":
    main()
