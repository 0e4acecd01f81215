using Supervisor.Abstractions;
using static Supervisor.Host.Tests.SupervisorNamespace.FakeProcessTable;

namespace Supervisor.Host.Tests.SupervisorNamespace;

/// <summary>getProcessInfo / getAllProcessInfo: keys, description by state (<c>supervisor/rpcinterface.py</c>, <c>getProcessInfo</c>, <c>_interpretProcessInfo</c>), name rules.</summary>
public sealed class ProcessInfoTests
{
    private readonly FakeDaemon _daemon = new();

    private async Task<Dictionary<string, object?>> Info(ProcessInfo process, string name = "web")
    {
        _daemon.Table.Add(process.Name, process);
        return FakeDaemon.Struct(await _daemon.Value("getProcessInfo", name));
    }

    [Fact]
    public async Task HasEveryKeyInTheReferenceOrder()
    {
        var info = await Info(Process("web", ProcessState.Starting) with { Pid = 42, StdoutLogfile = "/l/out", StderrLogfile = "/l/err", Start = 100 });
        Assert.Equal(
            ["name", "group", "start", "stop", "now", "state", "statename", "spawnerr", "exitstatus", "logfile", "stdout_logfile", "stderr_logfile", "pid", "description"],
            info.Keys);
        Assert.Equal(("web", "web", 100, 0, (int)_daemon.Clock.UnixNow, 10, "STARTING"), (info["name"], info["group"], info["start"], info["stop"], info["now"], info["state"], info["statename"]));
        Assert.Equal(("/l/out", "/l/out", "/l/err", 42, ""), (info["logfile"], info["stdout_logfile"], info["stderr_logfile"], info["pid"], info["description"]));
    }

    [Theory]
    [InlineData(149, "pid 42, uptime 0:02:29")]
    [InlineData(0, "pid 42, uptime 0:00:00")]
    [InlineData(-30, "pid 42, uptime 0:00:00")]
    [InlineData(36000, "pid 42, uptime 10:00:00")]
    [InlineData(86400 + 3600, "pid 42, uptime 1 day, 1:00:00")]
    [InlineData((2 * 86400) + (3 * 3600) + (4 * 60) + 5, "pid 42, uptime 2 days, 3:04:05")]
    public async Task RunningShowsPidAndUptime(long uptime, string description)
    {
        var info = await Info(Process("web", ProcessState.Running) with { Pid = 42, Start = _daemon.Clock.UnixNow - uptime });
        Assert.Equal(description, info["description"]);
    }

