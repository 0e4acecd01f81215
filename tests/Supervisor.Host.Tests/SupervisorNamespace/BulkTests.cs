using Supervisor.Abstractions;
using static Supervisor.Host.Tests.SupervisorNamespace.FakeProcessTable;

namespace Supervisor.Host.Tests.SupervisorNamespace;

/// <summary>Single and bulk start/stop over a fake engine: filters, entry order, concurrent waits, <c>wait</c> truthiness (<c>supervisor/rpcinterface.py</c>, <c>make_allfunc</c>, <c>startProcess</c>).</summary>
public sealed class BulkTests
{
    private readonly FakeDaemon _daemon = new();

    internal static List<(string Name, string Group, int Status, string Description)> Entries(object? value) =>
        ((System.Collections.IEnumerable)value!).Cast<object>().Select(FakeDaemon.Struct)
            .Select(s => ((string)s["name"]!, (string)s["group"]!, (int)s["status"]!, (string)s["description"]!)).ToList();

    [Fact]
    public async Task StartProcessWaitsByDefaultAndTreatsAnyNonEmptyStringOrNonZeroIntAsWait()
    {
        _daemon.Table.Add("web", Process("web"));
        Assert.Equal(true, await _daemon.Value("startProcess", "web"));
        await _daemon.Value("startProcess", "web", "false");
        await _daemon.Value("startProcess", "web", 2);
        await _daemon.Value("startProcess", "web", "");
        await _daemon.Value("startProcess", "web", 0);
        await _daemon.Value("startProcess", "web", false);
        Assert.Equal(
            ["start web:web wait=True", "start web:web wait=True", "start web:web wait=True", "start web:web wait=False", "start web:web wait=False", "start web:web wait=False"],
            _daemon.Table.Calls);
    }

    [Fact]
    public async Task EngineFaultsNameTheProcessAsTheCallerDid()
    {
        _daemon.Table.Add("web", Process("web", ProcessState.Running));
        _daemon.Table.OnCall = (_, p) => throw FaultFor(FaultCode.AlreadyStarted, p);
        Assert.Equal((60, "ALREADY_STARTED: web"), await _daemon.Fault("startProcess", "web"));
        Assert.Equal((60, "ALREADY_STARTED: web:web"), await _daemon.Fault("startProcess", "web:web"));
        _daemon.Table.OnCall = (_, _) => throw new RpcFaultException(FaultCode.NoFile, "can't find command '/nope'");
        Assert.Equal((20, "NO_FILE: can't find command '/nope'"), await _daemon.Fault("startProcess", "web"));
    }

    [Fact]
    public async Task GroupSpecStartsTheGroupAndReturnsItsArray()
    {
        _daemon.Table.Add("grp", Process("a"), Process("b", ProcessState.Running), Process("c", ProcessState.Fatal));
        Assert.Equal([("a", "grp", 80, "OK"), ("c", "grp", 80, "OK")], Entries(await _daemon.Value("startProcess", "grp:*", false)));
        Assert.Equal(["start grp:a wait=False", "start grp:c wait=False"], _daemon.Table.Calls);
    }

    [Fact]
    public async Task GroupMethodsTakeOnlyABareGroupName()
    {
        _daemon.Table.Add("grp", Process("a"));
        Assert.Equal((10, "BAD_NAME: grp:*"), await _daemon.Fault("startProcessGroup", "grp:*"));
        Assert.Equal((10, "BAD_NAME: nosuch"), await _daemon.Fault("stopProcessGroup", "nosuch"));
        Assert.Equal((10, "BAD_NAME: nosuch:*"), await _daemon.Fault("startProcess", "nosuch:*"));
    }

    [Fact]
    public async Task ImmediateResultsComeFirstInPriorityOrderThenWaitersAsTheyComplete()
    {
        // Priority order: a, b, c, d. a and c wait (c finishes first); b fails at once; d succeeds at once.
        _daemon.Table.Add("grp", Process("a"), Process("b"), Process("c"), Process("d"));
        var a = new TaskCompletionSource();
        var c = new TaskCompletionSource();
        _daemon.Table.OnCall = (_, p) => p.Name switch
        {
            "a" => a.Task,
            "b" => throw new RpcFaultException(FaultCode.SpawnError, "grp:b"),
            "c" => c.Task,
            _ => Task.CompletedTask,
        };

        var call = _daemon.Value("startProcessGroup", "grp", true);
        Assert.Equal(4, _daemon.Table.Calls.Count); // every wait is under way at once
        c.SetResult();

        // Give the bulk call time to collect c before a completes; otherwise both are found done
        // together and are (rightly) taken in priority order.
        await Task.Delay(200);
        a.SetException(new RpcFaultException(FaultCode.AbnormalTermination, "grp:a"));
        Assert.Equal(
            [("b", "grp", 50, "SPAWN_ERROR: grp:b"), ("d", "grp", 80, "OK"), ("c", "grp", 80, "OK"), ("a", "grp", 40, "ABNORMAL_TERMINATION: grp:a")],
            Entries(await call));
    }

