using System.Text;
using System.Text.Json;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Integration;

/// <summary>
/// Python's own <c>xmlrpc.client</c> (what supervisorctl and most scripts use) against the sample
/// daemon, over the unix socket and TCP.
/// </summary>
public sealed class PythonClientTests(SampleDaemonFixture fixture) : IClassFixture<SampleDaemonFixture>
{
    private static readonly Dictionary<string, (string Help, string[] Signature)> SampleMethods = new()
    {
        ["another.attempt"] = (
            "Run an operation that fails the given number of times before it succeeds, retrying it up to\n"
            + "the configured number of retries. Fails with RETRIES_EXHAUSTED (code 1001) when the failures\n"
            + "outnumber the retries.\n\n"
            + "@param int failures how many times the operation fails before it succeeds\n"
            + "@return struct result attempts made and whether the operation succeeded",
            ["struct", "int"]),
        ["another.describeDaemon"] = (
            "Describe the daemon this plugin runs in, read through the ISupervisord facade.\n\n"
            + "@return struct summary identifier, pid, statename, supervisor_version, process_count, retries",
            ["struct"]),
        ["another.echoLater"] = (
            "Wait without blocking the daemon, then return the text; other calls are served meanwhile.\n\n"
            + "@param string text the text to return\n"
            + "@param int milliseconds how long to wait first, in milliseconds (at most 10000)\n"
            + "@return string text the text, unchanged",
            ["string", "string", "int"]),
        ["another.getRetries"] = (
            "Return the retries setting this namespace was configured with.\n\n"
            + "@return int retries the [rpcinterface:another] retries value (0 when not set)",
            ["int"]),
        ["another.log"] = (
            "Write a message to supervisord's main log at INFO, prefixed with this namespace's name.\n\n"
            + "@param string message the message to write\n"
            + "@return boolean result always true",
            ["boolean", "string"]),
    };

    private static readonly string[] SupervisorMethods =
    [
        "supervisor.clearLog", "supervisor.getAPIVersion", "supervisor.getIdentification", "supervisor.getPID",
        "supervisor.getState", "supervisor.getSupervisorVersion", "supervisor.getVersion", "supervisor.readLog",
        "supervisor.readMainLog", "supervisor.restart", "supervisor.shutdown",
    ];

    private RunningDaemon Daemon => fixture.Daemon;

