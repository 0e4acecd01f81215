using System.Net.Sockets;
using System.Text.Json;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Web;

/// <summary>
/// The status page's Server-Sent Events (<c>/events</c>): a process's row is pushed when its state changes, from
/// the event bus, on both transports; the stream ends cleanly when the daemon stops.
/// </summary>
public sealed class LiveStatusTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private const string Programs = """
        [program:worker]
        command = /bin/sleep 1000
        startsecs = 0

        """;

    [Theory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task AStateChangePushesTheProcesssNewRow(string transport)
    {
        await using var daemon = await SupervisedPrograms.StartAsync(Programs);
        await daemon.WaitForStateAsync("worker", "RUNNING");
        using var client = Client(daemon, transport);
        using var response = await client.GetAsync("http://localhost/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        using var events = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("retry: 3000", await events.ReadLineAsync());

        await daemon.Unix.ValueAsync("supervisor.stopProcess", "worker");

        // STOPPING, then STOPPED: the last row pushed shows the process stopped, with Start offered.
        using var patience = new CancellationTokenSource(Patience);
        string html;
        do
        {
            var (name, data) = await NextEventAsync(events, patience.Token);
            Assert.Equal("row", name);
            using var json = JsonDocument.Parse(data);
            Assert.Equal("worker", json.RootElement.GetProperty("id").GetString());
            html = json.RootElement.GetProperty("html").GetString()!;
        }
        while (!html.Contains(">stopped<", StringComparison.Ordinal));

        Assert.StartsWith("<tr id=\"process-worker\"", html);
        Assert.Contains("data-action=\"start\"", html);
    }

    [Fact]
    public async Task TheStreamEndsCleanlyWhenTheDaemonStops()
    {
        var daemon = await SupervisedPrograms.StartAsync(Programs);
        try
        {
            using var client = Client(daemon, "tcp");
            using var response = await client.GetAsync("http://localhost/events", HttpCompletionOption.ResponseHeadersRead);
            using var events = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.Equal("retry: 3000", await events.ReadLineAsync());

            daemon.Process.Signal(15);

            // Whatever rows the stop pushes, then the end of the response: no broken connection.
            using var patience = new CancellationTokenSource(Patience);
            while (await events.ReadLineAsync(patience.Token) is not null)
            {
            }
        }
        finally
        {
            await daemon.DisposeAsync();
        }
    }

    private static async Task<(string Name, string Data)> NextEventAsync(StreamReader events, CancellationToken cancellationToken)
    {
        string? name = null, data = null;
        while (await events.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0 && data is not null)
            {
                return (name ?? "message", data);
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line["data: ".Length..];
            }
        }

        throw new EndOfStreamException("the event stream ended");
    }

    /// <summary>An HTTP client for the daemon's unix socket or its TCP port (the host name is not used to connect).</summary>
    internal static HttpClient Client(RunningDaemon daemon, string transport) =>
        new(new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var endpoint = daemon.EndPoint(transport);
                var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, endpoint.AddressFamily == AddressFamily.Unix ? ProtocolType.Unspecified : ProtocolType.Tcp);
                await socket.ConnectAsync(endpoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        })
        { Timeout = Patience };
}
