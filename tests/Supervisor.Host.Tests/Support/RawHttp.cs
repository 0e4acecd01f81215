using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Supervisor.Host.Tests.Support;

/// <summary>One HTTP response exactly as it came off the wire: status line, headers in order, body bytes.</summary>
internal sealed record RawHttpResponse(string StatusLine, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public int Status => int.Parse(StatusLine.Split(' ')[1], CultureInfo.InvariantCulture);

    public string BodyText => Encoding.UTF8.GetString(Body);

    public IEnumerable<string> HeaderNames => Headers.Select(h => h.Key);

    /// <summary>The value of a header (names compare case-insensitively); null when absent.</summary>
    public string? Header(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();
}

/// <summary>
/// A client socket speaking HTTP by hand, so tests control every byte sent (pipelining, HTTP/1.0,
/// chunked bodies, odd headers) and see every byte received, over a unix socket or TCP.
/// </summary>
internal sealed class RawHttpConnection : IAsyncDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(15);
    private readonly Socket _socket;
    private readonly List<byte> _pending = [];

    private RawHttpConnection(Socket socket)
    {
        _socket = socket;
    }

    public static async Task<RawHttpConnection> OpenAsync(EndPoint endpoint)
    {
        var socket = endpoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(endpoint);
            return new RawHttpConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async Task SendAsync(byte[] request) => await _socket.SendAsync(request, SocketFlags.None);

    /// <summary>Sends one request and reads one response.</summary>
    public Task<RawHttpResponse> ExchangeAsync(byte[] request) => ExchangeAsync(request, ReadTimeout);

    /// <summary>Sends one request and reads one response, waiting up to <paramref name="timeout"/> for each read.</summary>
    public async Task<RawHttpResponse> ExchangeAsync(byte[] request, TimeSpan timeout)
    {
        await SendAsync(request);
        return await ReadResponseAsync(timeout);
    }

    /// <summary>Reads one response framed by its Content-Length (every response of the daemon has one).</summary>
    public Task<RawHttpResponse> ReadResponseAsync() => ReadResponseAsync(ReadTimeout);

    /// <summary>Like <see cref="ReadResponseAsync()"/>, waiting up to <paramref name="timeout"/> for each read.</summary>
    public async Task<RawHttpResponse> ReadResponseAsync(TimeSpan timeout)
    {
        int headerEnd;
        while ((headerEnd = IndexOfHeaderEnd()) < 0)
        {
            if (!await ReceiveMoreAsync(timeout))
            {
                throw new IOException($"connection closed before a complete response head; got: {Encoding.ASCII.GetString([.. _pending])}");
            }
        }

        var head = Encoding.ASCII.GetString(_pending.GetRange(0, headerEnd).ToArray()).Split("\r\n");
        var headers = head.Skip(1)
            .Select(line => line.Split(':', 2))
            .Select(parts => KeyValuePair.Create(parts[0], parts[1].Trim()))
            .ToList();
        _pending.RemoveRange(0, headerEnd + 4);
        var response = new RawHttpResponse(head[0], headers, []);
        var length = int.Parse(response.Header("Content-Length") ?? throw new IOException($"response without Content-Length: {string.Join(" | ", head)}"), CultureInfo.InvariantCulture);
        while (_pending.Count < length)
        {
            if (!await ReceiveMoreAsync(timeout))
            {
                throw new IOException("connection closed in the middle of a response body");
            }
        }

        var body = _pending.GetRange(0, length).ToArray();
        _pending.RemoveRange(0, length);
        return response with { Body = body };
    }

    /// <summary>A response if one arrives within <paramref name="timeout"/>, else null (nothing is lost: a later read continues).</summary>
    public async Task<RawHttpResponse?> TryReadResponseAsync(TimeSpan timeout)
    {
        try
        {
            return await ReadResponseAsync(timeout);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>True when the server closes the connection within <paramref name="wait"/> without sending anything more.</summary>
    public async Task<bool> IsClosedByServerAsync(TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        var buffer = new byte[1024];
        try
        {
            var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            Assert.True(read == 0, $"unexpected bytes after the response: {Encoding.ASCII.GetString(buffer, 0, read)}");
            return true;
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

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private int IndexOfHeaderEnd()
    {
        for (var i = 0; i + 3 < _pending.Count; i++)
        {
            if (_pending[i] == '\r' && _pending[i + 1] == '\n' && _pending[i + 2] == '\r' && _pending[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }

    private async Task<bool> ReceiveMoreAsync(TimeSpan wait)
    {
        var buffer = new byte[8192];
        using var timeout = new CancellationTokenSource(wait);
        var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        _pending.AddRange(buffer.AsSpan(0, read).ToArray());
        return read > 0;
    }
}

/// <summary>Request bytes and the daemon's exact error pages (<c>supervisor/medusa/http_server.py</c>, <c>http_request.error</c>).</summary>
internal static class RawHttp
{
    public const string GetStateCall = "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.getState</methodName>\n<params>\n</params>\n</methodCall>\n";

    public const string GetPidCall = "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.getPID</methodName>\n</methodCall>\n";

    public const string GetStateResponse = "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><struct>\n<member>\n<name>statecode</name>\n<value><int>1</int></value>\n</member>\n<member>\n<name>statename</name>\n<value><string>RUNNING</string></value>\n</member>\n</struct></value>\n</param>\n</params>\n</methodResponse>\n";

    /// <summary>A POST with a Content-Length and the given extra header lines (without CRLF).</summary>
    public static byte[] Post(string path, string body, string version = "1.1", params string[] headers) =>
        Post(path, Encoding.UTF8.GetBytes(body), version, headers);

    public static byte[] Post(string path, byte[] body, string version = "1.1", params string[] headers)
    {
        var head = new StringBuilder($"POST {path} HTTP/{version}\r\nHost: localhost\r\nContent-Length: {body.Length}\r\n");
        foreach (var header in headers)
        {
            head.Append(header).Append("\r\n");
        }

        return [.. Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()), .. body];
    }

    public static byte[] Request(string method, string path, params string[] headers)
    {
        var head = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: localhost\r\n");
        foreach (var header in headers)
        {
            head.Append(header).Append("\r\n");
        }

        return Encoding.ASCII.GetBytes(head.Append("\r\n").ToString());
    }

    public static string ErrorPage(int code, string message) =>
        $"<head>\r\n<title>Error response</title>\r\n</head>\r\n<body>\r\n<h1>Error response</h1>\r\n<p>Error code {code}.\r\n<p>Message: {message}.\r\n</body>\r\n";

    public static string BasicCredentials(string userAndPassword) =>
        "Authorization: Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(userAndPassword));

    /// <summary>Opens a connection, sends one request and reads its response.</summary>
    public static async Task<RawHttpResponse> ExchangeAsync(EndPoint endpoint, byte[] request)
    {
        await using var connection = await RawHttpConnection.OpenAsync(endpoint);
        return await connection.ExchangeAsync(request);
    }
}
