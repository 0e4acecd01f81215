using System.Net.Sockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using Supervisor.Abstractions;
using Supervisor.Host;
using Supervisor.Host.Http;

namespace Supervisor.Benchmarks;

/// <summary>
/// One full XML-RPC round trip (<c>supervisor.getState</c>) against the real runtime: config-free
/// settings, the built-in plugin loaded from a plugins folder into its own load context, Kestrel on a
/// loopback port and a unix socket. One keep-alive connection, so this is latency, not throughput
/// (tests/Supervisor.Benchmarks/http/run.sh measures throughput with wrk).
/// </summary>
[MemoryDiagnoser]
public class HttpRoundTripBenchmarks
{
    private static readonly byte[] GetStateRequest = Encoding.UTF8.GetBytes(
        "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.getState</methodName>\n<params>\n</params>\n</methodCall>\n");

    private string _directory = "";
    private Supervisord? _daemon;
    private Task<int>? _running;
    private HttpClient? _tcp;
    private HttpClient? _unix;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("svbench").FullName;
        var plugins = Path.Combine(_directory, "plugins", "SupervisorRpc");
        Directory.CreateDirectory(plugins);
        var pluginDll = typeof(Supervisor.RpcInterface).Assembly.Location;
        File.Copy(pluginDll, Path.Combine(plugins, "SupervisorRpc.dll"));
        var socket = Path.Combine(_directory, "s.sock");
        var port = FreePort();
        var settings = new RuntimeSettings
        {
            ConfigFile = Path.Combine(_directory, "supervisord.conf"),
            LogFile = Path.Combine(_directory, "supervisord.log"),
            PidFile = null,
            NoDaemon = true,
            Silent = true,
            PluginsFolder = Path.Combine(_directory, "plugins"),
            Listeners =
            [
                new InetListenerConfig("inet_http_server", "127.0.0.1", port, null, null),
                new UnixListenerConfig("unix_http_server", socket, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, null, null, null, null),
            ],
            RpcInterfaces = [new RpcInterfaceSection("rpcinterface:supervisor", "supervisor.rpcinterface:make_main_rpcinterface", new Dictionary<string, string>())],
        };
        // No config file behind these settings: a restart or reloadConfig would fail, and neither is measured.
        var noConfig = new Supervisor.Host.Config.ConfigLoadResult(null, [new Supervisor.Host.Config.ConfigError(null, null, "the benchmark has no config file")], []);
        _daemon = new Supervisord(() => noConfig, TextWriter.Null, TimeProvider.System);
        _running = _daemon.RunAsync(settings);
        _daemon.Started.GetAwaiter().GetResult();
        _tcp = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        _unix = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, token) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await s.ConnectAsync(new UnixDomainSocketEndPoint(socket), token);
                return new NetworkStream(s, ownsSocket: true);
            },
        })
        { BaseAddress = new Uri("http://localhost/") };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _tcp?.Dispose();
        _unix?.Dispose();
        _daemon?.TryRequestStop(SupervisorState.Shutdown);
        _running?.GetAwaiter().GetResult();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Description = "getState over TCP")]
    public Task<byte[]> GetStateOverTcp() => CallAsync(_tcp!);

    [Benchmark(Description = "getState over the unix socket")]
    public Task<byte[]> GetStateOverUnixSocket() => CallAsync(_unix!);

    private static async Task<byte[]> CallAsync(HttpClient client)
    {
        using var content = new ByteArrayContent(GetStateRequest);
        using var response = await client.PostAsync("RPC2", content);
        var body = await response.Content.ReadAsByteArrayAsync();
        return response.IsSuccessStatusCode && body.Length > 100 ? body : throw new InvalidOperationException("getState failed");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
