#!/usr/bin/env python3
"""Side-by-side event benchmark, one daemon per invocation (see run.sh and ../README.md).

  bench.py measure NAME OUT.json [--plugins DIR] -- DAEMON-COMMAND...   run the scenarios, write OUT.json
  bench.py table REF.json OURS.json                                    print the comparison table

Scenarios, each on a fresh daemon with its own generated config (one pool subscribed to
REMOTE_COMMUNICATION would otherwise feed every listener of every scenario at once):
  childutils  one listener on supervisor.childutils (listener.py), events from supervisor.sendRemoteCommEvent:
              a flow-controlled source (system.multicall batches, never more than WINDOW events ahead of the
              listener, so the buffer never overflows and is never empty), then an open-loop one (wrk, one
              event per request, as fast as the daemon answers) with the overflows counted from the main log
  raw         the same flow-controlled source into raw_listener (C, one write per answer): the daemon's limit
  latency     supervisor.getState latency on one keep-alive connection, idle, then while a slow listener
              (sleeps SLOW_DELAY before each OK, buffer_size 10) is fed PROCESS_LOG_STDOUT by a program
              printing a line every 5 ms, so its buffer stays full and overflows all the time
  plugin      (ours only, with --plugins) no listener; the EventCounter test plugin counts REMOTE_COMMUNICATION
              in-process, read back with counter.count(); both sources above, unthrottled
"""
import http.client
import json
import mmap
import os
import re
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import xmlrpc.client

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import cpu_seconds, free_port, load_results, log, print_table, proxy  # noqa: E402

