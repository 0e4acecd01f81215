#!/usr/bin/python3
"""An event listener as users write them, on supervisor.childutils (see ../README.md, events/run.sh).

  listener.py COUNTER-FILE [DELAY-SECONDS]

Waits for each event, optionally sleeps DELAY-SECONDS (the "slow listener" that keeps its pool's buffer
full), bumps an 8-byte little-endian counter in COUNTER-FILE (mmap'ed, so the benchmark reads it at any
moment without a round trip) and acknowledges with OK. The counter goes up before the OK, so when the
daemon sees the OK the count already includes the event. Run with /usr/bin/python3: the interpreter that
has Debian's supervisor package.
"""
import mmap
import struct
import sys
import time

from supervisor import childutils


def main():
    with open(sys.argv[1], "r+b") as f:
        counter = mmap.mmap(f.fileno(), 8)
    delay = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    count = 0
    while True:
        childutils.listener.wait(sys.stdin, sys.stdout)  # READY, then one header line and its payload
        if delay:
            time.sleep(delay)
        count += 1
        struct.pack_into("<Q", counter, 0, count)
        childutils.listener.ok(sys.stdout)


if __name__ == "__main__":
    main()
