using System.Diagnostics;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Processes;

/// <summary>
/// Stopping (<c>Subprocess.kill</c> and <c>Supervisor.runforever</c>'s shutdown in the reference): stop
/// signals, SIGKILL escalation, group kills that leave no descendant behind, the daemon's ordered shutdown.
/// </summary>
public sealed class EngineStopTests
{
    [Fact]
    public async Task AChildThatIgnoresTheStopSignalIsKilledAfterStopwaitsecs()
    {
        await using var daemon = await SupervisedPrograms.StartAsync("""
            [program:stubborn]
            command = /bin/sh -c 'trap "" TERM; echo ready; while :; do sleep 0.1; done'
            startsecs = 0
            stopwaitsecs = 1
            """);
        var info = await daemon.WaitForStateAsync("stubborn", "RUNNING");
        var pid = (int)info["pid"]!;
        var clock = Stopwatch.StartNew();
        Assert.Equal(true, await daemon.Unix.ValueAsync("supervisor.stopProcess", "stubborn", true));
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.9, 5);
        Assert.Equal("STOPPED", await daemon.StateAsync("stubborn"));
        Assert.Contains($"killing 'stubborn' ({pid}) with SIGKILL", daemon.LogLines("with SIGKILL"));
        Assert.Contains("stopped: stubborn (terminated by SIGKILL)", daemon.LogLines("stopped:"));
        Assert.Contains("waiting for stubborn to stop", daemon.LogLines("waiting for"));
    }

    [Fact]
    public async Task StopAsGroupLeavesNoDescendantAliveEvenOneThatLeftTheGroup()
    {
        await using var daemon = await SupervisedPrograms.StartAsync("""
            [program:tree]
            command = /bin/sh -c 'setsid sh -c "trap \"\" TERM; echo \$\$ > {dir}/escaped.pid; while :; do sleep 0.1; done" & sleep 1000 & echo $! > {dir}/member.pid; wait'
            startsecs = 0
            stopasgroup = true
            stopwaitsecs = 2
            """);
        await daemon.WaitForStateAsync("tree", "RUNNING");
        await SupervisedPrograms.WaitUntilAsync(() => File.Exists(daemon.Directory.File("escaped.pid")) && File.Exists(daemon.Directory.File("member.pid")), "the grandchildren");
        var escaped = SupervisedPrograms.ReadPid(daemon.Directory.File("escaped.pid"));
        var member = SupervisedPrograms.ReadPid(daemon.Directory.File("member.pid"));
        Assert.NotEqual(SupervisedPrograms.ProcessGroupOf(escaped), SupervisedPrograms.ProcessGroupOf(member));

        await daemon.Unix.ValueAsync("supervisor.stopProcess", "tree", true);
        await SupervisedPrograms.WaitUntilAsync(() => SupervisedPrograms.IsGone(escaped) && SupervisedPrograms.IsGone(member), "every descendant gone and reaped", seconds: 5);
    }

    [Fact]
    public async Task WithoutStopAsGroupOnlyTheChildIsSignalledAsInTheReference()
    {
        int orphan = 0;
        try
        {
            await using var daemon = await SupervisedPrograms.StartAsync("""
                [program:parent]
                command = /bin/sh -c 'sleep 1000 & echo $! > {dir}/orphan.pid; wait'
                startsecs = 0
                """);
            await daemon.WaitForStateAsync("parent", "RUNNING");
            await SupervisedPrograms.WaitUntilAsync(() => File.Exists(daemon.Directory.File("orphan.pid")), "the grandchild");
            orphan = SupervisedPrograms.ReadPid(daemon.Directory.File("orphan.pid"));
            await daemon.Unix.ValueAsync("supervisor.stopProcess", "parent", true);
            await Task.Delay(300);
            Assert.True(SupervisedPrograms.IsAlive(orphan));
        }
        finally
        {
            if (orphan != 0)
            {
                Signals.Send(orphan, 9);
            }
        }
    }

    [Fact]
    public async Task ShutdownStopsGroupsHighestPriorityFirstAndExitsCleanly()
    {
        var daemon = await SupervisedPrograms.StartAsync("""
            [program:first]
            command = sleep 1000
            priority = 1
            startsecs = 0

            [program:second]
            command = sleep 1000
            priority = 2
            startsecs = 0

            [program:third]
            command = sleep 1000
            priority = 3
            startsecs = 0
            """);
        await using (daemon)
        {
            var pids = new List<int>();
            foreach (var name in new[] { "first", "second", "third" })
            {
                pids.Add((int)(await daemon.WaitForStateAsync(name, "RUNNING"))["pid"]!);
            }

            daemon.Process.Signal(15);
            Assert.Equal(0, await daemon.Process.WaitForExitAsync(TimeSpan.FromSeconds(15)));
            Assert.Equal(
                ["stopped: third (terminated by SIGTERM)", "stopped: second (terminated by SIGTERM)", "stopped: first (terminated by SIGTERM)"],
                daemon.LogLines("stopped:"));
            Assert.All(pids, pid => Assert.False(SupervisedPrograms.IsAlive(pid)));
        }
    }

    [Fact]
    public async Task ShutdownStopsGroupsOfEqualPriorityTogether()
    {
        // Each program, on SIGTERM, notes it and then waits (up to 20 s) until the other has noted its own:
        // stopped one group after another (the reference), the first would only exit after its 20 s.
        const string waitForPeer = """
            /bin/sh -c 'trap "echo $0 >> {dir}/termed; for i in \$(seq 200); do [ \$(wc -l < {dir}/termed) -ge 2 ] && exit 0; sleep 0.1; done; exit 7" TERM; while :; do sleep 0.1; done' 
            """;
        var daemon = await SupervisedPrograms.StartAsync($"""
            [program:left]
            command = {waitForPeer.Trim()} left
            startsecs = 0
            stopwaitsecs = 60

            [program:right]
            command = {waitForPeer.Trim()} right
            startsecs = 0
            stopwaitsecs = 60

            [program:early]
            command = sleep 1000
            priority = 1
            startsecs = 0
            """);
        await using (daemon)
        {
            foreach (var name in new[] { "left", "right", "early" })
            {
                await daemon.WaitForStateAsync(name, "RUNNING");
            }

            daemon.Process.Signal(15);
            Assert.Equal(0, await daemon.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            var stopped = daemon.LogLines("stopped:");
            Assert.Equal(3, stopped.Count);

            // Both exited 0 (each saw the other's note), and the lower priority still went last.
            Assert.Equal(
                ["stopped: left (exit status 0)", "stopped: right (exit status 0)"],
                stopped.Take(2).Order(StringComparer.Ordinal));
            Assert.Equal("stopped: early (terminated by SIGTERM)", stopped[2]);
        }
    }

    [Fact]
    public async Task ARestartStopsEveryChildAndStartsThemAgain()
    {
        await using var daemon = await SupervisedPrograms.StartAsync("""
            [program:again]
            command = sleep 1000
            startsecs = 0
            """);
        var before = (int)(await daemon.WaitForStateAsync("again", "RUNNING"))["pid"]!;
        daemon.Process.Signal(1);
        await SupervisedPrograms.WaitUntilAsync(() => daemon.SpawnedPids("again").Count == 2, "the respawn after SIGHUP");
        var after = (int)(await daemon.WaitForStateAsync("again", "RUNNING"))["pid"]!;
        Assert.NotEqual(before, after);
        Assert.False(SupervisedPrograms.IsAlive(before));
    }
}
