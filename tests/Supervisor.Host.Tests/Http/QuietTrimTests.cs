using Supervisor.Abstractions;
using Supervisor.Host.Http;
using Supervisor.Host.Platform;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Http;

/// <summary>Memory is handed back once requests stop, not while they come, and not more often than allowed.</summary>
public sealed class QuietTrimTests
{
    [Fact]
    public async Task OnceRequestsStopTheGarbageTheyMadeIsCollected()
    {
        var log = new RecordingLog(LogLevel.Debug);
        // The quiet period is far longer than the gap between requests, so a loaded machine stretching a
        // 50-ms delay cannot pass for requests having stopped.
        using var quiet = new QuietTrim(log, quietMilliseconds: 1500, new MemoryTrimmer(minAllocatedBytes: 1 << 20, minIntervalMilliseconds: 0));

        // Requests every 50 ms for 600 ms, each allocating: no trim while they keep coming.
        for (var i = 0; i < 12; i++)
        {
            quiet.Touch();
            GC.KeepAlive(new byte[256 * 1024]);
            await Task.Delay(50);
            Assert.DoesNotContain(log.Lines, line => line.Message.StartsWith("HTTP requests stopped", StringComparison.Ordinal));
        }

        await SupervisedPrograms.WaitUntilAsync(
            () => log.Lines.Any(line => line.Message.StartsWith("HTTP requests stopped: collected garbage", StringComparison.Ordinal)),
            "the trim after the requests stopped");
    }

    [Fact]
    public void TheTrimmerWaitsForEnoughAllocationAndForItsInterval()
    {
        var trimmer = new MemoryTrimmer(minAllocatedBytes: 1 << 20, minIntervalMilliseconds: 60_000);
        GC.KeepAlive(new byte[2 << 20]);
        Assert.True(trimmer.TryTrim().Trimmed);

        // Enough allocated again, but the last trim was just now: not yet, and when.
        GC.KeepAlive(new byte[2 << 20]);
        var tooSoon = trimmer.TryTrim();
        Assert.False(tooSoon.Trimmed);
        Assert.InRange(tooSoon.RetryInMilliseconds, 1, 60_000);
    }
}
