using System.Globalization;
using System.Text;
using Supervisor.Abstractions;
using Supervisor.Host.Processes.Output;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Processes;

/// <summary>
/// PROCESS_LOG events, capture mode (PROCESS_COMMUNICATION) and the listener protocol channel of one
/// channel's sink (<c>supervisor/dispatchers.py</c>, <c>POutputDispatcher</c>). Expected payloads and DEBG lines
/// were read from the reference supervisord 4.2.5 with a childutils listener.
/// </summary>
public sealed class ChildOutputEventsTests
{
    private const string Begin = "<!--XSUPERVISOR:BEGIN-->";
    private const string End = "<!--XSUPERVISOR:END-->";
    private const string LogHeader = "processname:prog groupname:grp pid:4242 channel:stdout\n";
    private const string CommHeader = "processname:prog groupname:grp pid:4242\n";

    private static ChildOutputLog LogFor(
        string? file,
        List<SupervisorEvent> events,
        bool eventsEnabled = false,
        long captureMaxBytes = 0,
        bool stripAnsi = false,
        bool protocol = false,
        IMainLog? mainLog = null,
        ChunkObserver? onChunk = null,
        OutputChannel channel = OutputChannel.Stdout) =>
        new(
            new ChildOutputOptions("prog", channel, file, 0, 0, Syslog: false, stripAnsi, onChunk)
            {
                GroupName = "grp",
                Pid = 4242,
                EventsEnabled = eventsEnabled,
                CaptureMaxBytes = captureMaxBytes,
                ProtocolChannel = protocol,
                Publish = e =>
                {
                    lock (events)
                    {
                        events.Add(e);
                    }
                },
            },
            mainLog ?? new RecordingLog(MainLogLevel.Info));

    private static void WriteAll(ChildOutputLog log, params string[] chunks)
    {
        foreach (var chunk in chunks)
        {
            log.Write(Encoding.UTF8.GetBytes(chunk));
        }
    }

    private static List<string> Describe(List<SupervisorEvent> events) => [.. events.Select(e => e.Type + "|" + e.Payload)];

    [Theory]
    [InlineData(new byte[] { (byte)'p', (byte)'l', (byte)'a', (byte)'i', (byte)'n', (byte)'\n' }, "plain\n")]
    [InlineData(new byte[] { (byte)'t', 0xc3, 0xab, (byte)'s', (byte)'t', (byte)'\n' }, "tëst\n")]
    [InlineData(new byte[] { (byte)'b', (byte)'a', (byte)'d', (byte)' ', 0xff, 0xfe, (byte)'\n' }, "Undecodable: b'bad \\xff\\xfe\\n'")]
    public void EachChunkPublishesAProcessLogEvent(byte[] chunk, string expectedData)
    {
        var events = new List<SupervisorEvent>();
        using var log = LogFor(null, events, eventsEnabled: true);
        log.Write(chunk);
        var published = Assert.Single(events);
        Assert.Equal("PROCESS_LOG_STDOUT", published.Type);
        Assert.Equal(LogHeader + expectedData, published.Payload);
    }

    [Fact]
    public void TheReferencesMergedChunkGivesTheSamePayload()
    {
        // Read from the reference: three writes it happened to read as one chunk.
        var events = new List<SupervisorEvent>();
        using var log = LogFor(null, events, eventsEnabled: true);
        log.Write([.. "plain ascii\nt\u00ebst\nbad "u8, 0xff, 0xfe, .. " bytes\n"u8]);
        Assert.Equal(LogHeader + "Undecodable: b'plain ascii\\nt\\xc3\\xabst\\nbad \\xff\\xfe bytes\\n'", Assert.Single(events).Payload);
    }

    [Fact]
    public void StderrEventsNameTheirChannel()
    {
        var events = new List<SupervisorEvent>();
        using var log = LogFor(null, events, eventsEnabled: true, channel: OutputChannel.Stderr);
        log.Write("oops\n"u8);
        Assert.Equal(["PROCESS_LOG_STDERR|processname:prog groupname:grp pid:4242 channel:stderr\noops\n"], Describe(events));
    }

