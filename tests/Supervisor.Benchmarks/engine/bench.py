#!/usr/bin/env python3
"""Side-by-side engine benchmark, one daemon per invocation (see run.sh and ../README.md).

  bench.py measure NAME OUT.json -- DAEMON-COMMAND...   run one daemon, write its figures to OUT.json
  bench.py table REF.json OURS.json                     print the comparison table
"""
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import xmlrpc.client

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import cpu_seconds, free_port, load_results, log, print_table, proxy, rss_mib  # noqa: E402

N = int(os.environ.get("N", "200"))
WRK_SECONDS = int(os.environ.get("WRK_SECONDS", "10"))
IDLE_SECONDS = int(os.environ.get("IDLE_SECONDS", "20"))
LOG_SECONDS = int(os.environ.get("LOG_SECONDS", "10"))
LAUNCH_TIMEOUT = float(os.environ.get("LAUNCH_TIMEOUT", str(max(60, N * 0.1))))
HERE = os.path.dirname(os.path.abspath(__file__))
RUNNING, STARTING = 20, 10






def write_config(directory, port):
    hard = __import__("resource").getrlimit(__import__("resource").RLIMIT_NOFILE)[1]
    minfds = min(hard if hard > 0 else 1 << 20, N * 4 + 256)
    sections = [f"""[unix_http_server]
file = {directory}/s.sock

[inet_http_server]
port = 127.0.0.1:{port}

[supervisord]
logfile = {directory}/supervisord.log
pidfile = {directory}/supervisord.pid
childlogdir = {directory}
minfds = {minfds}
minprocs = {N + 200}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[program:blaster]
command = /usr/bin/yes {'a' * 99}
autostart = false
autorestart = false
stdout_logfile = {directory}/blaster.log
stdout_logfile_maxbytes = 0
stderr_logfile = NONE
"""]
    # redirect_stderr: one pipe and one log file per program, so N=5000 fits in 20,000 descriptors.
    for i in range(N):
        sections.append(f"[program:p{i:05d}]\ncommand = /bin/sleep 100000\nredirect_stderr = true\n")
    path = os.path.join(directory, "supervisord.conf")
    with open(path, "w") as f:
        f.write("\n".join(sections))
    return path






def count_children(pid, comm="sleep"):
    """Children of pid running comm, from /proc (independent of whether the daemon answers RPC)."""
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            name = stat[stat.index("(") + 1:stat.rindex(")")]
            if name == comm and int(stat[stat.rindex(")") + 2:].split()[1]) == pid:
                count += 1
    return count


def spawns_from_log(path, wall_start):
    """Seconds from wall_start to the daemon's own first and Nth "spawned: 'pNNNNN'" lines (both daemons
    write them at info level with millisecond timestamps, right after each spawn): the launch without
    any client polling in the way. (None, None) when the log has fewer than N such lines."""
    import datetime

    def stamp(line):
        return datetime.datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f").timestamp() - wall_start

    count, first = 0, None
    try:
        with open(path, errors="replace") as f:
            for line in f:
                if " spawned: 'p" in line:
                    count += 1
                    if count == 1:
                        first = stamp(line)
                    if count == N:
                        return first, stamp(line)
    except (OSError, ValueError):
        pass
    return None, None


def watch_children(pid, start, found):
    """Thread: records in found['at'] the time since start when pid has N sleep children."""
    import threading

    def run():
        while "stop" not in found:
            if count_children(pid) >= N:
                found["at"] = time.monotonic() - start
                return
            time.sleep(0.05 if N <= 500 else 0.5)  # a scan of thousands of /proc entries costs the daemon's CPU
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread




def wrk(port, connections, threads):
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{WRK_SECONDS}s", "--timeout", "30s",
         "-s", os.path.join(HERE, "getallprocessinfo.lua"), f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1))
    errors = int(re.search(r"non-200 or wrong answers: (\d+)", out).group(1))
    failures = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", out)
    log(f"wrk -c{connections}: {rate:.1f} req/s, {errors} wrong answers" + (f" ({failures.group(0)})" if failures else ""))
    return rate if errors == 0 else None