SECONDS = float(os.environ.get("SECONDS_PER_RUN", "5"))      # measurement window of each throughput row
WARMUP = float(os.environ.get("WARMUP_SECONDS", "1"))        # events sent before a window opens (JIT, caches)
BUFFER = int(os.environ.get("BUFFER", "10000"))             # buffer_size of the counting pools
BATCH = int(os.environ.get("BATCH", "500"))                 # sendRemoteCommEvent calls per system.multicall
WINDOW = int(os.environ.get("WINDOW", str(BUFFER // 2)))    # most events the flow-controlled source keeps ahead
LATENCY_SECONDS = float(os.environ.get("LATENCY_SECONDS", "5"))  # getState calls for this long, idle and saturated
LATENCY_WARMUP = float(os.environ.get("LATENCY_WARMUP", "3"))  # unrecorded calls first: ours tiers its JIT up meanwhile
SLOW_DELAY = float(os.environ.get("SLOW_DELAY", "0.1"))     # the slow listener's sleep before each OK
PROGRAMS = int(os.environ.get("PROGRAMS", "0"))            # idle programs beside the counting listener (a bigger daemon)
RAW_LISTENER = os.environ.get("RAW_LISTENER")               # compiled raw_listener.c (run.sh builds it)
LISTENER_PYTHON = "/usr/bin/python3"                        # the one with supervisor.childutils (not a pyenv shim)
HERE = os.path.dirname(os.path.abspath(__file__))
RUNNING = 20
PAYLOAD = "0123456789abcdef0123456789abcdef"  # 32 ASCII characters, as remotecomm.lua sends
OVERFLOW = "event buffer overflowed"








def context_switches(pid):
    """Voluntary + involuntary context switches of every thread of pid: hand-overs between threads show here."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/status") as f:
                total += sum(int(line.split()[1]) for line in f if "ctxt_switches:" in line)
        except OSError:
            pass  # a thread that ended meanwhile
    return total




class Counter:
    """The 8-byte counter a listener bumps through mmap: read at any moment, no round trip."""

    def __init__(self, path):
        with open(path, "wb") as f:
            f.write(bytes(8))
        with open(path, "r+b") as f:
            self._map = mmap.mmap(f.fileno(), 8)

    def __call__(self):
        return struct.unpack_from("<Q", self._map, 0)[0]


class Daemon:
    """One daemon on one generated config in its own temp dir; stopped (and the dir removed) on exit."""

    def __init__(self, name, command, sections, plugins=None):
        self.name = name
        self.directory = tempfile.mkdtemp(prefix="svevents")
        self.port = free_port()
        self.log_path = os.path.join(self.directory, "supervisord.log")
        extra = f"plugins = {plugins}\n" if plugins else ""
        config = f"""[unix_http_server]
file = {self.directory}/s.sock

[inet_http_server]
port = 127.0.0.1:{self.port}

[supervisord]
logfile = {self.log_path}
pidfile = {self.directory}/supervisord.pid
childlogdir = {self.directory}
loglevel = info
{extra}
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

""" + sections.format(dir=self.directory, here=HERE, python=LISTENER_PYTHON)
        self.config = os.path.join(self.directory, "supervisord.conf")
        with open(self.config, "w") as f:
            f.write(config)
        self.command = command
        self.server = proxy(self.port)

    def __enter__(self):
        self._out = open(os.path.join(self.directory, "daemon.out"), "w")
        self.process = subprocess.Popen(self.command + ["-n", "-c", self.config], stdout=self._out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}: {open(self._out.name).read()[-2000:]}")
            try:
                self.server.supervisor.getState()
                return self
            except (OSError, xmlrpc.client.Error):
                time.sleep(0.05)
        raise RuntimeError(f"{self.name} did not answer within 60 s")

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                log(f"{self.name}: still running 30 s after SIGTERM, killed")
                self.process.kill()
                self.process.wait()
        self._out.close()
        shutil.rmtree(self.directory, ignore_errors=True)

    @property
    def pid(self):
        return self.process.pid

    def wait_running(self, name, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            info = self.server.supervisor.getProcessInfo(name)
            if info["state"] == RUNNING:
                return info["pid"]
            time.sleep(0.05)
        raise RuntimeError(f"{self.name}: {name} not RUNNING after {timeout} s")

    def overflows(self):
        """Events discarded so far, from the main log's ERRO lines (both daemons write the same words)."""
        with open(self.log_path, errors="replace") as f:
            return sum(1 for line in f if OVERFLOW in line)


class MulticallSource:
    """
    One system.multicall of BATCH sendRemoteCommEvent calls, marshalled once and posted as raw bytes on one
    keep-alive connection: the source costs the driver almost nothing, so the daemon and the listener get
    the cores. Each answer must hold BATCH booleans and no fault.
    """

    def __init__(self, daemon):
        calls = [{"methodName": "supervisor.sendRemoteCommEvent", "params": ["bench", PAYLOAD]}] * BATCH
        self._body = xmlrpc.client.dumps((calls,), "system.multicall").encode()
        self._daemon = daemon
        self._connection = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=60)

    def send(self):
        self._connection.request("POST", "/RPC2", self._body, {"Content-Type": "text/xml"})
        response = self._connection.getresponse()
        body = response.read()
        # The reference answers raw values, ours wraps each in a one-element array (README.md, "Differences
        # from Supervisor"; supervisor/xmlrpc.py, SystemNamespaceRPCInterface.multicall, appends bare values):
        # count booleans.
        if response.status != 200 or b"<fault>" in body or body.count(b"<boolean>") != BATCH:
            raise RuntimeError(f"{self._daemon.name}: multicall of sendRemoteCommEvent answered {response.status} {body[:300]!r}")
        return BATCH


def flow_controlled(daemon, delivered, seconds):
    """
    REMOTE_COMMUNICATION events in system.multicall batches of BATCH, never more than WINDOW ahead of what
    the listener counted: the pool's buffer neither overflows nor runs dry, so the rate is delivery's.
    Returns the figures of the window that opens after WARMUP seconds.
    """
    source = MulticallSource(daemon)
    generated = 0
    waited = 0.0  # time the source spent waiting for the listener to catch up (window full)
    start = time.monotonic()
    window = None
    while True:
        now = time.monotonic()
        if window is None and now - start >= WARMUP:
            window = (now, delivered(), cpu_seconds(daemon.pid), daemon.overflows(), time.process_time(), context_switches(daemon.pid))
            waited = 0.0
        if window is not None and now - window[0] >= seconds:
            break
        if generated - delivered() < WINDOW:
            generated += source.send()
        else:
            time.sleep(0.0005)
            waited += time.monotonic() - now
    t1, count1, cpu1, over1, mine1 = time.monotonic(), delivered(), cpu_seconds(daemon.pid), daemon.overflows(), time.process_time()
    switches1 = context_switches(daemon.pid)
    t0, count0, cpu0, over0, mine0, switches0 = window
    events = count1 - count0
    # Honesty check: once the source stops, everything generated is delivered or was reported discarded.
    deadline = time.monotonic() + 10
    while delivered() + daemon.overflows() < generated and time.monotonic() < deadline:
        time.sleep(0.05)
    lost = generated - delivered() - daemon.overflows()
    if lost:
        log(f"{daemon.name}: {lost} of {generated} events neither delivered nor reported discarded 10 s after the source stopped")
    result = {
        "rate": events / (t1 - t0),
        "cpu_ms_per_1000": 1000 * 1000 * (cpu1 - cpu0) / events if events else None,
        "daemon_cpu_percent": 100 * (cpu1 - cpu0) / (t1 - t0),
        "overflowed": over1 - over0,
        "source_wait_percent": 100 * waited / (t1 - t0),
        "source_cpu_percent": 100 * (mine1 - mine0) / (t1 - t0),
        "lost": lost,
        "switches_per_event": (switches1 - switches0) / events if events else None,
    }
    log(f"{daemon.name}: flow-controlled: {result['rate']:,.0f} events/s delivered, daemon CPU {result['daemon_cpu_percent']:.0f} %, "
        f"{result['cpu_ms_per_1000']:.1f} ms CPU per 1000, {result['switches_per_event']:.2f} context switches per event, {result['overflowed']} overflowed, {generated} generated in all, "
        f"source waited for the listener {result['source_wait_percent']:.0f} % of the window, used {result['source_cpu_percent']:.0f} % of a core")
    # Waiting ~0 % alone is not the source's fault: a daemon that delivers nothing while it parses a multicall
    # (the reference: one thread) keeps the source blocked in send(). A busy source is.
    if result["source_cpu_percent"] > 70:
        log(f"{daemon.name}: warning: the source used most of a core: it, not delivery, may be what limits this rate")
    return result


def wrk_source(daemon, delivered, seconds, connections=4):
    """
    Open loop: wrk posting one sendRemoteCommEvent per request on `connections` connections for `seconds`.
    Generated = requests answered (every answer is an event buffered); delivered = the listener's count over
    the same time; what the buffer could not hold shows up as overflow lines.
    """
    count0, over0, t0 = delivered(), daemon.overflows(), time.monotonic()
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds:.0f}s", "--timeout", "10s",
         "-s", os.path.join(HERE, "remotecomm.lua"), f"http://127.0.0.1:{daemon.port}"],
        capture_output=True, text=True, check=True).stdout
    t1, count1 = time.monotonic(), delivered()
    time.sleep(0.5)  # let the log catch up with the last overflows
    over1 = daemon.overflows()
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    wrong = int(re.search(r"non-200 or wrong answers: (\d+)", out).group(1))
    errors = re.search(r"Socket errors: .*|Non-2xx or 3xx responses: \d+", out)
    result = {
        "generated_rate": requests / (t1 - t0) if wrong == 0 else None,
        "rate": (count1 - count0) / (t1 - t0),
        "overflowed": over1 - over0,
        "generated": requests,
    }
    log(f"{daemon.name}: wrk -c{connections}: {requests:,} events generated ({result['generated_rate'] or 0:,.0f}/s, {wrong} wrong answers"
        + (f", {errors.group(0)}" if errors else "") + f"), {result['rate']:,.0f}/s delivered, {result['overflowed']:,} overflowed")
    return result


