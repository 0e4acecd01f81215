"""A steady event source for the latency scenario: one short line every INTERVAL seconds on stdout
(run with -u, so each line is its own write and, with stdout_events_enabled, its own PROCESS_LOG_STDOUT event).

  ticker.py INTERVAL
"""
import sys
import time

interval = float(sys.argv[1])
n = 0
while True:
    n += 1
    print(f"tick {n}")
    time.sleep(interval)
