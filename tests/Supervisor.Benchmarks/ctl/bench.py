"""Wall time of supervisorctl commands, ours and the reference's, against one daemon (see run.sh)."""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

N = int(os.environ.get("N", "200"))
RUNS = int(os.environ.get("RUNS", "50"))
REFERENCE = "/usr/bin/supervisorctl"


def config(directory):
    sections = [
        "[unix_http_server]\nfile = %(here)s/s.sock\n",
        "[supervisord]\nlogfile = %(here)s/supervisord.log\npidfile = %(here)s/supervisord.pid\nchildlogdir = %(here)s\n",
        "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n",
        "[supervisorctl]\nserverurl = unix://%(here)s/s.sock\n",
    ]
    sections += ["[program:p%03d]\ncommand = sleep 100000\nstdout_logfile = NONE\nstderr_logfile = NONE\n" % i for i in range(N)]
    path = os.path.join(directory, "supervisord.conf")
    with open(path, "w") as f:
        f.write("\n".join(sections))
    return path


def wall_ms(argv):
    """Wall time and the client's own CPU time (user + system, from wait4), in ms."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(child.pid, 0)
    child.returncode = 0
    return (time.perf_counter() - start) * 1000, (usage.ru_utime + usage.ru_stime) * 1000


def measure(client, conf, words):
    return measure_argv([client, "-c", conf] + words)


def measure_argv(argv):
    for _ in range(3):
        wall_ms(argv)
    runs = [wall_ms(argv) for _ in range(RUNS)]
    return sorted(w for w, _ in runs), sorted(c for _, c in runs)


def main():
    ours, dll = sys.argv[1], sys.argv[2]
    floor = sys.argv[3] if len(sys.argv) > 3 else None
    directory = tempfile.mkdtemp(prefix="ctlbench")
    conf = config(directory)
    daemon = subprocess.Popen(["dotnet", dll, "-n", "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while subprocess.run([ours, "-c", conf, "status"], stdout=subprocess.DEVNULL).returncode != 0:
            if time.time() > deadline or daemon.poll() is not None:
                sys.exit("the daemon did not get its %d programs RUNNING" % N)
            time.sleep(0.2)
        lines = subprocess.run([ours, "-c", conf, "status"], capture_output=True, text=True).stdout.count("\n")
        print("daemon: ours, %d programs RUNNING (status prints %d lines); %d runs per figure, wall time in ms; loadavg %s"
              % (N, lines, RUNS, " ".join(open("/proc/loadavg").read().split()[:3])))
        print("| command | client | median | p90 | min | mean | CPU median |")
        print("|---|---|---:|---:|---:|---:|---:|")
        clients = [("ours (NativeAOT)", ours)]
        if os.path.exists(REFERENCE):
            clients.append(("4.2.5", REFERENCE))
        else:
            print("reference supervisorctl not installed (apt-get install supervisor): its rows are missing", file=sys.stderr)
        for words in (["status"], ["version"]):
            for name, client in clients:
                t, cpu = measure(client, conf, words)
                print("| `%s` | %s | %.1f | %.1f | %.1f | %.1f | %.1f |" % (
                    " ".join(words), name, statistics.median(t), t[int(len(t) * 0.9) - 1], t[0], statistics.mean(t), statistics.median(cpu)))
        if floor:
            t, cpu = measure_argv([floor])
            print("| (floor) | hello-world NativeAOT | %.1f | %.1f | %.1f | %.1f | %.1f |" % (
                statistics.median(t), t[int(len(t) * 0.9) - 1], t[0], statistics.mean(t), statistics.median(cpu)))
        print("loadavg after: %s" % " ".join(open("/proc/loadavg").read().split()[:3]))
    finally:
        daemon.terminate()
        daemon.wait(30)
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
