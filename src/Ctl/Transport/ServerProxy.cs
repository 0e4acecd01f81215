using System.Text;
using Supervisor.Ctl.XmlRpc;

namespace Supervisor.Ctl.Transport;

/// <summary>Calls XML-RPC methods at <c>/RPC2</c> over one kept-alive connection.</summary>
internal sealed class ServerProxy(ServerUrl url, string? username, string? password) : IDisposable
{
    // Credentials go only when both are set, as the reference's SupervisorTransport.request does.
    private readonly HttpConnection _connection = new(url, username is not null && password is not null ? Basic(username, password) : null);

    public ServerUrl Url => url;

    public object? Call(string method, params object?[] parameters)
    {
        var body = _connection.Post("/RPC2", XmlRpcWriter.MethodCall(method, parameters));
        if (Profile.Enabled)
        {
            Profile.Mark($"{method}: answer received ({body.Length} bytes)");
        }

        var result = XmlRpcReader.ReadResponse(body);
        if (Profile.Enabled)
        {
            Profile.Mark($"{method}: answer read");
        }

        return result;
    }

    public void Dispose() => _connection.Dispose();

    public static string Basic(string username, string password) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(username + ":" + password));
}
