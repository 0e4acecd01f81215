using System.Net;
using System.Net.Sockets;
using System.Text;
using Supervisor.Host.Http;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Http;

/// <summary>
/// Every route the daemon serves is behind the authentication gate: on listeners with a username, each route,
/// with each of its methods, answers 401 to a request without credentials or with wrong ones, and 400 to
/// credentials that do not decode, before its endpoint sees the request. The routes are enumerated from the
/// daemon's own table, so an endpoint added later is covered without touching this test.
/// </summary>
public sealed class GateTests(PasswordDaemonFixture fixture) : IClassFixture<PasswordDaemonFixture>
{
    public static TheoryData<string, string, string> RouteRequests()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var route in RouterTests.DaemonRoutes())
        {
            string[] paths = route.Path.IsPrefix ? [route.Path.Path, route.Path.Path + "/x"] : [route.Path.Path];
            foreach (var method in route.Methods.Names())
            {
                foreach (var path in paths)
                {
                    foreach (var transport in new[] { "unix", "tcp" })
                    {
                        data.Add(transport, method, path);
                    }
                }
            }
        }

        return data;
    }

    [Fact]
    public void TheDaemonHasRoutesToCheck() => Assert.NotEmpty(RouteRequests());

    [Theory]
    [MemberData(nameof(RouteRequests))]
    public async Task EveryRouteAnswers401WithoutCredentials(string transport, string method, string path)
    {
        await AssertRefusedAsync(transport, method, path, [], 401);
    }

    [Theory]
    [MemberData(nameof(RouteRequests))]
    public async Task EveryRouteAnswers401ToWrongCredentials(string transport, string method, string path)
    {
        await AssertRefusedAsync(transport, method, path, [RawHttp.BasicCredentials(PasswordDaemonFixture.Username + ":wrong")], 401);
    }

    [Theory]
    [MemberData(nameof(RouteRequests))]
    public async Task EveryRouteAnswers400ToUndecodableCredentials(string transport, string method, string path)
    {
        await AssertRefusedAsync(transport, method, path, ["Authorization: Basic abc"], 400);
    }

    private async Task AssertRefusedAsync(string transport, string method, string path, string[] headers, int status)
    {
        var endpoint = fixture.Daemon.EndPoint(transport);
        var message = status == 401 ? "Unauthorized" : "Bad Request";
        if (method == "HEAD")
        {
            // No body follows the head of an answer to HEAD, so it cannot be read by its Content-Length.
            Assert.StartsWith($"HTTP/1.1 {status} {message}\r\n", await HeadOfAnswerAsync(endpoint, RawHttp.Request(method, path, headers)));
        }
        else
        {
            var request = method == "POST" ? RawHttp.Post(path, RawHttp.GetStateCall, "1.1", headers) : RawHttp.Request(method, path, headers);
            RoutingAndConnectionTests.AssertErrorPage(await RawHttp.ExchangeAsync(endpoint, request), status, message);
        }

        // The gate answered, and the daemon goes on serving those who pass it.
        var state = (Dictionary<string, object?>)(await fixture.Daemon.Client(transport).ValueAsync("supervisor.getState"))!;
        Assert.Equal("RUNNING", state["statename"]);
    }

    private static async Task<string> HeadOfAnswerAsync(EndPoint endpoint, byte[] request)
    {
        using var socket = endpoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint);
        await socket.SendAsync(request, SocketFlags.None);
        var received = new List<byte>();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (!Encoding.ASCII.GetString([.. received]).Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (read == 0)
            {
                break;
            }

            received.AddRange(buffer.AsSpan(0, read).ToArray());
        }

        return Encoding.ASCII.GetString([.. received]);
    }
}
