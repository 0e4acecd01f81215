using Supervisor.Abstractions;
using static Supervisor.Host.Tests.SupervisorNamespace.FakeProcessTable;

namespace Supervisor.Host.Tests.SupervisorNamespace;

/// <summary>signalProcess's signal parsing (<c>supervisor/rpcinterface.py</c>, <c>signalProcess</c>) and the order of its checks.</summary>
public sealed class SignalTests
{
    private readonly FakeDaemon _daemon = new();

    public SignalTests()
    {
        _daemon.Table.Add("web", Process("web", ProcessState.Running));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("1", 1)]
    [InlineData(" 15 ", 15)]
    [InlineData("+9", 9)]
    [InlineData("6_4", 64)]
    [InlineData("HUP", 1)]
    [InlineData("hup", 1)]
    [InlineData("sighup", 1)]
    [InlineData("SIGHUP", 1)]
    [InlineData(" SigTerm ", 15)]
    [InlineData("usr1", 10)]
    [InlineData("SIGRTMIN", 34)]
    [InlineData("rtmax", 64)]
    [InlineData("SIG_DFL", 0)]
    [InlineData("_setmask", 2)]
    [InlineData("iot", 6)]
    [InlineData("31", 31)]
    [InlineData("34", 34)]
    public async Task AcceptsNamesAndNumbersAsStrings(string signal, int number)
    {
        Assert.Equal(true, await _daemon.Value("signalProcess", "web", signal));
        Assert.Equal($"signal web:web {number}", Assert.Single(_daemon.Table.Calls));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(15, 15)]
    [InlineData(0, 0)]
    public async Task AcceptsIntegers(int signal, int number)
    {
        await _daemon.Value("signalProcess", "web", signal);
        Assert.Equal($"signal web:web {number}", Assert.Single(_daemon.Table.Calls));
    }

    [Theory]
    [InlineData("99")]
    [InlineData("35")]
    [InlineData("32")]
    [InlineData("63")]
    [InlineData("-1")]
    [InlineData("NOPE")]
    [InlineData("")]
    [InlineData("SIG")]
    [InlineData("setmask")]
    [InlineData("1.0")]
    [InlineData("1__0")]
    public async Task RejectsWhatPythonsSignalModuleDoesNotName(string signal)
    {
        Assert.Equal((11, "BAD_SIGNAL: " + signal), await _daemon.Fault("signalProcess", "web", signal));
        Assert.Empty(_daemon.Table.Calls);
    }

    [Fact]
    public async Task RejectsBadIntegersWithTheirText()
    {
        Assert.Equal((11, "BAD_SIGNAL: 99"), await _daemon.Fault("signalProcess", "web", 99));
    }

    [Fact]
    public async Task BadSignalIsCheckedAfterTheNameAndBeforeTheState()
    {
        Assert.Equal((10, "BAD_NAME: nosuch"), await _daemon.Fault("signalProcess", "nosuch", "NOPE"));
        _daemon.Table.OnCall = (_, p) => throw FaultFor(FaultCode.NotRunning, p);
        Assert.Equal((11, "BAD_SIGNAL: NOPE"), await _daemon.Fault("signalProcess", "web", "NOPE"));
        Assert.Equal((70, "NOT_RUNNING: web"), await _daemon.Fault("signalProcess", "web", "HUP"));
        Assert.Equal((70, "NOT_RUNNING: web:web"), await _daemon.Fault("signalProcess", "web:web", "HUP"));
    }

    [Fact]
    public async Task ASignalThatIsNeitherTextNorNumberIsIncorrectParameters()
    {
        Assert.Equal(2, (await _daemon.Fault("signalProcess", "web", new object?[] { 1 })).Code);
    }

    [Fact]
    public async Task GroupSignalsReportBadSignalsPerProcessAndSkipTheUnsignallable()
    {
        _daemon.Table.Add("grp", Process("a", ProcessState.Running), Process("b", ProcessState.Stopped), Process("c", ProcessState.Stopping));
        var results = await Results("signalProcessGroup", "grp", "NOPE");
        Assert.Equal([("a", 11, "BAD_SIGNAL: NOPE"), ("c", 11, "BAD_SIGNAL: NOPE")], results);

        var stopped = new FakeDaemon();
        stopped.Table.Add("grp", Process("b", ProcessState.Exited));
        Assert.Empty((System.Collections.IList)(await stopped.Value("signalProcessGroup", "grp", "NOPE"))!);
    }

    [Fact]
    public async Task AGroupSpecSignalsTheGroup()
    {
        _daemon.Table.Add("grp", Process("a", ProcessState.Running), Process("b", ProcessState.Starting));
        Assert.Equal([("a", 80, "OK"), ("b", 80, "OK")], await Results("signalProcess", "grp:*", "usr2"));
        Assert.Equal(["signal grp:a 12", "signal grp:b 12"], _daemon.Table.Calls);
    }

    [Fact]
    public async Task UnknownGroupDuringShutdownIsShutdownState()
    {
        _daemon.Facade.State = SupervisorState.Restarting;
        Assert.Equal((6, "SHUTDOWN_STATE"), await _daemon.Fault("signalProcessGroup", "nosuch", "HUP"));
        Assert.Equal((6, "SHUTDOWN_STATE"), await _daemon.Fault("signalAllProcesses", "HUP"));
        Assert.Empty(_daemon.Table.Calls);
    }

    private async Task<List<(string, int, string)>> Results(string method, params object?[] parameters) =>
        BulkTests.Entries(await _daemon.Value(method, parameters)).Select(e => (e.Name, e.Status, e.Description)).ToList();
}
