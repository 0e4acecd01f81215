#!/usr/bin/env python3
"""Issue 11's attacks, side by side: the reference supervisord 4.2.5 and ours (see run.sh and ../README.md).

  run.py [ATTACK ...]        run the attacks (default: all) against each daemon in DAEMONS, print the table
  run.py table RESULTS.json  print the table of an earlier run again

Attacks: fds race stdin multicall storm blocking thread disk slowbody. Each starts a fresh daemon per
daemon and figure, is bounded in time (an alarm ends it and keeps what it measured so far), and kills what
it started whatever happens: this process is a child subreaper, so children a killed daemon leaves behind
become ours and are killed too. Needs root (the socket race runs its attacker as nobody; the full disk
mounts a tmpfs), /usr/bin/python3, prlimit and setpriv.
"""
import base64
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import xmlrpc.client

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import cpu_seconds, free_port, log, print_markdown, rss_mib, status_mib  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
OURS_DLL = os.environ.get("OURS_DLL") or os.path.join(REPO, "src/Host/bin/Release/net10.0/supervisord.dll")
THROWING = os.environ.get("THROWING") or os.path.join(REPO, "tests/TestPlugins/Throwing/bin/Release/net10.0")
COMMANDS = {"reference": ["/usr/bin/supervisord"], "ours": ["dotnet", OURS_DLL]}
DAEMONS = os.environ.get("DAEMONS", "reference ours").split()
MiB = 1 << 20

# Knobs (the defaults keep the whole run, both daemons, at about ten minutes).
FD_RUNS = int(os.environ.get("FD_RUNS", "3"))              # daemons started for the descriptor attack
FD_LIMIT = 1024                                            # prlimit --nofile
FD_CONNECTIONS = int(os.environ.get("FD_CONNECTIONS", "1100"))
RELOADS = int(os.environ.get("RELOADS", "10"))             # SIGHUPs after the first start
STDIN_CALLS = int(os.environ.get("STDIN_CALLS", "1000"))   # sendProcessStdin calls of 1 MiB
STDIN_SECONDS = float(os.environ.get("STDIN_SECONDS", "60"))  # ... or as many as fit in this time
MULTICALL_BYTES = int(os.environ.get("MULTICALL_BYTES", "100000"))
MULTICALL_SECONDS = float(os.environ.get("MULTICALL_SECONDS", "45"))  # reading the answer stops after this
STORM_SECONDS = float(os.environ.get("STORM_SECONDS", "10"))
BLOCK_MS = int(os.environ.get("BLOCK_MS", "8000"))         # each blocking plugin call
SLOW_BODIES = int(os.environ.get("SLOW_BODIES", "30"))
SLOW_WATCH = float(os.environ.get("SLOW_WATCH", "60"))     # seconds the stalled bodies are watched
KEEP = bool(os.environ.get("KEEP"))                        # keep each daemon's temp dir (config, logs, output)

USER, PASSWORD = "admin", "s3cret"
GETSTATE = xmlrpc.client.dumps((), "supervisor.getState").encode()


class TimedOut(Exception):
    pass


# ---------------------------------------------------------------------------------------------------------
# Talking to a daemon: one keep-alive HTTP connection over TCP or the unix socket.

class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX)
        sock.settimeout(self.timeout)
        sock.connect(self.unix_path)
        self.sock = sock


def connect(endpoint, timeout=10):
    """endpoint: a TCP port (int) or a unix socket path (str)."""
    if isinstance(endpoint, int):
        return http.client.HTTPConnection("127.0.0.1", endpoint, timeout=timeout)
    return UnixConnection(endpoint, timeout)


def post(conn, body, credentials=None):
    """One XML-RPC request on conn: the value, or raises xmlrpc.client.Fault / OSError / http.client errors."""
    headers = {"Content-Type": "text/xml"}
    if credentials:
        headers["Authorization"] = "Basic " + base64.b64encode(credentials.encode()).decode()
    conn.request("POST", "/RPC2", body, headers)
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        raise http.client.HTTPException(f"HTTP {response.status}")
    return xmlrpc.client.loads(data)[0][0]


def call(endpoint, method, *params, credentials=None, timeout=10):
    conn = connect(endpoint, timeout)
    try:
        return post(conn, xmlrpc.client.dumps(params, method).encode(), credentials)
    finally:
        conn.close()


def served(endpoint, credentials=None, timeout=5):
    """Seconds a getState on a new connection took, or None when it failed or timed out."""
    t0 = time.monotonic()
    try:
        call(endpoint, "supervisor.getState", credentials=credentials, timeout=timeout)
        return time.monotonic() - t0
    except (OSError, http.client.HTTPException, xmlrpc.client.Error):
        return None


