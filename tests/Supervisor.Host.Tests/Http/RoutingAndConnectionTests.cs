using System.Globalization;
using System.Text;
using Supervisor.Host.Tests.Integration;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Http;

/// <summary>
/// Routing, response framing and connection handling of the real daemon, with raw bytes over the
/// unix socket and TCP (the reference's handlers are wired in <c>supervisor/http.py</c>, <c>make_http_servers</c>;
/// the connection handling is <c>deferring_http_channel</c> there and <c>http_channel</c> in
/// <c>supervisor/medusa/http_server.py</c>).
/// </summary>
public sealed class RoutingAndConnectionTests(SampleDaemonFixture fixture) : IClassFixture<SampleDaemonFixture>
{
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan StaysOpenWait = TimeSpan.FromMilliseconds(300);

    private RunningDaemon Daemon => fixture.Daemon;

    [Theory]
    [InlineData("unix", "/RPC2")]
    [InlineData("tcp", "/RPC2")]
    [InlineData("unix", "/RPC2/x")]
    [InlineData("tcp", "/RPC2/x")]
    [InlineData("tcp", "/RPC2?a=1")]
    [InlineData("unix", "/RPC2xyz")]
    public async Task PostToAPathStartingWithRpc2IsAnXmlRpcCall(string transport, string path)
    {
        var response = await RawHttp.ExchangeAsync(Daemon.EndPoint(transport), RawHttp.Post(path, RawHttp.GetStateCall));

        Assert.Equal("HTTP/1.1 200 OK", response.StatusLine);
        Assert.Equal(RawHttp.GetStateResponse, response.BodyText);
    }

