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

    /// <summary>
    /// A page rendered into <paramref name="html"/>: the headers of <see cref="HtmlAsync"/>, and the text encoded to
    /// UTF-8 straight into the response's pipe (no string or byte array of the whole page, which at 200 rows would be
    /// large objects made and collected for every page). Synchronous, so the buffer can be reused as soon as it
    /// returns; the caller flushes.
    /// </summary>
    public static void WriteHtml(HttpContext context, int status, StringBuilder html)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "text/html;charset=utf-8";
        AddSecurityHeaders(response);
        response.Headers.Pragma = "no-cache";
        response.Headers.CacheControl = "no-cache";
        response.Headers.Expires = "Thu, 01 Jan 1970 00:00:00 GMT";
        response.ContentLength = Utf8Length(html);
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        var encoder = Encoding.UTF8.GetEncoder();
        foreach (var chunk in html.GetChunks())
        {
            encoder.Convert(chunk.Span, response.BodyWriter, flush: false, out _, out _);
        }

        encoder.Convert([], response.BodyWriter, flush: true, out _, out _);
    }

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

    /// <summary>
    /// The UTF-8 length of <paramref name="text"/>, counted as <see cref="WriteHtml"/>'s encoder writes it (a pair of
    /// surrogates split between two chunks of the builder is one character).
    /// </summary>
    private static long Utf8Length(StringBuilder text)
    {
        var encoder = Encoding.UTF8.GetEncoder();
        Span<byte> scratch = stackalloc byte[4096];
        long length = 0;
        foreach (var chunk in text.GetChunks())
        {
            var chars = chunk.Span;
            while (!chars.IsEmpty)
            {
                encoder.Convert(chars, scratch, flush: false, out var used, out var written, out _);
                chars = chars[used..];
                length += written;
            }
        }

        encoder.Convert([], scratch, flush: true, out _, out var last, out _);
        return length + last;
    }
}

/// <summary>
/// The buffer a page is rendered into, kept for the next page: a 200-row page is about 300,000 characters, a large
/// object that would otherwise be made and collected (with the garbage collector's full cost) for every page. One
/// is kept; pages rendered at the same time take new ones.
/// </summary>
internal static class PageBuffers
{
    /// <summary>A bigger buffer (a page of many rows) is not kept, so an idle daemon does not hold it.</summary>
    private const int MaxKeptCapacity = 1 << 20;

    private static StringBuilder? _kept;

    public static StringBuilder Rent() => Interlocked.Exchange(ref _kept, null) ?? new StringBuilder(16 * 1024);

    public static void Return(StringBuilder buffer)
    {
        if (buffer.Capacity <= MaxKeptCapacity)
        {
            buffer.Clear();
            _kept = buffer;
        }
    }
}
