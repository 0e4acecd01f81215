"""Calls XML-RPC methods with the arguments a test gives and reports what each answered.

Usage: python3 wrong_types.py URL < rows.json
URL is http://host:port. Each row of the JSON array is {"method": "supervisor.readLog", "args": "[0, 'abc']"};
args is a Python expression (DT is an xmlrpc.client.DateTime, None is nil). Prints a JSON array with, per row:
"fault <code> <faultString>", "HTTP <status>", "ok <summary>" (a bulk call's entries as sorted
"name:status" words, otherwise the result's Python type) or "error <exception>". After every call the
daemon is put back as the test config starts it: 'manual' and 'nolog' stopped, 'sleeper' running.
"""
import json
import sys
import time
import xmlrpc.client

URL = sys.argv[1]
DT = xmlrpc.client.DateTime('20260102T03:04:05')


class Transport(xmlrpc.client.Transport):
    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = 30
        return connection


def proxy():
    return xmlrpc.client.ServerProxy(URL.rstrip('/') + '/RPC2', transport=Transport(), allow_none=True)


def summary(value):
    if isinstance(value, list) and value and all(isinstance(v, dict) and 'status' in v for v in value):
        return ' '.join(sorted(f"{v['name']}:{v['status']}" for v in value))
    return type(value).__name__


def call(method, args):
    try:
        return 'ok ' + summary(getattr(proxy(), method)(*args))
    except xmlrpc.client.Fault as fault:
        return f'fault {fault.faultCode} {fault.faultString}'
    except xmlrpc.client.ProtocolError as error:
        return f'HTTP {error.errcode}'
    except Exception as error:  # a hang, a dropped connection, invalid XML: reported, the test shows it
        return f'error {type(error).__name__}: {error}'


def reset():
    supervisor = proxy().supervisor
    for name in ('manual', 'nolog'):
        try:
            supervisor.stopProcess(name)
        except xmlrpc.client.Fault:
            pass
    deadline = time.time() + 30
    while time.time() < deadline:
        state = supervisor.getProcessInfo('sleeper')['statename']
        if state == 'RUNNING':
            return
        if state in ('STOPPED', 'EXITED', 'FATAL'):
            try:
                supervisor.startProcess('sleeper')
            except xmlrpc.client.Fault:
                pass
        time.sleep(0.05)
    raise SystemExit('sleeper does not come back')


def main():
    outcomes = []
    for row in json.load(sys.stdin):
        outcomes.append(call(row['method'], eval(row['args'], {'DT': DT})))
        reset()
    print(json.dumps(outcomes))


main()
