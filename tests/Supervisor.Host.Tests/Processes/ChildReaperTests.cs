using System.Collections.Concurrent;
using System.Diagnostics;
using Supervisor.Host.Platform;
using Supervisor.Host.Processes.Spawning;
using static Supervisor.Host.Tests.Processes.SpawnHarness;

namespace Supervisor.Host.Tests.Processes;

/// <summary>SIGCHLD-driven reaping: prompt, exactly once, no exit missed, orphans adopted, the runtime's own children left alone.</summary>
public sealed class ChildReaperTests
{
    [Fact]
    public async Task AnExitIsReportedPromptlyAfterTheChildDies()
    {
        // The best of five: a shared, loaded machine can delay any one report, but a poller with a
        // period of a second or so would rarely be that quick even once.
        var latencies = new List<TimeSpan>();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var (child, exit) = Start(Command("/bin/sleep", ["sleep", "30"]));
            using (child)
            {
                // Let the reaper go idle first: the report must come from SIGCHLD, not from a pass already running.
                await Task.Delay(20);
                var killedAt = DateTimeOffset.UtcNow;
                var clock = Stopwatch.StartNew();
                Assert.Equal(0, NativeProcesses.Kill(child.Pid, 15));
                var reaped = await exit.WaitAsync(TimeSpan.FromSeconds(5));
                latencies.Add(clock.Elapsed);

                Assert.Equal(child.Pid, reaped.Pid);
                Assert.True(reaped.Known);
                Assert.Equal("terminated by SIGTERM", WaitStatuses.Describe(reaped.WaitStatus));
                Assert.InRange(reaped.Time, killedAt, DateTimeOffset.UtcNow);
            }
        }

