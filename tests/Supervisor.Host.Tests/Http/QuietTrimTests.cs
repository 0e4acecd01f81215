using Microsoft.Extensions.Time.Testing;
using Supervisor.Abstractions;
using Supervisor.Host.Http;
using Supervisor.Host.Platform;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Http;

/// <summary>Memory is handed back once requests stop, not while they come, and not more often than allowed.</summary>
public sealed class QuietTrimTests
{
    [Fact]
    public void OnceRequestsStopTheGarbageTheyMadeIsCollected()
    {
        var log = new RecordingLog(MainLogLevel.Debug);
        var clock = new FakeTimeProvider();
        using var quiet = new QuietTrim(log, quietMilliseconds: 1500, new MemoryTrimmer(clock, minAllocatedBytes: 1 << 20, minIntervalMilliseconds: 0), clock);
        bool Trimmed() => log.Lines.Any(line => line.Message.StartsWith("HTTP requests stopped: collected garbage", StringComparison.Ordinal));

        // Requests every 50 ms of the clock for 600 ms, each allocating: no trim while they keep coming.
        for (var i = 0; i < 12; i++)
        {
            quiet.Touch();
            GC.KeepAlive(new byte[256 * 1024]);
            clock.Advance(TimeSpan.FromMilliseconds(50));
            Assert.False(Trimmed());
        }

        // 1.5 s after the last request, and not a millisecond before.
        clock.Advance(TimeSpan.FromMilliseconds(1449));
        Assert.False(Trimmed());
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(Trimmed());
    }

    [Fact]
    public void TheTrimmerWaitsForEnoughAllocationAndForItsInterval()
    {
        var clock = new FakeTimeProvider();
        var trimmer = new MemoryTrimmer(clock, minAllocatedBytes: 1 << 20, minIntervalMilliseconds: 60_000);
        GC.KeepAlive(new byte[2 << 20]);
        Assert.True(trimmer.TryTrim().Trimmed);

        // Enough allocated again, but the last trim was 20 s ago: not yet, and when.
        GC.KeepAlive(new byte[2 << 20]);
        clock.Advance(TimeSpan.FromSeconds(20));
        var tooSoon = trimmer.TryTrim();
        Assert.False(tooSoon.Trimmed);
        Assert.Equal(40_000, tooSoon.RetryInMilliseconds);

        clock.Advance(TimeSpan.FromSeconds(40));
        Assert.True(trimmer.TryTrim().Trimmed);
    }
}