    [Fact]
    public void StripAnsiHappensBeforeTheEvent()
    {
        using var dir = new TempDirectory();
        var events = new List<SupervisorEvent>();
        using var log = LogFor(dir.File("out.log"), events, eventsEnabled: true, stripAnsi: true);
        log.Write("\e[31mred\e[0m\n"u8);
        Assert.Equal(LogHeader + "red\n", Assert.Single(events).Payload);
        Assert.Equal("red\n", File.ReadAllText(dir.File("out.log")));
    }

    [Fact]
    public void NoEventsWhenEventsAreNotEnabled()
    {
        using var dir = new TempDirectory();
        var events = new List<SupervisorEvent>();
        using var log = LogFor(dir.File("out.log"), events);
        log.Write("quiet\n"u8);
        Assert.Empty(events);
        Assert.True(log.SplicesToFile, "without events, capture or a protocol channel the bytes may bypass memory");
    }

    [Theory]
    [InlineData(true, 0, false)]
    [InlineData(false, 100, false)]
    [InlineData(false, 0, true)]
    public void AnythingThatNeedsTheBytesTurnsSpliceOff(bool eventsEnabled, long captureMaxBytes, bool protocol)
    {
        using var dir = new TempDirectory();
        using var log = LogFor(dir.File("out.log"), [], eventsEnabled, captureMaxBytes, protocol: protocol);
        Assert.False(log.SplicesToFile);
    }

    [Fact]
    public void ACommBlockIsCapturedAndTheRemainderWaits()
    {
        using var dir = new TempDirectory();
        var path = dir.File("out.log");
        var events = new List<SupervisorEvent>();
        using var log = LogFor(path, events, captureMaxBytes: 1000);
        WriteAll(log, $"before{Begin}hello comm{End}after");
        Assert.Equal(["PROCESS_COMMUNICATION_STDOUT|" + CommHeader + "hello comm"], Describe(events));
        Assert.Equal("before", File.ReadAllText(path));
        Assert.Equal(5, log.PendingLength);
        Assert.False(log.Capturing);

        // More than a token's length of further output flushes the waiting "after".
        WriteAll(log, " and enough more to be sure\n");
        Assert.Equal("beforeafter and enough more to be sure\n", File.ReadAllText(path));
        Assert.Equal(0, log.PendingLength);
    }

    [Fact]
    public void InCaptureModeTheDebugCopyAndProcessLogEventsStillHappen()
    {
        // The reference at loglevel=debug with stdout_events_enabled and stdout_capture_maxbytes:
        // DEBG 'prog' stdout output: before / ... hello comm / 'prog' stdout emitted a comm event.
        var main = new RecordingLog(MainLogLevel.Debug);
        var events = new List<SupervisorEvent>();
        using var log = LogFor(null, events, eventsEnabled: true, captureMaxBytes: 1000, mainLog: main);
        WriteAll(log, $"before{Begin}hello comm{End}after");
        Assert.Equal(
            [
                "PROCESS_LOG_STDOUT|" + LogHeader + "before",
                "PROCESS_LOG_STDOUT|" + LogHeader + "hello comm",
                "PROCESS_COMMUNICATION_STDOUT|" + CommHeader + "hello comm",
            ],
            Describe(events));
        Assert.Equal(
            [
                "'prog' stdout output:\nbefore",
                "'prog' stdout output:\nhello comm",
                "'prog' stdout emitted a comm event",
            ],
            main.Lines.Select(l => l.Message));
        Assert.All(main.Lines, l => Assert.Equal(MainLogLevel.Debug, l.Level));
    }