def served_again(daemon, credentials, timeout=30):
    """Seconds until a getState on a new connection is served, or None (the daemon died, or timeout)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout and daemon.alive():
        if served(daemon.endpoint, credentials, timeout=2) is not None:
            return time.monotonic() - t0
        time.sleep(0.1)
    return None


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else None


# ---------------------------------------------------------------------------------------------------------
# Daemons: started in a temp dir, stopped (and whatever they leave behind killed) whatever happens.

started_pids = set()  # processes this script started and still waits for itself
mounts = set()        # tmpfs mounts still to unmount


def make_subreaper():
    import ctypes
    PR_SET_CHILD_SUBREAPER = 36
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def kill_orphans(everything=False):
    """Kills and reaps every child of this process it did not start itself (with everything: every child):
    the children of a killed daemon (and their children) are reparented here, as this process is a subreaper."""
    for _ in range(20):
        orphans = []
        for entry in os.listdir("/proc"):
            if entry.isdigit() and (everything or int(entry) not in started_pids):
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        if int(f.read().rsplit(")", 1)[1].split()[1]) == os.getpid():
                            orphans.append(int(entry))
                except (OSError, ValueError, IndexError):
                    continue
        if not orphans:
            return
        for pid in orphans:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        time.sleep(0.05)


def start_process(command, **kwargs):
    process = subprocess.Popen(command, start_new_session=True, **kwargs)
    started_pids.add(process.pid)
    return process


def stop_process(process, signum=signal.SIGTERM, wait=10):
    if process.poll() is None:
        try:
            os.kill(process.pid, signum)
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if process.poll() is None:
        process.kill()
    process.wait()
    started_pids.discard(process.pid)


class Daemon:
    """One supervisord -n in its own temp dir: sections are written for the daemon's kind (the reference
    gets a Python rpcinterface on PYTHONPATH, ours the Throwing test plugin in a plugins folder)."""

    def __init__(self, kind, programs="", port=None, credentials=False, unix=True, plugin=False,
                 launcher=(), directory_mode=None, start=True):
        self.kind = kind
        self.dir = tempfile.mkdtemp(prefix=f"svres-{kind}-")
        if directory_mode is not None:
            os.chmod(self.dir, directory_mode)
        self.port = port
        self.sock = os.path.join(self.dir, "s.sock") if unix else None
        self.credentials = f"{USER}:{PASSWORD}" if credentials else None
        self.log_path = os.path.join(self.dir, "supervisord.log")
        self.out_path = os.path.join(self.dir, "daemon.out")
        env = dict(os.environ)
        sections = []
        if unix:
            sections.append(f"[unix_http_server]\nfile = {self.sock}\n")
        if port:
            auth = f"username = {USER}\npassword = {PASSWORD}\n" if credentials else ""
            sections.append(f"[inet_http_server]\nport = 127.0.0.1:{port}\n{auth}")
        main = f"[supervisord]\nlogfile = {self.log_path}\npidfile = {self.dir}/supervisord.pid\nchildlogdir = {self.dir}\n"
        sections.append("[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n")
        if plugin and kind == "ours":
            shutil.copytree(THROWING, os.path.join(self.dir, "plugins", "Throwing"))
            main += f"plugins = {self.dir}/plugins\n"
            sections.append("[rpcinterface:throwing]\nsupervisor.rpcinterface_factory = testplugins.throwing.factory:make\n")
        elif plugin:
            # The reference's own plugin mechanism: a Python module on PYTHONPATH named by the factory.
            os.makedirs(os.path.join(self.dir, "py"))
            with open(os.path.join(self.dir, "py", "benchplugin.py"), "w") as f:
                f.write(REFERENCE_PLUGIN)
            env["PYTHONPATH"] = os.path.join(self.dir, "py")
            sections.append("[rpcinterface:throwing]\nsupervisor.rpcinterface_factory = benchplugin:make\n")
        sections.insert(0, main)
        sections.append(programs)
        self.config = os.path.join(self.dir, "supervisord.conf")
        with open(self.config, "w") as f:
            f.write("\n".join(sections))
        self.out = open(self.out_path, "w")
        self.launcher, self.env, self.process = list(launcher), env, None
        if start:
            self.start()

    def start(self):
        self.process = start_process(self.launcher + COMMANDS[self.kind] + ["-n", "-c", self.config],
                                     stdout=self.out, stderr=subprocess.STDOUT, env=self.env)
        return self

    @property
    def pid(self):
        return self.process.pid

    @property
    def endpoint(self):
        return self.port if self.port else self.sock

    def alive(self):
        return self.process.poll() is None

    def wait_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.kind} exited with {self.process.returncode} during start-up: {self.output()[-2000:]}")
            if served(self.endpoint, self.credentials, timeout=2) is not None:
                return self
            time.sleep(0.05)
        raise RuntimeError(f"{self.kind} did not answer within {timeout} s: {self.output()[-2000:]}")

    def main_log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def output(self):
        self.out.flush()
        with open(self.out_path, errors="replace") as f:
            return f.read()

    def stop(self):
        try:
            if self.process:
                stop_process(self.process)
        finally:
            kill_orphans()
            self.out.close()
            if KEEP:
                log(f"{self.kind}: kept {self.dir}")
            else:
                shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


REFERENCE_PLUGIN = '''\
"""The bench's misbehaving plugin for the reference: an rpcinterface as Supervisor loads them."""
import threading
import time


class BenchNamespace:
    def __init__(self, supervisord):
        self.supervisord = supervisord

    def sleep(self, milliseconds):
        """Block for the given milliseconds, then answer True."""
        time.sleep(milliseconds / 1000)
        return True

    def threadThrows(self):
        """Start a thread that raises; answer at once."""
        def boom():
            raise RuntimeError("thrown on the plugin's own thread")
        threading.Thread(target=boom).start()
        return True


def make(supervisord, **config):
    return BenchNamespace(supervisord)
