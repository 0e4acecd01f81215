#!/usr/bin/env python3
"""The status page, side by side: ours and the reference 4.2.5 with the same N programs.

For each daemon: GET / on one keep-alive connection, REQUESTS times after WARMUP, and report the median wall
time per page, the daemon's own CPU per page (utime+stime from /proc/<pid>/stat over the whole run, divided by
the requests: the "daemon time" of a page, whatever the client costs), and the page's size.
Usage: bench.py NAME PID PORT [REQUESTS] [WARMUP]
"""
import http.client
import os
import statistics
import sys
import time


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # utime and stime are fields 14 and 15 of the whole line; here, after "pid (comm)", 12 and 13 (1-based: 12, 13).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    name, pid, port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    requests = int(sys.argv[4]) if len(sys.argv) > 4 else 300
    warmup = int(sys.argv[5]) if len(sys.argv) > 5 else 30
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def page():
        connection.request("GET", "/index.html")
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise SystemExit(f"{name}: GET / answered {response.status}")
        return body

    for _ in range(warmup):
        page()
    walls = []
    size = 0
    before = cpu_seconds(pid)
    for _ in range(requests):
        start = time.perf_counter()
        size = len(page())
        walls.append(time.perf_counter() - start)
    cpu = cpu_seconds(pid) - before
    print(f"{name}\t{statistics.median(walls) * 1000:.2f}\t{cpu / requests * 1000:.2f}\t{size}")


if __name__ == "__main__":
    main()
