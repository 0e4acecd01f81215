using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Plugins;

/// <summary>
/// Issue 12: what a plugin method declares is described (<c>system.methodSignature</c>, <c>methodHelp</c>),
/// received and encoded by one table (src/Host/XmlRpc/XmlRpcTypes.cs). Before, a method returning
/// <c>char</c>, <c>Guid</c> or <c>Uri</c> registered, was advertised and failed on every call; now those
/// travel as strings, every other carried type round-trips through the real daemon and Python's client,
/// and a type XML-RPC cannot carry stops start-up, naming the plugin, the method and the parameter or result.
/// </summary>
public sealed class PluginWireTypesTests
{
    private const string Sections = RunningDaemon.StandardSections + """
        [supervisord]
        plugins = {dir}/plugins

        [rpcinterface:wire]
        supervisor.rpcinterface_factory = TestPlugins.WireTypes.Factory:Make
        """;

    private const string RefusedBase = """
        [unix_http_server]
        file = {sock}

        [supervisord]
        logfile = {dir}/supervisord.log
        pidfile = {dir}/supervisord.pid
        plugins = {dir}/plugins

        [rpcinterface:wire]
        supervisor.rpcinterface_factory = TestPlugins.WireTypes.Factory:MakeRefused

        """;

    /// <summary>(Python expression, the JSON line xmlrpc_client.py prints for it.)</summary>
    private static readonly (string Script, string Expected)[] RoundTrips =
    [
        ("proxy.wire.echoChar('x')", """{"value": "x"}"""),
        ("proxy.wire.echoChar('\\u00e9')", """{"value": "\u00e9"}"""),
        ("proxy.wire.echoGuid('6F9619FF-8B86-D011-B42D-00C04FC964FF')", """{"value": "6f9619ff-8b86-d011-b42d-00c04fc964ff"}"""),
        ("proxy.wire.echoUri('http://example.com/a%20b?q=1&r=<2>')", """{"value": "http://example.com/a%20b?q=1&r=<2>"}"""),
        ("proxy.wire.echoUri('relative/path')", """{"value": "relative/path"}"""),
        ("proxy.wire.echoTagged({'grade': 'A', 'id': '00000000-0000-0000-0000-000000000001', 'home': 'https://example.com/'})",
            """{"value": {"grade": "A", "id": "00000000-0000-0000-0000-000000000001", "home": "https://example.com/"}}"""),
        ("proxy.wire.echoGuids(['00000000-0000-0000-0000-000000000002'])", """{"value": ["00000000-0000-0000-0000-000000000002"]}"""),
        ("proxy.wire.echoShort(-7)", """{"value": -7}"""),
        ("proxy.wire.echoSbyte(-8)", """{"value": -8}"""),
        ("proxy.wire.echoByte(255)", """{"value": 255}"""),
        ("proxy.wire.echoUshort(65535)", """{"value": 65535}"""),
        ("proxy.wire.echoUint(7)", """{"value": 7}"""),
        ("proxy.wire.echoUlong(9)", """{"value": 9}"""),
        ("proxy.wire.echoFloat(0.5)", """{"value": 0.5}"""),
        ("proxy.wire.echoDecimal(2.25)", """{"value": 2.25}"""),
        ("proxy.wire.echoDateTimeOffset(xmlrpc.client.DateTime('20240131T23:00:00'))", """{"value": {"dateTime": "20240131T23:00:00"}}"""),
        ("proxy.wire.echoMemory(xmlrpc.client.Binary(b'ABC'))", """{"value": {"base64": "ABC"}}"""),
        ("proxy.wire.echoSegment(xmlrpc.client.Binary(b'ABC'))", """{"value": {"base64": "ABC"}}"""),

        // What does not fit the parameter is INCORRECT_PARAMETERS with the reason, and the daemon keeps serving.
        ("proxy.wire.echoChar('xy')", """{"fault": [2, "INCORRECT_PARAMETERS: parameter 1: expected a string of one character, got 2"]}"""),
        ("proxy.wire.echoGuid('nope')", """{"fault": [2, "INCORRECT_PARAMETERS: parameter 1: expected a GUID, got 'nope'"]}"""),
        ("proxy.wire.echoByte(256)", """{"fault": [2, "INCORRECT_PARAMETERS: parameter 1: 256 is out of range"]}"""),
        ("proxy.wire.echoUint(-1)", """{"fault": [2, "INCORRECT_PARAMETERS: parameter 1: -1 is out of range"]}"""),
    ];

    /// <summary>(method, what <c>system.methodSignature</c> answers: the result's type, then the parameters'.)</summary>
    private static readonly (string Method, string Signature)[] Signatures =
    [
        ("wire.echoChar", """["string", "string"]"""),
        ("wire.echoGuid", """["string", "string"]"""),
        ("wire.echoUri", """["string", "string"]"""),
        ("wire.echoTagged", """["struct", "struct"]"""),
        ("wire.echoGuids", """["array", "array"]"""),
        ("wire.echoShort", """["int", "int"]"""),
        ("wire.echoUlong", """["int", "int"]"""),
        ("wire.echoDecimal", """["double", "double"]"""),
        ("wire.echoDateTimeOffset", """["dateTime.iso8601", "dateTime.iso8601"]"""),
        ("wire.echoMemory", """["base64", "base64"]"""),
        ("wire.echoSegment", """["base64", "base64"]"""),
    ];