    [Fact]
    public void TokensSplitAcrossChunksAreFound()
    {
        // The same chunks as sent to the reference, with the same events in the same order.
        using var dir = new TempDirectory();
        var path = dir.File("out.log");
        var events = new List<SupervisorEvent>();
        using var log = LogFor(path, events, eventsEnabled: true, captureMaxBytes: 15);
        WriteAll(log, "<!--XSUPERVI", "SOR:BEGIN-->split", " token<!--XSUPERVISOR:", "END-->tail and more text here ok\n");
        Assert.Equal(
            [
                "PROCESS_LOG_STDOUT|" + LogHeader + "split token",
                "PROCESS_COMMUNICATION_STDOUT|" + CommHeader + "split token",
                "PROCESS_LOG_STDOUT|" + LogHeader + "tail and more text here ok\n",
            ],
            Describe(events));
        Assert.Equal("tail and more text here ok\n", File.ReadAllText(path));
    }

    [Fact]
    public void HowTheInputIsCutDoesNotChangeWhatIsCapturedOrLogged()
    {
        var input = $"head {Begin}first message{End} middle text {Begin}second{End}<!--XSUPER not a token, long enough tail\n";
        var bytes = Encoding.UTF8.GetBytes(input);
        for (var cut1 = 1; cut1 < bytes.Length; cut1 += 3)
        {
            for (var cut2 = cut1; cut2 < bytes.Length; cut2 += 7)
            {
                using var dir = new TempDirectory();
                var path = dir.File("out.log");
                var events = new List<SupervisorEvent>();
                using var log = LogFor(path, events, captureMaxBytes: 1000);
                log.Write(bytes.AsSpan(0, cut1));
                log.Write(bytes.AsSpan(cut1, cut2 - cut1));
                log.Write(bytes.AsSpan(cut2));

                // A last chunk not longer than the token waits, as in the reference: the file lacks just that tail.
                Assert.Equal(["first message", "second"], events.Select(e => e.Payload[CommHeader.Length..]));
                Assert.InRange(log.PendingLength, 0, Begin.Length);
                Assert.Equal("head  middle text <!--XSUPER not a token, long enough tail\n"[..^log.PendingLength], File.ReadAllText(path));
            }
        }
    }

    [Fact]
    public void TheCaptureBufferDropsFromItsFrontAsMuchAsAWriteAdds()
    {
        // BoundIO(15): 30 bytes fit on their own (one write may exceed the bound); the next 10 drop 10 from the front.
        var events = new List<SupervisorEvent>();
        using var log = LogFor(null, events, captureMaxBytes: 15);
        WriteAll(log, Begin + new string('A', 30), new string('B', 10) + End + "padding padding padding\n");
        Assert.Equal(CommHeader + new string('A', 20) + new string('B', 10), Assert.Single(events).Payload);
    }

    [Fact]
    public void TheCaptureBufferKeepsEverythingUnderTheBound()
    {
        var events = new List<SupervisorEvent>();
        using var log = LogFor(null, events, captureMaxBytes: 100);
        WriteAll(log, Begin + new string('A', 30), new string('B', 30) + End + "x");
        Assert.Equal(CommHeader + new string('A', 30) + new string('B', 30), Assert.Single(events).Payload);
    }

    [Fact]
    public void CapturedBytesThatAreNotUtf8ShowAsPythonBytesAndAnsiCodesAreStripped()
    {
        var events = new List<SupervisorEvent>();
        using var log = LogFor(null, events, captureMaxBytes: 15, stripAnsi: true);
        log.Write([.. Encoding.ASCII.GetBytes(Begin), 0xff, 0xfe, .. Encoding.ASCII.GetBytes(End + "padding padding padding\n")]);
        WriteAll(log, Begin + "\e[1mbold\e[0m" + End + "padding padding padding\n");
        Assert.Equal(
            [CommHeader + "Undecodable: b'\\xff\\xfe'", CommHeader + "bold"],
            events.Select(e => e.Payload));
    }

