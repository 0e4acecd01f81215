using System.Diagnostics;
using System.Text.Json;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Processes;

/// <summary>
/// Event listener pools in the real daemon with real listener processes (<c>supervisor/process.py</c>,
/// <c>EventListenerPool</c>): a small Python listener speaks the protocol the way
/// <c>supervisor.childutils</c> does (header line, then <c>len</c> characters of a UTF-8 text stream) and
/// records what it gets, one JSON line per event. Side-by-side comparisons with the reference live in
/// Events/Compat.
/// </summary>
[Trait("needs", "listeners")]
public sealed class ListenerPoolTests
{
    /// <summary>
    /// argv: record file, mode. Modes: ok (acknowledge everything), fail-first (reject the first event
    /// once), die-first (exit without answering the first event the first time), silent (READY once,
    /// then never answer).
    /// </summary>
    private const string ListenerScript = """
        import json, os, sys
        record, mode = sys.argv[1], sys.argv[2]
        marker = record + '.once'
        stdin = open(sys.stdin.fileno(), 'r', encoding='utf-8', newline='')
        def send(text):
            sys.stdout.write(text)
            sys.stdout.flush()
        send('READY\n')
        while True:
            line = stdin.readline()
            if not line:
                break
            headers = dict(pair.split(':', 1) for pair in line.split())
            payload = stdin.read(int(headers['len']))
            with open(record, 'a', encoding='utf-8') as out:
                out.write(json.dumps([headers, payload]) + '\n')
            first = not os.path.exists(marker)
            if first:
                open(marker, 'w').close()
            if mode == 'silent':
                stdin.read()
                break
            if mode == 'die-first' and first:
                sys.exit(3)
            if mode == 'fail-first' and first:
                send('RESULT 4\nFAIL')
            else:
                send('RESULT 2\nOK')
            send('READY\n')
        """;

