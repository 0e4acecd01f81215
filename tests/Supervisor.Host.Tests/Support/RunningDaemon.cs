namespace Supervisor.Host.Tests.Support;

/// <summary>
/// A real daemon on a temporary unix socket and a loopback port, configured from a template in which
/// <c>{dir}</c>, <c>{sock}</c> and <c>{port}</c> are replaced. Start-up waits for a successful
/// <c>system.listMethods</c> on the socket.
/// </summary>
internal sealed class RunningDaemon : IAsyncDisposable
{
    private RunningDaemon(TempDirectory directory, DaemonProcess process, string socketPath, int port, string configPath)
    {
        Directory = directory;
        Process = process;
        SocketPath = socketPath;
        Port = port;
        ConfigPath = configPath;
        Unix = RpcClient.ForUnixSocket(socketPath);
        Tcp = RpcClient.ForPort(port);
    }

    public const string StandardSections = """
        [unix_http_server]
        file = {sock}

        [inet_http_server]
        port = 127.0.0.1:{port}

        [supervisord]
        logfile = {dir}/supervisord.log
        pidfile = {dir}/supervisord.pid
        identifier = test-daemon

        [rpcinterface:supervisor]
        supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

        """;

    public TempDirectory Directory { get; }

    public DaemonProcess Process { get; }

    public string SocketPath { get; }

    public int Port { get; }

    public string ConfigPath { get; }

    public RpcClient Unix { get; }

    public RpcClient Tcp { get; }

    public string UnixUrl => "unix://" + SocketPath;

    public string TcpUrl => $"http://127.0.0.1:{Port}";

    public string LogPath => Directory.File("supervisord.log");

    public static async Task<RunningDaemon> StartAsync(string configTemplate = StandardSections, Action<TempDirectory>? prepare = null)
    {
        var directory = new TempDirectory();
        prepare?.Invoke(directory);
        var socketPath = directory.File("s.sock");
        var port = FreePort.Next();
        var config = directory.Write("supervisord.conf", Expand(configTemplate, directory.Path, socketPath, port));
        using var probe = RpcClient.ForUnixSocket(socketPath);
        var process = await DaemonProcess.StartAsync(config, async () => !(await probe.CallAsync("system.listMethods")).IsFault);
        return new RunningDaemon(directory, process, socketPath, port, config);
    }

    public static string Expand(string template, string dir, string socketPath, int port) =>
        template.Replace("{dir}", dir, StringComparison.Ordinal)
            .Replace("{sock}", socketPath, StringComparison.Ordinal)
            .Replace("{port}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    public async ValueTask DisposeAsync()
    {
        Unix.Dispose();
        Tcp.Dispose();
        await Process.DisposeAsync();
        Directory.Dispose();
    }
}
