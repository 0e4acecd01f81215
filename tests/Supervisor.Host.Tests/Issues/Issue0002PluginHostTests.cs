using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Issues;

/// <summary>
/// Issue 2, the plugin host: a user writes a factory against Abstractions, drops the build output into
/// a plugins folder, adds an [rpcinterface:another] section, and calls another.* over XML-RPC.
/// </summary>
public sealed class Issue0002PluginHostTests
{
    [PythonFact]
    public async Task TheReadmesThreeStepsWorkWithADroppedInPlugin()
    {
        const string config = RunningDaemon.StandardSections + """
            [supervisord]
            plugins = %(here)s/my-plugins
            loglevel = debug

            [rpcinterface:another]
            supervisor.rpcinterface_factory = my.package:make_another_rpcinterface
            retries = 1
            """;

        // Step 2: the plugin's own build output, copied as a user would.
        await using var daemon = await RunningDaemon.StartAsync(config, dir => TestPlugins.InstallSample(dir.File("my-plugins")));

        Assert.Contains(
            $"RPC interface 'another' made by My.Package.MakeAnotherRpcInterface from {daemon.Directory.File("my-plugins/AnotherRpcInterface/AnotherRpcInterface.dll")}",
            await File.ReadAllTextAsync(daemon.LogPath));

        // Step 3: call it from an independent client, over both listeners.
        Assert.Equal(1, (await PythonClient.ValueAsync(daemon.UnixUrl, "proxy.another.getRetries()")).GetInt32());
        var summary = await PythonClient.ValueAsync(daemon.TcpUrl, "proxy.another.describeDaemon()");
        Assert.Equal("test-daemon", summary.GetProperty("identifier").GetString());
        Assert.Equal(daemon.Process.Pid, summary.GetProperty("pid").GetInt32());
        var names = (await PythonClient.ValueAsync(daemon.TcpUrl, "proxy.system.listMethods()")).EnumerateArray().Select(n => n.GetString()).ToList();
        Assert.Contains("another.attempt", names);
        Assert.Contains("supervisor.getState", names);
    }
}
