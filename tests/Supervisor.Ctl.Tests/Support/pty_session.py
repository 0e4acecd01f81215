#!/usr/bin/env python3
"""Runs a program on a pseudo-terminal (80x24, TERM=xterm) and types lines into it, as a person would.

usage: pty_session.py CAPTURE LINES_JSON PROGRAM [ARG...]

LINES_JSON is a JSON list of strings, each the keys of one line (escape sequences included, e.g. "sta\\t"
or "\\u001b[A\\r"). Each is typed once the program shows its prompt ("> " at the end of its output) and
has been quiet for a moment, so typed keys never race the output of the command before. An entry
[MARKER, KEYS] waits instead for MARKER to appear after what was typed last (e.g. fg's banner). Everything the
program wrote goes to CAPTURE (raw bytes); the exit status is the program's, 124 when it did not end
within 60 s after the last line.
"""
import fcntl
import json
import os
import pty
import re
import select
import struct
import sys
import termios
import time

capture_path, lines, argv = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3:]
pid, master = pty.fork()
if pid == 0:
    os.environ["TERM"] = "xterm"
    os.execvp(argv[0], argv)

fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
output = bytearray()
# Escape sequences (CSI, and two-byte ones such as keypad mode) are ignored when looking for the prompt.
escapes = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[=>]|[\x07\r]")


def read(timeout):
    """Reads what is there within timeout seconds; False once the program has closed the terminal."""
    ready, _, _ = select.select([master], [], [], timeout)
    if not ready:
        return True
    try:
        data = os.read(master, 65536)
    except OSError:
        return False
    if not data:
        return False
    output.extend(data)
    return True


def wait_for(shown, limit=60.0):
    """Waits until shown(output since the last keys) holds and the program has been quiet for 0.3 s."""
    deadline = time.monotonic() + limit
    seen = len(output)
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        if not read(0.05):
            return False
        if len(output) != seen:
            seen, quiet_since = len(output), time.monotonic()
        elif shown(escapes.sub(b"", bytes(output[typed_at:]))) and time.monotonic() - quiet_since > 0.3:
            return True
    return False


alive = True
typed_at = 0
for entry in lines:
    marker, keys = entry if isinstance(entry, list) else (None, entry)
    if marker is None:
        ready = wait_for(lambda text: text.endswith(b"> "))
    else:
        ready = wait_for(lambda text: marker.encode() in text)
    if not ready:
        alive = False
        break
    typed_at = len(output)
    os.write(master, keys.encode())

deadline = time.monotonic() + 60
while alive and time.monotonic() < deadline:
    alive = read(0.1)

status = 124
try:
    waited, code = os.waitpid(pid, os.WNOHANG if alive else 0)
    if waited:
        status = os.waitstatus_to_exitcode(code)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
except ChildProcessError:
    pass

with open(capture_path, "wb") as capture:
    capture.write(bytes(output))
sys.exit(status if status >= 0 else 128 - status)