    [Fact]
    public async Task StoppedAfterRunningShowsTheStopTimeInTheLocalZone()
    {
        var stop = new DateTimeOffset(2026, 11, 21, 16, 5, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var info = await Info(Process("web", ProcessState.Exited) with { Start = stop - 10, Stop = stop });
        Assert.Equal("Nov 21 04:05 PM", info["description"]);

        _daemon.Clock.Zone = TimeZoneInfo.CreateCustomTimeZone("plus-nine", TimeSpan.FromHours(9), "plus-nine", "plus-nine");
        Assert.Equal("Nov 22 01:05 AM", FakeDaemon.Struct(await _daemon.Value("getProcessInfo", "web"))["description"]);
    }

    [Fact]
    public async Task StoppedFromBackoffWithoutAStopTimeShowsTheEpoch()
    {
        var info = await Info(Process("web", ProcessState.Stopped) with { Start = 1_700_000_000, Stop = 0 });
        Assert.Equal("Jan 01 12:00 AM", info["description"]);

        _daemon.Clock.Zone = TimeZoneInfo.CreateCustomTimeZone("minus-five", TimeSpan.FromHours(-5), "minus-five", "minus-five");
        Assert.Equal("Dec 31 07:00 PM", FakeDaemon.Struct(await _daemon.Value("getProcessInfo", "web"))["description"]);
    }

    [Theory]
    [InlineData(ProcessState.Stopped, "", "Not started")]
    [InlineData(ProcessState.Exited, "", "Not started")]
    [InlineData(ProcessState.Backoff, "Exited too quickly (process log may have details)", "Exited too quickly (process log may have details)")]
    [InlineData(ProcessState.Fatal, "", "unknown error (try \"tail web\")")]
    [InlineData(ProcessState.Stopping, "", "")]
    [InlineData(ProcessState.Unknown, "", "")]
    public async Task DescriptionFollowsTheState(ProcessState state, string spawnError, string description)
    {
        var info = await Info(Process("web", state) with { SpawnError = spawnError });
        Assert.Equal(description, info["description"]);
    }

    [Fact]
    public async Task TimesAreClampedTo32Bits()
    {
        var info = await Info(Process("web", ProcessState.Starting) with { Start = 1L << 40 });
        Assert.Equal(int.MaxValue, info["start"]);
    }

    [Theory]
    [InlineData("grp:*")]
    [InlineData("grp:")]
    [InlineData("grp")]
    [InlineData("a")]
    [InlineData("grp:c")]
    [InlineData("nosuch:*")]
    public async Task GroupSpecsBareNamesOfOtherGroupsAndUnknownNamesAreBadName(string name)
    {
        _daemon.Table.Add("grp", Process("a"), Process("b"));
        Assert.Equal((10, "BAD_NAME: " + name), await _daemon.Fault("getProcessInfo", name));
    }

    [Fact]
    public async Task ANameIsSplitAtTheFirstColonOnly()
    {
        _daemon.Table.Add("a", Process("b:c"), Process("w*"));
        Assert.Equal("b:c", FakeDaemon.Struct(await _daemon.Value("getProcessInfo", "a:b:c"))["name"]);
        Assert.Equal("w*", FakeDaemon.Struct(await _daemon.Value("getProcessInfo", "a:w*"))["name"]);
    }

    [Fact]
    public async Task AllProcessInfoIsInLexicalOrder()
    {
        _daemon.Table.Add("zeta", Process("zeta")).Add("alpha", Process("y"), Process("b")).Add("mid", Process("mid"));
        var names = (await AllProcessInfo()).Select(s => $"{s["group"]}:{s["name"]}");
        Assert.Equal(["alpha:b", "alpha:y", "mid:mid", "zeta:zeta"], names);
    }

    [Fact]
    public async Task AllProcessInfoIsOneFrozenAnswerUntilTheProcessesOrTheSecondChange()
    {
        _daemon.Table.Add("web", Process("web", ProcessState.Running) with { Pid = 42, Start = _daemon.Clock.UnixNow - 5 });
        var first = await _daemon.Value("getAllProcessInfo");
        Assert.IsAssignableFrom<FrozenResult>(first);
        Assert.Same(first, await _daemon.Value("getAllProcessInfo"));

        // A new second: now and the uptime move on.
        _daemon.Clock.Now += TimeSpan.FromSeconds(1);
        var later = Assert.Single(await AllProcessInfo());
        Assert.Equal(((int)_daemon.Clock.UnixNow, "pid 42, uptime 0:00:06"), (later["now"], later["description"]));

        // New process state within the same second: a new answer.
        _daemon.Table.GroupList[0] = _daemon.Table.GroupList[0] with { Processes = [Process("web", ProcessState.Stopped) with { Group = "web", Start = 1, Stop = 2 }] };
        Assert.Equal("STOPPED", Assert.Single(await AllProcessInfo())["statename"]);
    }

    [Fact]
    public async Task AnAllProcessInfoAnswerNobodyHoldsIsNotKept()
    {
        // The answer (and, in the daemon, its encoded bytes) goes with the next collection once no
        // call holds it, instead of staying in memory while the daemon idles.
        _daemon.Table.Add("web", Process("web"));
        var answer = await WeakAllProcessInfo();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(answer.IsAlive);
    }

    private async Task<WeakReference> WeakAllProcessInfo() => new(await _daemon.Value("getAllProcessInfo"));

    private async Task<List<Dictionary<string, object?>>> AllProcessInfo()
    {
        var answer = Assert.IsAssignableFrom<FrozenResult>(await _daemon.Value("getAllProcessInfo"));
        return [.. ((System.Collections.IEnumerable)answer.UntypedValue!).Cast<object>().Select(FakeDaemon.Struct)];
    }

    [Fact]
    public async Task EveryMethodButSendRemoteCommEventIsClosedDuringShutdown()
    {
        _daemon.Table.Add("web", Process("web"));
        _daemon.Facade.State = SupervisorState.Shutdown;
        Assert.Equal((6, "SHUTDOWN_STATE"), await _daemon.Fault("getProcessInfo", "web"));
        Assert.Equal((6, "SHUTDOWN_STATE"), await _daemon.Fault("getAllProcessInfo"));
        Assert.Equal((6, "SHUTDOWN_STATE"), await _daemon.Fault("startProcess", "web"));
        Assert.Equal((6, "SHUTDOWN_STATE"), await _daemon.Fault("tailProcessStdoutLog", "web", 0, 10));
        Assert.Equal(true, await _daemon.Value("sendRemoteCommEvent", "kind", "body"));
        Assert.Equal(new SupervisorEvent("REMOTE_COMMUNICATION", "type:kind\nbody"), Assert.Single(_daemon.Facade.Published));
        Assert.Empty(_daemon.Table.Calls);
    }

    [Fact]
    public async Task RemoteCommEventStringifiesOtherValuesLikePython()
    {
        await _daemon.Value("sendRemoteCommEvent", true, 12);
        await _daemon.Value("sendRemoteCommEvent", "", "");
        Assert.Equal(["type:True\n12", "type:\n"], _daemon.Facade.Published.Select(e => e.Payload));
    }
}