def measure(name, out_path, command):
    results = {"name": name, "n": N}
    directory = tempfile.mkdtemp(prefix="svbench")
    port = free_port()
    config = write_config(directory, port)
    server = proxy(port).supervisor
    daemon_log = open(os.path.join(directory, "daemon.out"), "w")
    log(f"{name}: starting {' '.join(command)} with N={N} in {directory}")
    start, wall_start = time.monotonic(), time.time()
    daemon = subprocess.Popen(command + ["-n", "-c", config], stdout=daemon_log, stderr=subprocess.STDOUT)
    pids = []
    children = {}
    watch_children(daemon.pid, start, children)
    try:
        # 1. Launch: first answer, all spawned (STARTING or RUNNING), all RUNNING.
        answered = spawned = running = None
        cpu_answered = cpu_spawned = None  # the daemon's own CPU seconds at those points: start-up and JIT, less bent by load
        listed = 0
        # While the launch runs: the slowest answer, how many answers showed it part done (a daemon that
        # spawns everything in one pass of its loop shows nothing, or all at once), and the slowest answer
        # the engine itself must give (stopProcess of the stopped blaster: a NOT_RUNNING fault).
        slowest_during_launch, partial_views, slowest_engine = 0.0, 0, None  # None: never seen part done
        while time.monotonic() - start < LAUNCH_TIMEOUT:
            if daemon.poll() is not None:
                raise RuntimeError(f"{name} exited with {daemon.returncode}; see {directory}/daemon.out")
            try:
                asked = time.monotonic()
                infos = [p for p in server.getAllProcessInfo() if p["name"] != "blaster"]
                took = time.monotonic() - asked
            except xmlrpc.client.Fault as fault:
                answered = answered or time.monotonic() - start
                log(f"{name}: getAllProcessInfo answered {fault}: no engine, skipping what needs one")
                break
            except (OSError, xmlrpc.client.Error):
                time.sleep(0.05)
                continue
            now = time.monotonic() - start
            if answered is None:
                answered, cpu_answered = now, cpu_seconds(daemon.pid)
            listed = len(infos)
            states = [p["state"] for p in infos]
            started = sum(1 for s in states if s in (STARTING, RUNNING))
            if spawned is None:
                slowest_during_launch = max(slowest_during_launch, took)
                partial_views += 0 < started < N
                if started < N:
                    asked = time.monotonic()
                    try:
                        server.stopProcess("blaster", False)
                    except xmlrpc.client.Fault:
                        pass
                    except (OSError, xmlrpc.client.Error):
                        asked = time.monotonic()
                    slowest_engine = max(slowest_engine or 0.0, time.monotonic() - asked)
            if spawned is None and listed == N and started == N:
                spawned, cpu_spawned = now, cpu_seconds(daemon.pid)
            if listed == N and all(s == RUNNING for s in states):
                running = now
                pids = [p["pid"] for p in infos]
                break
            if listed < N and now - answered > 10:
                log(f"{name} lists {listed} of {N} programs 10 s after it answered: no engine, skipping what needs one")
                break
            time.sleep(0.1)
        if spawned is not None:  # the reference spawns in its first loop pass, before it serves RPC
            deadline = time.monotonic() + 30
            while "at" not in children and time.monotonic() < deadline:
                time.sleep(0.1)
        children["stop"] = True
        first_spawn, nth_spawn = spawns_from_log(os.path.join(directory, "supervisord.log"), wall_start)
        results.update(first_answer_s=answered, cpu_first_answer_s=cpu_answered, cpu_all_spawned_s=cpu_spawned, all_spawned_s=spawned,
                       all_running_s=running, all_children_s=children.get("at"), nth_spawn_log_s=nth_spawn,
                       launch_slowest_answer_s=slowest_during_launch, launch_partial_views=partial_views,
                       launch_slowest_engine_answer_s=slowest_engine)
        if first_spawn is not None and N > 1:
            # The cost each program adds, start-up left out: what must stay flat from 200 to 5,000.
            results["launch_ms_per_program"] = (nth_spawn - first_spawn) * 1000 / (N - 1)
        log(f"{name}: answered {answered}, all spawned {spawned}, all RUNNING {running}, N children {children.get('at')}")
        engine = running is not None

        # 2. Idle CPU and RSS with N programs running.
        if engine:
            time.sleep(2)
            cpu0, t0 = cpu_seconds(daemon.pid), time.monotonic()
            time.sleep(IDLE_SECONDS)
            cpu1, t1 = cpu_seconds(daemon.pid), time.monotonic()
            results["idle_cpu_percent"] = 100 * (cpu1 - cpu0) / (t1 - t0)
            results["rss_mib"] = rss_mib(daemon.pid)
            log(f"{name}: idle CPU {results['idle_cpu_percent']:.2f} %, RSS {results['rss_mib']:.1f} MiB")

        # 3. supervisorctl status wall time (median of 3).
        if engine and shutil.which("supervisorctl"):
            times = []
            for _ in range(3):
                t0 = time.monotonic()
                done = subprocess.run(["supervisorctl", "-s", f"unix://{directory}/s.sock", "status"], capture_output=True, text=True)
                times.append(time.monotonic() - t0)
                # Exit 3 is expected: blaster is STOPPED (and status exits 3 when one listed process is stopped).
                if done.returncode not in (0, 3) or done.stdout.count(" RUNNING ") != N:
                    log(f"{name}: supervisorctl status exited {done.returncode} with {done.stdout.count('RUNNING')} RUNNING lines")
                    times = None
                    break
            results["ctl_status_s"] = statistics.median(times) if times else None

        # 4. getAllProcessInfo throughput (only meaningful when the N programs are listed).
        #    wrk runs on the same cores as the daemon: compare ratios, not absolute figures across machines.
        #    One call timed first: when it takes more than a quarter of WRK_SECONDS (the reference at N=5000
        #    takes tens of seconds: every getProcessInfo searches all groups), wrk would complete nothing and
        #    leave 16 queued calls behind, so the 1-connection rate is 1/that time and the 16-connection one n/a.
        if engine:
            t0 = time.monotonic()
            server.getAllProcessInfo()
            results["gapi_call_s"] = time.monotonic() - t0
            if results["gapi_call_s"] * 4 > WRK_SECONDS:
                log(f"{name}: one getAllProcessInfo takes {results['gapi_call_s']:.1f} s: too slow for wrk")
                results["gapi_rps_c1"] = 1 / results["gapi_call_s"]
            else:
                results["gapi_rps_c1"] = wrk(port, 1, 1)
                results["gapi_rps_c16"] = wrk(port, 16, 2)
            results["rss_after_wrk_mib"] = rss_mib(daemon.pid)
            # Ours hands memory back 5 s after requests stop (Http/QuietTrim.cs); give both 8 s of quiet.
            time.sleep(8)
            results["rss_quiet_after_wrk_mib"] = rss_mib(daemon.pid)

        # 5. Log capture: one program writing to stdout as fast as it can.
        try:
            server.startProcess("blaster", True)
            logfile = os.path.join(directory, "blaster.log")
            time.sleep(1)
            size0, cpu0, t0 = os.path.getsize(logfile), cpu_seconds(daemon.pid), time.monotonic()
            time.sleep(LOG_SECONDS)
            size1, cpu1, t1 = os.path.getsize(logfile), cpu_seconds(daemon.pid), time.monotonic()
            server.stopProcess("blaster", True)
            mib = (size1 - size0) / (1 << 20)
            results["log_mib_per_s"] = mib / (t1 - t0)
            results["log_cpu_s_per_mib"] = (cpu1 - cpu0) / mib if mib > 0 else None
            log(f"{name}: log capture {results['log_mib_per_s']:.1f} MiB/s, {results['log_cpu_s_per_mib']} CPU s/MiB")
            os.remove(logfile)
        except (OSError, xmlrpc.client.Error) as e:
            log(f"{name}: log capture not measured: {e}")

        # 6. Shutdown: SIGTERM until exit (stops all N programs, one group at a time in the reference);
        #    not reported without an engine (nothing to stop, nothing to compare).
        t0 = time.monotonic()
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(timeout=max(60, N * 0.1))
            if engine:
                results["shutdown_s"] = time.monotonic() - t0
                results["shutdown_ms_per_program"] = results["shutdown_s"] * 1000 / N
        except subprocess.TimeoutExpired:
            log(f"{name}: still running {max(60, N * 0.1):.0f} s after SIGTERM")
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait()
        for pid in pids:  # children left behind by a killed daemon (only the ones it reported)
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        daemon_log.close()
        shutil.rmtree(directory, ignore_errors=True)
    with open(out_path, "w") as f:
        json.dump(results, f, indent=1)


