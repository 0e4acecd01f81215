namespace Supervisor.Host.Tests.Support;

/// <summary>
/// A real daemon on a temporary unix socket and a loopback port, configured from a template in which
/// <c>{dir}</c>, <c>{sock}</c> and <c>{port}</c> are replaced. Start-up waits for a successful
/// <c>system.listMethods</c> on the socket.
/// </summary>
internal sealed class RunningDaemon : IAsyncDisposable
{
    private RunningDaemon(TempDirectory directory, DaemonProcess process, string socketPath, int port, string configPath, string? username, string? password)
    {
        Directory = directory;
        Process = process;
        SocketPath = socketPath;
        Port = port;
        ConfigPath = configPath;
        Unix = RpcClient.ForUnixSocket(socketPath, username, password);
        Tcp = RpcClient.ForPort(port, username, password);
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

    /// <summary>The unix socket for <c>"unix"</c>, the loopback port for <c>"tcp"</c> (theories name the transport).</summary>
    public System.Net.EndPoint EndPoint(string transport) => transport switch
    {
        "unix" => new System.Net.Sockets.UnixDomainSocketEndPoint(SocketPath),
        "tcp" => new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, Port),
        _ => throw new ArgumentOutOfRangeException(nameof(transport), transport, "unix or tcp"),
    };

    public string Url(string transport) => transport == "unix" ? UnixUrl : TcpUrl;

    public RpcClient Client(string transport) => transport == "unix" ? Unix : Tcp;

    /// <summary>Starts the daemon; <paramref name="username"/>/<paramref name="password"/> are what the clients (and the readiness probe on the socket) send.</summary>
    public static async Task<RunningDaemon> StartAsync(string configTemplate = StandardSections, Action<TempDirectory>? prepare = null, string? username = null, string? password = null)
    {
        var directory = new TempDirectory();
        prepare?.Invoke(directory);
        var socketPath = directory.File("s.sock");
        var port = FreePort.Next();
        var config = directory.Write("supervisord.conf", Expand(configTemplate, directory.Path, socketPath, port));
        using var probe = RpcClient.ForUnixSocket(socketPath, username, password);
        var process = await DaemonProcess.StartAsync(config, async () => !(await probe.CallAsync("system.listMethods")).IsFault);
        return new RunningDaemon(directory, process, socketPath, port, config, username, password);
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