    [Theory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task SuccessHasTextXmlAndAContentLengthMatchingTheBody(string transport)
    {
        var response = await RawHttp.ExchangeAsync(Daemon.EndPoint(transport), RawHttp.Post("/RPC2", RawHttp.GetStateCall));

        Assert.Equal(["Content-Length", "Content-Type", "Date"], response.HeaderNames.Order(StringComparer.Ordinal));
        Assert.Equal("text/xml", response.Header("Content-Type"));
        Assert.Equal(response.Body.Length.ToString(CultureInfo.InvariantCulture), response.Header("Content-Length"));
        Assert.True(DateTime.TryParseExact(response.Header("Date"), "r", CultureInfo.InvariantCulture, DateTimeStyles.None, out _), response.Header("Date"));
    }

    [Theory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task AFrozenResultIsSentFromItsBytesWithTheSameFraming(string transport)
    {
        // getAllProcessInfo answers a FrozenResult: the handler writes the encoded bytes itself.
        const string call = "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.getAllProcessInfo</methodName>\n<params>\n</params>\n</methodCall>\n";
        for (var i = 0; i < 2; i++)
        {
            var response = await RawHttp.ExchangeAsync(Daemon.EndPoint(transport), RawHttp.Post("/RPC2", call));

            Assert.Equal("HTTP/1.1 200 OK", response.StatusLine);
            Assert.Equal(["Content-Length", "Content-Type", "Date"], response.HeaderNames.Order(StringComparer.Ordinal));
            Assert.Equal("text/xml", response.Header("Content-Type"));
            Assert.Equal(response.Body.Length.ToString(CultureInfo.InvariantCulture), response.Header("Content-Length"));
            Assert.StartsWith("<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n", response.BodyText);
            Assert.EndsWith("</data></array></value>\n</param>\n</params>\n</methodResponse>\n", response.BodyText);
        }
    }

    [Theory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task RpcPathIsCaseSensitive(string transport)
    {
        var response = await RawHttp.ExchangeAsync(Daemon.EndPoint(transport), RawHttp.Post("/rpc2", RawHttp.GetStateCall));

        AssertErrorPage(response, 400, "Bad Request");
    }

    [Theory]
    [InlineData("unix", "GET")]
    [InlineData("tcp", "GET")]
    [InlineData("tcp", "PUT")]
    public async Task OtherMethodsThanPostOnRpc2AreBadRequest(string transport, string method)
    {
        var response = await RawHttp.ExchangeAsync(Daemon.EndPoint(transport), RawHttp.Request(method, "/RPC2", "Content-Length: 0"));

        AssertErrorPage(response, 400, "Bad Request");
    }

    [Theory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task GetOfAnUnknownPathIsNotFound(string transport)
    {
        var response = await RawHttp.ExchangeAsync(Daemon.EndPoint(transport), RawHttp.Request("GET", "/nosuch"));

        AssertErrorPage(response, 404, "Not Found");
    }

    [Theory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task PostToAnUnknownPathIsBadRequest(string transport)
    {
        var response = await RawHttp.ExchangeAsync(Daemon.EndPoint(transport), RawHttp.Post("/nosuch", RawHttp.GetStateCall));

        AssertErrorPage(response, 400, "Bad Request");
    }

    [Theory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task ChunkedPostWithoutContentLengthIsLengthRequired(string transport)
    {
        var body = Encoding.UTF8.GetBytes(RawHttp.GetStateCall);
        var request = Encoding.ASCII.GetBytes($"POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n{body.Length:x}\r\n")
            .Concat(body).Concat(Encoding.ASCII.GetBytes("\r\n0\r\n\r\n")).ToArray();
        await using var connection = await RawHttpConnection.OpenAsync(Daemon.EndPoint(transport));

        AssertErrorPage(await connection.ExchangeAsync(request), 411, "Length Required");
        Assert.Equal(RawHttp.GetStateResponse, (await connection.ExchangeAsync(RawHttp.Post("/RPC2", RawHttp.GetStateCall))).BodyText);
    }

    [Theory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task PostWithoutAnyBodyIsLengthRequired(string transport)
    {
        var response = await RawHttp.ExchangeAsync(Daemon.EndPoint(transport), RawHttp.Request("POST", "/RPC2"));

        AssertErrorPage(response, 411, "Length Required");
    }

    [Theory]
    [InlineData("Content-Type: application/json")]
    [InlineData("Content-Type: ")]
    [InlineData("Content-Type: text/plain; charset=latin-1")]
    public async Task ContentTypeIsIgnored(string contentType)
    {
        var response = await RawHttp.ExchangeAsync(Daemon.EndPoint("tcp"), RawHttp.Post("/RPC2", RawHttp.GetStateCall, "1.1", contentType));

        Assert.Equal(200, response.Status);
        Assert.Equal(RawHttp.GetStateResponse, response.BodyText);
    }

    [Fact]
    public async Task HeaderNamesAreCaseInsensitive()
    {
        var body = Encoding.UTF8.GetBytes(RawHttp.GetStateCall);
        var request = Encoding.ASCII.GetBytes($"POST /RPC2 HTTP/1.1\r\nhost: localhost\r\ncontent-length: {body.Length}\r\n\r\n").Concat(body).ToArray();

        Assert.Equal(RawHttp.GetStateResponse, (await RawHttp.ExchangeAsync(Daemon.EndPoint("tcp"), request)).BodyText);
    }

    [Theory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task Http11ConnectionServesSeveralRequestsAndStaysOpen(string transport)
    {
        await using var connection = await RawHttpConnection.OpenAsync(Daemon.EndPoint(transport));

        Assert.Equal(RawHttp.GetStateResponse, (await connection.ExchangeAsync(RawHttp.Post("/RPC2", RawHttp.GetStateCall))).BodyText);
        Assert.Contains($"<int>{Daemon.Process.Pid}</int>", (await connection.ExchangeAsync(RawHttp.Post("/RPC2", RawHttp.GetPidCall))).BodyText);
        Assert.False(await connection.IsClosedByServerAsync(StaysOpenWait));
    }

    [Theory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task PipelinedRequestsAreAnsweredInOrder(string transport)
    {
        await using var connection = await RawHttpConnection.OpenAsync(Daemon.EndPoint(transport));
        var echo = "<methodCall><methodName>another.echoLater</methodName><params><param><value>first</value></param><param><value><int>300</int></value></param></params></methodCall>";

        await connection.SendAsync([.. RawHttp.Post("/RPC2", echo), .. RawHttp.Post("/RPC2", RawHttp.GetPidCall), .. RawHttp.Post("/RPC2", RawHttp.GetStateCall)]);

        Assert.Contains("<string>first</string>", (await connection.ReadResponseAsync()).BodyText);
        Assert.Contains($"<int>{Daemon.Process.Pid}</int>", (await connection.ReadResponseAsync()).BodyText);
        Assert.Equal(RawHttp.GetStateResponse, (await connection.ReadResponseAsync()).BodyText);
    }

    [Theory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task Http10ConnectionIsClosedAfterTheResponse(string transport)
    {
        await using var connection = await RawHttpConnection.OpenAsync(Daemon.EndPoint(transport));

        var response = await connection.ExchangeAsync(RawHttp.Post("/RPC2", RawHttp.GetStateCall, "1.0"));

        Assert.Equal(RawHttp.GetStateResponse, response.BodyText);
        Assert.True(await connection.IsClosedByServerAsync(CloseWait));
    }

    [Fact]
    public async Task Http10WithKeepAliveStaysOpenAndSaysSo()
    {
        await using var connection = await RawHttpConnection.OpenAsync(Daemon.EndPoint("tcp"));

        var response = await connection.ExchangeAsync(RawHttp.Post("/RPC2", RawHttp.GetStateCall, "1.0", "Connection: keep-alive"));

        Assert.Equal("keep-alive", response.Header("Connection"), StringComparer.OrdinalIgnoreCase);
        Assert.False(await connection.IsClosedByServerAsync(StaysOpenWait));
        Assert.Equal(RawHttp.GetStateResponse, (await connection.ExchangeAsync(RawHttp.Post("/RPC2", RawHttp.GetStateCall, "1.0"))).BodyText);
    }

    [Fact]
    public async Task Http11ConnectionCloseIsHonoured()
    {
        await using var connection = await RawHttpConnection.OpenAsync(Daemon.EndPoint("unix"));

        var response = await connection.ExchangeAsync(RawHttp.Post("/RPC2", RawHttp.GetStateCall, "1.1", "Connection: close"));

        Assert.Equal(200, response.Status);
        Assert.True(await connection.IsClosedByServerAsync(CloseWait));
    }

    /// <summary>
/// The exact page of <c>http_request.error</c> (<c>supervisor/medusa/http_server.py</c>): status line, body, and
/// only the headers it sets (plus those the 401 and refused-body cases add).
/// </summary>
    internal static void AssertErrorPage(RawHttpResponse response, int code, string message)
    {
        Assert.Equal($"HTTP/1.1 {code} {message}", response.StatusLine);
        Assert.Equal(RawHttp.ErrorPage(code, message), response.BodyText);
        Assert.Equal("text/html", response.Header("Content-Type"));
        Assert.Equal(response.Body.Length.ToString(CultureInfo.InvariantCulture), response.Header("Content-Length"));
        string[] expected = code switch
        {
            401 => ["Connection", "Content-Length", "Content-Type", "Date", "WWW-Authenticate"],

            // Refused before its body was read: the connection closes rather than reading the rest.
            408 or 413 => ["Connection", "Content-Length", "Content-Type", "Date"],
            _ => ["Content-Length", "Content-Type", "Date"],
        };
        Assert.Equal(expected, response.HeaderNames.Order(StringComparer.Ordinal));
    }
}