GETSTATE = b"<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.getState</methodName>\n<params>\n</params>\n</methodCall>\n"


def latencies(daemon, seconds):
    """supervisor.getState for `seconds`, one call at a time on one keep-alive connection (http.client reconnects if the daemon closes it)."""
    connection = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=30)
    samples = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end or len(samples) < 100:
        t0 = time.perf_counter()
        connection.request("POST", "/RPC2", GETSTATE, {"Content-Type": "text/xml"})
        response = connection.getresponse()
        body = response.read()
        samples.append(time.perf_counter() - t0)
        if response.status != 200 or b"RUNNING" not in body:
            raise RuntimeError(f"{daemon.name}: getState answered {response.status} {body[:200]!r}")
    connection.close()
    cuts = statistics.quantiles(samples, n=100)
    return {"p50_ms": 1000 * cuts[49], "p99_ms": 1000 * cuts[98], "max_ms": 1000 * max(samples), "calls": len(samples)}


COUNTING_POOL = """[eventlistener:counter]
command = {listener}
events = REMOTE_COMMUNICATION
buffer_size = %d
startsecs = 0
stdout_logfile = NONE
stderr_logfile = {{dir}}/counter.err
""" % BUFFER


def scenario_listener(results, prefix, name, command, listener, open_loop):
    sections = COUNTING_POOL.format(listener=listener)
    # Optional idle programs: does the cost of one event grow with the size of the daemon?
    sections += "".join(f"\n[program:p{i:05d}]\ncommand = /bin/sleep 100000\nredirect_stderr = true\nstdout_logfile = NONE\n" for i in range(PROGRAMS))
    with Daemon(name, command, sections) as daemon:
        delivered = Counter(os.path.join(daemon.directory, "counter.count"))
        daemon.wait_running("counter")
        if PROGRAMS:
            time.sleep(2)  # the idle programs are RUNNING (startsecs=1) and quiet before the window
        flow = flow_controlled(daemon, delivered, SECONDS)
        results[f"{prefix}_rate"] = flow["rate"]
        results[f"{prefix}_cpu_ms_per_1000"] = flow["cpu_ms_per_1000"]
        results[f"{prefix}_overflowed"] = flow["overflowed"]
        results[f"{prefix}_source_wait_percent"] = flow["source_wait_percent"]
        results[f"{prefix}_source_cpu_percent"] = flow["source_cpu_percent"]
        results[f"{prefix}_lost"] = flow["lost"]
        results[f"{prefix}_switches_per_event"] = flow["switches_per_event"]
        if open_loop and shutil.which("wrk"):
            time.sleep(1)  # what is still buffered drains
            wrk = wrk_source(daemon, delivered, SECONDS)
            results[f"{prefix}_wrk_generated_rate"] = wrk["generated_rate"]
            results[f"{prefix}_wrk_rate"] = wrk["rate"]
            results[f"{prefix}_wrk_overflowed"] = wrk["overflowed"]


