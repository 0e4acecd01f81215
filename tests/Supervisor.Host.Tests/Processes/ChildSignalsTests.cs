using System.Globalization;
using Supervisor.Host.Processes.Spawning;
using static Supervisor.Host.Tests.Processes.SpawnHarness;

namespace Supervisor.Host.Tests.Processes;

/// <summary>Signalling a child alone, or its group and every descendant (even one that left the group).</summary>
public sealed class ChildSignalsTests
{
    private const int Sigterm = 15;
    private const int Sigkill = 9;

    [Fact]
    public async Task AGroupSignalReachesAGrandchildThatCalledSetsid()
    {
        var (child, exit) = Start(Shell("setsid sleep 30 & echo $!; wait"));
        using (child)
        {
            var grandchild = int.Parse(await ReadLineAsync(child.Stdout), CultureInfo.InvariantCulture);
            Assert.True(await EventuallyAsync(() => IsSleepInItsOwnSession(grandchild)));

            Assert.Equal(0, ChildSignals.Send(child.Pid, Sigterm, group: true, out var descendants));

            var tracked = Assert.Single(descendants, d => d.Pid == grandchild);
            Assert.Equal(ProcTree.Read(grandchild)?.StartTime ?? tracked.StartTime, tracked.StartTime);
            Assert.Equal("terminated by SIGTERM", WaitStatuses.Describe((await exit.WaitAsync(TimeSpan.FromSeconds(5))).WaitStatus));
            Assert.True(await EventuallyAsync(() => IsGone(grandchild)), "the setsid grandchild survived");
        }
    }

    [Fact]
    public async Task APlainSignalReachesThePidOnlyAndSurvivorsCanBeKilledLater()
    {
        var (child, exit) = Start(Shell("setsid sleep 30 & echo $!; wait"));
        using (child)
        {
            var grandchild = int.Parse(await ReadLineAsync(child.Stdout), CultureInfo.InvariantCulture);
            Assert.True(await EventuallyAsync(() => IsSleepInItsOwnSession(grandchild)));
            var snapshot = new List<TrackedPid> { new(grandchild, ProcTree.Read(grandchild)!.Value.StartTime) };

            Assert.Equal(0, ChildSignals.Send(child.Pid, Sigterm, group: false, out var none));
            Assert.Empty(none);
            await exit.WaitAsync(TimeSpan.FromSeconds(5));
            await Task.Delay(50);
            Assert.False(IsGone(grandchild), "the grandchild should have survived a signal to the pid only");

            // A wrong start time stands for a reused pid: left alone.
            ChildSignals.SendToSurvivors([new TrackedPid(grandchild, snapshot[0].StartTime + 1)], Sigkill);
            await Task.Delay(50);
            Assert.False(IsGone(grandchild));

            ChildSignals.SendToSurvivors(snapshot, Sigkill);
            Assert.True(await EventuallyAsync(() => IsGone(grandchild)));
        }
    }

    [Fact]
    public void SignallingAProcessThatIsGoneGivesEsrch()
    {
        Assert.Equal(3, ChildSignals.Send(int.MaxValue - 1, Sigterm, group: false, out _));
        Assert.Equal(3, ChildSignals.Send(int.MaxValue - 1, Sigterm, group: true, out var descendants));
        Assert.Empty(descendants);
    }

    [Fact]
    public void StatLinesWithAwkwardCommandNamesParse()
    {
        var entry = ProcTree.Parse("1234 (a) b (c) S 1 1234 1234 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 987654 1000 100 0 0\n");
        Assert.Equal(new ProcTree.Entry(1234, 1, 1234, 987654, 'S'), entry);
        Assert.True(ProcTree.Parse("77 (z) Z 1 77 77 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 5 1000 100 0 0\n") is { IsZombie: true });
    }

    private static bool IsSleepInItsOwnSession(int pid)
    {
        var text = File.Exists($"/proc/{pid}/stat") ? File.ReadAllText($"/proc/{pid}/stat") : string.Empty;
        return text.Contains("(sleep)", StringComparison.Ordinal)
            && text[(text.LastIndexOf(')') + 2)..].Split(' ')[3] == pid.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Gone, or a zombie awaiting the reaper.</summary>
    private static bool IsGone(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return true;
        }
    }
}
