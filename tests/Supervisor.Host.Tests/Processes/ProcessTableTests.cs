using Supervisor.Abstractions;
using Supervisor.Host.Config;
using Supervisor.Host.Processes;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Processes;

/// <summary>The facade's process table before the engine exists: empty, with the reference's answers.</summary>
public sealed class ProcessTableTests
{
    private static ProcessTable TableFor(TempDirectory dir, string config)
    {
        var path = dir.Write("supervisord.conf", config);
        return new ProcessTable(() => ConfigLoader.Load(path, CommandLineOptions.None, new Dictionary<string, string>()));
    }

    [Fact]
    public async Task ControlOfAnUnknownProcessIsBadNameWithTheNamespec()
    {
        using var dir = new TempDirectory();
        var table = TableFor(dir, "[supervisord]\n");
        var start = await Assert.ThrowsAsync<RpcFaultException>(() => table.StartAsync("web", "web", wait: true, CancellationToken.None));
        var stop = await Assert.ThrowsAsync<RpcFaultException>(() => table.StopAsync("grp", "web_01", wait: false, CancellationToken.None));
        Assert.Equal("BAD_NAME: web", start.FaultString);
        Assert.Equal("BAD_NAME: grp:web_01", stop.FaultString);
        Assert.Empty(table.AllProcesses);
        Assert.Null(table.FindGroup("web"));
    }

    [Fact]
    public async Task ReloadingAValidConfigReportsNoChanges()
    {
        using var dir = new TempDirectory();
        var table = TableFor(dir, "[supervisord]\nidentifier = x\n");
        var changes = await table.ReloadConfigAsync(CancellationToken.None);
        Assert.Empty(changes.Added);
        Assert.Empty(changes.Changed);
        Assert.Empty(changes.Removed);
    }

    [Fact]
    public async Task ReloadingABrokenConfigIsCantRereadWithEveryReason()
    {
        using var dir = new TempDirectory();
        var table = TableFor(dir, "[supervisord]\nloglevel = loud\n\n[inet_http_server]\nport = nope\n");
        var fault = await Assert.ThrowsAsync<RpcFaultException>(() => table.ReloadConfigAsync(CancellationToken.None));
        Assert.Equal(92, fault.Code);
        Assert.StartsWith("CANT_REREAD: ", fault.FaultString);
        Assert.Contains("loud", fault.FaultString);
        Assert.Contains("[inet_http_server] port", fault.FaultString);
    }
}
