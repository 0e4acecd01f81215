using Supervisor.Abstractions;
using Supervisor.Host.Config;
using Supervisor.Host.Events;
using Supervisor.Host.Processes.Listeners;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Events;

/// <summary>A pool's buffer, subscriptions and envelopes (events.md §2, §4), and the tick schedule (§1).</summary>
public sealed class PoolBufferTests
{
    private readonly RecordingLog _log = new();

    [Fact]
    public void AFullBufferDropsItsOldestEventWithTheReferencesLine()
    {
        var pool = Pool(["TICK"], bufferSize: 2);
        for (var serial = 0; serial < 4; serial++)
        {
            pool.Accept(new SerialEvent(new SupervisorEvent("TICK_5", $"when:{serial * 5}"), serial));
        }

        Assert.Equal(2, pool.Buffered);
        Assert.Equal(
            [(LogLevel.Error, "pool p event buffer overflowed, discarding event 0"), (LogLevel.Error, "pool p event buffer overflowed, discarding event 1")],
            _log.Lines);
    }

    [Fact]
    public void ARebufferedEventIntoAFullBufferPushesOutTheOldestOneBehindIt()
    {
        var pool = Pool(["TICK"], bufferSize: 1);
        pool.Accept(new SerialEvent(new SupervisorEvent("TICK_5", "when:5"), 7));
        pool.Rebuffer(new PoolEntry(new SerialEvent(new SupervisorEvent("TICK_5", "when:0"), 6), 0));
        Assert.Equal(1, pool.Buffered);
        Assert.Equal(
            [(LogLevel.Debug, "rebuffering event 6 for pool p (buf size=1, max=1)"), (LogLevel.Error, "pool p event buffer overflowed, discarding event 7")],
            _log.Lines);
    }

    [Theory]
    [InlineData("PROCESS_STATE_EXITED", true)]
    [InlineData("TICK_60", true)]
    [InlineData("TICK_5", false)]
    [InlineData("PROCESS_LOG_STDOUT", false)]
    [InlineData("REMOTE_COMMUNICATION", false)]
    public void APoolSubscribesToItsTypesAndTheirDescendants(string eventType, bool subscribed)
    {
        var pool = Pool(["PROCESS_STATE", "TICK_60"], bufferSize: 10);
        Assert.Equal(subscribed, pool.Subscribes(eventType));
        Assert.Equal(subscribed, pool.Subscribes(eventType));
    }

    [Fact]
    public void TheEnvelopeCountsCharactersNotBytes()
    {
        // Checked against the reference: process "tëst" gives len:69 for a 73-byte payload (events.md §2).
        var payload = "processname:tëst groupname:tëst from_state:STARTING pid:1763 ✓ 😀";
        var bytes = EventEnvelope.Encode("supervisor", 7, "all", 3, "PROCESS_STATE_RUNNING", payload);
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        var header = text[..text.IndexOf('\n')];
        Assert.Equal($"ver:3.0 server:supervisor serial:7 pool:all poolserial:3 eventname:PROCESS_STATE_RUNNING len:{payload.Length - 1}", header);
        Assert.Equal(payload, text[(header.Length + 1)..]);
        Assert.Equal(64, EventEnvelope.CodePoints(payload)); // Python: len(payload) == 64
        Assert.Equal(1, EventEnvelope.CodePoints("\ud800"));
    }

    [Fact]
    public void TicksFireOnBoundaryCrossingsOnlyShortestPeriodFirst()
    {
        var ticks = new TickSchedule(3598.2);
        Assert.Empty(ticks.Due(3599.9));
        Assert.Equal(3600, ticks.NextBoundary);

        // 3600 is a multiple of 5, 60 and 3600: three events, same when:.
        Assert.Equal(
            [("TICK_5", "when:3600"), ("TICK_60", "when:3600"), ("TICK_3600", "when:3600")],
            ticks.Due(3600.01).Select(e => (e.Type, e.Payload)));
        Assert.Empty(ticks.Due(3604.99));

        // A late loop sends one event per period, with the latest boundary.
        Assert.Equal([("TICK_5", "when:3715"), ("TICK_60", "when:3660")], ticks.Due(3717.5).Select(e => (e.Type, e.Payload)));
        Assert.Equal(3720, ticks.NextBoundary);
    }

    private EventListenerPool Pool(string[] events, int bufferSize) =>
        new("p", new EventListenerPoolConfig(events, bufferSize, ProcessGroupSections.DefaultResultHandler), "supervisor", new EventTypes(), _log);
}