'''


def fd_count(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


class PeakFds:
    """Samples the daemon's open descriptors every 50 ms while in use."""

    def __init__(self, pid):
        self.pid, self.peak, self.done = pid, 0, False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.done:
            self.peak = max(self.peak, fd_count(self.pid) or 0)
            time.sleep(0.05)

    def stop(self):
        self.done = True
        self.thread.join()
        return self.peak


def program(name, command, **keys):
    lines = [f"[program:{name}]", f"command = {command}"] + [f"{k} = {v}" for k, v in keys.items()]
    return "\n".join(lines) + "\n"


def wait_until(condition, timeout, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return None


# ---------------------------------------------------------------------------------------------------------
# 1. Descriptor exhaustion: prlimit --nofile=1024:1024, credentials on the TCP listener.

def open_idle(port, count, budget):
    """Up to count connections that send nothing; stops after 10 connect timeouts in a row or budget s."""
    sockets, misses = [], 0
    deadline = time.monotonic() + budget
    while len(sockets) < count and misses < 10 and time.monotonic() < deadline:
        s = socket.socket()
        s.settimeout(1)
        try:
            s.connect(("127.0.0.1", port))
            sockets.append(s)
            misses = 0
        except OSError:
            s.close()
            misses += 1
    return sockets


def open_authenticated(port, count, budget):
    """Up to count connections that each make one authenticated getState and stay open (keep-alive).
    Returns (kept, refused, unanswered): refused means closed or reset by the daemon, unanswered no answer
    within 1 s (stops after 10 such in a row or budget s)."""
    request = (f"POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: {len(GETSTATE)}\r\n"
               f"Authorization: Basic {base64.b64encode(f'{USER}:{PASSWORD}'.encode()).decode()}\r\n\r\n").encode() + GETSTATE
    kept, refused, unanswered, misses = [], 0, 0, 0
    deadline = time.monotonic() + budget
    for _ in range(count):
        if misses >= 10 or time.monotonic() > deadline:
            break
        s = socket.socket()
        s.settimeout(1)
        try:
            s.connect(("127.0.0.1", port))
            s.sendall(request)
            answer = s.recv(4096)
            if answer.startswith(b"HTTP/1.1 200"):
                kept.append(s)
                misses = 0
                continue
            refused += 1
            misses = 0
        except socket.timeout:
            unanswered += 1
            misses += 1
        except OSError:
            refused += 1
            misses = 0
        s.close()
    return kept, refused, unanswered


def attack_fds(kind, figures):
    figures.update(runs=0, alive=0, idle_served=0, auth_served=0, idle_recovery=[], auth_recovery=[],
                   peak_fds=0, kept=[], exits=[])
    for run in range(FD_RUNS):
        port = free_port()
        daemon = Daemon(kind, port=port, credentials=True, unix=False,
                        programs=program("sleeper", "sleep 600", startsecs=0),
                        launcher=["prlimit", f"--nofile={FD_LIMIT}:{FD_LIMIT}"])
        with daemon:
            daemon.wait_ready()
            peak = PeakFds(daemon.pid)
            figures["runs"] += 1
            try:
                # a) idle connections without credentials, then a user with the password on a new connection.
                idle = open_idle(port, FD_CONNECTIONS, budget=30)
                time.sleep(0.5)
                served_in = served(port, daemon.credentials, timeout=5)
                figures["idle_served"] += served_in is not None
                log(f"{kind} fds run {run + 1}: {len(idle)} idle connections open; authenticated call on a new connection "
                    + (f"served in {served_in:.3f} s" if served_in is not None else "not served within 5 s"))
                for s in idle:
                    s.close()
                figures["idle_recovery"].append(served_again(daemon, daemon.credentials))

                # b) authenticated connections that stay open.
                if daemon.alive():
                    kept, refused, unanswered = open_authenticated(port, FD_CONNECTIONS, budget=40)
                    figures["kept"].append(len(kept))
                    served_in = served(port, daemon.credentials, timeout=5)
                    figures["auth_served"] += served_in is not None
                    log(f"{kind} fds run {run + 1}: {len(kept)} authenticated connections kept, {refused} refused, "
                        f"{unanswered} unanswered; a new one " + (f"served in {served_in:.3f} s" if served_in is not None else "not served"))
                    for s in kept:
                        s.close()
                    figures["auth_recovery"].append(served_again(daemon, daemon.credentials))
            finally:
                figures["peak_fds"] = max(figures["peak_fds"], peak.stop())
                time.sleep(1)
                if daemon.alive():
                    figures["alive"] += 1
                else:
                    figures["exits"].append(daemon.process.returncode)
                    log(f"{kind} fds run {run + 1}: daemon exited with {daemon.process.returncode}: {daemon.output()[-300:]!r}")


# ---------------------------------------------------------------------------------------------------------
# 2. The unix socket race: umask 000, default chmod 0700, no username; nobody loops on connect().

ATTACKER = r'''
import os, socket, sys, time
path, stop = sys.argv[1], sys.argv[2]
body = b"<?xml version='1.0'?><methodCall><methodName>supervisor.getState</methodName><params></params></methodCall>"
request = b"POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n\r\n" % len(body) + body
attempts = 0
print("ready", flush=True)
while attempts % 1000 or not os.path.exists(stop):
    attempts += 1
    s = socket.socket(socket.AF_UNIX)
    try:
        s.connect(path)
    except OSError:
        s.close()
        continue
    at, answered = time.monotonic(), 0
    try:
        s.settimeout(5)
        s.sendall(request)
        answered = int(s.recv(4096).startswith(b"HTTP/1.1 200"))
    except OSError:
        pass
    s.close()
    print("session", at, answered, flush=True)