    [PythonTheory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task GetStateReportsRunning(string transport)
    {
        var state = await PythonClient.ValueAsync(Daemon.Url(transport), "proxy.supervisor.getState()");

        Assert.Equal("""{"statecode":1,"statename":"RUNNING"}""", state.GetRawText().Replace(" ", "", StringComparison.Ordinal));
    }

    [PythonTheory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task ListMethodsNamesEverySampleAndSupervisorMethodSorted(string transport)
    {
        var names = (await PythonClient.ValueAsync(Daemon.Url(transport), "proxy.system.listMethods()"))
            .EnumerateArray().Select(n => n.GetString()!).ToList();

        Assert.All(SampleMethods.Keys.Concat(SupervisorMethods).Concat(["system.listMethods", "system.methodHelp", "system.methodSignature", "system.multicall"]), name => Assert.Contains(name, names));
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    [PythonTheory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task MethodHelpAndSignatureOfEverySampleMethodAreTheDocumentedOnes(string transport)
    {
        var names = string.Join(", ", SampleMethods.Keys.Select(n => $"'{n}'"));
        var described = await PythonClient.ValueAsync(
            Daemon.Url(transport),
            $"{{name: [proxy.system.methodHelp(name), proxy.system.methodSignature(name)] for name in [{names}]}}");

        foreach (var (name, (help, signature)) in SampleMethods)
        {
            var pair = described.GetProperty(name);
            Assert.Equal(help, pair[0].GetString());
            Assert.Equal(signature, pair[1].EnumerateArray().Select(t => t.GetString()!));
        }
    }

    [PythonTheory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task MultiCallHelperReadsOurWrappedResults(string transport)
    {
        const string Calls = "(lambda m: (m.supervisor.getState(), m.another.getRetries(), m.another.attempt(0), m.another.echoLater('later', 50), m())[-1])(xmlrpc.client.MultiCall(proxy))";

        var results = await PythonClient.ValueAsync(Daemon.Url(transport), $"list({Calls})");

        Assert.Equal(
            """[{"statecode":1,"statename":"RUNNING"},1,{"attempts":1,"succeeded":true},"later"]""",
            results.GetRawText().Replace(" ", "", StringComparison.Ordinal));
    }

    [PythonTheory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task MultiCallHelperRaisesTheFaultOfAFailedEntryAndKeepsTheOthers(string transport)
    {
        const string Build = "(lambda m: (m.another.getRetries(), m.another.attempt(5), m.supervisor.getPID(), m())[-1])(xmlrpc.client.MultiCall(proxy))";

        var others = await PythonClient.ValueAsync(Daemon.Url(transport), $"(lambda r: [r[0], r[2]])({Build})");
        var fault = await PythonClient.FaultAsync(Daemon.Url(transport), $"(lambda r: r[1])({Build})");

        Assert.Equal([1, Daemon.Process.Pid], others.EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal((1001, "RETRIES_EXHAUSTED: gave up after 2 attempts"), fault);
    }

    [PythonTheory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task PluginFaultArrivesWithItsOwnCodeAndName(string transport)
    {
        var fault = await PythonClient.FaultAsync(Daemon.Url(transport), "proxy.another.attempt(5)");

        Assert.Equal((1001, "RETRIES_EXHAUSTED: gave up after 2 attempts"), fault);
        Assert.Equal("""{"attempts":2,"succeeded":true}""", (await PythonClient.ValueAsync(Daemon.Url(transport), "proxy.another.attempt(1)")).GetRawText().Replace(" ", "", StringComparison.Ordinal));
    }

    [PythonTheory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task EchoLaterAnswersLaterWhileOtherCallsAreServed(string transport)
    {
        var echo = PythonClient.ValueAsync(Daemon.Url(transport), "proxy.another.echoLater('caf\\u00e9 & <later>', 1500)");

        await Task.Delay(300);
        Assert.Equal(Daemon.Process.Pid, await Daemon.Client(transport).ValueAsync("supervisor.getPID"));
        Assert.False(echo.IsCompleted, "echoLater answered before its delay");
        Assert.Equal("caf\u00e9 & <later>", (await echo).GetString());
    }

    [PythonFact]
    public async Task ControlCharactersInTheLogReachPythonAsWellFormedXml()
    {
        Assert.True((await PythonClient.ValueAsync(Daemon.UnixUrl, "proxy.another.log('tab\\there, caf\\u00e9')")).GetBoolean());

        // Requests cannot carry control characters (they are not XML), so put them in the log file
        // itself, as a child's output would: ANSI colours, NUL, BEL, a lone invalid UTF-8 byte.
        await using (var log = new FileStream(Daemon.LogPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            await log.WriteAsync(Encoding.ASCII.GetBytes("\u001b[31mred\u001b[0m nul\u0000 bell\u0007 "));
            await log.WriteAsync(new byte[] { 0xff, (byte)'\n' });
        }

        foreach (var url in new[] { Daemon.UnixUrl, Daemon.TcpUrl })
        {
            var tail = (await PythonClient.ValueAsync(url, "proxy.supervisor.readLog(-200, 0)")).GetString()!;
            Assert.Contains("another: tab\there, caf\u00e9", tail);
            Assert.EndsWith("\uFFFD[31mred\uFFFD[0m nul\uFFFD bell\uFFFD \uFFFD\n", tail);
        }
    }

    [PythonFact]
    public async Task ControlCharacterSentByPythonIsBadRequestAndTheDaemonGoesOn()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => PythonClient.EvalAsync(Daemon.TcpUrl, "proxy.another.log('esc \\x1b[31m')"));

        Assert.Contains("ProtocolError", error.Message);
        Assert.Contains("400 Bad Request", error.Message);
        Assert.Equal(JsonValueKind.Object, (await PythonClient.ValueAsync(Daemon.UnixUrl, "proxy.supervisor.getState()")).ValueKind);
    }
}
