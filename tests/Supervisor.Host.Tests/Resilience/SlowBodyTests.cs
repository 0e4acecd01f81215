using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Resilience;

/// <summary>
/// Issue 11 item 9: request bodies that arrive slowly, or most of the way and then not at all, must not
/// hold the daemon's memory for as long as the client likes. Before the fix thirty such connections
/// pinned half a gigabyte indefinitely.
/// </summary>
public sealed class SlowBodyTests
{
    [Fact]
    public async Task ABodyThatStopsHalfWayIsAnswered408WithinTheBodyTimeout()
    {
        await using var daemon = await RunningDaemon.StartAsync();
        await using var connection = await RawHttpConnection.OpenAsync(daemon.EndPoint("tcp"));
        await connection.SendAsync(Head(100_000));
        await connection.SendAsync(new byte[50_000]);

        var clock = Stopwatch.StartNew();
        var response = await connection.ReadResponseAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(408, response.Status);
        Assert.InRange(clock.Elapsed.TotalSeconds, 20, 60);
        Assert.Equal("close", response.Header("Connection"));
        Assert.Contains("refused: its body was not complete after 30 s", await File.ReadAllTextAsync(daemon.LogPath));
    }

    [Fact]
    public async Task ABodyTrickledAtAByteASecondIsAnswered408AfterTheGracePeriod()
    {
        await using var daemon = await RunningDaemon.StartAsync();
        await using var connection = await RawHttpConnection.OpenAsync(daemon.EndPoint("unix"));
        await connection.SendAsync(Head(1_000));

        using var trickling = new CancellationTokenSource();
        var trickle = Task.Run(async () =>
        {
            try
            {
                while (!trickling.IsCancellationRequested)
                {
                    await connection.SendAsync([(byte)' ']);
                    await Task.Delay(1000, trickling.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Stopped, or the daemon closed the connection.
            }
        });

        // Kestrel's minimum rate (240 bytes/s after 5 s of grace) ends it long before the 30-s body timeout.
        var response = await connection.ReadResponseAsync(TimeSpan.FromSeconds(20));
        await trickling.CancelAsync();
        await trickle;

        Assert.Equal(408, response.Status);
        Assert.Contains("refused: its body was arriving slower than 240 bytes/s", await File.ReadAllTextAsync(daemon.LogPath));
    }

    [Fact]
    public async Task BodiesStillArrivingShareOneBoundAndTheBoundIsFreedWhenTheyGo()
    {
        await using var daemon = await RunningDaemon.StartAsync();
        var before = VmRssMiB(daemon.Process.Pid);
        const int length = 16 * 1024 * 1024;
        var almostAll = new byte[length - 1];
        var connections = new List<RawHttpConnection>();
        var refused = new List<RawHttpResponse>();
        try
        {
            // Each sends all but the last byte of the largest body allowed; together they would hold 96 MiB.
            for (var i = 0; i < 6; i++)
            {
                var connection = await RawHttpConnection.OpenAsync(daemon.EndPoint("unix"));
                connections.Add(connection);
                await connection.SendAsync(Head(length));
                _ = connection.SendAsync(almostAll);
            }

            foreach (var connection in connections)
            {
                if (await connection.TryReadResponseAsync(TimeSpan.FromSeconds(3)) is { } response)
                {
                    refused.Add(response);
                }
            }

            Assert.NotEmpty(refused);
            Assert.All(refused, r => Assert.Equal(503, r.Status));
            Assert.All(refused, r => Assert.Equal("1", r.Header("Retry-After")));
            Assert.InRange(VmRssMiB(daemon.Process.Pid), 0, 250);
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }

        // The bodies were the daemon's own arrays, not Kestrel's pooled buffers: once their requests end, the
        // quiet trim hands the memory back.
        var trimmed = DateTime.UtcNow.AddSeconds(30);
        while (VmRssMiB(daemon.Process.Pid) > before + 32)
        {
            Assert.True(DateTime.UtcNow < trimmed, $"resident memory stayed at {VmRssMiB(daemon.Process.Pid):F0} MiB (before: {before:F0} MiB)");
            await Task.Delay(250);
        }

        // The abandoned bodies gave their share back: a body as large as the first ones is read and called.
        var call = RawHttp.Post("/RPC2", RawHttp.GetStateCall + new string(' ', length - RawHttp.GetStateCall.Length - 10));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        RawHttpResponse answer;
        while ((answer = await RawHttp.ExchangeAsync(daemon.EndPoint("unix"), call)).Status != 200 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(200, answer.Status);
        Assert.Contains("XML-RPC request refused: request bodies still arriving already hold the 64 MiB allowed", await File.ReadAllTextAsync(daemon.LogPath));
    }

    private static byte[] Head(int contentLength) =>
        Encoding.ASCII.GetBytes($"POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nContent-Length: {contentLength}\r\n\r\n");

    private static double VmRssMiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
    }
}