print("attempts", attempts, flush=True)
'''


def attack_race(kind, figures):
    daemon = Daemon(kind, launcher=["sh", "-c", 'umask 000; exec "$0" "$@"'], directory_mode=0o755, start=False)
    script = os.path.join(daemon.dir, "attacker.py")
    stop_file = os.path.join(daemon.dir, "stop")
    with open(script, "w") as f:
        f.write(ATTACKER)
    os.chmod(script, 0o644)
    attacker = start_process(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", script, daemon.sock, stop_file],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        if attacker.stdout.readline().strip() != "ready":
            raise RuntimeError(f"attacker did not start: {attacker.stderr.read()}")
        starts = [time.monotonic()]
        daemon.start()
        for reload in range(RELOADS + 1):
            if not wait_until(lambda: daemon.main_log().count("supervisord started with pid") >= reload + 1, 30, 0.02):
                raise RuntimeError(f"{kind} did not start {reload + 1} times: {daemon.output()[-1000:]}")
            time.sleep(0.3)  # serving: give the attacker a moment on the socket as it is now
            if reload < RELOADS:
                starts.append(time.monotonic())
                os.kill(daemon.pid, signal.SIGHUP)
        figures["starts"] = len(starts)
        figures["mode"] = oct(os.stat(daemon.sock).st_mode & 0o777)
    finally:
        with open(stop_file, "w"):
            pass
        try:
            out, _ = attacker.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            stop_process(attacker, signal.SIGKILL)
            out = ""
        started_pids.discard(attacker.pid)
        daemon.stop()
    sessions = [line.split() for line in out.splitlines() if line.startswith("session ")]
    per_start, found = [0] * len(starts), []
    for _, at, answered in sessions:
        index = max((i for i, t in enumerate(starts) if t <= float(at)), default=0)
        found.append((index, round(float(at) - starts[index], 4), int(answered)))  # start, seconds after it, answered
        per_start[index] += int(answered)
    attempts = [int(line.split()[1]) for line in out.splitlines() if line.startswith("attempts ")]
    figures.update(attempts=attempts[0] if attempts else None, connections=len(sessions),
                   sessions=sum(per_start), starts_with_session=sum(1 for n in per_start if n), found=found)
    log(f"{kind} race: {figures}")


# ---------------------------------------------------------------------------------------------------------
# 3. stdin flood: sendProcessStdin of 1 MiB, STDIN_CALLS times, to a child that never reads.

def attack_stdin(kind, figures):
    port = free_port()
    with Daemon(kind, port=port, programs=program("child", "sleep 600", startsecs=0)) as daemon:
        daemon.wait_ready()
        wait_until(lambda: call(port, "supervisor.getProcessInfo", "child")["statename"] == "RUNNING", 10)
        body = xmlrpc.client.dumps(("child", "x" * MiB), "supervisor.sendProcessStdin").encode()
        figures.update(rss_before_mib=rss_mib(daemon.pid), calls=0, answers={})
        answers = figures["answers"]  # what each call answered, in order of first appearance, with counts
        conn = connect(port, timeout=30)
        t0 = time.monotonic()
        try:
            while figures["calls"] < STDIN_CALLS and time.monotonic() - t0 < STDIN_SECONDS and daemon.alive():
                figures["calls"] += 1
                try:
                    answer = repr(post(conn, body))
                except xmlrpc.client.Fault as fault:
                    answer = f"fault {fault.faultString}"
                except (OSError, http.client.HTTPException) as e:
                    answer = str(e) if isinstance(e, http.client.HTTPException) and str(e).startswith("HTTP") else type(e).__name__
                    conn.close()
                    conn = connect(port, timeout=30)
                answers[answer] = answers.get(answer, 0) + 1
        finally:
            figures["seconds"] = time.monotonic() - t0
            figures["rss_after_mib"] = rss_mib(daemon.pid)
            figures["peak_mib"] = status_mib(daemon.pid, "VmHWM")
            conn.close()
        log(f"{kind} stdin: {figures}")
        if daemon.alive():
            call(port, "supervisor.stopProcess", "child", timeout=30)
            time.sleep(7)  # ours hands memory back 5 s after the last request
            figures["rss_child_stopped_mib"] = rss_mib(daemon.pid)
        figures["alive"] = daemon.alive()


# ---------------------------------------------------------------------------------------------------------
# 4. Multicall amplification: readProcessStdoutLog(name, 0, 1000000) repeated in a ~100 KB request.

def attack_multicall(kind, figures):
    port = free_port()
    writer = program("writer", "sh -c 'head -c 1048576 /dev/zero | tr \"\\0\" \"x\"; exec sleep 600'",
                     startsecs=0, stdout_logfile_maxbytes=0)
    with Daemon(kind, port=port, programs=writer) as daemon:
        daemon.wait_ready()
        path = call(port, "supervisor.getProcessInfo", "writer")["stdout_logfile"]
        wait_until(lambda: os.path.exists(path) and os.path.getsize(path) >= MiB, 20)
        entry = {"methodName": "supervisor.readProcessStdoutLog", "params": ["writer", 0, 1000000]}
        per_call = len(xmlrpc.client.dumps(([entry] * 101,), "system.multicall")) - len(xmlrpc.client.dumps(([entry],), "system.multicall"))
        calls = max(1, MULTICALL_BYTES // (per_call // 100))
        body = xmlrpc.client.dumps(([entry] * calls,), "system.multicall").encode()
        figures.update(request_kb=len(body) / 1000, calls=calls, peak_before_mib=status_mib(daemon.pid, "VmHWM"))

        # Meanwhile another client asks getState again and again on its own connection.
        latencies, reading = [], [True]

        def other_client():
            while reading[0]:
                lat, failure = getstate_latencies(port, 0.5, timeout=MULTICALL_SECONDS)
                latencies.extend(lat)
                if failure:
                    latencies.append(float("inf"))
        observer = threading.Thread(target=other_client, daemon=True)
        conn = connect(port, timeout=MULTICALL_SECONDS)
        t0 = time.monotonic()
        received, faults, tail = 0, 0, b""
        marker = b"<name>faultCode</name>"
        try:
            conn.request("POST", "/RPC2", body, {"Content-Type": "text/xml"})
            observer.start()
            response = conn.getresponse()
            figures.update(status=response.status, first_byte_s=time.monotonic() - t0)
            while time.monotonic() - t0 < MULTICALL_SECONDS:
                chunk = response.read(1 << 16)
                if not chunk:
                    figures["complete"] = True
                    break
                received += len(chunk)
                window = tail + chunk
                faults += window.count(marker)
                tail = window[-(len(marker) - 1):]
            figures["faults"] = faults
        except (OSError, http.client.HTTPException) as e:
            figures["error"] = f"{type(e).__name__}: {e}"
        finally:
            figures.update(seconds=time.monotonic() - t0, response_mb=received / 1e6,
                           peak_mib=status_mib(daemon.pid, "VmHWM"), rss_after_mib=rss_mib(daemon.pid))
            conn.close()  # unread (the bound reached): the client goes away
            reading[0] = False
        observer.join(MULTICALL_SECONDS)
        figures["other_max_ms"] = 1000 * max(latencies) if latencies else None
        figures["other_calls"] = len(latencies)
        time.sleep(10)
        figures["rss_10s_later_mib"] = rss_mib(daemon.pid)
        figures["alive"] = daemon.alive()
        log(f"{kind} multicall: {figures}")


# ---------------------------------------------------------------------------------------------------------
# 5. Restart storm: command = true, startsecs = 0, autorestart = true.

def attack_storm(kind, figures):
    port = free_port()
    with Daemon(kind, port=port, programs=program("storm", "true", startsecs=0, autorestart="true")) as daemon:
        daemon.wait_ready()
        time.sleep(2)
        spawns0, bytes0, cpu0, t0 = daemon.main_log().count("spawned: 'storm'"), os.path.getsize(daemon.log_path), cpu_seconds(daemon.pid), time.monotonic()
        time.sleep(STORM_SECONDS)
        spawns1, bytes1, cpu1, t1 = daemon.main_log().count("spawned: 'storm'"), os.path.getsize(daemon.log_path), cpu_seconds(daemon.pid), time.monotonic()
        figures.update(restarts_per_s=(spawns1 - spawns0) / (t1 - t0), cpu_percent=100 * (cpu1 - cpu0) / (t1 - t0),
                       log_bytes_per_s=(bytes1 - bytes0) / (t1 - t0), alive=daemon.alive())
        log(f"{kind} storm: {figures}")


# ---------------------------------------------------------------------------------------------------------
# 6. Blocking plugin calls: getState latency on one connection while N calls of throwing.sleep block.

def getstate_latencies(endpoint, seconds, timeout):
    """Sequential getState calls on one keep-alive connection for `seconds`: latencies, and whether a call
    failed or timed out (which ends the series)."""
    latencies, failure = [], None
    conn = connect(endpoint, timeout=timeout)
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            t0 = time.monotonic()
            try:
                post(conn, GETSTATE)
            except socket.timeout:
                failure = f"no answer within {timeout:.0f} s"
                break
            except (OSError, http.client.HTTPException, xmlrpc.client.Error) as e:
                failure = f"{type(e).__name__} after {time.monotonic() - t0:.1f} s"
                break
            latencies.append(time.monotonic() - t0)
    finally:
        conn.close()
    return latencies, failure


def blocking_flood(kind, figures, count):
    port = free_port()
    with Daemon(kind, port=port, plugin=True) as daemon:
        daemon.wait_ready()
        if "idle_p50_ms" not in figures:
            getstate_latencies(port, 1, 5)  # warm-up
            idle, _ = getstate_latencies(port, 3, 5)
            figures.update(idle_p50_ms=1000 * percentile(idle, 50), idle_p99_ms=1000 * percentile(idle, 99))
        outcomes = []
        body = xmlrpc.client.dumps((BLOCK_MS,), "throwing.sleep").encode()

        def blocker():
            conn = connect(port, timeout=3 * BLOCK_MS / 1000)
            try:
                outcomes.append("answered" if post(conn, body) is True else "wrong answer")
            except socket.timeout:
                outcomes.append("timeout")
            except xmlrpc.client.Fault as fault:
                outcomes.append(f"fault {fault.faultCode}")
            except (OSError, http.client.HTTPException) as e:
                outcomes.append(f"connection error ({type(e).__name__})")
            finally:
                conn.close()

        threads = [threading.Thread(target=blocker, daemon=True) for _ in range(count)]
        t0 = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        # While the calls block (BLOCK_MS from their start), one caller asks getState again and again.
        busy, failure = getstate_latencies(port, BLOCK_MS / 1000 - 1.5, timeout=15)
        for thread in threads:
            thread.join(max(0.1, 3 * BLOCK_MS / 1000 + 1 - (time.monotonic() - t0)))
        errors = sum(1 for o in outcomes if o.startswith("connection error"))
        figures[f"c{count}"] = {
            "getstate_calls": len(busy),
            "p50_ms": 1000 * percentile(busy, 50) if busy else None,
            "p99_ms": 1000 * percentile(busy, 99) if busy else None,
            "max_ms": 1000 * max(busy) if busy else None,
            "getstate_failure": failure,
            "blocking_answered": outcomes.count("answered"),
            "connection_errors": errors,
            "other": sorted(set(o for o in outcomes if o != "answered")) + ([f"{count - len(outcomes)} still pending"] if len(outcomes) < count else []),
            "all_answered_s": time.monotonic() - t0 if outcomes.count("answered") == count else None,
        }
        log(f"{kind} blocking x{count}: {figures[f'c{count}']}")
        figures["alive"] = figures.get("alive", True) and daemon.alive()


def attack_blocking(kind, figures):
    for count in (16, 64):
        blocking_flood(kind, figures, count)


# ---------------------------------------------------------------------------------------------------------
# 7. An exception on a plugin's own thread.

def attack_thread(kind, figures):
    methods = ["throwing.threadThrows"] + (["throwing.asyncVoidThrows"] if kind == "ours" else [])
    for method in methods:
        with Daemon(kind, plugin=True) as daemon:
            daemon.wait_ready()
            answer = call(daemon.endpoint, method)
            time.sleep(2)
            alive = daemon.alive() and served(daemon.endpoint) is not None
            lines = [line for line in daemon.main_log().splitlines() if "thrown" in line or "exception" in line.lower()]
            stderr = daemon.output()
            figures[method] = {
                "answer": answer, "alive": alive,
                "exit": daemon.process.returncode,
                "main_log": lines[0][24:] if lines else None,
                "stderr_traceback": "Traceback" in stderr or "Unhandled exception" in stderr,
            }
            log(f"{kind} {method}: {figures[method]}")


# ---------------------------------------------------------------------------------------------------------
# 8. Full disk: a child's log on a 2 MiB tmpfs that fills up, then has room again.

WRITER = r'''
import os, sys, time
lines, rate, done = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
start = time.monotonic()
for i in range(lines):
    sys.stdout.write("line %08d %s\n" % (i, "x" * 85))
    if i % 100 == 99:
        sys.stdout.flush()
        time.sleep(max(0, start + (i + 1) / rate - time.monotonic()))