def scenario_latency(results, name, command):
    # The ticker prints a line every 5 ms with stdout_events_enabled: ~200 PROCESS_LOG_STDOUT events/s into
    # a pool whose one listener takes SLOW_DELAY per event, so its 10-event buffer is always full.
    sections = f"""[eventlistener:slow]
command = {{python}} {{here}}/listener.py {{dir}}/slow.count {SLOW_DELAY}
events = PROCESS_LOG_STDOUT
buffer_size = 10
startsecs = 0
stdout_logfile = NONE
stderr_logfile = {{dir}}/slow.err

[program:ticker]
command = {{python}} {{here}}/ticker.py 0.005
autostart = false
startsecs = 0
stdout_events_enabled = true
stdout_logfile = {{dir}}/ticker.log
stderr_logfile = NONE
"""
    with Daemon(name, command, sections) as daemon:
        delivered = Counter(os.path.join(daemon.directory, "slow.count"))
        daemon.wait_running("slow")
        # Warm-up, then idle / saturated / idle again: with one idle run first, ours showed a worse idle p99
        # than saturated one (tiered JIT still compiling in the background); the second idle run shows the order effect.
        latencies(daemon, LATENCY_WARMUP)
        idle = latencies(daemon, LATENCY_SECONDS)
        log(f"{name}: getState idle: {idle['calls']} calls, p50 {idle['p50_ms']:.3f} ms, p99 {idle['p99_ms']:.3f} ms, max {idle['max_ms']:.1f} ms")
        daemon.server.supervisor.startProcess("ticker", True)
        time.sleep(2)  # the buffer fills (10 events) well within this
        over0, count0, t0 = daemon.overflows(), delivered(), time.monotonic()
        busy = latencies(daemon, LATENCY_SECONDS)
        t1 = time.monotonic()
        over1, count1 = daemon.overflows(), delivered()
        log(f"{name}: getState with the slow pool saturated: {busy['calls']} calls, p50 {busy['p50_ms']:.3f} ms, p99 {busy['p99_ms']:.3f} ms, "
            f"max {busy['max_ms']:.1f} ms; meanwhile {count1 - count0} events delivered, {over1 - over0} overflowed in {t1 - t0:.1f} s")
        daemon.server.supervisor.stopProcess("ticker", True)
        time.sleep(1)  # the slow listener works off its last 10 events
        again = latencies(daemon, LATENCY_SECONDS)
        log(f"{name}: getState idle again: {again['calls']} calls, p50 {again['p50_ms']:.3f} ms, p99 {again['p99_ms']:.3f} ms, max {again['max_ms']:.1f} ms")
        if over1 == over0:
            log(f"{name}: warning: no overflow while measuring: the pool was not saturated")
        # The ratios compare with the mean of the two idle runs, one before and one after.
        idle_p50, idle_p99 = (idle["p50_ms"] + again["p50_ms"]) / 2, (idle["p99_ms"] + again["p99_ms"]) / 2
        results.update(
            idle_p50_ms=idle["p50_ms"], idle_p99_ms=idle["p99_ms"],
            busy_p50_ms=busy["p50_ms"], busy_p99_ms=busy["p99_ms"],
            again_p50_ms=again["p50_ms"], again_p99_ms=again["p99_ms"],
            busy_p50_ratio=busy["p50_ms"] / idle_p50, busy_p99_ratio=busy["p99_ms"] / idle_p99,
            busy_overflow_rate=(over1 - over0) / (t1 - t0), busy_delivered_rate=(count1 - count0) / (t1 - t0))


