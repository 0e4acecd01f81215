using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Processes;

/// <summary>
/// The state machine with real children under the real daemon (<c>supervisor/process.py</c>,
/// <c>Subprocess</c>): start-up, RUNNING promotion, backoff and FATAL, autorestart variants, the child's
/// environment and process group.
/// </summary>
public sealed class EngineLifecycleTests
{
    [Fact]
    public async Task OnceEveryProcessHasSettledTheLaunchsGarbageIsCollected()
    {
        // The daemon's idle memory depends on this (tests/Supervisor.Benchmarks: RSS with 200 programs);
        // the 5-second tick must not keep the loop from counting as settled (it once did).
        await using var daemon = await SupervisedPrograms.StartAsync(
            """
            [program:settler]
            command = /bin/sleep 1000
            startsecs = 1
            """,
            loglevel: "debug");

        await daemon.WaitForStateAsync("settler", "RUNNING");

        // A one-program launch allocates less than the 4 MiB that make a collection worth it: some
        // calls add the rest, and the next tick (at most 5 s away) finds the loop settled.
        for (var i = 0; i < 300; i++)
        {
            await daemon.Unix.ValueAsync("system.listMethods");
        }

        await SupervisedPrograms.WaitUntilAsync(
            () => daemon.LogLines("every process settled: collected garbage, managed heap ").Count == 1, "the collection after settling", seconds: 15);
    }

    [Fact]
    public async Task AnAutostartedProgramBecomesRunningInItsOwnProcessGroupWithTheSupervisorEnvironment()
    {
        await using var daemon = await SupervisedPrograms.StartAsync("""
            [program:sleeper]
            command = /bin/sh -c 'env > {dir}/env.txt; exec sleep 1000'
            startsecs = 1
            environment = EXTRA="from config",SUPERVISOR_GROUP_NAME=overridden
            """);
        var info = await daemon.WaitForStateAsync("sleeper", "RUNNING");
        var pid = (int)info["pid"]!;
        Assert.True(SupervisedPrograms.IsAlive(pid));
        Assert.Equal(pid, SupervisedPrograms.ProcessGroupOf(pid));
        Assert.Contains($"spawned: 'sleeper' with pid {pid}", daemon.LogLines("spawned:"));
        Assert.Contains("success: sleeper entered RUNNING state, process has stayed up for > than 1 seconds (startsecs)", daemon.LogLines("success:"));

        var envFile = daemon.Directory.File("env.txt");
        await SupervisedPrograms.WaitUntilAsync(() => File.Exists(envFile) && File.ReadAllText(envFile).Contains("SUPERVISOR_ENABLED", StringComparison.Ordinal), "the child's environment dump");
        var environment = File.ReadAllLines(envFile);
        Assert.Contains("SUPERVISOR_ENABLED=1", environment);
        Assert.Contains("SUPERVISOR_PROCESS_NAME=sleeper", environment);
        Assert.Contains("SUPERVISOR_GROUP_NAME=overridden", environment);
        Assert.Contains($"SUPERVISOR_SERVER_URL=unix://{daemon.SocketPath}", environment);
        Assert.Contains("EXTRA=from config", environment);
        Assert.DoesNotContain(environment, line => line.StartsWith("SUPERVISORD_DOTNET_DETACHED=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AMissingCommandIsASpawnErrorThatEndsInFatal()
    {
        await using var daemon = await SupervisedPrograms.StartAsync("""
            [program:ghost]
            command = /no/such/binary --flag
            startretries = 0
            """);
        var info = await daemon.WaitForStateAsync("ghost", "FATAL");
        Assert.Equal("can't find command '/no/such/binary'", info["spawnerr"]);
        Assert.Contains("spawnerr: can't find command '/no/such/binary'", daemon.LogLines("spawnerr:"));
        Assert.Empty(daemon.LogLines("spawned:"));
    }

    [Theory]
    [InlineData("unexpected", 0, false)]
    [InlineData("unexpected", 3, true)]
    [InlineData("true", 0, true)]
    [InlineData("false", 3, false)]
    public async Task AnExitFromRunningFollowsAutorestart(string autorestart, int exitCode, bool restarts)
    {
        await using var daemon = await SupervisedPrograms.StartAsync($$"""
            [program:worker]
            command = /bin/sh -c 'sleep 0.3; exit {{exitCode}}'
            startsecs = 0
            autorestart = {{autorestart}}
            exitcodes = 0
            """);
        await SupervisedPrograms.WaitUntilAsync(() => daemon.LogLines("exited: worker").Count >= 1, "the first exit");
        var expected = exitCode == 0 ? "expected" : "not expected";
        Assert.Equal($"exited: worker (exit status {exitCode}; {expected})", daemon.LogLines("exited: worker")[0]);
        if (restarts)
        {
            await SupervisedPrograms.WaitUntilAsync(() => daemon.SpawnedPids("worker").Count >= 2, "a restart");
        }
        else
        {
            var info = await daemon.WaitForStateAsync("worker", "EXITED");
            Assert.Equal(exitCode, info["exitstatus"]);
            await Task.Delay(500);
            Assert.Single(daemon.SpawnedPids("worker"));
        }
    }

    [Fact]
    public async Task AChildKilledByASignalIsReportedWithTheSignalName()
    {
        await using var daemon = await SupervisedPrograms.StartAsync("""
            [program:victim]
            command = /bin/sh -c 'kill -SEGV $$'
            startsecs = 0
            autorestart = false
            """);
        var info = await daemon.WaitForStateAsync("victim", "EXITED");
        Assert.Equal(-1, info["exitstatus"]);
        Assert.Contains(daemon.LogLines("exited: victim"), line => line.StartsWith("exited: victim (terminated by SIGSEGV", StringComparison.Ordinal));
        Assert.Equal("Bad exit code -1", info["spawnerr"]);
    }

    [Fact]
    public async Task ProcessesOfOneProgramAreNamedByProcessNumber()
    {
        await using var daemon = await SupervisedPrograms.StartAsync("""
            [program:pool]
            command = sleep 1000
            process_name = %(program_name)s_%(process_num)02d
            numprocs = 2
            numprocs_start = 3
            startsecs = 0
            """);
        await daemon.WaitForStateAsync("pool:pool_03", "RUNNING");
        await daemon.WaitForStateAsync("pool:pool_04", "RUNNING");
        var all = (object?[])(await daemon.Unix.ValueAsync("supervisor.getAllProcessInfo"))!;
        Assert.Equal(["pool_03", "pool_04"], all.Cast<Dictionary<string, object?>>().Select(p => (string)p["name"]!));
    }
}