sys.stdout.flush()
open(done, "w").close()
time.sleep(600)
'''
DISK_LINES, DISK_RATE = 20000, 4000  # 100-byte lines: 2 MB in 5 s, twice the room the log has


def attack_disk(kind, figures):
    mount = tempfile.mkdtemp(prefix="svres-tmpfs-")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount], check=True)
    mounts.add(mount)
    try:
        with open(os.path.join(mount, "filler"), "wb") as f:
            f.write(b"\0" * MiB)  # about 1 MiB left for the log
        scratch = tempfile.mkdtemp(prefix="svres-writer-")
        script, done = os.path.join(scratch, "writer.py"), os.path.join(scratch, "done")
        with open(script, "w") as f:
            f.write(WRITER)
        logfile = os.path.join(mount, "writer.log")
        writer = program("writer", f"/usr/bin/python3 {script} {DISK_LINES} {DISK_RATE} {done}", startsecs=0, autorestart="false",
                         stdout_logfile=logfile, stdout_logfile_maxbytes=0, stdout_logfile_backups=0)
        try:
            with Daemon(kind, programs=writer) as daemon:
                daemon.wait_ready()
                # Full: the log stops growing while the writer still writes. Then room comes back.
                last = [-1, time.monotonic()]

                def stalled():
                    size = os.path.getsize(logfile) if os.path.exists(logfile) else 0
                    if size != last[0]:
                        last[:] = [size, time.monotonic()]
                    return size > 0 and time.monotonic() - last[1] > 0.5
                figures["filled"] = bool(wait_until(stalled, 20, 0.05))
                os.remove(os.path.join(mount, "filler"))
                wait_until(lambda: os.path.exists(done), 30)
                time.sleep(1.5)
                with open(logfile, "rb") as f:
                    content = f.read()
                lines = content.split(b"\n")
                whole = set()
                torn = 0
                for line in lines[:-1] + ([lines[-1]] if lines[-1] else []):
                    m = re.fullmatch(rb"line (\d{8}) x{85}", line)
                    if m:
                        whole.add(int(m.group(1)))
                    else:
                        torn += 1
                main_log = daemon.main_log()
                # Whatever words a report uses, it names the log file or the cause.
                reports = [line[24:] for line in main_log.splitlines()
                           if "writer.log" in line or any(word in line.lower() for word in ("space", "errno 28", "enospc", "disk"))]
                # With -n the main log is echoed to stdout; what else the daemon prints goes to stderr.
                stderr = [line for line in daemon.output().splitlines() if not re.match(r"\d{4}-\d\d-\d\d ", line)
                          and ("errno 28" in line.lower() or "no space" in line.lower())]
                figures.update(written=DISK_LINES, logged=len(whole), lost=DISK_LINES - len(whole), torn=torn,
                               main_log_reports=len(reports), main_log_first=reports[0] if reports else None,
                               main_log_last=reports[-1] if len(reports) > 1 else None,
                               stderr_lines=len(stderr), stderr_first=stderr[0] if stderr else None,
                               alive=daemon.alive())
                # Where the lost lines are: one run while the disk was full is what can be expected.
                missing = sorted(set(range(DISK_LINES)) - whole)
                runs = sum(1 for i, n in enumerate(missing) if i == 0 or missing[i - 1] != n - 1)
                figures["lost_runs"] = runs
                log(f"{kind} disk: {figures}")
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    finally:
        subprocess.run(["umount", "-l", mount], check=False)
        mounts.discard(mount)
        os.rmdir(mount)


# ---------------------------------------------------------------------------------------------------------
# 9. Slow bodies: SLOW_BODIES connections each send 15 of 16 MiB, then stall.

def attack_slowbody(kind, figures):
    port = free_port()
    with Daemon(kind, port=port) as daemon:
        daemon.wait_ready()
        getstate_latencies(port, 1, 5)
        time.sleep(6)  # ours trims 5 s after the last request
        base = rss_mib(daemon.pid)
        head = f"POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: {16 * MiB}\r\n\r\n".encode()
        part = memoryview(b" " * (15 * MiB))
        sockets, sent = [], []

        def send(s):
            try:
                s.sendall(head)
                s.sendall(part)
                sent.append("sent")
            except OSError as e:
                sent.append(type(e).__name__)
        threads = []
        for _ in range(SLOW_BODIES):
            s = socket.socket()
            s.settimeout(30)
            s.connect(("127.0.0.1", port))
            sockets.append(s)
            threads.append(threading.Thread(target=send, args=(s,), daemon=True))
            threads[-1].start()
        try:
            t0 = time.monotonic()
            for thread in threads:
                thread.join(max(0.1, 30 - (time.monotonic() - t0)))
            stalled_at = time.monotonic()
            figures.update(rss_before_mib=base, send_seconds=stalled_at - t0,
                           fully_sent=sent.count("sent"), send_errors=len(sent) - sent.count("sent"))
            for s in sockets:
                s.setblocking(False)
            statuses, closed_at, timeline = {}, {}, []
            while time.monotonic() - stalled_at < SLOW_WATCH:
                now = time.monotonic() - stalled_at
                for i, s in enumerate(sockets):
                    if i in closed_at:
                        continue
                    try:
                        data = s.recv(4096)
                    except BlockingIOError:
                        continue
                    except OSError:
                        data = b""
                    if data.startswith(b"HTTP/1.1 "):
                        code = data[9:12].decode()
                        statuses[code] = statuses.get(code, 0) + 1
                    closed_at[i] = now
                timeline.append((now, rss_mib(daemon.pid)))
                held = max(r for _, r in timeline)
                peak_at = max(t for t, r in timeline if r == held)
                released = next((t for t, r in timeline if t > peak_at and r < base + 32), None)
                if len(closed_at) == len(sockets) and released is not None:
                    break
                time.sleep(0.5)
            figures.update(statuses=statuses, closed=len(closed_at),
                           first_closed_s=min(closed_at.values()) if closed_at else None,
                           all_closed_s=max(closed_at.values()) if len(closed_at) == len(sockets) else None,
                           rss_held_mib=held, peak_mib=status_mib(daemon.pid, "VmHWM"), released_s=released,
                           rss_end_mib=timeline[-1][1], watched_s=timeline[-1][0], alive=daemon.alive())
            log(f"{kind} slowbody: {figures}")
        finally:
            for s in sockets:
                s.close()


# ---------------------------------------------------------------------------------------------------------
# The table.

FUZZ = ("Fuzzing (XML-RPC reader, dispatcher, HTTP handler)", "inputs; HTTP 500 / hangs / invalid XML",
        "10,000 inputs: 332 / 13 / 12 (issue 11)", "3,606,585 inputs (afl++, 25 min): 0 / 0 / 0, peak 79 MiB (tests/Supervisor.Fuzz)", "")


def num(value, fmt="{:.0f}", unit=""):
    return "n/a" if value is None else fmt.format(value) + unit


def rows_fds(f):
    if not f.get("runs"):
        return []
    runs = f["runs"]

    def recovery(values):
        known = [v for v in values if v is not None]
        text = f"{min(known):.2f}–{max(known):.2f} s" if known else "never"
        return text + (f" ({len(values) - len(known)} never)" if known and len(known) < len(values) else "")
    return [
        ("daemon alive afterwards", f"{f['alive']} of {runs}" + (f" (exit {', '.join(map(str, f['exits']))})" if f["exits"] else ""), "1 of 7 (exit 134: \"Out of memory.\")"),
        (f"{FD_CONNECTIONS} idle connections without credentials open: authenticated client served on a new connection", f"{f['idle_served']} of {runs}", ""),
        ("  served again after they closed", recovery(f["idle_recovery"]), ""),
        (f"{FD_CONNECTIONS} authenticated keep-alive connections: how many served and kept", ", ".join(map(str, f["kept"])) or "n/a", ""),
        ("  a new connection served while they are open", f"{f['auth_served']} of {runs}", ""),
        ("  served again after they closed", recovery(f["auth_recovery"]), ""),
        ("peak open descriptors (limit 1024)", str(f["peak_fds"]), ""),
    ]


def rows_race(f):
    if "starts" not in f:
        return []
    attempts = f"{f['attempts']:,}" if f.get("attempts") else "?"
    return [(f"start + {f['starts'] - 1} SIGHUP reloads: starts at which user nobody got a root RPC session",
             f"{f['starts_with_session']} of {f['starts']} ({f['sessions']} sessions, {f['connections']} connects in {attempts} tries)",
             "5 of 5 starts, 3 of 3 reloads")]


def rows_stdin(f):
    if "calls" not in f:
        return []
    answers = ", then ".join(f"{n}× {text}" for text, n in f["answers"].items())
    bound = f" (the {STDIN_SECONDS:.0f}-s bound)" if f["calls"] < STDIN_CALLS else ""
    return [
        (f"sendProcessStdin of 1 MiB to a child that never reads, up to {STDIN_CALLS} calls: answers",
         f"{answers}; {f['calls']} calls in {f['seconds']:.0f} s{bound}", "1000× True"),
        ("  RSS before → after (peak)", f"{num(f['rss_before_mib'])} → {num(f['rss_after_mib'])} MiB (peak {num(f['peak_mib'])})", "61 MB → 2.15 GB"),
        ("  RSS after the child is stopped", num(f.get("rss_child_stopped_mib"), unit=" MiB"), ""),
    ]


def rows_multicall(f):
    if "calls" not in f:
        return []
    outcome = f"HTTP {f['status']}" if "status" in f else f.get("error", "n/a")
    faults = f" ({f['faults']} fault entries)" if f.get("faults") else ""
    read = f"in {f['seconds']:.1f} s" if f.get("complete") else f"received when the client gave up after {f['seconds']:.0f} s"
    if f.get("first_byte_s") is not None:
        read += f" (first byte after {f['first_byte_s']:.1f} s)"
    other = "n/a" if f.get("other_max_ms") is None else ("a call failed" if f["other_max_ms"] == float("inf") else f"{f['other_max_ms']:.0f} ms")
    return [
        (f"{f['request_kb']:.0f} KB request of {f['calls']} readProcessStdoutLog(name, 0, 1000000) (1 MiB log): response",
         f"{outcome}, {f['response_mb']:.1f} MB{faults} {read}", "300 MB (97 KB request)"),
        ("  peak RSS (VmHWM) before → after; RSS 10 s after the client left",
         f"{num(f['peak_before_mib'])} → {num(f['peak_mib'])} MiB; {num(f.get('rss_10s_later_mib'))} MiB", "1.48 GB peak"),
        ("  slowest getState of another client meanwhile", other, ""),
    ]


def rows_storm(f):
    if "restarts_per_s" not in f:
        return []
    return [(f"startsecs=0 autorestart=true command=true, {STORM_SECONDS:.0f} s: restarts/s, daemon CPU, main log",
             f"{f['restarts_per_s']:.1f}/s, {f['cpu_percent']:.1f} % CPU, {f['log_bytes_per_s'] / 1000:.2f} KB/s", "393/s, 32 %, 97 KB/s")]


def rows_blocking(f):
    if "idle_p50_ms" not in f:
        return []
    rows = [("getState p50 / p99, idle", f"{f['idle_p50_ms']:.2f} / {f['idle_p99_ms']:.2f} ms", "")]
    for count, before in ((16, "up to 12 s"), (64, "up to 35 s, 19 of 64 connections reset")):
        c = f.get(f"c{count}")
        if not c:
            continue
        if c["getstate_calls"]:
            latency = f"{c['p50_ms']:.2f} / {c['p99_ms']:.2f} ms (max {c['max_ms']:.0f} ms, {c['getstate_calls']:,} calls)"
            if c["getstate_failure"]:
                latency += f"; then {c['getstate_failure']}"
        else:
            latency = c["getstate_failure"] or "none made"
        blocked = f"{c['blocking_answered']} of {count} answered" + (f" in {c['all_answered_s']:.1f} s" if c["all_answered_s"] else f" within {3 * BLOCK_MS / 1000:.0f} s")
        rows.append((f"{count} concurrent {BLOCK_MS / 1000:.0f}-s blocking plugin calls: getState p50 / p99", latency, before))
        rows.append((f"  the blocking calls; connection errors", f"{blocked}; {c['connection_errors']}", ""))
    return rows


def rows_thread(f):
    rows = []
    for method, label in (("throwing.threadThrows", "exception on a plugin's own thread"), ("throwing.asyncVoidThrows", "exception in a plugin's async void method")):
        m = f.get(method)
        if not m:
            continue
        said = f"main log: \"{m['main_log'][:90]}…\"" if m["main_log"] else "main log: nothing" + (" (traceback on stderr)" if m["stderr_traceback"] else "")
        rows.append((f"{label}: daemon alive; what the main log says", ("yes" if m["alive"] else f"no (exit {m['exit']})") + "; " + said, "no (exit -6)"))
    return rows


def rows_disk(f):
    if "written" not in f:
        return []
    report = (f"{f['main_log_reports']} main-log lines, first: \"{f['main_log_first'][:80]}\"" if f["main_log_reports"] else "nothing in the main log") \
        + (f"; on stderr {f['stderr_lines']}×: \"{f['stderr_first'][:80]}\"" if f.get("stderr_lines") else "")
    return [
        ("child log on a 2 MiB tmpfs, full, then room again: lines lost / torn (of 20,000)",
         f"{f['lost']:,} lost in {f['lost_runs']} run(s) / {f['torn']} torn", "one line torn"),
        ("  reported", report, "stderr only, once per log"),
    ]


def rows_slowbody(f):
    if "rss_held_mib" not in f:
        return []
    statuses = ", ".join(f"{n}× {code}" for code, n in sorted(f["statuses"].items())) or "no answer"
    closed = (f"closed after {f['first_closed_s']:.0f}–{f['all_closed_s']:.0f} s" if f["all_closed_s"] is not None
              else f"{f['closed']} of {SLOW_BODIES} closed within {f['watched_s']:.0f} s")
    released = (f"{f['released_s']:.0f} s" if f["released_s"] is not None
                else f"not within {f['watched_s']:.0f} s ({num(f['rss_end_mib'])} MiB then)")
    return [
        (f"{SLOW_BODIES} connections each send 15 of 16 MiB and stall: RSS before → held",
         f"{num(f['rss_before_mib'])} → {num(f['rss_held_mib'])} MiB", "513 MB, for as long as the client likes"),
        ("  daemon's answers; connections closed", f"{statuses}; {closed}", ""),
        ("  RSS back within 32 MiB of before", released, ""),
    ]


ATTACKS = {
    # name: (run, rows, title, bound in seconds per daemon)
    "fds": (attack_fds, rows_fds, "Descriptor exhaustion (prlimit 1024, credentials)", 60 + FD_RUNS * 90),
    "race": (attack_race, rows_race, "Unix socket race (umask 000, chmod 0700)", 120),
    "stdin": (attack_stdin, rows_stdin, "stdin flood", int(STDIN_SECONDS) + 60),
    "multicall": (attack_multicall, rows_multicall, "Multicall amplification", int(MULTICALL_SECONDS) + 90),
    "storm": (attack_storm, rows_storm, "Restart storm", 60),
    "blocking": (attack_blocking, rows_blocking, "Blocking plugin calls", 120),
    "thread": (attack_thread, rows_thread, "Plugin thread exception", 60),
    "disk": (attack_disk, rows_disk, "Full disk", 90),
    "slowbody": (attack_slowbody, rows_slowbody, "Slow request bodies", 150),
}


def table(results):
    rows = []
    for name, (_, make_rows, title, _) in ATTACKS.items():
        per_daemon = {kind: make_rows(results.get(name, {}).get(kind, {})) for kind in ("reference", "ours")}
        labels = [r[0] for r in max(per_daemon.values(), key=len)]
        for i, label in enumerate(labels):
            cell = {kind: (r[i][1] if i < len(r) else "n/a") for kind, r in per_daemon.items()}
            before = next((r[i][2] for r in per_daemon.values() if i < len(r)), "")
            for kind in cell:
                if results.get(name, {}).get(kind, {}).get("timed_out"):
                    cell[kind] += " (bound reached)"
            rows.append((title if i == 0 else "", label, cell["reference"], cell["ours"], before))
    rows.append(FUZZ)
    meta = results.get("meta", {})
    print(f"\nIssue 11 resilience, {meta.get('date', '?')}, {os.cpu_count()} cores, load average {meta.get('load_before', '?')} before, "
          f"{meta.get('load_after', '?')} after, {meta.get('seconds', 0):.0f} s\n")
    print_markdown(("attack", "what was measured", "4.2.5", "ours", "ours before the fix (issue 11)"), rows)


def alarm(signum, frame):
    raise TimedOut()


def main(names):
    if os.geteuid() != 0:
        sys.exit("run.py needs root: the socket race's attacker runs as nobody, the full disk mounts a tmpfs")
    unknown = [n for n in names if n not in ATTACKS]
    if unknown:
        sys.exit(f"unknown attack(s) {unknown}; known: {' '.join(ATTACKS)}")
    make_subreaper()
    signal.signal(signal.SIGALRM, alarm)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks: kill what was started
    results = {"meta": {"date": time.strftime("%Y-%m-%d %H:%M"), "load_before": os.getloadavg()[0]}}
    out = os.environ.get("RESULTS") or os.path.join(tempfile.gettempdir(), f"resilience-{time.strftime('%Y%m%d-%H%M%S')}.json")
    t0 = time.monotonic()
    try:
        for name in names or list(ATTACKS):
            run, _, title, bound = ATTACKS[name]
            for kind in DAEMONS:
                figures = results.setdefault(name, {}).setdefault(kind, {})
                log(f"{title}: {kind} (bound {bound} s)")
                signal.alarm(bound)
                try:
                    run(kind, figures)
                except TimedOut:
                    figures["timed_out"] = True
                    log(f"{title}: {kind} reached its bound of {bound} s; keeping what was measured")
                except Exception as e:  # one attack's failure must not lose the others' figures
                    figures["error"] = f"{type(e).__name__}: {e}"
                    log(f"{title}: {kind} failed: {figures['error']}")
                finally:
                    signal.alarm(0)
                    # Whatever an interrupted clean-up left: no daemon, child or mount outlives its attack.
                    kill_orphans(everything=True)
                    started_pids.clear()
                    for mount in list(mounts):
                        subprocess.run(["umount", "-l", mount], check=False)
                        mounts.discard(mount)
    finally:
        results["meta"].update(load_after=os.getloadavg()[0], seconds=time.monotonic() - t0)
        with open(out, "w") as f:
            json.dump(results, f, indent=1, default=str)
        log(f"figures written to {out}")
    table(results)


if __name__ == "__main__":
    if sys.argv[1:2] == ["table"]:
        with open(sys.argv[2]) as f:
            table(json.load(f))
    else:
        main(sys.argv[1:])
