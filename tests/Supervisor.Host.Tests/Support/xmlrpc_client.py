"""Python's own xmlrpc.client, driven by the tests as an independent client.

Usage: python3 xmlrpc_client.py URL SCRIPT
URL is unix:///path/to.sock or http://host:port (user:pass@ allowed).
SCRIPT is Python evaluated with `proxy` (a ServerProxy), `xmlrpc` and `attempt` in scope; its value is
printed as JSON: {"value": ...} or {"fault": [code, string]} or {"error": "..."}.
`attempt(lambda: proxy.x.y())` is one call's outcome in that same form, so one script can make many
calls, faults included: `[attempt(lambda: ...), attempt(lambda: ...)]`.
"""
import http.client
import json
import socket
import sys
import xmlrpc.client


class UnixTransport(xmlrpc.client.Transport):
    def __init__(self, path):
        super().__init__()
        self._path = path

    def make_connection(self, host):
        connection = http.client.HTTPConnection("localhost")
        path = self._path

        def connect():
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(path)
            connection.sock = sock

        connection.connect = connect
        return connection


def proxy_for(url):
    if url.startswith("unix://"):
        return xmlrpc.client.ServerProxy("http://localhost/RPC2", transport=UnixTransport(url[len("unix://"):]))
    return xmlrpc.client.ServerProxy(url.rstrip("/") + "/RPC2")


def jsonable(value):
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, xmlrpc.client.Binary):
        return {"base64": value.data.decode("latin-1")}
    if isinstance(value, xmlrpc.client.DateTime):
        return {"dateTime": value.value}
    return value


def attempt(call):
    try:
        return {"value": jsonable(call())}
    except xmlrpc.client.Fault as fault:
        return {"fault": [fault.faultCode, fault.faultString]}


def main():
    proxy = proxy_for(sys.argv[1])
    try:
        value = eval(sys.argv[2], {"proxy": proxy, "xmlrpc": xmlrpc, "attempt": attempt})
        print(json.dumps({"value": jsonable(value)}))
    except xmlrpc.client.Fault as fault:
        print(json.dumps({"fault": [fault.faultCode, fault.faultString]}))
    except Exception as error:  # a protocol error or an unparsable response is a test failure to report
        print(json.dumps({"error": f"{type(error).__name__}: {error}"}))


main()
