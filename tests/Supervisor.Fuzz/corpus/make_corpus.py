#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz harness (README.md beside this folder).

Real requests are made by Python's own marshaller, xmlrpc.client.dumps, exactly as supervisorctl and
any xmlrpc.client.ServerProxy send them: every method of the supervisor namespace with the arguments
supervisorctl passes (supervisor/supervisorctl.py), the system namespace, multicall, and the fuzz
harness's own probe namespace. Edge cases the marshaller never writes (i8, entities, a DTD, CDATA,
namespaces, huge numbers, deep nesting, a byte order mark, broken documents) are written by hand.

Run it from anywhere; it rewrites every file it owns (names starting with its prefixes) and leaves
other files in the folder alone. The corpus is committed: CI replays it, afl-fuzz starts from it.
"""
import datetime
import os
import xmlrpc.client as x

HERE = os.path.dirname(os.path.abspath(__file__))


def call(name, *params):
    return x.dumps(params, name, allow_none=True).encode("utf-8")


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def multicall(*calls):
    return call("system.multicall", [{"methodName": m, "params": list(p)} for m, *p in calls])


# --- what supervisorctl sends (supervisor/supervisorctl.py, one file per call) ----------------------
ctl = {
    "getVersion": (),  # _upcheck, before every command
    "getAllProcessInfo": (),  # status
    "getProcessInfo": ("web:web_00",),  # status name, pid name
    "getPID": (),  # pid
    "getSupervisorVersion": (),  # version
    "getAPIVersion": (),
    "getIdentification": (),
    "getState": (),
    "startProcess": ("worker", True),  # start
    "startProcessGroup": ("web", True),  # start group:*
    "startAllProcesses": (True,),  # start all
    "stopProcess": ("web:web_00", True),  # stop
    "stopProcessGroup": ("web", True),  # stop group:*, update
    "stopAllProcesses": (True,),  # stop all
    "signalProcess": ("worker", "HUP"),  # signal
    "signalProcessGroup": ("web", "USR1"),
    "signalAllProcesses": ("TERM",),
    "readProcessStdoutLog": ("web:web_00", -1600, 0),  # tail
    "readProcessStderrLog": ("web:web_00", -1600, 0),  # tail name stderr
    "tailProcessStdoutLog": ("worker", 0, 1024),
    "tailProcessStderrLog": ("web:web_00", 2, 3),
    "readLog": (-1600, 0),  # maintail
    "clearProcessLogs": ("web:web_00",),  # clear
    "clearAllProcessLogs": (),  # clear all
    "clearLog": (),
    "reloadConfig": (),  # reread, update
    "addProcessGroup": ("pending",),  # add, update
    "removeProcessGroup": ("quiet",),  # remove, update
    "getAllConfigInfo": (),  # avail
    "sendProcessStdin": ("worker", "hello\n"),  # fg
    "sendRemoteCommEvent": ("type", "data"),
    "shutdown": (),  # shutdown
    "restart": (),  # reload
    # Deprecated aliases the namespace still answers.
    "readProcessLog": ("worker", 0, 100),
    "tailProcessLog": ("worker", -5, 10),
    "clearProcessLog": ("worker",),
    "readMainLog": (0, 0),
}
for method, params in ctl.items():
    write(f"supervisor.{method}.xml", call(f"supervisor.{method}", *params))

# Faults a client meets: wrong names, specs, arguments.
write("supervisor.getProcessInfo-bad-name.xml", call("supervisor.getProcessInfo", "nosuch"))
write("supervisor.startProcess-group-spec.xml", call("supervisor.startProcess", "web:*", False))
write("supervisor.stopProcess-not-running.xml", call("supervisor.stopProcess", "web:web_01"))
write("supervisor.signalProcess-number.xml", call("supervisor.signalProcess", "worker", 9))
write("supervisor.signalProcess-bad.xml", call("supervisor.signalProcess", "worker", "NOSUCH"))
write("supervisor.readLog-bad-arguments.xml", call("supervisor.readLog", -1, 5))
write("supervisor.readProcessStdoutLog-window.xml", call("supervisor.readProcessStdoutLog", "web:web_00", 29, 2))
write("supervisor.readProcessStdoutLog-too-many.xml", call("supervisor.readProcessStdoutLog", "worker", 0, 100, 1))
write("supervisor.sendProcessStdin-base64.xml", call("supervisor.sendProcessStdin", "worker", x.Binary(b"\x00\xffbytes")))
write("supervisor.sendProcessStdin-int.xml", call("supervisor.sendProcessStdin", "worker", 42))
write("supervisor.addProcessGroup-int.xml", call("supervisor.addProcessGroup", 123))
write("supervisor.startProcess-odd-name.xml", call("supervisor.startProcess", "odd&<name>", "yes"))

# --- system ------------------------------------------------------------------------------------------
write("system.listMethods.xml", call("system.listMethods"))
write("system.methodHelp.xml", call("system.methodHelp", "supervisor.getState"))
write("system.methodHelp-int.xml", call("system.methodHelp", 42))
write("system.methodSignature.xml", call("system.methodSignature", "fuzz.settings"))
write("system.multicall.xml", multicall(("supervisor.getState",), ("supervisor.getProcessInfo", "worker"),
                                        ("supervisor.stopProcess", "worker", True), ("supervisor.getProcessInfo", "worker"),
                                        ("supervisor.readProcessStdoutLog", "worker", 0, 50), ("nosuch.method",)))
write("system.multicall-recursive.xml", multicall(("system.multicall", []),))
write("system.multicall-malformed.xml", call("system.multicall", [1, {"params": []}, {"methodName": 5}, {"methodName": "supervisor.getPID", "params": 7}]))
write("system.multicall-shutdown-then-call.xml", multicall(("supervisor.shutdown",), ("supervisor.getState",), ("supervisor.sendRemoteCommEvent", "a", "b")))
# xmlrpc.client.MultiCall, as a script would use it.
write("system.multicall-python.xml", call("system.multicall", [{"methodName": "supervisor.getAllProcessInfo", "params": []},
                                                                {"methodName": "fuzz.echo", "params": [[1, "two", 3.0]]}]))
write("unknown.method.xml", call("no.such.method", 1, 2))

# --- the probe namespace (tests/Supervisor.Fuzz/Harness/ProbeNamespace.cs) --------------------------------
nested = {"a": [1, [2, [3, {"b": None}]]], "": "", "ü": x.Binary(b""), "dt": datetime.datetime(1999, 12, 31, 23, 59, 59)}
probe = {
    "echo-struct": ("fuzz.echo", nested),
    "echo-scalars": ("fuzz.echo", [0, -1, 2147483647, -2147483648, True, False, 0.0, -0.0, 1e300, 5e-324, "", None]),
    "echo-text": ("fuzz.echo", "tab\tline\nquote\"apos'amp&lt<gt>ü€😀"),
    "echoAll": ("fuzz.echoAll", 1, "two", [3], {"four": 4}),
    "scalars": ("fuzz.scalars", 1, 2, True, 1.5, "text"),
    "scalars-coerced": ("fuzz.scalars", "12", 3.9, "", "2.5", x.Binary(b"bytes")),
    "optionals": ("fuzz.optionals", None, 2.5, 20, "given"),
    "when": ("fuzz.when", datetime.datetime(2026, 11, 21, 4, 51, 0)),
    "bytes": ("fuzz.bytes", x.Binary(bytes(range(256)))),
    "numbers": ("fuzz.numbers", [1, 2, 3], [4, 5]),
    "counts": ("fuzz.counts", {"a": 1, "b": 2}),
    "nested": ("fuzz.nested", {"k": [["a", "b"], []]}),
    "settings": ("fuzz.settings", {"name": "n", "retries": 5, "tags": ["t"], "state": 20, "ratio": 0.25}),
    "settings-missing": ("fuzz.settings", {"retries": "x"}),
    "depth": ("fuzz.depth", 101),
    "cancellable": ("fuzz.cancellable",),
    "boom": ("fuzz.boom",),
    "boomLater": ("fuzz.boomLater",),
    "fault": ("fuzz.fault", 4242, "short and stout"),
    "unencodable": ("fuzz.unencodable",),
    "tooWide": ("fuzz.tooWide",),
    "cycle": ("fuzz.cycle",),
    "frozenCycle": ("fuzz.frozenCycle",),
    "frozen": ("fuzz.frozen", {"x": [1, 2]}),
    "controlCharacters": ("fuzz.controlCharacters",),
    "lazyFailure": ("fuzz.lazyFailure",),
    "brokenGetter": ("fuzz.brokenGetter",),
}
for name, (method, *params) in probe.items():
    write(f"fuzz.{name}.xml", call(method, *params))

# --- edge cases the marshaller never writes ---------------------------------------------------------------
HEAD = "<?xml version='1.0'?>\n"


def doc(body, head=HEAD):
    return head + body


def echo(value_xml):
    return doc(f"<methodCall><methodName>fuzz.echo</methodName><params><param><value>{value_xml}</value></param></params></methodCall>")


edge = {
    "i8": echo("<i8>9223372036854775807</i8>"),
    "i8-min": echo("<i8>-9223372036854775808</i8>"),
    "i8-overflow": echo("<i8>9223372036854775808</i8>"),
    "int-beyond-32-bits": doc("<methodCall><methodName>supervisor.readLog</methodName><params><param><value><int>4294967296</int></value></param><param><value><int>0</int></value></param></params></methodCall>"),
    "int-huge": echo("<int>123456789012345678901234567890123456789</int>"),
    "int-plus-space": echo("<int> +7 </int>"),
    "int-empty": echo("<int></int>"),
    "ex-i8-namespace": doc("<methodCall xmlns:ex='http://ws.apache.org/xmlrpc/namespaces/extensions'><methodName>fuzz.echo</methodName><params><param><value><ex:i8>5</ex:i8></value></param><param><value><ex:nil/></value></param></params></methodCall>"),
    "boolean-words": echo("<array><data><value><boolean>true</boolean></value><value><boolean>FALSE</boolean></value></data></array>"),
    "boolean-bad": echo("<boolean>2</boolean>"),
    "double-specials": echo("<array><data><value><double>inf</double></value><value><double>-Infinity</double></value><value><double>nan</double></value><value><double>-0</double></value><value><double>1e400</double></value><value><double>.5</double></value></data></array>"),
    "double-bad": echo("<double>1.2.3</double>"),
    "datetime-forms": echo("<array><data><value><dateTime.iso8601>20261121T04:51:00</dateTime.iso8601></value><value><dateTime.iso8601>2026-11-21T04:51:00Z</dateTime.iso8601></value><value><dateTime.iso8601>00010101T00:00:00</dateTime.iso8601></value></data></array>"),
    "datetime-bad": echo("<dateTime.iso8601>20261321T25:61:61</dateTime.iso8601>"),
    "base64-forms": echo("<array><data><value><base64>aGVsbG8=</base64></value><value><base64>\naGVs\nbG8=\n</base64></value><value><base64></base64></value><value><base64>aGVsbG8</base64></value></data></array>"),
    "base64-bad": echo("<base64>!!!!</base64>"),
    "empty-values": doc("<methodCall><methodName>fuzz.echoAll</methodName><params><param><value/></param><param><value></value></param><param><value><string/></string></value></param><param><value><array/></value></param></params></methodCall>").replace("<string/></string>", "<string/>"),
    "empty-containers": echo("<array><data><value><struct/></value><value><array><data/></array></value><value><struct></struct></value></data></array>"),
    "untyped-value": echo("plain text &amp; more"),
    "whitespace-value": echo("  \n\t "),
    "nil": echo("<nil/>"),
    "entities": echo("<string>&lt;&gt;&amp;&quot;&apos;&#65;&#x1F600;&#13;&#10;&#9;</string>"),
    "entity-forbidden": echo("<string>&#1;</string>"),
    "entity-surrogate": echo("<string>&#xD800;</string>"),
    "entity-undefined": echo("<string>&nbsp;</string>"),
    "cdata": echo("<string><![CDATA[<not> & markup]]></string>"),
    "comments-and-pi": doc("<!-- c --><methodCall><?pi data?><methodName><!-- x -->fuzz.echo</methodName><params><param><value><string>a<!-- y -->b</string></value></param></params></methodCall>"),
    "dtd-internal-entity": doc("<!DOCTYPE m [<!ENTITY e 'expanded'>]><methodCall><methodName>fuzz.echo</methodName><params><param><value>&e;</value></param></params></methodCall>"),
    "dtd-billion-laughs": doc("<!DOCTYPE l [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'><!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'>]><methodCall><methodName>fuzz.echo</methodName><params><param><value>&c;</value></param></params></methodCall>"),
    "dtd-external": doc("<!DOCTYPE m SYSTEM 'file:///etc/passwd'><methodCall><methodName>fuzz.echo</methodName></methodCall>"),
    "bom": b"\xef\xbb\xbf" + echo("<string>after a byte order mark</string>").encode(),
    "encoding-latin1-declared": doc(echo("<string>ü</string>")[len(HEAD):], "<?xml version='1.0' encoding='ISO-8859-1'?>\n"),
    "invalid-utf8": echo("<string>X</string>").encode().replace(b"X", b"\xff\xc0\xaf"),
    "utf16": echo("<string>utf-16</string>").encode("utf-16"),
    "no-params": doc("<methodCall><methodName>supervisor.getState</methodName></methodCall>"),
    "no-method-name": doc("<methodCall><params/></methodCall>"),
    "empty-method-name": doc("<methodCall><methodName></methodName></methodCall>"),
    "other-root": doc("<anything><methodName>supervisor.getPID</methodName><extra><deep/></extra></anything>"),
    "bare-typed-param": doc("<methodCall><methodName>fuzz.echo</methodName><params><param><struct><member><name>k</name><value>v</value></member></struct></param></params></methodCall>"),
    "param-without-value": doc("<methodCall><methodName>fuzz.echo</methodName><params><param/></params></methodCall>"),
    "struct-member-without-name": echo("<struct><member><value>1</value></member></struct>"),
    "struct-member-without-value": echo("<struct><member><name>k</name></member></struct>"),
    "struct-duplicate-keys": echo("<struct><member><name>k</name><value>1</value></member><member><name>k</name><value>2</value></member></struct>"),
    "struct-junk": echo("<struct><junk/><member><value>v</value><name>late</name><value>ignored</value></member></struct>"),
    "array-without-data": echo("<array><value>1</value></array>"),
    "unknown-type": echo("<mystery>text <b>bold</b> tail</mystery>"),
    "truncated": echo("<array><data><value><string>unterminated")[:80],
    "trailing-garbage": echo("<string>x</string>") + "<extra/>",
    "two-roots": echo("<int>1</int>") + echo("<int>2</int>")[len(HEAD):],
    "text-only": "just text, no element",
    "empty": "",
    "deep-nesting-20": echo("<array><data><value>" * 20 + "<int>1</int>" + "</value></data></array>" * 20),
    "deep-nesting-over-limit": echo("<array><data><value>" * 25 + "<int>1</int>" + "</value></data></array>" * 25),
    "deep-structs": echo("<struct><member><name>n</name><value>" * 20 + "leaf" + "</value></member></struct>" * 20),
    "long-string": echo("<string>" + "x" * 4096 + "</string>"),
    "many-params": doc("<methodCall><methodName>fuzz.echoAll</methodName><params>" + "<param><value><int>1</int></value></param>" * 200 + "</params></methodCall>"),
    "multicall-many": doc("<methodCall><methodName>system.multicall</methodName><params><param><value><array><data>"
                          + "<value><struct><member><name>methodName</name><value>supervisor.getState</value></member></struct></value>" * 50
                          + "</data></array></value></param></params></methodCall>"),
    "control-characters-raw": echo("<string>a\x01b\x7fc</string>"),
    "cr-lf-raw": echo("<string>a\r\nb\rc</string>"),
}
for name, data in edge.items():
    write(f"edge.{name}.xml", data)
