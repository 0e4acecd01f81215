using Xunit;

namespace Company.Plugin.Tests;

/// <summary>The plugin in the real daemon, configured by the section in rpcinterface.conf (step = 2).</summary>
public sealed class RpcInterfaceTests
{
    [Fact]
    public async Task IncrementAddsTheConfiguredStep()
    {
        await using var daemon = await RunningDaemon.StartAsync();
        Assert.Equal("2", await daemon.CallAsync("plugin_rpc_namespace.increment"));
        Assert.Equal("4", await daemon.CallAsync("plugin_rpc_namespace.increment"));
        Assert.Contains("INFO Company.Plugin.RpcInterface: counter is now 4", daemon.MainLog());
    }

    [Fact]
    public async Task GreetNamesTheDaemon()
    {
        await using var daemon = await RunningDaemon.StartAsync();
        Assert.Equal("Hello Ada, from supervisor", await daemon.CallAsync("plugin_rpc_namespace.greet", "Ada"));
    }

    [Fact]
    public async Task TheDaemonDescribesTheMethodFromItsAttributes()
    {
        await using var daemon = await RunningDaemon.StartAsync();
        Assert.Contains("Add the configured step", await daemon.CallAsync("system.methodHelp", "plugin_rpc_namespace.increment"));
    }
}