    [PythonFact]
    public async Task AListenerGetsStateChangesInOrderAndAcknowledgesThem()
    {
        await using var daemon = await StartAsync(
            """
            [program:sleeper]
            command = /bin/sleep 1000
            startsecs = 0

            [eventlistener:watch]
            command = python3 {dir}/listener.py {dir}/watch.jsonl ok
            events = PROCESS_STATE
            """);

        var watch = daemon.Directory.File("watch.jsonl");
        await WaitForEventsAsync(watch, events => events.Any(e => e.Payload.StartsWith("processname:sleeper", StringComparison.Ordinal) && e.Name == "PROCESS_STATE_RUNNING"));
        await daemon.Unix.ValueAsync("supervisor.stopProcess", "sleeper", true);
        var received = await WaitForEventsAsync(watch, events => events.Any(e => e.Name == "PROCESS_STATE_STOPPED"));

        var sleeper = received.Where(e => e.Payload.Contains("processname:sleeper ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["PROCESS_STATE_STARTING", "PROCESS_STATE_RUNNING", "PROCESS_STATE_STOPPING", "PROCESS_STATE_STOPPED"], sleeper.Select(e => e.Name));
        Assert.Equal("processname:sleeper groupname:sleeper from_state:STOPPED tries:0", sleeper[0].Payload);
        Assert.All(received, e =>
        {
            Assert.Equal("3.0", e.Headers["ver"]);
            Assert.Equal("test-daemon", e.Headers["server"]);
            Assert.Equal("watch", e.Headers["pool"]);
            Assert.Equal(e.Payload.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Headers["len"]);
        });

        // Only subscribed events consume serials, and this pool is the only one: both counters run together from 0.
        Assert.Equal(Enumerable.Range(0, received.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), received.Select(e => e.Headers["serial"]));
        Assert.Equal(received.Select(e => e.Headers["serial"]), received.Select(e => e.Headers["poolserial"]));
        Assert.Contains("watch: event was processed", daemon.MainLog());
    }

    [PythonFact]
    public async Task ARejectedEventComesBackWithItsSerialsAndOnlyToItsOwnPool()
    {
        await using var daemon = await StartAsync(
            """
            [eventlistener:picky]
            command = python3 {dir}/listener.py {dir}/picky.jsonl fail-first
            events = REMOTE_COMMUNICATION

            [eventlistener:other]
            command = python3 {dir}/listener.py {dir}/other.jsonl ok
            events = REMOTE_COMMUNICATION
            """);

        await daemon.WaitForStateAsync("picky", "RUNNING");
        await daemon.WaitForStateAsync("other", "RUNNING");
        await daemon.Unix.ValueAsync("supervisor.sendRemoteCommEvent", "greeting", "hällo");

        var picky = await WaitForEventsAsync(daemon.Directory.File("picky.jsonl"), events => events.Count >= 2);
        Assert.Equal(picky[0].Headers, picky[1].Headers);
        Assert.Equal("type:greeting\nhällo", picky[1].Payload);
        Assert.Contains("picky: event was rejected", daemon.MainLog());

        // The reference re-buffers a rejection into every pool whose listeners share the priority
        // (supervisor/process.py, EventListenerPool.handle_rejected); here the other pool gets the event
        // once.
        var other = await WaitForEventsAsync(daemon.Directory.File("other.jsonl"), events => events.Count >= 1);
        await Task.Delay(300);
        other = ReadEvents(daemon.Directory.File("other.jsonl"));
        Assert.Single(other);
        Assert.Equal(picky[0].Headers["serial"], other[0].Headers["serial"]);
    }

    [PythonFact]
    public async Task AListenerThatDiesWhileBusyGetsItsEventAgainOnceRestarted()
    {
        await using var daemon = await StartAsync(
            """
            [eventlistener:fragile]
            command = python3 {dir}/listener.py {dir}/fragile.jsonl die-first
            events = REMOTE_COMMUNICATION
            startsecs = 0
            """);

        await daemon.WaitForStateAsync("fragile", "RUNNING");
        await daemon.Unix.ValueAsync("supervisor.sendRemoteCommEvent", "job", "1");
        var received = await WaitForEventsAsync(daemon.Directory.File("fragile.jsonl"), events => events.Count >= 2, seconds: 15);
        Assert.Equal(received[0].Headers, received[1].Headers);
        Assert.Contains("exited: fragile (exit status 3; not expected)", daemon.MainLog());
    }

    [PythonFact]
    public async Task ASilentListenerOverflowsItsBufferWithoutBlockingTheDaemonOrOtherPools()
    {
        await using var daemon = await StartAsync(
            """
            [eventlistener:stuck]
            command = python3 {dir}/listener.py {dir}/stuck.jsonl silent
            events = REMOTE_COMMUNICATION
            buffer_size = 2

            [eventlistener:healthy]
            command = python3 {dir}/listener.py {dir}/healthy.jsonl ok
            events = REMOTE_COMMUNICATION
            """);

        await daemon.WaitForStateAsync("stuck", "RUNNING");
        await daemon.WaitForStateAsync("healthy", "RUNNING");

        // RUNNING says startsecs passed, not that the listener said READY (a loaded machine can take longer):
        // the count below needs the stuck listener to take event 0 off the buffer.
        await SupervisedPrograms.WaitUntilAsync(() => daemon.MainLog().Contains("stuck: ACKNOWLEDGED -> READY", StringComparison.Ordinal), "the stuck listener's READY");

        // Event 0 must be in the stuck listener's hands before the others arrive: the call returns once the
        // event is published, and on a loaded machine events 0 and 1 could otherwise share the buffer.
        await daemon.Unix.ValueAsync("supervisor.sendRemoteCommEvent", "n", "0");
        await WaitForEventsAsync(daemon.Directory.File("stuck.jsonl"), events => events.Count >= 1);
        for (var i = 1; i < 6; i++)
        {
            await daemon.Unix.ValueAsync("supervisor.sendRemoteCommEvent", "n", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var healthy = await WaitForEventsAsync(daemon.Directory.File("healthy.jsonl"), events => events.Count >= 6);
        Assert.Equal(["type:n\n0", "type:n\n1", "type:n\n2", "type:n\n3", "type:n\n4", "type:n\n5"], healthy.Select(e => e.Payload));

        // The stuck listener holds event 0; the buffer keeps the newest two of the other five.
        Assert.Equal(["pool stuck event buffer overflowed, discarding event 1", "pool stuck event buffer overflowed, discarding event 2", "pool stuck event buffer overflowed, discarding event 3"],
            daemon.LogLines("overflowed"));
        Assert.Single(ReadEvents(daemon.Directory.File("stuck.jsonl")));
        Assert.Equal("RUNNING", (await daemon.Unix.ValueAsync("supervisor.getState") as Dictionary<string, object?>)!["statename"]);
    }

    [PythonFact]
    public async Task AListenerThatWritesGarbageIsIgnoredFromThenOn()
    {
        await using var daemon = await SupervisedPrograms.StartAsync(
            """
            [eventlistener:rude]
            command = /bin/sh -c "echo 'HELLO WORLD'; exec sleep 1000"
            events = REMOTE_COMMUNICATION
            buffer_size = 1
            """);

        await daemon.WaitForStateAsync("rude", "RUNNING");
        await SupervisedPrograms.WaitUntilAsync(() => daemon.MainLog().Contains("rude: has entered the UNKNOWN state", StringComparison.Ordinal), "the UNKNOWN warning");
        await daemon.Unix.ValueAsync("supervisor.sendRemoteCommEvent", "a", "1");
        await daemon.Unix.ValueAsync("supervisor.sendRemoteCommEvent", "a", "2");
        await SupervisedPrograms.WaitUntilAsync(() => daemon.LogLines("overflowed").Count == 1, "the overflow line");
        Assert.Equal("RUNNING", await daemon.StateAsync("rude"));
    }

    [Fact]
    public async Task APoolNamingAnUnknownEventTypeStopsTheStartWithTheReferencesMessage()
    {
        using var directory = new TempDirectory();
        var config = directory.Write(
            "supervisord.conf",
            RunningDaemon.Expand(RunningDaemon.StandardSections, directory.Path, directory.File("sock"), FreePort.Next())
            + "\n[eventlistener:e]\ncommand = /bin/cat\nevents = PROCESS_STATE, backup_done\n");
        var run = await DaemonProcess.RunToExitAsync("-n", "-c", config);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("Error: Unknown event type BACKUP_DONE in [eventlistener:e] events", run.Stderr);
    }

    private static Task<RunningDaemon> StartAsync(string sections) =>
        SupervisedPrograms.StartAsync(sections, directory => directory.Write("listener.py", ListenerScript), loglevel: "debug");

    private sealed record ReceivedEvent(Dictionary<string, string> Headers, string Payload)
    {
        public string Name => Headers["eventname"];
    }

    private static List<ReceivedEvent> ReadEvents(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        var events = new List<ReceivedEvent>();
        foreach (var line in File.ReadAllLines(path).Where(l => l.Length > 0))
        {
            using var document = JsonDocument.Parse(line);
            var headers = document.RootElement[0].EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            events.Add(new ReceivedEvent(headers, document.RootElement[1].GetString()!));
        }

        return events;
    }

    private static async Task<List<ReceivedEvent>> WaitForEventsAsync(string path, Func<List<ReceivedEvent>, bool> done, double seconds = 10)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            List<ReceivedEvent> events;
            try
            {
                events = ReadEvents(path);
            }
            catch (JsonException)
            {
                events = []; // a line being written
            }

            if (done(events))
            {
                return events;
            }

            if (clock.Elapsed.TotalSeconds > seconds)
            {
                throw new Xunit.Sdk.XunitException($"the listener did not get the expected events within {seconds} s; got:\n{string.Join("\n", events.Select(e => $"{e.Name} {e.Payload}"))}");
            }

            await Task.Delay(20);
        }
    }
}
