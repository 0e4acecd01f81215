"""What the side-by-side benchmark scripts (engine/bench.py, events/bench.py, resilience/run.py) share: logging,
a free port, a daemon's CPU and memory from /proc, an XML-RPC proxy with a timeout, and the tables."""
import json
import os
import socket
import sys
import time
import xmlrpc.client

TICKS = os.sysconf("SC_CLK_TCK")


def log(message):
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14, 15)


def rss_mib(pid):
    return status_mib(pid, "VmRSS")


def status_mib(pid, field):
    """A memory field of /proc/<pid>/status (VmRSS, VmHWM: the peak resident size, ...) in MiB; None when gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def proxy(port, timeout=60):
    class Transport(xmlrpc.client.Transport):
        def make_connection(self, host):
            connection = super().make_connection(host)
            connection.timeout = timeout
            return connection
    return xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}/RPC2", transport=Transport())


def load_results(path):
    """A measure run's JSON, or {} when that daemon was not measured (not installed, or it failed)."""
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def print_markdown(headers, rows):
    """A markdown table of already formatted cells, columns padded to their widest cell."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    print("| " + " | ".join(f"{h:<{w}}" for h, w in zip(headers, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(f"{str(c):<{w}}" for c, w in zip(row, widths)) + " |")


def print_table(rows, ref, ours, width, skip_empty=False):
    """One markdown row per (key, label, format, better); the ratio is ours / reference where lower or higher is better."""
    header = f"| {'what':<{width}} | {'reference 4.2.5':>16} | {'ours':>16} | {'ratio':>7} | better |"
    print(header)
    print("|" + "|".join("-" * len(c) for c in header.split("|")[1:-1]) + "|")
    for key, label, fmt, better in rows:
        r, o = ref.get(key), ours.get(key)
        if skip_empty and r is None and o is None:
            continue
        rs = fmt.format(r) if r is not None else "n/a"
        os_ = fmt.format(o) if o is not None else "n/a"
        comparable = better in ("higher", "lower")
        ratio = f"{o / r:.2f}" if comparable and r and o is not None else ("n/a" if comparable else "")
        print(f"| {label:<{width}} | {rs:>16} | {os_:>16} | {ratio:>7} | {better:<6} |")
