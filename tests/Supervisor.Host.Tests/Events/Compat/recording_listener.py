#!/usr/bin/python3
"""An event listener for the listener compatibility tests, built on supervisor.childutils.

Usage: recording_listener.py OUT [--fail N] [--mode MODE] [--go FILE] [--start-on-crash]

Every event it receives is appended to OUT as one JSON line (keys sorted, UTF-8, not ASCII-escaped):
  {"n": <k-th event this process got>, "line": "<raw header line>", "headers": {...},
   "payload": "...", "result": "OK" | "FAIL" | <what it wrote instead>, "action": ..., "at": <time.time()>}
Each start of the process appends {"start": true} first, so a restart shows in the record.

--fail N          answer FAIL to the first N events this process receives, then OK.
--go FILE         do not send the first READY until FILE exists (a listener that is slow to become ready).
--start-on-crash  on PROCESS_STATE_EXITED with expected:0, call supervisor.startProcess on that process
                  (through childutils.getRPCInterface) and record what it returned.
--mode MODE       a protocol violation:
    garbage        write 'garbage\\n' instead of the first READY
    okgarbage      answer the first event 'RESULT 2\\nOKgarbage\\n'
    badresult      answer the first event 'RESULT two\\n'
    die-busy       the first time ever (no OUT.died marker), exit(3) while BUSY, without a result
After a violation the listener keeps reading stdin (it must not receive anything more).

Run with the system python3 (/usr/bin/python3): that is where the reference supervisor package lives.
"""
import argparse
import json
import os
import sys
import time

from supervisor import childutils

# The tests are about the daemon, not about the machine's locale: envelopes are UTF-8 and `len` counts
# characters, which is what a text-mode UTF-8 stdin reads.
sys.stdin.reconfigure(encoding="utf-8")
sys.stdout.reconfigure(encoding="utf-8")


def record(out, entry):
    entry["at"] = time.time()
    with open(out, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry, sort_keys=True, ensure_ascii=False) + "\n")


def read_event():
    """What childutils.listener.wait() does after ready(), keeping the raw header line too."""
    line = sys.stdin.readline()
    if not line:
        sys.exit(0)
    headers = childutils.get_headers(line)
    payload = sys.stdin.read(int(headers["len"]))
    return line.rstrip("\n"), headers, payload


def idle_forever():
    """After a violation: keep stdin open and record anything that still arrives (nothing should)."""
    while True:
        data = sys.stdin.readline()
        if not data:
            sys.exit(0)
        record(ARGS.out, {"unexpected": data})


def main():
    record(ARGS.out, {"start": True})
    if ARGS.go:
        while not os.path.exists(ARGS.go):
            time.sleep(0.05)
    if ARGS.mode == "garbage":
        sys.stdout.write("garbage\n")
        sys.stdout.flush()
        idle_forever()

    n = 0
    while True:
        childutils.listener.ready()
        line, headers, payload = read_event()
        n += 1
        entry = {"n": n, "line": line, "headers": headers, "payload": payload}
        if n == 1 and ARGS.mode == "okgarbage":
            entry["result"] = "OKgarbage"
            record(ARGS.out, entry)
            sys.stdout.write("RESULT 2\nOKgarbage\n")
            sys.stdout.flush()
            idle_forever()
        if n == 1 and ARGS.mode == "badresult":
            entry["result"] = "RESULT two"
            record(ARGS.out, entry)
            sys.stdout.write("RESULT two\n")
            sys.stdout.flush()
            idle_forever()
        if ARGS.mode == "die-busy" and not os.path.exists(ARGS.out + ".died"):
            open(ARGS.out + ".died", "w").close()
            entry["result"] = "died"
            record(ARGS.out, entry)
            sys.exit(3)
        if ARGS.start_on_crash and headers["eventname"] == "PROCESS_STATE_EXITED":
            fields = childutils.get_headers(payload)
            if fields.get("expected") == "0":
                name = "%s:%s" % (fields["groupname"], fields["processname"])
                rpc = childutils.getRPCInterface(os.environ)
                try:
                    entry["action"] = "startProcess(%s) -> %r" % (name, rpc.supervisor.startProcess(name, False))
                except Exception as e:  # the record shows what the daemon answered, fault included
                    entry["action"] = "startProcess(%s) -> %s" % (name, e)
        if n <= ARGS.fail:
            entry["result"] = "FAIL"
            record(ARGS.out, entry)
            childutils.listener.fail()
        else:
            entry["result"] = "OK"
            record(ARGS.out, entry)
            childutils.listener.ok()


parser = argparse.ArgumentParser()
parser.add_argument("out")
parser.add_argument("--fail", type=int, default=0)
parser.add_argument("--mode", default="ok", choices=["ok", "garbage", "okgarbage", "badresult", "die-busy"])
parser.add_argument("--go")
parser.add_argument("--start-on-crash", action="store_true")
ARGS = parser.parse_args()
main()