def scenario_plugin(results, name, command, plugins):
    sections = """[rpcinterface:counter]
supervisor.rpcinterface_factory = TestPlugins.EventCounter.Factory:Make
events = REMOTE_COMMUNICATION
"""
    with Daemon(name, command, sections, plugins=plugins) as daemon:
        count = daemon.server.counter.count
        # No listener, so no flow control: the source runs flat out and the bus must keep up. Both figures are
        # read at the end of the window after the bus has drained (a lag would show as delivered < generated).
        source = MulticallSource(daemon)
        start = time.monotonic()
        while time.monotonic() - start < WARMUP:
            source.send()
        generated, count0, t0, cpu0 = 0, count(), time.monotonic(), cpu_seconds(daemon.pid)
        while time.monotonic() - t0 < SECONDS:
            generated += source.send()
        t1, at_end, cpu1 = time.monotonic(), count(), cpu_seconds(daemon.pid)
        time.sleep(0.2)
        drained = count()
        results["plugin_rate"] = (at_end - count0) / (t1 - t0)
        results["plugin_lag"] = generated - (at_end - count0)
        # The RPC side of every listener row's CPU figure, without a pool: the difference is the dispatch.
        results["plugin_cpu_ms_per_1000"] = 1000 * 1000 * (cpu1 - cpu0) / (at_end - count0) if at_end > count0 else None
        log(f"{name}: plugin, multicall source: {results['plugin_rate']:,.0f} events/s delivered "
            f"({generated / (t1 - t0):,.0f}/s generated; {generated - (drained - count0)} still undelivered 0.2 s later), "
            f"daemon CPU {results['plugin_cpu_ms_per_1000']:.1f} ms per 1000")
        if shutil.which("wrk"):
            wrk = wrk_source(daemon, count, SECONDS)
            results["plugin_wrk_generated_rate"] = wrk["generated_rate"]
            results["plugin_wrk_rate"] = wrk["rate"]


def measure(name, out_path, command, plugins):
    results = {"name": name}
    try:
        scenario_listener(results, "childutils", name, command, "{python} {here}/listener.py {dir}/counter.count", open_loop=True)
        if RAW_LISTENER:
            scenario_listener(results, "raw", name, command, RAW_LISTENER + " {dir}/counter.count", open_loop=True)
        scenario_latency(results, name, command)
        if plugins:
            scenario_plugin(results, name, command, plugins)
    finally:
        with open(out_path, "w") as f:
            json.dump(results, f, indent=1)


