#!/usr/bin/env python3
"""An event listener for the sample config: prints every event it receives on stderr.

It speaks Supervisor's listener protocol with the standard library only (supervisor.childutils does
the same): write READY, read one header line, then exactly `len` *characters* of payload from a
UTF-8 text stream (len counts characters, not bytes), answer RESULT 2 / OK, and start again.
Its stdout belongs to the protocol, so anything meant for people goes to stderr
(`supervisorctl tail notes stderr`).
"""
import sys

stdin = open(sys.stdin.fileno(), "r", encoding="utf-8", newline="")

while True:
    sys.stdout.write("READY\n")
    sys.stdout.flush()
    line = stdin.readline()
    if not line:
        break
    headers = dict(pair.split(":", 1) for pair in line.split())
    payload = stdin.read(int(headers["len"]))
    print(f"{headers['eventname']} (serial {headers['serial']}): {payload}", file=sys.stderr, flush=True)
    sys.stdout.write("RESULT 2\nOK")
    sys.stdout.flush()