    [Fact]
    public void WithCaptureOffTokensAreLoggedLiterally()
    {
        using var dir = new TempDirectory();
        var path = dir.File("out.log");
        var events = new List<SupervisorEvent>();
        using var log = LogFor(path, events, eventsEnabled: true);
        var text = $"before{Begin}hello comm{End}after";
        WriteAll(log, text);
        Assert.Equal(text, File.ReadAllText(path));
        Assert.Equal(["PROCESS_LOG_STDOUT|" + LogHeader + text], Describe(events));
    }

    [Fact]
    public void AnOpenBlockAndAShortRemainderAreLostAtTheEnd()
    {
        using var dir = new TempDirectory();
        var path = dir.File("out.log");
        var events = new List<SupervisorEvent>();
        using (var log = LogFor(path, events, captureMaxBytes: 100))
        {
            WriteAll(log, $"shown{Begin}never closed, captured only");
            Assert.True(log.Capturing);
        }

        Assert.Empty(events);
        Assert.Equal("shown", File.ReadAllText(path));
    }

    [Fact]
    public void ClearEmptiesTheCaptureBuffer()
    {
        using var dir = new TempDirectory();
        var events = new List<SupervisorEvent>();
        using var log = LogFor(dir.File("out.log"), events, captureMaxBytes: 100);
        WriteAll(log, Begin + "dropped by clearProcessLogs....");
        log.Clear();
        WriteAll(log, "kept" + End + "padding padding padding\n");
        Assert.Equal(CommHeader + "kept", Assert.Single(events).Payload);
    }

    [Fact]
    public void TheProtocolChannelLogsTheFileAndShowsTheRawBytesInTheDebugCopy()
    {
        using var dir = new TempDirectory();
        var path = dir.File("lis.log");
        var main = new RecordingLog(MainLogLevel.Debug);
        var events = new List<SupervisorEvent>();
        var observed = new List<byte[]>();
        using var log = LogFor(path, events, eventsEnabled: true, captureMaxBytes: 100, stripAnsi: true, protocol: true, mainLog: main, onChunk: chunk => observed.Add(chunk.ToArray()));
        Assert.False(log.SplicesToFile);
        WriteAll(log, "READY\n", "RESULT 2\nOKREADY\n", $"\e[1m{Begin}x{End}\n");

        // As the reference logs a listener's stdout: '%s' % bytes.
        Assert.Equal(
            [
                "'prog' stdout output:\nb'READY\\n'",
                "'prog' stdout output:\nb'RESULT 2\\nOKREADY\\n'",
                $"'prog' stdout output:\nb'\\x1b[1m{Begin}x{End}\\n'",
            ],
            main.Lines.Select(l => l.Message));
        Assert.Empty(events);
        Assert.Equal($"READY\nRESULT 2\nOKREADY\n{Begin}x{End}\n", File.ReadAllText(path));
        Assert.Equal(["READY\n", "RESULT 2\nOKREADY\n", $"\e[1m{Begin}x{End}\n"], observed.Select(Encoding.UTF8.GetString));
    }

    [Fact]
    public void TheProtocolChannelObserverSeesChunksWithoutAFile()
    {
        var observed = new List<string>();
        using var log = LogFor(null, [], protocol: true, onChunk: chunk => observed.Add(Encoding.UTF8.GetString(chunk)));
        WriteAll(log, "READY\n");
        Assert.Equal(["READY\n"], observed);
    }

    [Fact]
    public void ACommEventNeedsNoEventsEnabledAndNoPublisherIsNoError()
    {
        var events = new List<SupervisorEvent>();
        using (var log = LogFor(null, events, captureMaxBytes: 100))
        {
            WriteAll(log, $"{Begin}msg{End}");
        }

        Assert.Equal(["PROCESS_COMMUNICATION_STDOUT|" + CommHeader + "msg"], Describe(events));

        var options = new ChildOutputOptions("prog", OutputChannel.Stderr, null, 0, 0, false, false) { EventsEnabled = true, CaptureMaxBytes = 10 };
        using var silent = new ChildOutputLog(options, new RecordingLog(MainLogLevel.Info));
        WriteAll(silent, $"x{Begin}msg{End}more than enough output\n");
    }

