using Supervisor.Abstractions;
using Supervisor.Host.Config;
using Supervisor.Host.Events;
using Supervisor.Host.Processes.Listeners;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Processes;

/// <summary>A pool's buffer and subscriptions (<c>supervisor/process.py</c>, <c>EventListenerPool</c>).</summary>
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
            [(MainLogLevel.Error, "pool p event buffer overflowed, discarding event 0"), (MainLogLevel.Error, "pool p event buffer overflowed, discarding event 1")],
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
            [(MainLogLevel.Debug, "rebuffering event 6 for pool p (buf size=1, max=1)"), (MainLogLevel.Error, "pool p event buffer overflowed, discarding event 7")],
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

    private EventListenerPool Pool(string[] events, int bufferSize) =>
        new("p", new EventListenerPoolConfig(events, bufferSize, ProcessGroupSections.DefaultResultHandler), "supervisor", new EventTypes(), _log);
}
