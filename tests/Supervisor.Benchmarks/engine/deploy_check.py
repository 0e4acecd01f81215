#!/usr/bin/env python3
"""deploy_check.py NAME DAEMON-COMMAND...: start one deployed daemon on the sample config
(samples/AnotherRpcInterface/supervisord.conf, its socket, port and logs moved into a temporary folder), and
check over XML-RPC that the built-in namespace and the sample plugin's `another` namespace both answer
(the plugin loaded from the daemon's own plugins/ folder). Exits 1 with the daemon's output when not.
Run from the repository root (deploy-compare.sh does)."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xmlrpc.client

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import free_port, log, proxy  # noqa: E402

RUNNING = 20


def sample_config(directory, port):
    here = os.path.abspath("samples/AnotherRpcInterface")
    with open(os.path.join(here, "supervisord.conf")) as f:
        text = f.read()
    text = (text.replace("/tmp/supervisor-plugins-sample", os.path.join(directory, "sample"))
            .replace("127.0.0.1:9001", f"127.0.0.1:{port}")
            .replace("childlogdir = /tmp", f"childlogdir = {directory}")
            .replace("%(here)s", here))
    path = os.path.join(directory, "supervisord.conf")
    with open(path, "w") as f:
        f.write(text)
    return path


def check(name, command):
    directory = tempfile.mkdtemp(prefix="svdeploy")
    port = free_port()
    out = open(os.path.join(directory, "daemon.out"), "w")
    daemon = subprocess.Popen(command + ["-n", "-c", sample_config(directory, port)], stdout=out, stderr=subprocess.STDOUT)
    server = proxy(port, timeout=30)
    try:
        deadline = time.monotonic() + 60
        while True:
            if daemon.poll() is not None:
                raise RuntimeError(f"exited with {daemon.returncode}")
            try:
                state = server.supervisor.getState()
                break
            except (OSError, xmlrpc.client.ProtocolError):
                if time.monotonic() > deadline:
                    raise RuntimeError("no answer within 60 s")
                time.sleep(0.05)
        methods = server.system.listMethods()
        another = sorted(m for m in methods if m.startswith("another."))
        if state.get("statename") != "RUNNING" or "another.describeDaemon" not in another:
            raise RuntimeError(f"state {state}, another.* methods {another}")
        retries = server.another.getRetries()
        attempt = server.another.attempt(1)
        summary = server.another.describeDaemon()
        if retries != 1:
            raise RuntimeError(f"another.getRetries() gave {retries}, the sample config says retries = 1")
        deadline = time.monotonic() + 30
        while server.supervisor.getProcessInfo("heartbeat")["state"] != RUNNING:
            if time.monotonic() > deadline:
                raise RuntimeError("the sample's heartbeat program is not RUNNING within 30 s")
            time.sleep(0.1)
        log(f"{name}: serves the sample config: supervisor.getState {state['statename']}, {len(another)} another.* methods, "
            f"another.attempt(1) {attempt}, another.describeDaemon {sorted(summary)[:3]}..., heartbeat RUNNING")
    except (RuntimeError, OSError, xmlrpc.client.Error) as e:
        out.flush()
        with open(os.path.join(directory, "daemon.out")) as f:
            sys.stderr.write(f.read()[-4000:])
        log(f"{name}: FAILED on the sample config: {e}")
        return False
    finally:
        if daemon.poll() is None:
            daemon.send_signal(signal.SIGTERM)
            try:
                daemon.wait(timeout=30)
            except subprocess.TimeoutExpired:
                daemon.kill()
                daemon.wait()
        out.close()
        shutil.rmtree(directory, ignore_errors=True)
    return True


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sys.exit(0 if check(sys.argv[1], sys.argv[2:]) else 1)
