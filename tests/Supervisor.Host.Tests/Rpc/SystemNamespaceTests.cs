using Supervisor.Host.Rpc;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Rpc;

public sealed class SystemNamespaceTests
{
    private readonly RpcDispatcher _dispatcher;

    public SystemNamespaceTests()
    {
        RpcDispatcher? dispatcher = null;
        var registry = new RpcRegistry([("sample", new SampleNamespace())], r => new SystemNamespace(r, () => dispatcher!));
        dispatcher = new RpcDispatcher(registry, new RecordingLog());
        _dispatcher = dispatcher;
    }

    private async Task<object?> Value(string name, params object?[] parameters)
    {
        var outcome = await _dispatcher.CallAsync(name, parameters, CancellationToken.None);
        Assert.False(outcome.IsFault, outcome.FaultString);
        return outcome.Value;
    }

    [Fact]
    public async Task ListMethodsIsSortedAndIncludesAliasesAndSystem()
    {
        var names = (string[])(await Value("system.listMethods"))!;
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Contains("sample.echoAgain", names);
        Assert.Contains("system.multicall", names);
        Assert.Contains("system.methodSignature", names);
        Assert.DoesNotContain("sample.notExposed", names);
    }

    [Fact]
    public async Task MethodHelpHasTheReferenceDocstringShape()
    {
        var help = await Value("system.methodHelp", "sample.add");
        Assert.Equal("Adds two numbers.\n\n@param int a the first\n@param int b the second\n@return int sum a plus b", help);
    }

    [Fact]
    public async Task AFrozenResultIsDescribedAsTheValueItHolds()
    {
        Assert.Equal("Returns frozen points.\n\n@return array points the points", await Value("system.methodHelp", "sample.frozenPoints"));
    }

    [Fact]
    public async Task AnAliasHasItsTargetsHelpAndSignature()
    {
        Assert.Equal(await Value("system.methodHelp", "sample.echo"), await Value("system.methodHelp", "sample.echoAgain"));
        Assert.Equal(["string", "string", "string"], (string[])(await Value("system.methodSignature", "sample.echoAgain"))!);
    }

    [Fact]
    public async Task ADeclaredParameterTypeWinsOverTheClrTypeInSignatureAndHelp()
    {
        Assert.Equal(["string", "string"], (string[])(await Value("system.methodSignature", "sample.either"))!);
        Assert.Equal("Takes a name or a number.\n\n@param string value a name or a number\n@return string result", await Value("system.methodHelp", "sample.either"));
        Assert.Equal("7", await Value("sample.either", 7));
    }

    [Theory]
    [InlineData("sample.add", new[] { "int", "int", "int" })]
    [InlineData("sample.slow", new[] { "int", "int" })]
    [InlineData("sample.sumPoints", new[] { "int", "array" })]
    [InlineData("sample.describe", new[] { "string", "struct" })]
    [InlineData("sample.frozenPoints", new[] { "array" })]
    [InlineData("sample.frozenAnything", new[] { "any" })]
    [InlineData("sample.half", new[] { "double", "double" })]
    [InlineData("sample.cancellable", new[] { "int" })]
    [InlineData("system.multicall", new[] { "array", "array" })]
    [InlineData("system.methodSignature", new[] { "array", "string" })]
    public async Task SignaturesComeFromClrTypes(string method, string[] expected)
    {
        Assert.Equal(expected, (string[])(await Value("system.methodSignature", method))!);
    }

    [Fact]
    public async Task HelpAndSignatureOfUnknownNamesAreSignatureUnsupported()
    {
        var help = await _dispatcher.CallAsync("system.methodHelp", ["nosuch.method"], CancellationToken.None);
        var signature = await _dispatcher.CallAsync("system.methodSignature", ["sample.notExposed"], CancellationToken.None);
        Assert.Equal((4, "SIGNATURE_UNSUPPORTED"), (help.FaultCode, help.FaultString));
        Assert.Equal(4, signature.FaultCode);
    }

    [Fact]
    public async Task MulticallWrapsEachResultInAOneElementArrayAndInlinesFaults()
    {
        object?[] calls =
        [
            new Dictionary<string, object?> { ["methodName"] = "sample.add", ["params"] = new object?[] { 1, 2 } },
            new Dictionary<string, object?> { ["methodName"] = "sample.refuse", ["params"] = Array.Empty<object?>() },
            new Dictionary<string, object?> { ["methodName"] = "system.multicall", ["params"] = new object?[] { Array.Empty<object?>() } },
            new Dictionary<string, object?> { ["params"] = Array.Empty<object?>() },
            new Dictionary<string, object?> { ["methodName"] = "sample.quick" },
            new Dictionary<string, object?> { ["methodName"] = "sample.fail", ["params"] = Array.Empty<object?>() },
            "not a struct",
        ];
        var results = (object?[])(await Value("system.multicall", [calls]))!;
        Assert.Equal(new object?[] { 3 }, results[0]);
        Assert.Equal(Fault(10, "BAD_NAME: nosuch"), results[1]);
        Assert.Equal(Fault(2, "INCORRECT_PARAMETERS: Recursive system.multicall forbidden"), results[2]);
        Assert.Equal(Fault(2, "INCORRECT_PARAMETERS: No methodName"), results[3]);
        Assert.Equal(new object?[] { "done" }, results[4]);
        Assert.Equal(30, ((Dictionary<string, object?>)results[5]!)["faultCode"]);
        Assert.Equal(2, ((Dictionary<string, object?>)results[6]!)["faultCode"]);
    }

    [Fact]
    public async Task MulticallRunsAsyncCallsOneAfterAnother()
    {
        object?[] calls = [.. Enumerable.Range(0, 3).Select(_ => new Dictionary<string, object?> { ["methodName"] = "sample.slow", ["params"] = new object?[] { 20 } })];
        var results = (object?[])(await Value("system.multicall", [calls]))!;
        Assert.All(results, r => Assert.Equal(new object?[] { 5_000_000_000L }, r));
    }

    [Fact]
    public async Task MulticallOfNothingIsAnEmptyArray()
    {
        Assert.Empty((object?[])(await Value("system.multicall", [Array.Empty<object?>()]))!);
    }

    private static Dictionary<string, object?> Fault(int code, string text) => new() { ["faultCode"] = code, ["faultString"] = text };
}
