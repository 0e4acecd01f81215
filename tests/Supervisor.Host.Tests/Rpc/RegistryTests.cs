using Supervisor.Host.Plugins;
using Supervisor.Host.Rpc;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Rpc;

public sealed class RegistryTests
{
    private static RpcRegistry Build(string name, object target)
    {
        RpcDispatcher? dispatcher = null;
        var registry = new RpcRegistry([(name, target)], r => new SystemNamespace(r, () => dispatcher!));
        dispatcher = new RpcDispatcher(registry, new RecordingLog());
        return registry;
    }

    [Fact]
    public void RejectsMethodNamesStartingWithUnderscore()
    {
        var error = Assert.Throws<RpcDeclarationException>(() => Build("bad", new UnderscoreNamespace()));
        Assert.Contains("namespace 'bad'", error.Message);
        Assert.Contains("'_private' is not a valid method name", error.Message);
    }

    [Fact]
    public void RejectsVoidMethodsNamingThem()
    {
        var error = Assert.Throws<RpcDeclarationException>(() => Build("bad", new VoidNamespace()));
        Assert.Contains("VoidNamespace.Nothing", error.Message);
        Assert.Contains("must return a value", error.Message);
    }

    [Fact]
    public void RejectsDuplicateWireNames()
    {
        var error = Assert.Throws<RpcDeclarationException>(() => Build("bad", new DuplicateNamespace()));
        Assert.Contains("'same' is declared twice", error.Message);
    }

    [Fact]
    public void RejectsAPluginNamedSystem()
    {
        var error = Assert.Throws<RpcDeclarationException>(() => Build("system", new SampleNamespace()));
        Assert.Contains("reserved", error.Message);
    }

    [Theory]
    [InlineData("make_main_rpcinterface", "MakeMainRpcInterface", true)]
    [InlineData("make_another_rpcinterface", "MakeAnotherRpcInterface", true)]
    [InlineData("retries", "retries", true)]
    [InlineData("max_retries", "maxRetries", true)]
    [InlineData("make_main", "MakeMainRpcInterface", false)]
    [InlineData("retries", "retry", false)]
    public void PythonNamesMatchTheirDotnetTwins(string python, string dotnet, bool expected)
    {
        Assert.Equal(expected, PythonNames.SameWords(python, dotnet));
    }
}
