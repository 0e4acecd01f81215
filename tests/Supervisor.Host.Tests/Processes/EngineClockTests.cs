using System.Collections.Concurrent;
using Supervisor.Abstractions;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Processes;

/// <summary>
/// The engine's time-driven rules on a clock the test moves (<see cref="FakeClockEngine"/>): each happens
/// exactly when the clock passes its deadline and not a pass earlier, with real children and no real
/// waiting for the clock (Supervisor's <c>supervisor/process.py</c>, <c>Subprocess.transition</c>).
/// </summary>
public sealed class EngineClockTests
{
    [Fact]
    public async Task StartsecsPromotesToRunningOnlyOnceTheClockHasPassedIt()
    {
        await using var engine = await FakeClockEngine.StartAsync("""
            [program:patient]
            command = /bin/sleep 1000
            startsecs = 10
            """);

        var starting = await engine.WaitForStateAsync("patient", ProcessState.Starting);
        Assert.True(SupervisedPrograms.IsAlive(starting.Pid));

        await engine.AdvanceAsync(10);
        Assert.Equal(ProcessState.Starting, engine.Info("patient").State);

        await engine.AdvanceAsync(0.001);
        Assert.Equal(ProcessState.Running, engine.Info("patient").State);
        Assert.Equal(
            ["success: patient entered RUNNING state, process has stayed up for > than 10 seconds (startsecs)"],
            engine.LogLines("success:"));
    }

    [Fact]
    public async Task AQuickExitBacksOffOneThenTwoSecondsOfTheClockThenGivesUp()
    {
        // Each run exits when told to on stdin, half a second of the clock after its spawn: too quick for
        // startsecs=5. (An exit at the very instant of the spawn would count as "laststart in the future".)
        await using var engine = await FakeClockEngine.StartAsync("""
            [program:quick]
            command = /bin/sh -c 'read line; exit 0'
            startsecs = 5
            startretries = 2
            """);

        await RunHalfASecondAsync(engine);
        Assert.Single(engine.LogLines("spawned: 'quick'"));

        // The first backoff is 1 s from the exit.
        await engine.AdvanceAsync(0.999);
        Assert.Equal(ProcessState.Backoff, engine.Info("quick").State);
        await engine.AdvanceAsync(0.002);
        await RunHalfASecondAsync(engine);
        Assert.Equal(2, engine.LogLines("spawned: 'quick'").Count);

        // The second is 2 s.
        await engine.AdvanceAsync(1.999);
        Assert.Equal(ProcessState.Backoff, engine.Info("quick").State);
        await engine.AdvanceAsync(0.002);
        var fatal = await RunHalfASecondAsync(engine, ProcessState.Fatal);

        Assert.Equal("Exited too quickly (process log may have details)", fatal.SpawnError);
        Assert.Equal(3, engine.LogLines("spawned: 'quick'").Count);
        Assert.Equal(3, engine.LogLines("exited: quick (exit status 0; not expected)").Count);
        Assert.Single(engine.LogLines("gave up: quick entered FATAL state, too many start retries too quickly"));
        Assert.Empty(engine.LogLines("laststart time is in the future"));
    }

    /// <summary>Waits for a spawn of <c>quick</c>, moves the clock half a second, and lets it exit into BACKOFF (or <paramref name="exitsInto"/>).</summary>
    private static async Task<ProcessInfo> RunHalfASecondAsync(FakeClockEngine engine, ProcessState exitsInto = ProcessState.Backoff)
    {
        await engine.WaitForStateAsync("quick", ProcessState.Starting);
        await engine.AdvanceAsync(0.5);
        await engine.Engine.Invoke(() => { engine.Engine.Commands.WriteStdin("quick", "quick", "go\n"u8.ToArray()); return true; });
        return await engine.WaitForStateAsync("quick", exitsInto);
    }

    [Fact]
    public async Task AStopThatIsIgnoredBecomesSigkillExactlyWhenStopwaitsecsHavePassed()
    {
        // SIGTERM ignored before the exec stays ignored in sleep.
        await using var engine = await FakeClockEngine.StartAsync("""
            [program:stubborn]
            command = /bin/sh -c "trap '' TERM; exec /bin/sleep 1000"
            startsecs = 1
            stopwaitsecs = 30
            """);

        var starting = await engine.WaitForStateAsync("stubborn", ProcessState.Starting);
        await engine.AdvanceAsync(1.5);
        Assert.Equal(ProcessState.Running, engine.Info("stubborn").State);

        await engine.Engine.Invoke(() => engine.Engine.Commands.Stop("stubborn", "stubborn", wait: false));
        Assert.Equal(ProcessState.Stopping, engine.Info("stubborn").State);

        await engine.AdvanceAsync(29.9);
        Assert.Equal(ProcessState.Stopping, engine.Info("stubborn").State);
        Assert.True(SupervisedPrograms.IsAlive(starting.Pid));
        Assert.Empty(engine.LogLines("SIGKILL"));

        await engine.AdvanceAsync(0.2);
        await engine.WaitForStateAsync("stubborn", ProcessState.Stopped);
        Assert.Equal([$"killing 'stubborn' ({starting.Pid}) with SIGKILL"], engine.LogLines("with SIGKILL"));
        Assert.Single(engine.LogLines("stopped: stubborn (terminated by SIGKILL)"));
    }

    [Fact]
    public async Task TickEventsFollowTheClockBoundaries()
    {
        await using var engine = await FakeClockEngine.StartAsync("""
            [program:idle]
            command = /bin/sleep 1000
            autostart = false
            """);
        var ticks = new ConcurrentQueue<string>();
        using var subscription = engine.Bus.Subscribe("TICK", e => ticks.Enqueue($"{e.Type} {e.Payload}"));

        // The epoch is 00:00:01; 3.9 s later no boundary has been crossed.
        await engine.AdvanceAsync(3.9);
        Assert.Empty(ticks);

        // Past 00:01:00: eleven TICK_5 boundaries, one of them also TICK_60 (crossed in one pass: one of each).
        await engine.AdvanceAsync(0.2);
        await engine.AdvanceAsync(56);
        var epoch = FakeClockEngine.Epoch.ToUnixTimeSeconds() - 1;
        await SupervisedPrograms.WaitUntilAsync(() => ticks.Count >= 3, "three tick events");
        await engine.PassAsync();
        Assert.Equal([$"TICK_5 when:{epoch + 5}", $"TICK_5 when:{epoch + 60}", $"TICK_60 when:{epoch + 60}"], ticks);
    }
}
