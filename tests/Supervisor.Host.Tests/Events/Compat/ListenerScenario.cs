using CompatScenario = Supervisor.Host.Tests.Compat.Scenario;

namespace Supervisor.Host.Tests.Events.Compat;

/// <summary>
/// A side-by-side listener scenario: one config template (<see cref="ListenerRun.Expand"/>) and the steps run
/// against each daemon. <paramref name="Expected"/> are lines the reference's transcript must contain (the
/// self-test checks them, so a scenario cannot silently test nothing). <paramref name="OursExpected"/>, when
/// set, turns the reference's transcript into what ours must print instead: a reference bug we do not copy.
/// </summary>
internal sealed record ListenerScenario(
    string Name,
    string Config,
    IReadOnlyList<ListenerStep> Steps,
    IReadOnlyList<string> Expected,
    Func<string, string>? OursExpected = null,
    bool MayExitAtStartUp = false)
{
    /// <summary>The programs, written into the run's directory.</summary>
    public static readonly IReadOnlyList<(string Name, string Body)> Scripts =
    [
        ("sleeper.sh", "#!/bin/sh\nexec sleep 100000\n"),
        // Used with startsecs=3: the reference notices an exit up to one poll (1 s) late, and must still see it as too quick.
        ("failer.sh", "#!/bin/sh\nexit 1\n"),
        // Crashes once (exit 3), then runs; with startsecs=0 that is RUNNING -> EXITED (expected:0) whenever the exit is noticed.
        ("crasher.sh", "#!/bin/sh\nif [ -e \"$1\" ]; then exec sleep 100000; fi\ntouch \"$1\"\nsleep 0.3\nexit 3\n"),
        // Fixture issue-565's text, in one write (so one PROCESS_LOG_STDOUT chunk).
        ("hello.sh", "#!/bin/sh\nprintf 'The \u00d8resund bridge ends in Malm\u00f6 - 1\\n'\nexec sleep 100000\n"),
        // A byte that is not UTF-8.
        ("raw.sh", "#!/bin/sh\nprintf 'raw \\377 byte\\n'\nexec sleep 100000\n"),
        ("comm.py", """
            import sys
            import time

            from supervisor import childutils

            out = sys.stdout.buffer
            out.write(b"before\n")
            # childutils.pcomm.stdout(msg) raises TypeError on Python 3 (it writes the bytes tokens to the text
            # stream sys.stdout); send() with the binary stream is the same protocol. One flush: one write.
            childutils.pcomm.send("h\u00ebllo comm".encode(), out)
            time.sleep(0.3)
            childutils.pcomm.send(b"on stderr", sys.stderr.buffer)
            time.sleep(0.3)
            out.write(b"after: the normal output goes on\n")
            out.flush()
            time.sleep(100000)

            """),
    ];

    /// <summary>The existing harness's sections: own socket and port, logs in the run's directory, <c>identifier = compat</c>.</summary>
    public const string Header = CompatScenario.Header;

    public string Template => Header + Config;

    public static readonly IReadOnlyList<ListenerScenario> All =
    [
        // a. Process state events from start-up to shutdown, with the group and supervisor events around them.
        new("process-state",
            """
            [eventlistener:rec]
            command = {listener} {dir}/rec.jsonl
            events = PROCESS_STATE,PROCESS_GROUP,SUPERVISOR_STATE_CHANGE

            [program:sleeper]
            command = {dir}/sleeper.sh

            [program:failer]
            command = {dir}/failer.sh
            autostart = false
            startsecs = 3
            startretries = 1

            """,
            [
                WaitForRecords.State("rec.jsonl", "sleeper", "RUNNING"),
                new Supervisorctl("stop sleeper"),
                WaitForRecords.State("rec.jsonl", "sleeper", "STOPPED"),
                new Supervisorctl("start failer"),
                WaitForRecords.State("rec.jsonl", "failer", "FATAL"),
                new Received("rec.jsonl"),
                new Supervisorctl("shutdown"),
                new DaemonExit(),
                // Whether SUPERVISOR_STATE_CHANGE_STOPPING reaches the listener before the reference kills it is a
                // race (the stop passes can follow each other within milliseconds); nothing else may arrive.
                new Check("after the FATAL event the listener got nothing but SUPERVISOR_STATE_CHANGE_STOPPING", run => run.Records("rec.jsonl")
                    .SkipWhile(r => !r.IsState("failer", "FATAL")).Skip(1)
                    .All(r => r.EventName == "SUPERVISOR_STATE_CHANGE_STOPPING")),
            ],
            [
                "#1 ver:3.0 server:compat serial:0 pool:rec poolserial:0 eventname:PROCESS_GROUP_ADDED len:<chars> | \"groupname:rec\\n\" -> OK",
                "#4 ver:3.0 server:compat serial:3 pool:rec poolserial:3 eventname:SUPERVISOR_STATE_CHANGE_RUNNING len:<chars> | \"\" -> OK",
                "failer: ERROR (spawn error)",
                "#14 ver:3.0 server:compat serial:13 pool:rec poolserial:13 eventname:PROCESS_STATE_BACKOFF len:<chars> | \"processname:failer groupname:failer from_state:STARTING tries:2\" -> OK",
                "#15 ver:3.0 server:compat serial:14 pool:rec poolserial:14 eventname:PROCESS_STATE_FATAL len:<chars> | \"processname:failer groupname:failer from_state:BACKOFF\" -> OK",
                "# after the FATAL event the listener got nothing but SUPERVISOR_STATE_CHANGE_STOPPING: yes",
            ]),

        // b. Non-ASCII names and output (fixture issue-565): len counts characters; undecodable bytes. The startsecs
        // keep the order fixed on a loaded machine: output (at once), then tëst RUNNING (3 s), then rec RUNNING (6 s).
        // With 1 s, a machine loaded enough that the shell script took over a second to print let the reference
        // report RUNNING before the output (a clean-suite run beside three builds did).
        // The reference checks start-up times once per poll (about 1 s apart under load) and, when two are due in
        // the same poll, reports them in name order (rec before tëst), so the two must be more than a poll apart.
        new("non-ascii",
            """
            [eventlistener:rec]
            command = {listener} {dir}/rec.jsonl
            events = PROCESS_LOG,PROCESS_STATE_RUNNING
            startsecs = 6

            [program:tëst]
            command = {dir}/hello.sh
            stdout_events_enabled = true
            startsecs = 3

            [program:raw]
            command = {dir}/raw.sh
            stdout_events_enabled = true
            autostart = false
            startsecs = 2

            """,
            [
                WaitForRecords.State("rec.jsonl", "tëst", "RUNNING"),
                new Supervisorctl("start raw"),
                WaitForRecords.State("rec.jsonl", "raw", "RUNNING"),
                new Received("rec.jsonl"),
                new Check("every tëst event's len counts characters, and its UTF-8 payload has more bytes than that", run => run.Records("rec.jsonl")
                    .Where(r => r.IsEvent && r.Fields.GetValueOrDefault("processname") == "tëst")
                    .All(r => r.Headers["len"] == r.Payload.EnumerateRunes().Count().ToString(System.Globalization.CultureInfo.InvariantCulture)
                        && System.Text.Encoding.UTF8.GetByteCount(r.Payload) > r.Payload.EnumerateRunes().Count())),
            ],
            [
                "# every tëst event's len counts characters, and its UTF-8 payload has more bytes than that: yes",
                "#1 ver:3.0 server:compat serial:0 pool:rec poolserial:0 eventname:PROCESS_LOG_STDOUT len:<chars> | \"processname:tëst groupname:tëst pid:<PID> channel:stdout\\nThe Øresund bridge ends in Malmö - 1\\n\" -> OK",
                "#2 ver:3.0 server:compat serial:1 pool:rec poolserial:1 eventname:PROCESS_STATE_RUNNING len:<chars> | \"processname:tëst groupname:tëst from_state:STARTING pid:<PID>\" -> OK",
                "#4 ver:3.0 server:compat serial:3 pool:rec poolserial:3 eventname:PROCESS_LOG_STDOUT len:<chars> | \"processname:raw groupname:raw pid:<PID> channel:stdout\\nUndecodable: b'raw \\\\xff byte\\\\n'\" -> OK",
            ]),

        // c. REMOTE_COMMUNICATION from xmlrpc.client.
        new("remote-communication",
            """
            [eventlistener:rec]
            command = {listener} {dir}/rec.jsonl
            events = REMOTE_COMMUNICATION

            """,
            [
                new Rpc("proxy.supervisor.sendRemoteCommEvent('type', 'd\u00e4t\u00e4')"),
                new Rpc("proxy.supervisor.sendRemoteCommEvent('', '')"),
                WaitForRecords.Events("rec.jsonl", 2),
                new Received("rec.jsonl"),
            ],
            [
                "#1 ver:3.0 server:compat serial:0 pool:rec poolserial:0 eventname:REMOTE_COMMUNICATION len:<chars> | \"type:type\\ndätä\" -> OK",
                "#2 ver:3.0 server:compat serial:1 pool:rec poolserial:1 eventname:REMOTE_COMMUNICATION len:<chars> | \"type:\\n\" -> OK",
            ]),

        // d. A listener on PROCESS_STATE_EXITED restarts a program that crashed, through childutils.getRPCInterface.
        new("crash-notification",
            """
            [eventlistener:watch]
            command = {listener} {dir}/watch.jsonl --start-on-crash
            events = PROCESS_STATE_EXITED

            [program:crasher]
            command = {dir}/crasher.sh {dir}/crashed
            startsecs = 0
            autorestart = false

            """,
            [
                WaitForRecords.Events("watch.jsonl", 1),
                new WaitForState("crasher", "RUNNING"),
                new Received("watch.jsonl"),
                new LogLines(InOrder: true, "crasher"),
            ],
            [
                "#1 ver:3.0 server:compat serial:0 pool:watch poolserial:0 eventname:PROCESS_STATE_EXITED len:<chars> | \"processname:crasher groupname:crasher from_state:RUNNING expected:0 pid:<PID>\" -> OK | startProcess(crasher:crasher) -> True",
                "<TS> WARN exited: crasher (exit status 3; not expected)",
            ]),

        // e. Capture mode: PROCESS_COMMUNICATION_STDOUT/STDERR, and what reaches the stdout log.
        new("capture",
            """
            [eventlistener:rec]
            command = {listener} {dir}/rec.jsonl
            events = PROCESS_COMMUNICATION

            [program:comm]
            command = {python} {dir}/comm.py
            stdout_capture_maxbytes = 1MB
            stderr_capture_maxbytes = 1MB
            stdout_logfile = {dir}/comm.out
            stderr_logfile = {dir}/comm.err

            """,
            [
                WaitForRecords.Events("rec.jsonl", 2),
                new WaitForLogFile("comm.out", "after:"),
                new Received("rec.jsonl"),
                new FileContent("comm.out"),
                new FileContent("comm.err"),
            ],
            [
                "#1 ver:3.0 server:compat serial:0 pool:rec poolserial:0 eventname:PROCESS_COMMUNICATION_STDOUT len:<chars> | \"processname:comm groupname:comm pid:<PID>\\nhëllo comm\" -> OK",
                "#2 ver:3.0 server:compat serial:1 pool:rec poolserial:1 eventname:PROCESS_COMMUNICATION_STDERR len:<chars> | \"processname:comm groupname:comm pid:<PID>\\non stderr\" -> OK",
                "before",
                "after: the normal output goes on",
            ]),

        // f. A rejected event is re-sent to the same pool with the same serial. The reference also re-buffers
        // it into every pool whose listeners have the rejecting listener's priority (supervisor/process.py:
        // EventListenerPool.handle_rejected asks `process in procs`, and Subprocess.__eq__ compares
        // priorities): 'other' (-1, subscribed to PROCESS_GROUP_ADDED only) gets the REMOTE_COMMUNICATION
        // event; 'isolated' (priority 5) does not. Ours must not have that bug: its expected transcript is
        // the reference's without those lines.
        new("rejection",
            """
            [eventlistener:rejecter]
            command = {listener} {dir}/rejecter.jsonl --fail 1
            events = REMOTE_COMMUNICATION

            [eventlistener:other]
            command = {listener} {dir}/other.jsonl
            events = PROCESS_GROUP_ADDED

            [eventlistener:isolated]
            command = {listener} {dir}/isolated.jsonl
            events = PROCESS_GROUP_ADDED
            priority = 5

            """,
            [
                WaitForRecords.Events("other.jsonl", 2),
                WaitForRecords.Events("isolated.jsonl", 1),
                new Rpc("proxy.supervisor.sendRemoteCommEvent('t', 'd\u00e4t\u00e4')"),
                WaitForRecords.Events("rejecter.jsonl", 2),
                new Settle(),
                new Received("rejecter.jsonl"),
                new Received("other.jsonl"),
                new Received("isolated.jsonl"),
                new LogLines(InOrder: true, "rejected"),
            ],
            [
                "#1 ver:3.0 server:compat serial:3 pool:rejecter poolserial:0 eventname:REMOTE_COMMUNICATION len:<chars> | \"type:t\\ndätä\" -> FAIL",
                "#2 ver:3.0 server:compat serial:3 pool:rejecter poolserial:0 eventname:REMOTE_COMMUNICATION len:<chars> | \"type:t\\ndätä\" -> OK",
                RejectionBugLine,
            ],
            OursExpected: Without(RejectionBugLine)),

        // f'. The same bug through another door: a listener that dies while BUSY has its event put back through the
        // same "rejected" notification, so the reference also copies it into 'other' (same priority, not subscribed).
        new("dead-listener",
            """
            [eventlistener:diebusy]
            command = {listener} {dir}/diebusy.jsonl --mode die-busy
            events = REMOTE_COMMUNICATION

            [eventlistener:other]
            command = {listener} {dir}/other.jsonl
            events = PROCESS_GROUP_ADDED

            """,
            [
                // Groups are activated in (priority, name) order: 'other' exists after 'diebusy', so it gets only its own.
                WaitForRecords.Events("other.jsonl", 1),
                new Rpc("proxy.supervisor.sendRemoteCommEvent('d', 'x')"),
                WaitForRecords.Events("diebusy.jsonl", 2),
                new Settle(),
                new Received("diebusy.jsonl"),
                new Received("other.jsonl"),
                new LogLines(InOrder: true, "exited:"),
            ],
            [
                "#1 ver:3.0 server:compat serial:1 pool:diebusy poolserial:0 eventname:REMOTE_COMMUNICATION len:<chars> | \"type:d\\nx\" -> died",
                "#1 ver:3.0 server:compat serial:1 pool:diebusy poolserial:0 eventname:REMOTE_COMMUNICATION len:<chars> | \"type:d\\nx\" -> OK",
                DeadListenerBugLine,
            ],
            OursExpected: Without(DeadListenerBugLine)),

        // g. A full buffer discards its oldest event: the listener only becomes ready after five events with buffer_size=2.
        new("overflow",
            """
            [eventlistener:slow]
            command = {listener} {dir}/slow.jsonl --go {dir}/go
            events = REMOTE_COMMUNICATION
            buffer_size = 2

            """,
            [
                new Rpc("[proxy.supervisor.sendRemoteCommEvent('n', str(i)) for i in range(1, 6)]"),
                new WaitForLog("event buffer overflowed", 3),
                new Touch("go"),
                WaitForRecords.Events("slow.jsonl", 2),
                new Settle(),
                new Received("slow.jsonl"),
                new LogLines(InOrder: true, "overflowed"),
            ],
            [
                "<TS> ERRO pool slow event buffer overflowed, discarding event 0",
                "<TS> ERRO pool slow event buffer overflowed, discarding event 2",
                "#1 ver:3.0 server:compat serial:3 pool:slow poolserial:3 eventname:REMOTE_COMMUNICATION len:<chars> | \"type:n\\n4\" -> OK",
            ]),

        // i. Protocol violations, one listener each; distinct priorities keep the reference's priority bug (f)
        // from copying one pool's put-back events into the others. 'control' shows when an event has gone out.
        new("violations",
            """
            [eventlistener:garbage]
            command = {listener} {dir}/garbage.jsonl --mode garbage
            events = REMOTE_COMMUNICATION
            priority = -5

            [eventlistener:okgarbage]
            command = {listener} {dir}/okgarbage.jsonl --mode okgarbage
            events = REMOTE_COMMUNICATION
            priority = -4

            [eventlistener:badresult]
            command = {listener} {dir}/badresult.jsonl --mode badresult
            events = REMOTE_COMMUNICATION
            priority = -3

            [eventlistener:diebusy]
            command = {listener} {dir}/diebusy.jsonl --mode die-busy
            events = REMOTE_COMMUNICATION
            priority = -2

            [eventlistener:control]
            command = {listener} {dir}/control.jsonl
            events = REMOTE_COMMUNICATION
            priority = -1

            """,
            [
                new WaitForLog("garbage: has entered the UNKNOWN state"),
                new Rpc("proxy.supervisor.sendRemoteCommEvent('v', '1')"),
                WaitForRecords.Events("control.jsonl", 1),
                WaitForRecords.Events("diebusy.jsonl", 2),
                new Rpc("proxy.supervisor.sendRemoteCommEvent('v', '2')"),
                WaitForRecords.Events("control.jsonl", 2),
                WaitForRecords.Events("diebusy.jsonl", 3),
                new Settle(),
                new Received("garbage.jsonl"),
                new Received("okgarbage.jsonl"),
                new Received("badresult.jsonl"),
                new Received("diebusy.jsonl"),
                new Received("control.jsonl"),
                new LogLines(InOrder: false, "UNKNOWN", "bad result line", "rejected", "exited:"),
            ],
            [
                "<TS> WARN garbage: has entered the UNKNOWN state and will no longer receive events, this usually indicates the process violated the eventlistener protocol",
                "<TS> WARN okgarbage: has entered the UNKNOWN state and will no longer receive events, this usually indicates the process violated the eventlistener protocol",
                "<TS> WARN badresult: bad result line: 'RESULT two'",
                "#1 ver:3.0 server:compat serial:0 pool:diebusy poolserial:0 eventname:REMOTE_COMMUNICATION len:<chars> | \"type:v\\n1\" -> died",
                "#1 ver:3.0 server:compat serial:0 pool:diebusy poolserial:0 eventname:REMOTE_COMMUNICATION len:<chars> | \"type:v\\n1\" -> OK",
                "#2 ver:3.0 server:compat serial:1 pool:control poolserial:1 eventname:REMOTE_COMMUNICATION len:<chars> | \"type:v\\n2\" -> OK",
            ]),

        // j. Fixture issue-733: a one-line shell listener on PROCESS_STATE_FATAL that SIGTERMs its parent.
        new("issue-733",
            """
            [program:nonexistent]
            command = {dir}/nonexistent
            startsecs = 0
            startretries = 0
            autorestart = false

            [eventlistener:fatalexit]
            events = PROCESS_STATE_FATAL
            command = sh -c 'while true; do printf "READY\n"; read line; kill -15 $PPID; printf "RESULT 2\n"; printf "OK"; done'
            startsecs = 0
            startretries = 0

            """,
            [
                new DaemonExit(),
                new LogLines(InOrder: true, "gave up:", "received SIGTERM", "stopped: fatalexit"),
            ],
            [
                "# daemon exited with 0",
                "<TS> INFO gave up: nonexistent entered FATAL state, too many start retries too quickly",
                "<TS> WARN received SIGTERM indicating exit request",
            ],
            MayExitAtStartUp: true),
    ];

    /// <summary>
    /// The reference's copy of the rejected event in the pool 'other', which never subscribed to it
    /// (<c>EventListenerPool.handle_rejected</c> in <c>supervisor/process.py</c> re-buffers into every pool holding
    /// a process of the rejecting listener's priority, since <c>Subprocess.__eq__</c> compares priorities).
    /// </summary>
    public const string RejectionBugLine =
        "#4 ver:3.0 server:compat serial:3 pool:other poolserial:3 eventname:REMOTE_COMMUNICATION len:<chars> | \"type:t\\ndätä\" -> OK";

    /// <summary>The reference's copy of the dead listener's event in the pool 'other' (same bug as <see cref="RejectionBugLine"/>).</summary>
    public const string DeadListenerBugLine =
        "#2 ver:3.0 server:compat serial:1 pool:other poolserial:1 eventname:REMOTE_COMMUNICATION len:<chars> | \"type:d\\nx\" -> OK";

    public static TheoryData<string> Names => [.. All.Select(s => s.Name)];

    public static ListenerScenario Get(string name) => All.Single(s => s.Name == name);

    /// <summary>What ours must print: the reference's transcript without <paramref name="bugLine"/> (a reference bug we do not copy).</summary>
    public static Func<string, string> Without(string bugLine) =>
        reference => string.Concat(reference.Split('\n').SkipLast(1).Where(l => l != bugLine).Select(l => l + "\n"));
}
