using System.Text;
using Supervisor.Host.Processes;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Processes;

/// <summary>Starting many programs at once: the launch is served in slices, so the loop stays responsive.</summary>
public sealed class EngineLaunchTests
{
    [Fact]
    public async Task ALaunchLongerThanOneSliceLetsTheLoopPromoteTheFirstProgramsBeforeTheLastIsSpawned()
    {
        // startsecs=0: a program becomes RUNNING in the first pass after its spawn. Were every program spawned
        // in one pass (as in the reference), no "success:" line could come before the last "spawned:" line.
        var count = (ProcessEngine.MaxSpawnsPerPass * 2) + 10;
        var sections = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            sections.Append($"[program:p{i:D3}]\ncommand = /bin/sleep 1000\nstartsecs = 0\n\n");
        }

        await using var daemon = await SupervisedPrograms.StartAsync(sections.ToString());
        await SupervisedPrograms.WaitUntilAsync(() => daemon.LogLines("success: ").Count == count, "every program RUNNING", seconds: 60);

        var log = daemon.LogLines(": ");
        var lastSpawn = log.FindLastIndex(line => line.StartsWith("spawned: ", StringComparison.Ordinal));
        var firstSuccess = log.FindIndex(line => line.StartsWith("success: ", StringComparison.Ordinal));
        Assert.Equal(count, log.Count(line => line.StartsWith("spawned: ", StringComparison.Ordinal)));
        Assert.True(firstSuccess < lastSpawn, $"first success at line {firstSuccess}, last spawn at line {lastSpawn}");
    }
}