    [Fact]
    public void ThroughTheIoLoopEventsKeepTheOrderOfTheOutputHoweverThePipeCutsIt()
    {
        using var dir = new TempDirectory();
        var path = dir.File("out.log");
        var events = new List<SupervisorEvent>();
        using var loop = new ChildIoLoop(new RecordingLog(MainLogLevel.Info));
        using var stdout = new TestPipe();
        using var log = LogFor(path, events, eventsEnabled: true, captureMaxBytes: 100);
        loop.Attach(null, stdout.Read, null, log, null, "prog");
        var expectedLog = new StringBuilder();
        for (var i = 0; i < 300; i++)
        {
            TestPipe.WriteAll(stdout.Write, Encoding.ASCII.GetBytes($"line {i}\n{Begin}message {i}{End}"));
            expectedLog.Append(CultureInfo.InvariantCulture, $"line {i}\nmessage {i}");
        }

        // Long enough to flush the last pending bytes.
        TestPipe.WriteAll(stdout.Write, "the end of the output, long enough\n"u8);
        expectedLog.Append("the end of the output, long enough\n");
        Eventually.True(() => File.Exists(path) && File.ReadAllText(path).EndsWith("long enough\n", StringComparison.Ordinal), "the last line in the file");

        List<SupervisorEvent> seen;
        lock (events)
        {
            seen = [.. events];
        }

        var comm = seen.Where(e => e.Type == "PROCESS_COMMUNICATION_STDOUT").Select(e => e.Payload[CommHeader.Length..]);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"message {i}"), comm);
        var logged = seen.Where(e => e.Type == "PROCESS_LOG_STDOUT").Select(e => e.Payload[LogHeader.Length..]);
        Assert.Equal(expectedLog.ToString(), string.Concat(logged));
        Assert.Equal(string.Concat(Enumerable.Range(0, 300).Select(i => $"line {i}\n")) + "the end of the output, long enough\n", File.ReadAllText(path));
    }

    [Fact]
    public void ThroughTheIoLoopAProtocolChannelHandsEveryRawChunkToItsObserver()
    {
        using var dir = new TempDirectory();
        var path = dir.File("lis.log");
        var main = new RecordingLog(MainLogLevel.Debug);
        var observed = new StringBuilder();
        using var loop = new ChildIoLoop(main);
        using var stdout = new TestPipe();
        using var log = LogFor(path, [], eventsEnabled: true, protocol: true, mainLog: main, onChunk: chunk =>
        {
            lock (observed)
            {
                observed.Append(Encoding.UTF8.GetString(chunk));
            }
        });
        loop.Attach(null, stdout.Read, null, log, null, "prog");
        TestPipe.WriteAll(stdout.Write, "READY\n"u8);
        Eventually.True(
            () =>
            {
                lock (observed)
                {
                    return observed.ToString() == "READY\n";
                }
            },
            "the READY token at the observer");
        Assert.Contains((MainLogLevel.Debug, "'prog' stdout output:\nb'READY\\n'"), main.Lines);
        Assert.Equal("READY\n", File.ReadAllText(path));
    }

    // find_prefix_at_end of supervisor/medusa/asynchat_25.py: how many bytes at the end could start the token.
    [Theory]
    [InlineData("abc<!--XSUP", 8)]
    [InlineData("abc<", 1)]
    [InlineData("abc", 0)]
    [InlineData("<!--XSUPERVISOR:BEGIN--", 23)]
    public void TheTokenStartAtTheEndIsMeasuredAsAsynchatMeasuresIt(string data, int expected) =>
        Assert.Equal(expected, ChildOutputLog.FindPrefixAtEnd(Encoding.ASCII.GetBytes(data), ChildOutputLog.BeginToken));
}