ROWS = [
    # key, label, format, better
    ("first_answer_s", "daemon start until the first RPC answer", "{:.2f} s", "lower"),
    ("cpu_first_answer_s", "daemon CPU until the first RPC answer", "{:.2f} s", "lower"),
    ("cpu_all_spawned_s", "daemon CPU until RPC shows all N spawned", "{:.2f} s", "lower"),
    ("nth_spawn_log_s", "start until the Nth 'spawned:' log line", "{:.2f} s", "lower"),
    ("launch_ms_per_program", "first to Nth 'spawned:' line, per program", "{:.2f} ms", "lower"),
    ("launch_slowest_answer_s", "slowest getAllProcessInfo during the launch", "{:.2f} s", "lower"),
    ("launch_partial_views", "answers showing the launch part done (10/s)", "{:.0f}", "higher"),
    ("launch_slowest_engine_answer_s", "slowest engine answer during the launch (stopProcess fault)", "{:.3f} s", "lower"),
    ("all_children_s", "start until N children exist (/proc polls)", "{:.2f} s", "lower"),
    ("all_spawned_s", "start until RPC shows all N STARTING/RUNNING", "{:.2f} s", "lower"),
    ("all_running_s", "start until all N RUNNING (startsecs=1)", "{:.2f} s", "lower"),
    ("gapi_call_s", "one getAllProcessInfo call (Python client)", "{:.3f} s", "lower"),
    ("gapi_rps_c1", "getAllProcessInfo, 1 connection", "{:.1f} req/s", "higher"),
    ("gapi_rps_c16", "getAllProcessInfo, 16 connections", "{:.1f} req/s", "higher"),
    ("log_mib_per_s", "log capture throughput (1 program, yes)", "{:.1f} MiB/s", "higher"),
    ("log_cpu_s_per_mib", "daemon CPU per MiB captured", "{:.4f} s", "lower"),
    ("idle_cpu_percent", "idle CPU with N running", "{:.2f} %", "lower"),
    ("rss_mib", "RSS with N running (idle)", "{:.1f} MiB", "lower"),
    ("rss_after_wrk_mib", "RSS after the wrk runs", "{:.1f} MiB", "lower"),
    ("rss_quiet_after_wrk_mib", "RSS 8 s after the wrk runs", "{:.1f} MiB", "lower"),
    ("ctl_status_s", "supervisorctl status wall time (median of 3)", "{:.3f} s", "lower"),
    ("shutdown_s", "SIGTERM until the daemon exited", "{:.2f} s", "lower"),
    ("shutdown_ms_per_program", "shutdown, per program", "{:.2f} ms", "lower"),
]


def table(ref_path, ours_path):
    ref, ours = load_results(ref_path), load_results(ours_path)
    n = ref.get("n") or ours.get("n") or N
    print(f"\nN = {n} programs (/bin/sleep 100000, startsecs=1); ratio = ours / reference\n")
    print_table(ROWS, ref, ours, width=46)


if __name__ == "__main__":
    if sys.argv[1] == "measure":
        measure(sys.argv[2], sys.argv[3], sys.argv[sys.argv.index("--") + 1:])
    elif sys.argv[1] == "table":
        table(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