    [Fact]
    public async Task WaitsProceedConcurrently()
    {
        _daemon.Table.Add("one", Process("one")).Add("two", Process("two")).Add("three", Process("three"));
        // Each wait finishes only once all three are under way: waits made one after another would
        // never get there (the first would time out), whatever the machine's speed.
        var started = 0;
        var allStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _daemon.Table.OnCall = async (_, _) =>
        {
            if (Interlocked.Increment(ref started) == 3)
            {
                allStarted.SetResult();
            }

            await allStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        };
        Assert.Equal(["OK", "OK", "OK"], Entries(await _daemon.Value("startAllProcesses")).Select(e => e.Description));
    }

    [Fact]
    public async Task StopFiltersOnTheRunningStatesAndStartOnTheOthers()
    {
        _daemon.Table.Add("g", [.. Enum.GetValues<ProcessState>().Select(s => Process(s.ToString(), s))]);
        var stopped = Entries(await _daemon.Value("stopAllProcesses")).Select(e => e.Name);
        Assert.Equal(["Starting", "Running", "Backoff"], stopped);
        var started = Entries(await _daemon.Value("startAllProcesses", 0)).Select(e => e.Name);
        Assert.Equal(["Stopped", "Stopping", "Exited", "Fatal", "Unknown"], started);
        Assert.Empty(Entries(await new FakeDaemon().Value("stopAllProcesses")));
    }

    [Fact]
    public async Task StopProcessPassesWaitAndReportsNotRunning()
    {
        _daemon.Table.Add("web", Process("web", ProcessState.Running));
        Assert.Equal(true, await _daemon.Value("stopProcess", "web", false));
        _daemon.Table.OnCall = (_, p) => throw FaultFor(FaultCode.NotRunning, p);
        Assert.Equal((70, "NOT_RUNNING: web"), await _daemon.Fault("stopProcess", "web"));
        Assert.Equal(["stop web:web wait=False", "stop web:web wait=True"], _daemon.Table.Calls);
    }

    [Fact]
    public async Task AShutdownDuringABulkCallShowsInItsEntries()
    {
        _daemon.Table.Add("grp", Process("a"), Process("b"));
        _daemon.Table.OnCall = (_, _) =>
        {
            _daemon.Facade.State = SupervisorState.Shutdown;
            return Task.CompletedTask;
        };
        Assert.Equal([("a", "grp", 80, "OK"), ("b", "grp", 6, "SHUTDOWN_STATE")], Entries(await _daemon.Value("startProcessGroup", "grp", false)));
    }

    [Fact]
    public async Task SendProcessStdinChecksCharsBeforeTheName()
    {
        _daemon.Table.Add("web", Process("web", ProcessState.Running));
        Assert.Equal((2, "INCORRECT_PARAMETERS: 123"), await _daemon.Fault("sendProcessStdin", "nosuch", 123));
        Assert.Equal((10, "BAD_NAME: web:*"), await _daemon.Fault("sendProcessStdin", "web:*", "x"));
        Assert.Equal(true, await _daemon.Value("sendProcessStdin", "web", "hello ✓"));
        Assert.Equal("stdin web:web hello ✓", Assert.Single(_daemon.Table.Calls));
        _daemon.Table.OnCall = (_, p) => throw FaultFor(FaultCode.NoFile, p);
        Assert.Equal((20, "NO_FILE: web:web"), await _daemon.Fault("sendProcessStdin", "web:web", "x"));
    }

    [Fact]
    public async Task ClearLogsReportsFailuresWithTheName()
    {
        _daemon.Table.Add("grp", Process("a"), Process("b")).Add("solo", Process("solo"));
        Assert.Equal(true, await _daemon.Value("clearProcessLog", "grp:a"));
        Assert.Equal((10, "BAD_NAME: grp:*"), await _daemon.Fault("clearProcessLogs", "grp:*"));
        _daemon.Table.OnCall = (_, p) => p.Name == "b" || p.Name == "solo" ? throw FaultFor(FaultCode.Failed, p) : Task.CompletedTask;
        Assert.Equal((30, "FAILED: solo"), await _daemon.Fault("clearProcessLogs", "solo"));
        Assert.Equal(
            [("a", "grp", 80, "OK"), ("b", "grp", 30, "FAILED: grp:b"), ("solo", "solo", 30, "FAILED: solo")],
            Entries(await _daemon.Value("clearAllProcessLogs")));
    }

    [Fact]
    public async Task ReloadConfigNestsTheThreeListsInOneArray()
    {
        _daemon.Table.Changes = new ConfigChanges(["new"], ["changed"], []);
        var result = (object[])(await _daemon.Value("reloadConfig"))!;
        var lists = (object[])Assert.Single(result);
        Assert.Equal(3, lists.Length);
        Assert.Equal(["new"], (IEnumerable<string>)lists[0]);
        Assert.Equal(["changed"], (IEnumerable<string>)lists[1]);
        Assert.Empty((IEnumerable<string>)lists[2]);
        Assert.Equal(true, await _daemon.Value("addProcessGroup", "new"));
        Assert.Equal(true, await _daemon.Value("removeProcessGroup", "old"));
        Assert.Equal(["add new", "remove old"], _daemon.Table.Calls);
    }
}
