#!/usr/bin/env python3
# Usage (from the repository root): python3 tests/Supervisor.Benchmarks/startup/sample_startup.py RUNS DLL [DLL...]
# Runs each build of supervisord.dll RUNS times, alternating, on the sample config (a DLL is started with
# `dotnet DLL`; any other path as an executable, e.g. a self-contained publish's `supervisord`)
# (samples/AnotherRpcInterface/supervisord.conf, socket, port and logs moved into a temporary folder).
# Per run: the daemon's own CPU time (utime+stime) and wall time from launch to its first answered
# system.listMethods on the unix socket, and VmRSS 2 s later; prints the medians per build.
import os, sys, time, subprocess, tempfile, statistics, socket, http.client, xmlrpc.client, signal, re
dlls = sys.argv[2:]; n = int(sys.argv[1])
sample = open('samples/AnotherRpcInterface/supervisord.conf').read()
class UnixConn(http.client.HTTPConnection):
    def __init__(self, path): super().__init__('localhost'); self.path_ = path
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX); self.sock.connect(self.path_)
def call(path):
    c = UnixConn(path); body = xmlrpc.client.dumps((), 'system.listMethods')
    c.request('POST', '/RPC2', body, {'Content-Type': 'text/xml'}); r = c.getresponse(); return r.status == 200 and b'fault' not in r.read()
cpu = {d: [] for d in dlls}; starts = {d: [] for d in dlls}; rss = {d: [] for d in dlls}
for i in range(n * len(dlls)):
    dll = dlls[i % len(dlls)]
    d = tempfile.mkdtemp()
    s = sample.replace('/tmp/supervisor-plugins-sample', d + '/s').replace('127.0.0.1:9001', '127.0.0.1:%d' % (19301 + i % 50)).replace('childlogdir = /tmp', 'childlogdir = ' + d).replace('%(here)s', os.path.abspath('samples/AnotherRpcInterface'))
    conf = d + '/supervisord.conf'; open(conf, 'w').write(s)
    t0 = time.monotonic(); p = subprocess.Popen((['dotnet', dll] if dll.endswith('.dll') else [dll]) + ['-n', '-c', conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            if call(d + '/s.sock'): break
        except OSError: pass
        time.sleep(0.005)
    starts[dll].append((time.monotonic() - t0) * 1000)
    f = open('/proc/%d/stat' % p.pid).read().rsplit(')', 1)[1].split()
    cpu[dll].append((int(f[11]) + int(f[12])) * 1000 / os.sysconf('SC_CLK_TCK'))
    time.sleep(2)
    rss[dll].append(int(re.search(r'VmRSS:\s+(\d+)', open('/proc/%d/status' % p.pid).read()).group(1)) / 1024)
    p.send_signal(signal.SIGTERM); p.wait()
for d in dlls:
    print('%s: CPU ms to ready median %.0f (runs %s); start-up ms median %.0f (runs %s); RSS MiB median %.1f (runs %s)' % (d, statistics.median(cpu[d]), ' '.join('%.0f' % x for x in cpu[d]), statistics.median(starts[d]), ' '.join('%.0f' % x for x in starts[d]), statistics.median(rss[d]), ' '.join('%.1f' % x for x in rss[d])))
print('load', os.getloadavg())
