"""A steady event source for the latency scenario: one short line every INTERVAL seconds on stdout, each
line one write(2) (print() would write the text and the newline separately, and a daemon that reads between
the two makes two PROCESS_LOG_STDOUT events of it), so with stdout_events_enabled one line is one event.

  ticker.py INTERVAL
"""
import os
import sys
import time

interval = float(sys.argv[1])
n = 0
while True:
    n += 1
    os.write(1, f"tick {n}\n".encode())
    time.sleep(interval)