        Assert.True(latencies.Min() < TimeSpan.FromMilliseconds(100), $"reported after {string.Join(", ", latencies.Select(l => l.TotalMilliseconds))} ms");
    }

    [Fact]
    public async Task TwoHundredConcurrentChildrenAreEachReportedExactlyOnceWithTheirOwnStatus()
    {
        var reports = new ConcurrentDictionary<int, List<ChildExit>>();
        using var reaper = new ChildReaper(exit =>
        {
            if (exit.Known)
            {
                var list = reports.GetOrAdd(exit.Pid, _ => []);
                lock (list)
                {
                    list.Add(exit);
                }
            }
        });

        var expected = new Dictionary<int, int>();
        var children = new List<SpawnedChild>();
        for (var i = 0; i < 200; i++)
        {
            var result = ChildSpawner.Spawn(Shell($"exit {i % 100}"), $"c{i}");
            Assert.Null(result.Error);
            reaper.Track(result.Child!.Pid);
            expected[result.Child.Pid] = i % 100;
            children.Add(result.Child);
        }

        try
        {
            Assert.True(await EventuallyAsync(() => reports.Count == 200, 10000), $"{reports.Count} of 200 reported");

            // Any duplicate would have arrived by now.
            await Task.Delay(100);
            foreach (var (pid, code) in expected)
            {
                var exit = Assert.Single(reports[pid]);
                Assert.Equal(code, WaitStatuses.ExitCode(exit.WaitStatus));
            }
        }
        finally
        {
            children.ForEach(child => child.Dispose());
        }
    }

    [Fact]
    public async Task SpawnsFromSeveralThreadsAtOnceAreEachReportedExactlyOnce()
    {
        var reports = new ConcurrentDictionary<int, int>();
        using var reaper = new ChildReaper(exit =>
        {
            if (exit.Known)
            {
                reports.AddOrUpdate(exit.Pid, 1, (_, count) => count + 1);
            }
        });

        // Some children are still being spawned while others exit: the in-flight and not-yet-tracked paths.
        var spawned = new ConcurrentBag<int>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 50; i++)
            {
                var request = i % 3 == 0 ? Shell("exit 1") with { Umask = 18 } : Shell("exit 1");
                using var child = ChildSpawner.Spawn(request, $"w{worker}-{i}").Child!;
                reaper.Track(child.Pid);
                spawned.Add(child.Pid);
            }
        })));

        Assert.True(await EventuallyAsync(() => reports.Count == 200, 10000), $"{reports.Count} of 200 reported");
        await Task.Delay(100);
        Assert.Equal(spawned.Order(), reports.Keys.Order());
        Assert.All(reports.Values, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task AnExitBeforeTrackIsStillReported()
    {
        var reported = new TaskCompletionSource<ChildExit>(TaskCreationOptions.RunContinuationsAsynchronously);
        var result = ChildSpawner.Spawn(Shell("exit 7"), "early");
        using var child = result.Child!;
        using var reaper = new ChildReaper(exit =>
        {
            if (exit.Pid == child.Pid)
            {
                reported.TrySetResult(exit);
            }
        });

        // The child is a zombie (its SIGCHLD long gone) before anyone tracks it.
        Assert.True(await EventuallyAsync(() => ProcTree.Read(child.Pid) is null || File.ReadAllText($"/proc/{child.Pid}/stat").Contains(") Z ", StringComparison.Ordinal)));
        await Task.Delay(50);
        reaper.Track(child.Pid);

        var exit = await reported.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(exit.Known);
        Assert.Equal("exit status 7", WaitStatuses.Describe(exit.WaitStatus));
    }

    [Fact]
    public async Task AnOrphanLeftByAChildIsAdoptedAndReapedAsUnknown()
    {
        var (child, exit) = Start(Shell("sleep 0.3 & echo $!"));
        using (child)
        {
            var grandchild = int.Parse(await ReadLineAsync(child.Stdout), System.Globalization.CultureInfo.InvariantCulture);
            await exit.WaitAsync(TimeSpan.FromSeconds(5));

            // As subreaper the daemon, not init, inherits the grandchild.
            Assert.True(await EventuallyAsync(() => ProcTree.Read(grandchild) is not { } entry || entry.ParentPid == Environment.ProcessId));

            Assert.True(await EventuallyAsync(() => Orphans.Any(orphan => orphan.Pid == grandchild)), "the orphan was never reaped");
            var orphan = Orphans.First(orphan => orphan.Pid == grandchild);
            Assert.False(orphan.Known);
            Assert.Equal("exit status 0", WaitStatuses.Describe(orphan.WaitStatus));
            Assert.Null(ProcTree.Read(grandchild));
        }
    }

    [Fact]
    public async Task AZombieLeftInTheDaemonsOwnGroupDoesNotHideTheOrphansBehindIt()
    {
        // A System.Diagnostics.Process shell's background job stays in our process group. Orphaned, it
        // is adopted; dead, it is a zombie the reaper must leave alone (by the group rule), and the first
        // in waitid's view: every zombie adopted after it would be hidden behind it.
        using var shell = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "sleep 0.2 & echo $!"]) { UseShellExecute = false, RedirectStandardOutput = true })!;
        var blocker = int.Parse((await shell.StandardOutput.ReadLineAsync())!, System.Globalization.CultureInfo.InvariantCulture);
        await shell.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        try
        {
            Assert.True(await EventuallyAsync(() => ProcTree.Read(blocker) is { IsZombie: true } entry && entry.ParentPid == Environment.ProcessId), "the blocking zombie never appeared");

            var (child, exit) = Start(Shell("sleep 0.3 & echo $!"));
            using (child)
            {
                var orphan = int.Parse(await ReadLineAsync(child.Stdout), System.Globalization.CultureInfo.InvariantCulture);
                await exit.WaitAsync(TimeSpan.FromSeconds(5));
                Assert.True(await EventuallyAsync(() => Orphans.Any(exit => exit.Pid == orphan)), "the orphan behind the zombie was never reaped");
                Assert.Null(ProcTree.Read(orphan));
            }

            // The zombie in our group is still left to its owner.
            Assert.True(ProcTree.Read(blocker) is { IsZombie: true });
            Assert.DoesNotContain(Orphans, exit => exit.Pid == blocker);
        }
        finally
        {
            ReapByHand(blocker);
        }
    }

    [Fact]
    public async Task SystemDiagnosticsProcessChildrenAreLeftToTheRuntime()
    {
        using var reaper = new ChildReaper(_ => { });
        for (var i = 0; i < 5; i++)
        {
            using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "exit 5"]) { UseShellExecute = false })!;
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(5, process.ExitCode);
            Assert.DoesNotContain(Orphans, orphan => orphan.Pid == process.Id);
        }

        // Our own children are still collected alongside.
        var finished = await RunAsync(Shell("exit 4"));
        Assert.Equal(4, WaitStatuses.ExitCode(finished.Exit.WaitStatus));
    }

    [Fact]
    public void TheRuntimesTableOfProcessChildrenIsUnderstood()
    {
        // If a runtime upgrade renames it, orphans fall back to the process-group rule alone: fix RuntimeChildren.
        Assert.True(RuntimeChildren.Understood);
        using var process = Process.Start(new ProcessStartInfo("/bin/sleep", ["10"]) { UseShellExecute = false })!;
        try
        {
            Assert.True(RuntimeChildren.Owns(process.Id));
            Assert.False(RuntimeChildren.Owns(Environment.ProcessId));
        }
        finally
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    [Fact]
    public async Task AProcessChildThatLeftTheDaemonsProcessGroupIsStillLeftToTheRuntime()
    {
        // setsid(1), started by a non-leader, calls setsid() itself and execs: the runtime's child then
        // leads a group of its own, like our orphans. Taking its exit would make the runtime fail fast.
        // Our own children exit all along, so that reaper passes are running when the runtime's child dies.
        using var stop = new CancellationTokenSource();
        var churn = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await RunAsync(Shell("exit 0"));
            }
        });
        try
        {
            for (var i = 0; i < 30; i++)
            {
                using var process = Process.Start(new ProcessStartInfo("/usr/bin/setsid", ["/bin/sh", "-c", "exit 3"]) { UseShellExecute = false })!;
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                Assert.Equal(3, process.ExitCode);
                Assert.DoesNotContain(Orphans, orphan => orphan.Pid == process.Id);
            }
        }
        finally
        {
            stop.Cancel();
            await churn;
        }
    }

    [Fact]
    public async Task AnUntrackedChildIsNoLongerReportedToItsReaper()
    {
        var reports = new ConcurrentQueue<ChildExit>();
        using var reaper = new ChildReaper(reports.Enqueue);
        var result = ChildSpawner.Spawn(Command("/bin/sleep", ["sleep", "30"]), "untracked");
        using var child = result.Child!;
        reaper.Track(child.Pid);
        reaper.Untrack(child.Pid);
        NativeProcesses.Kill(child.Pid, 9);

        // Nobody tracks it any more: it ends up reaped as an unknown pid.
        Assert.True(await EventuallyAsync(() => reports.Any(exit => exit.Pid == child.Pid)));
        Assert.All(reports.Where(exit => exit.Pid == child.Pid), exit => Assert.False(exit.Known));
    }

    private static unsafe void ReapByHand(int pid)
    {
        var status = 0;
        NativeProcesses.Waitpid(pid, &status, 0);
    }
}
