using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Host.Tests.Support;

/// <summary>The project's own XML-RPC client (the codec's request writer and response reader) over a unix socket or TCP.</summary>
internal sealed class RpcClient : IDisposable
{
    private readonly HttpClient _http;

    private RpcClient(HttpClient http)
    {
        _http = http;
    }

    public static RpcClient ForUnixSocket(string path, string? username = null, string? password = null)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return Create(new HttpClient(handler) { BaseAddress = new Uri("http://localhost/") }, username, password);
    }

    public static RpcClient ForPort(int port, string? username = null, string? password = null) =>
        Create(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") }, username, password);

    public HttpClient Http => _http;

    public async Task<XmlRpcResponse> CallAsync(string method, params object?[] parameters)
    {
        using var content = new ByteArrayContent(XmlRpcRequestWriter.ToArray(method, parameters));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/xml");
        using var response = await _http.PostAsync("RPC2", content);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"HTTP {(int)response.StatusCode} for {method}: {Encoding.UTF8.GetString(body)}");
        }

        return XmlRpcResponseReader.Read(body);
    }

    /// <summary>The value of a call that must succeed.</summary>
    public async Task<object?> ValueAsync(string method, params object?[] parameters)
    {
        var response = await CallAsync(method, parameters);
        Assert.False(response.IsFault, $"{method} faulted: {response.Fault}");
        return response.Value;
    }

    /// <summary>The fault of a call that must fail.</summary>
    public async Task<XmlRpcFault> FaultAsync(string method, params object?[] parameters)
    {
        var response = await CallAsync(method, parameters);
        Assert.True(response.IsFault, $"{method} returned {response.Value} instead of a fault");
        return response.Fault!;
    }

    public void Dispose() => _http.Dispose();

    private static RpcClient Create(HttpClient http, string? username, string? password)
    {
        if (username is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));
        }

        return new RpcClient(http);
    }
}
