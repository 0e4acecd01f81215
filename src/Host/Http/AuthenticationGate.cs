using Microsoft.AspNetCore.Connections.Features;

namespace Supervisor.Host.Http;

/// <summary>
/// The one authentication check, in front of the <see cref="Router"/>: no route, and no refusal of an unknown
/// route, sees a request before it passed (the reference wraps every handler it installs, its default handler
/// included, in the same <c>supervisor_auth_handler</c>: <c>make_http_servers</c> in <c>supervisor/http.py</c>).
/// A listener with a username wants HTTP Basic credentials (<see cref="BasicAuth"/>); one without lets every
/// request through.
/// </summary>
internal static class AuthenticationGate
{
    /// <summary>
    /// 0 when the request may go on, and its connection is then no longer one of the <see cref="ConnectionGuard"/>'s
    /// pending connections; otherwise the status to answer: 401, or 400 for credentials whose base64 does not decode.
    /// </summary>
    public static int Check(HttpContext context)
    {
        var connection = context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(TrackedConnection.ItemKey, out var item) == true
            ? item as TrackedConnection
            : null;
        if (connection?.Listener.Username is { } username)
        {
            switch (BasicAuth.Check(context.Request.Headers.Authorization, username, connection.Listener.Password ?? ""))
            {
                case BasicAuth.Result.Rejected:
                    return 401;
                case BasicAuth.Result.Malformed:
                    return 400;
            }
        }

        connection?.MarkTrusted();
        return 0;
    }
}