    [PythonFact]
    public async Task EveryCarriedTypeRoundTripsThroughPythonsClient()
    {
        await using var daemon = await RunningDaemon.StartAsync(Sections, dir => TestPlugins.Install(dir.File("plugins"), "WireTypes"));

        var outcomes = await CallAllAsync(daemon, RoundTrips.Select(r => r.Script));

        var wrong = RoundTrips.Zip(outcomes)
            .Where(pair => pair.Second != pair.First.Expected)
            .Select(pair => $"{pair.First.Script}\n  expected {pair.First.Expected}\n  got      {pair.Second}")
            .ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.Equal("""{"value": "RUNNING"}""", await PythonClient.RawAsync(daemon.UnixUrl, "proxy.supervisor.getState()['statename']"));
    }

    [PythonFact]
    public async Task SignatureAndHelpDescribeWhatIsSent()
    {
        await using var daemon = await RunningDaemon.StartAsync(Sections, dir => TestPlugins.Install(dir.File("plugins"), "WireTypes"));

        var outcomes = await CallAllAsync(daemon, [.. Signatures.Select(s => $"proxy.system.methodSignature('{s.Method}')"), "proxy.system.methodHelp('wire.echoGuid')"]);

        var wrong = Signatures.Zip(outcomes)
            .Where(pair => pair.Second != $$"""{"value": {{pair.First.Signature}}}""")
            .Select(pair => $"{pair.First.Method}: expected {pair.First.Signature}, got {pair.Second}")
            .ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.Equal("""{"value": "Returns the GUID it was given.\n\n@param string value\n@return string result"}""", outcomes[^1]);
    }

    [Theory]
    [InlineData("timespan_result", "method TestPlugins.WireTypes.TimeSpanResult.Elapsed: its result type System.TimeSpan cannot be carried by XML-RPC: System.TimeSpan has no XML-RPC form: send a number")]
    [InlineData("renamed_timespan_result", "method TestPlugins.WireTypes.RenamedTimeSpanResult.Elapsed: its result type System.TimeSpan cannot be carried by XML-RPC")]
    [InlineData("timespan_parameter", "method TestPlugins.WireTypes.TimeSpanParameter.Wait: parameter 'timeout' has type System.TimeSpan, which XML-RPC cannot carry: System.TimeSpan has no XML-RPC form")]
    [InlineData("timespan_member", "method TestPlugins.WireTypes.TimeSpanMember.Current: its result type TestPlugins.WireTypes.Options cannot be carried by XML-RPC: member 'timeout' of TestPlugins.WireTypes.Options: System.TimeSpan has no XML-RPC form")]
    [InlineData("timespan_element", "method TestPlugins.WireTypes.TimeSpanElement.Count: parameter 'spans' has type System.Collections.Generic.List<System.TimeSpan>, which XML-RPC cannot carry: element of System.Collections.Generic.List<System.TimeSpan>: System.TimeSpan has no XML-RPC form")]
    [InlineData("int_keys_result", "method TestPlugins.WireTypes.IntKeysResult.Names: its result type System.Collections.Generic.Dictionary<System.Int32, System.String> cannot be carried by XML-RPC: System.Collections.Generic.Dictionary<System.Int32, System.String> has System.Int32 keys; struct keys are strings")]
    [InlineData("hashset_parameter", "method TestPlugins.WireTypes.HashSetParameter.Count: parameter 'values': System.Collections.Generic.HashSet<System.Int32> cannot be received: an XML-RPC array is received as an array, a List<T> or an interface List<T> implements")]
    public async Task ATypeXmlRpcCannotCarryStopsStartUpNamingThePluginMethodAndParameterOrResult(string shape, string expected)
    {
        using var dir = new TempDirectory();
        TestPlugins.Install(dir.File("plugins"), "WireTypes");
        var config = dir.Write("supervisord.conf", RunningDaemon.Expand(RefusedBase + $"shape = {shape}\n", dir.Path, dir.File("s.sock"), 0));

        var (exitCode, _, stderr) = await DaemonProcess.RunToExitAsync("-n", "-c", config);

        Assert.Equal(2, exitCode);
        Assert.Contains("Error: [rpcinterface:wire] namespace 'wire', " + expected, stderr);
    }

    /// <summary>Makes every call in one run of Python's client; each outcome as the JSON xmlrpc_client.py prints for it.</summary>
    private static async Task<List<string>> CallAllAsync(RunningDaemon daemon, IEnumerable<string> scripts)
    {
        var all = await PythonClient.ValueAsync(daemon.UnixUrl, "[" + string.Join(", ", scripts.Select(s => $"attempt(lambda: {s})")) + "]");
        return [.. all.EnumerateArray().Select(outcome => outcome.GetRawText())];
    }
}
