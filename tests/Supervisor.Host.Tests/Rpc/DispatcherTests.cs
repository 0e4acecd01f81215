using Supervisor.Abstractions;
using Supervisor.Host.Rpc;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Rpc;

public sealed class DispatcherTests
{
    private readonly RecordingLog _log = new();
    private readonly RpcDispatcher _dispatcher;

    public DispatcherTests()
    {
        RpcDispatcher? dispatcher = null;
        var registry = new RpcRegistry([("sample", new SampleNamespace())], r => new SystemNamespace(r, () => dispatcher!));
        dispatcher = new RpcDispatcher(registry, _log);
        _dispatcher = dispatcher;
    }

    private Task<RpcOutcome> Call(string name, params object?[] parameters) =>
        _dispatcher.CallAsync(name, parameters, CancellationToken.None).AsTask();

    [Fact]
    public async Task CallsAMethodByItsCamelCaseWireName()
    {
        var outcome = await Call("sample.add", 2, 3);
        Assert.Equal(5, outcome.Value);
    }

    [Fact]
    public async Task AliasesCallTheSameMethod()
    {
        Assert.Equal("hi!", (await Call("sample.echo", "hi")).Value);
        Assert.Equal("hi?", (await Call("sample.echoAgain", "hi", "?")).Value);
    }

    [Theory]
    [InlineData("sample.notExposed")]
    [InlineData("sample.NotExposed")]
    [InlineData("sample")]
    [InlineData("sample.add.x")]
    [InlineData("nosuch.add")]
    [InlineData("sample._private")]
    [InlineData("")]
    public async Task UnregisteredNamesAreUnknownMethod(string name)
    {
        var outcome = await Call(name);
        Assert.Equal((1, "UNKNOWN_METHOD"), (outcome.FaultCode, outcome.FaultString));
    }

    [Fact]
    public async Task WrongParameterCountIsIncorrectParametersWithoutText()
    {
        var outcome = await Call("sample.add", 1);
        Assert.Equal((2, "INCORRECT_PARAMETERS"), (outcome.FaultCode, outcome.FaultString));
        Assert.Equal(2, (await Call("sample.add", 1, 2, 3)).FaultCode);
    }

    [Fact]
    public async Task WrongParameterTypeIsIncorrectParameters()
    {
        var outcome = await Call("sample.add", "one", 2);
        Assert.Equal(2, outcome.FaultCode);
        Assert.StartsWith("INCORRECT_PARAMETERS: parameter 1", outcome.FaultString);
    }

    [Fact]
    public async Task NumericStringsAndDoublesBindToIntegersLikeTheReferenceLogMethods()
    {
        Assert.Equal(5, (await Call("sample.add", "3", 2.9)).Value);
    }

    [Fact]
    public async Task IntegerOutOfRangeIsIncorrectParameters()
    {
        Assert.Equal(2, (await Call("sample.add", 5_000_000_000L, 1)).FaultCode);
    }

    [Fact]
    public async Task OptionalParametersTakeTheirDefaults()
    {
        Assert.Equal(true, (await Call("sample.flag")).Value);
    }

    [Theory]
    [InlineData("false", true)]
    [InlineData("", false)]
    [InlineData(0, false)]
    [InlineData(2, true)]
    public async Task FlagsFollowPythonTruthiness(object wire, bool expected)
    {
        Assert.Equal(expected, (await Call("sample.flag", wire)).Value);
    }

    [Fact]
    public async Task TaskAndValueTaskResultsAreAwaited()
    {
        Assert.Equal(5_000_000_000L, (await Call("sample.slow", 1)).Value);
        Assert.Equal("done", (await Call("sample.quick")).Value);
    }

    [Fact]
    public async Task StructsBindToRecordsByWireKey()
    {
        object?[] points =
        [
            new Dictionary<string, object?> { ["x_pos"] = 1, ["y"] = 2 },
            new Dictionary<string, object?> { ["x_pos"] = 3, ["y"] = 4 },
        ];
        Assert.Equal(10, (await Call("sample.sumPoints", [points])).Value);
    }

    [Fact]
    public async Task AStructParameterAndAStructResultUseTheSameKeys()
    {
        var outcome = await Call("sample.echoLink", new Dictionary<string, object?> { ["urlPath"] = "/x", ["pid"] = 7 });
        Assert.False(outcome.IsFault, outcome.FaultString);
        Assert.Equal(new Link("/x", 7), outcome.Value);
        Assert.Equal(["urlPath", "pid"], Supervisor.Host.XmlRpc.StructShape.For(typeof(Link)).Members.Select(m => m.Key));
    }

    [Fact]
    public async Task StructsBindToInitPropertiesWithDefaults()
    {
        Assert.Equal("a:7", (await Call("sample.describe", new Dictionary<string, object?> { ["name"] = "a" })).Value);
        Assert.Equal("a:2", (await Call("sample.describe", new Dictionary<string, object?> { ["name"] = "a", ["count"] = 2 })).Value);
    }

    [Fact]
    public async Task AStructMissingARequiredMemberIsIncorrectParameters()
    {
        var outcome = await Call("sample.describe", new Dictionary<string, object?> { ["count"] = 2 });
        Assert.Equal(2, outcome.FaultCode);
        Assert.Contains("'name' is missing", outcome.FaultString);
    }

    [Fact]
    public async Task StructsBindToTypedDictionaries()
    {
        Assert.Equal(2, (await Call("sample.countKeys", new Dictionary<string, object?> { ["a"] = 1, ["b"] = 2 })).Value);
        Assert.Equal(2, (await Call("sample.countKeys", new Dictionary<string, object?> { ["a"] = "x" })).FaultCode);
    }

    [Fact]
    public async Task UnexpectedExceptionsBecomeFailedFaultsAndAreLogged()
    {
        var outcome = await Call("sample.fail");
        Assert.Equal(30, outcome.FaultCode);
        Assert.Equal("FAILED: InvalidOperationException: broken on purpose", outcome.FaultString);
        Assert.Contains(_log.Lines, l => l.Level == MainLogLevel.Critical && l.Message.Contains("broken on purpose"));
    }

    [Fact]
    public async Task PluginFaultsPassThrough()
    {
        Assert.Equal((10, "BAD_NAME: nosuch"), ValueOf(await Call("sample.refuse")));
        Assert.Equal((230, "NOT_ALLOWED: whitelist"), ValueOf(await Call("sample.custom")));
    }

    [Fact]
    public async Task CancellationTokensAreSuppliedByTheHostNotTheCaller()
    {
        Assert.Equal(0, (await Call("sample.cancellable")).Value);
        Assert.Equal(2, (await Call("sample.cancellable", 1)).FaultCode);
    }

    [Fact]
    public async Task TraceLevelLogsEachCallLikeTheReference()
    {
        await Call("sample.add", 1, 1);
        await Call("sample.refuse");
        Assert.Contains(_log.Lines, l => l.Message == "XML-RPC method called: sample.add()");
        Assert.Contains(_log.Lines, l => l.Message == "XML-RPC method sample.add() returned successfully");
        Assert.Contains(_log.Lines, l => l.Message == "XML-RPC method sample.refuse() returned fault: [10] BAD_NAME: nosuch");
    }

    private static (int, string?) ValueOf(RpcOutcome outcome) => (outcome.FaultCode, outcome.FaultString);
}