ROWS = [
    # key, label, format, better
    ("childutils_rate", "childutils listener: events/s (flow-controlled source)", "{:,.0f}", "higher"),
    ("childutils_source_wait_percent", "  source: share of the window waiting for the listener", "{:.0f} %", "info"),
    ("childutils_source_cpu_percent", "  source: CPU used (near 100 %: the source is the limit)", "{:.0f} %", "info"),
    ("childutils_lost", "  events lost (neither delivered nor reported discarded)", "{:,}", "0"),
    ("childutils_cpu_ms_per_1000", "  daemon CPU per 1,000 events (RPC in + delivery)", "{:.1f} ms", "lower"),
    ("childutils_switches_per_event", "  daemon context switches per event (all threads)", "{:.2f}", "lower"),
    ("childutils_wrk_generated_rate", "  wrk -c4 sendRemoteCommEvent: events generated/s", "{:,.0f}", "higher"),
    ("childutils_wrk_rate", "  wrk -c4: events delivered/s", "{:,.0f}", "higher"),
    ("childutils_wrk_overflowed", "  wrk -c4: events discarded (buffer overflowed)", "{:,}", "info"),
    ("raw_rate", "raw C listener: events/s (flow-controlled source)", "{:,.0f}", "higher"),
    ("raw_source_wait_percent", "  source: share of the window waiting for the listener", "{:.0f} %", "info"),
    ("raw_source_cpu_percent", "  source: CPU used (near 100 %: the source is the limit)", "{:.0f} %", "info"),
    ("raw_lost", "  events lost (neither delivered nor reported discarded)", "{:,}", "0"),
    ("raw_cpu_ms_per_1000", "  daemon CPU per 1,000 events (RPC in + delivery)", "{:.1f} ms", "lower"),
    ("raw_switches_per_event", "  daemon context switches per event (all threads)", "{:.2f}", "lower"),
    ("raw_wrk_generated_rate", "  wrk -c4 sendRemoteCommEvent: events generated/s", "{:,.0f}", "higher"),
    ("raw_wrk_rate", "  wrk -c4: events delivered/s", "{:,.0f}", "higher"),
    ("raw_wrk_overflowed", "  wrk -c4: events discarded (buffer overflowed)", "{:,}", "info"),
    ("plugin_rate", "plugin subscriber: events/s (multicall source)", "{:,.0f}", "higher"),
    ("plugin_cpu_ms_per_1000", "  daemon CPU per 1,000 events (RPC in + bus, no pool)", "{:.1f} ms", "lower"),
    ("plugin_wrk_generated_rate", "  wrk -c4 sendRemoteCommEvent: events generated/s", "{:,.0f}", "higher"),
    ("plugin_wrk_rate", "  wrk -c4: events delivered/s", "{:,.0f}", "higher"),
    ("idle_p50_ms", "getState p50, idle", "{:.3f} ms", "lower"),
    ("idle_p99_ms", "getState p99, idle", "{:.3f} ms", "lower"),
    ("busy_p50_ms", "getState p50, slow listener saturated", "{:.3f} ms", "lower"),
    ("busy_p99_ms", "getState p99, slow listener saturated", "{:.3f} ms", "lower"),
    ("again_p50_ms", "getState p50, idle again afterwards", "{:.3f} ms", "lower"),
    ("again_p99_ms", "getState p99, idle again afterwards", "{:.3f} ms", "lower"),
    ("busy_p50_ratio", "  p50 saturated / mean of the idle runs (target ~1)", "{:.2f}", "~1"),
    ("busy_p99_ratio", "  p99 saturated / mean of the idle runs (target ~1)", "{:.2f}", "~1"),
    ("busy_overflow_rate", "  slow pool: events discarded/s meanwhile", "{:,.0f}", "info"),
]


def table(ref_path, ours_path):
    ref, ours = load_results(ref_path), load_results(ours_path)
    print(f"\nevents: REMOTE_COMMUNICATION ({len(PAYLOAD)}-character payload), buffer_size={BUFFER}, {SECONDS:.0f} s per row, "
          f"{PROGRAMS} idle programs beside the counting listener; "
          f"slow listener sleeps {SLOW_DELAY} s per event; ratio = ours / reference\n")
    print_table(ROWS, ref, ours, width=56, skip_empty=True)


if __name__ == "__main__":
    if sys.argv[1] == "measure":
        separator = sys.argv.index("--")
        options = sys.argv[4:separator]
        plugins = options[options.index("--plugins") + 1] if "--plugins" in options else None
        measure(sys.argv[2], sys.argv[3], sys.argv[separator + 1:], plugins)
    elif sys.argv[1] == "table":
        table(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
