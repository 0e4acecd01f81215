using Supervisor.Host.Tests.Integration;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.SupervisorNamespace;

/// <summary>The built-in namespace's daemon-level methods, called over the unix socket and TCP of a real daemon.</summary>
public sealed class DaemonMethodTests(SampleDaemonFixture fixture) : IClassFixture<SampleDaemonFixture>
{
    private RunningDaemon Daemon => fixture.Daemon;

    [Fact]
    public async Task ReportsVersionsIdentificationStateAndPid()
    {
        Assert.Equal("3.0", await Daemon.Unix.ValueAsync("supervisor.getAPIVersion"));
        Assert.Equal("3.0", await Daemon.Tcp.ValueAsync("supervisor.getVersion"));
        Assert.Equal("4.2.5", await Daemon.Unix.ValueAsync("supervisor.getSupervisorVersion"));
        Assert.Equal("test-daemon", await Daemon.Unix.ValueAsync("supervisor.getIdentification"));
        var state = (Dictionary<string, object?>)(await Daemon.Tcp.ValueAsync("supervisor.getState"))!;
        Assert.Equal(1, state["statecode"]);
        Assert.Equal("RUNNING", state["statename"]);
        Assert.Equal(Daemon.Process.Pid, await Daemon.Unix.ValueAsync("supervisor.getPID"));
    }

    [Fact]
    public async Task ReadLogFollowsTheOffsetAndLengthRules()
    {
        await Daemon.Unix.ValueAsync("another.log", "a line so the log is long enough to slice");
        var bytes = await File.ReadAllBytesAsync(Daemon.LogPath);
        string Slice(int start, int count) => System.Text.Encoding.UTF8.GetString(bytes, start, count);

        Assert.StartsWith(Slice(0, bytes.Length), (string)(await Daemon.Unix.ValueAsync("supervisor.readLog", 0, 0))!);
        Assert.Equal(Slice(0, 5), await Daemon.Unix.ValueAsync("supervisor.readLog", 0, 5));
        Assert.Equal(Slice(10, 7), await Daemon.Unix.ValueAsync("supervisor.readMainLog", 10, 7));
        Assert.Equal("", await Daemon.Unix.ValueAsync("supervisor.readLog", bytes.Length + 100, 5));
        var tail = (string)(await Daemon.Unix.ValueAsync("supervisor.readLog", -5, 0))!;
        Assert.Equal(5, tail.Length);
        Assert.EndsWith("\n", tail);
        Assert.Equal("3", (await Daemon.Unix.FaultAsync("supervisor.readLog", -5, 3)).Code.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("BAD_ARGUMENTS", (await Daemon.Unix.FaultAsync("supervisor.readLog", 5, -3)).String);
        Assert.Equal(3, (await Daemon.Unix.FaultAsync("supervisor.readLog", 0, -1)).Code);
    }

    [Fact]
    public async Task ReadLogAcceptsNumericStringsButNotWords()
    {
        Assert.Equal(3, ((string)(await Daemon.Unix.ValueAsync("supervisor.readLog", "0", "3"))!).Length);
        Assert.Equal(2, (await Daemon.Unix.FaultAsync("supervisor.readLog", "abc", 0)).Code);
    }

    [Fact]
    public async Task WrongArgumentCountIsIncorrectParameters()
    {
        var fault = await Daemon.Unix.FaultAsync("supervisor.getState", 1);
        Assert.Equal((2, "INCORRECT_PARAMETERS"), (fault.Code, fault.String));
    }

    [Fact]
    public async Task UnknownMethodsAndPrivateNamesAreUnknownMethod()
    {
        foreach (var name in new[] { "supervisor.nosuch", "supervisor._gate", "supervisor.supervisord", "nosuch.getState", "getState", "supervisor.getState.x" })
        {
            var fault = await Daemon.Unix.FaultAsync(name);
            Assert.Equal((1, "UNKNOWN_METHOD"), (fault.Code, fault.String));
        }
    }

    [Fact]
    public async Task AnIntBeyond32BitsForAnIntParameterIsAFaultNotAnHttpError()
    {
        // A plugin's int parameter (the sample's attempt(int failures)).
        var fault = await Post("another.attempt", "<int>99999999999</int>");
        Assert.NotNull(fault);
        Assert.Equal(2, fault.Code);
        Assert.Contains("out of range", fault.String);

        // readLog takes its numbers as Python's int() does, so this is an offset past the end, as in 4.2.5.
        Assert.Null(await Post("supervisor.readLog", "<int>99999999999</int>", "<int>0</int>"));
    }

    /// <summary>Posts raw values (an out-of-range <c>&lt;int&gt;</c> the codec would not write) and returns the fault, if any.</summary>
    private async Task<Supervisor.Host.XmlRpc.XmlRpcFault?> Post(string method, params string[] values)
    {
        var body = $"<?xml version='1.0'?><methodCall><methodName>{method}</methodName><params>"
            + string.Concat(values.Select(v => $"<param><value>{v}</value></param>")) + "</params></methodCall>";
        using var response = await Daemon.Tcp.Http.PostAsync("RPC2", new StringContent(body));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return Supervisor.Host.XmlRpc.XmlRpcResponseReader.Read(await response.Content.ReadAsByteArrayAsync()).Fault;
    }
}
