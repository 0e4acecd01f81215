using System.Text;

namespace Supervisor.Host.Web;

/// <summary>How every page and file of the interface is answered: the security headers, no caching of pages, a Content-Length.</summary>
internal static class WebResponses
{
    /// <summary>
    /// Scripts and styles only from the daemon's own files (no inline script, no inline style), no framing, forms
    /// only back to the daemon.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    public static void AddSecurityHeaders(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
    }

    /// <summary>A page: <c>text/html;charset=utf-8</c> and the reference's no-cache headers.</summary>
    public static Task HtmlAsync(HttpContext context, int status, string html) =>
        WriteAsync(context, status, "text/html;charset=utf-8", Encoding.UTF8.GetBytes(html), cache: false);

    public static Task TextAsync(HttpContext context, int status, string text) =>
        WriteAsync(context, status, "text/plain;charset=utf-8", Encoding.UTF8.GetBytes(text), cache: false);

    /// <summary>303 to <paramref name="location"/> (relative to the page): what a POST that acted answers.</summary>
    public static Task SeeOtherAsync(HttpContext context, string location)
    {
        context.Response.Headers.Location = location;
        return WriteAsync(context, 303, "text/plain;charset=utf-8", [], cache: false);
    }

    public static async Task WriteAsync(HttpContext context, int status, string contentType, byte[] body, bool cache)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        AddSecurityHeaders(response);
        if (!cache)
        {
            response.Headers.Pragma = "no-cache";
            response.Headers.CacheControl = "no-cache";
            response.Headers.Expires = "Thu, 01 Jan 1970 00:00:00 GMT";
        }

        response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(body, context.RequestAborted);
        }
    }
}
