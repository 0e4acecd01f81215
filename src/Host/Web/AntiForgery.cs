using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Supervisor.Host.Web;

/// <summary>
/// The per-session token every action must carry. A browser session is a random id in an HttpOnly,
/// SameSite=Strict cookie; its token is an HMAC of that id under a key made when the daemon starts, so the daemon
/// keeps no table of sessions and a page from another site can neither read the token nor make one (4.2.5 acts on
/// plain GET links, so any page the operator visits could stop every program).
/// </summary>
internal static class AntiForgery
{
    public const string CookieName = "supervisor_session";

    /// <summary>The form field a confirmation's POST carries the token in.</summary>
    public const string FieldName = "token";

    /// <summary>The header the page's script sends it in.</summary>
    public const string HeaderName = "X-Supervisor-Token";

    // One key for the daemon's life: a restart (same OS process) keeps open pages' tokens valid.
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    /// <summary>The token of the request's session; a request without one gets a new session cookie.</summary>
    public static string TokenFor(HttpContext context)
    {
        var session = context.Items[CookieName] as string ?? context.Request.Cookies[CookieName];
        if (string.IsNullOrEmpty(session) || session.Length > 64)
        {
            session = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(24));
            context.Response.Cookies.Append(CookieName, session, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Path = "/",
                IsEssential = true,
            });

            // One new session per request, however many parts of the page ask for its token.
            context.Items[CookieName] = session;
        }

        return Token(session);
    }

    /// <summary>True when <paramref name="token"/> is the token of the session the request's cookie names.</summary>
    public static bool IsValid(HttpContext context, string? token)
    {
        var session = context.Request.Cookies[CookieName];
        if (string.IsNullOrEmpty(session) || string.IsNullOrEmpty(token))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Token(session)), Encoding.ASCII.GetBytes(token));
    }

    private static string Token(string session) =>
        WebEncoders.Base64UrlEncode(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(session)));
}
