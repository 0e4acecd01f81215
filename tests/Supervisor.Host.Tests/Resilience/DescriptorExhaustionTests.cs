using System.Net;
using System.Net.Sockets;
using System.Text;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Resilience;

/// <summary>
/// Issue 11 item 1: a client that opens connections until the daemon runs out of descriptors. The
/// daemon runs under <c>prlimit --nofile=256:256</c> with credentials on its TCP listener; before the
/// fix it accepted until EMFILE, spun on accept, and usually aborted ("Out of memory.", exit 134) when the
/// runtime itself could no longer open a file.
/// </summary>
public sealed class DescriptorExhaustionTests
{
    private const int DescriptorLimit = 256;
    private const string Username = "admin";
    private const string Password = "s3cret";

    private const string Config = """
        [inet_http_server]
        port = 127.0.0.1:{port}
        username = admin
        password = s3cret

        [supervisord]
        logfile = {dir}/supervisord.log
        minfds = 128
        pidfile = {dir}/supervisord.pid

        [rpcinterface:supervisor]
        supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

        [program:sleeper]
        command = sleep 600
        startsecs = 0
        """;

    [Fact]
    public async Task IdleConnectionsWithoutCredentialsNeitherKillTheDaemonNorLockOutItsUser()
    {
        await using var daemon = await StartAsync();
        var sockets = new List<Socket>();
        try
        {
            // Far more than the daemon has descriptors: it keeps only the newest pending ones.
            for (var i = 0; i < DescriptorLimit + 150; i++)
            {
                sockets.Add(await ConnectAsync(daemon.Port));
            }

            // With all of them still open, the user who knows the password is served.
            Assert.Equal(1, await daemon.StateCodeOnANewConnectionAsync());
            Assert.False(daemon.Process.HasExited, daemon.Process.Output);

            // The oldest of them were closed by the daemon.
            Assert.True(await IsClosedByServerAsync(sockets[0], TimeSpan.FromSeconds(5)), "the oldest idle connection should have been dropped");
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }

        Assert.Equal(1, await daemon.StateCodeOnANewConnectionAsync());
        Assert.False(daemon.Process.HasExited, daemon.Process.Output);
    }

    [Fact]
    public async Task AuthenticatedConnectionsStopShortOfTheReserveAndServiceResumesWhenTheyClose()
    {
        await using var daemon = await StartAsync();
        var kept = new List<Socket>();
        var refused = 0;
        try
        {
            for (var i = 0; i < DescriptorLimit + 50; i++)
            {
                var socket = await ConnectAsync(daemon.Port);
                if (await GetStateOnAsync(socket))
                {
                    kept.Add(socket);
                }
                else
                {
                    refused++;
                    socket.Dispose();
                }
            }

            Assert.True(refused > 0, "some connections should have been refused near the limit");
            Assert.InRange(kept.Count, 50, DescriptorLimit - 1);
            Assert.False(daemon.Process.HasExited, daemon.Process.Output);
        }
        finally
        {
            kept.ForEach(s => s.Dispose());
        }

        // Descriptors are free again: the daemon serves, and its log told the story.
        await WaitUntilAsync(async () => await daemon.TryStateCodeOnANewConnectionAsync() == 1);
        var log = await File.ReadAllTextAsync(daemon.LogPath);
        Assert.Contains("WARN refusing connections to 'inet_http_server': descriptor ", log);
        Assert.Contains($"kept in reserve below the limit of {DescriptorLimit} open files", log);
        Assert.Contains("INFO accepting connections to 'inet_http_server' again (", log);
        Assert.False(daemon.Process.HasExited, daemon.Process.Output);
    }

    [Fact]
    public async Task AConnectionThatSendsNothingIsClosedAfterTheTimeout()
    {
        await using var daemon = await StartAsync();
        using var idle = await ConnectAsync(daemon.Port);

        // 10 s without an authenticated request; the sweep runs every second.
        Assert.True(await IsClosedByServerAsync(idle, TimeSpan.FromSeconds(20)), "an idle unauthenticated connection should be closed");
    }

    [Fact]
    public async Task AnAuthenticatedConnectionIsNotClosedAsPending()
    {
        await using var daemon = await StartAsync();
        using var socket = await ConnectAsync(daemon.Port);
        Assert.True(await GetStateOnAsync(socket));

        // Past the pending timeout the keep-alive connection still serves.
        await Task.Delay(TimeSpan.FromSeconds(12));
        Assert.True(await GetStateOnAsync(socket));
    }

    private static async Task<Daemon> StartAsync()
    {
        var directory = new TempDirectory();
        var port = FreePort.Next();
        var config = directory.Write("supervisord.conf", RunningDaemon.Expand(Config, directory.Path, directory.File("unused.sock"), port));
        var client = RpcClient.ForPort(port, Username, Password);
        try
        {
            var process = await DaemonProcess.StartUnderAsync(
                ["prlimit", $"--nofile={DescriptorLimit}:{DescriptorLimit}"],
                config,
                async () => !(await client.CallAsync("supervisor.getState")).IsFault);
            return new Daemon(directory, process, client, port);
        }
        catch
        {
            client.Dispose();
            directory.Dispose();
            throw;
        }
    }

    private static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return socket;
    }

    /// <summary>One authenticated getState on a kept-alive connection; false when the daemon closed it instead.</summary>
    private static async Task<bool> GetStateOnAsync(Socket socket)
    {
        var request = RawHttp.Post("/RPC2", RawHttp.GetStateCall, "1.1", RawHttp.BasicCredentials($"{Username}:{Password}"));
        try
        {
            await socket.SendAsync(request, SocketFlags.None);
            var buffer = new byte[4096];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            return read > 0 && Encoding.ASCII.GetString(buffer, 0, read).StartsWith("HTTP/1.1 200 OK", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task<bool> IsClosedByServerAsync(Socket socket, TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            return await socket.ReceiveAsync(new byte[16], SocketFlags.None, timeout.Token) == 0;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in 20 s");
            await Task.Delay(100);
        }
    }

    private sealed class Daemon(TempDirectory directory, DaemonProcess process, RpcClient client, int port) : IAsyncDisposable
    {
        public DaemonProcess Process { get; } = process;

        public RpcClient Client { get; } = client;

        public int Port { get; } = port;

        public string LogPath => directory.File("supervisord.log");

        /// <summary>getState from a new client, so it needs a new connection (the pooled one is long trusted).</summary>
        public async Task<int> StateCodeOnANewConnectionAsync()
        {
            using var client = RpcClient.ForPort(Port, Username, Password);
            var state = (Dictionary<string, object?>)(await client.ValueAsync("supervisor.getState"))!;
            return (int)state["statecode"]!;
        }

        public async Task<int?> TryStateCodeOnANewConnectionAsync()
        {
            try
            {
                return await StateCodeOnANewConnectionAsync();
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
            {
                return null;
            }
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Process.DisposeAsync();
            directory.Dispose();
        }
    }
}
