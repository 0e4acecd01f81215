using System.Net.Sockets;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Http;

/// <summary>
/// The listeners open while plugins load (start-up runs them side by side): a request that comes in
/// before the daemon is ready waits for it instead of failing.
/// </summary>
public sealed class EarlyRequestTests
{
    [Fact]
    public async Task ARequestMadeWhileAPluginIsStillLoadingIsAnsweredOnceTheDaemonIsReady()
    {
        using var dir = new TempDirectory();
        TestPlugins.Install(dir.File("plugins"), "Throwing");
        var socket = dir.File("s.sock");
        var log = dir.File("supervisord.log");
        var config = dir.Write("supervisord.conf", $"""
            [unix_http_server]
            file = {socket}

            [supervisord]
            logfile = {log}
            pidfile = {dir.File("supervisord.pid")}
            plugins = {dir.File("plugins")}

            [rpcinterface:supervisor]
            supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

            [rpcinterface:slow]
            supervisor.rpcinterface_factory = TestPlugins.Throwing.SlowFactory:Make
            delay_ms = 1500
            """);

        // "Ready" as soon as the socket accepts connections: the slow factory is still sleeping then.
        await using var daemon = await DaemonProcess.StartAsync(config, () => Task.FromResult(Accepts(socket)));
        var loadedBeforeTheCall = File.Exists(log) && File.ReadAllText(log).Contains("RPC interface 'slow' initialized", StringComparison.Ordinal);

        using var client = RpcClient.ForUnixSocket(socket);
        Assert.Equal(true, await client.ValueAsync("slow.ready"));
        Assert.False(loadedBeforeTheCall, "the call was meant to be made while the plugin was loading");

        // The log keeps the reference's order: interfaces initialized, then the listener warning, then started.
        var lines = File.ReadAllLines(log);
        int Line(string text) => Array.FindIndex(lines, l => l.Contains(text, StringComparison.Ordinal));
        Assert.True(Line("RPC interface 'slow' initialized") < Line("running without any HTTP authentication checking"));
        Assert.True(Line("running without any HTTP authentication checking") < Line("supervisord started with pid"));
    }

    private static bool Accepts(string path)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
