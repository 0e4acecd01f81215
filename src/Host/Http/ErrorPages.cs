using System.Text;

namespace Supervisor.Host.Http;

/// <summary>
/// The reference's tiny HTML error responses: <c>DEFAULT_ERROR_MESSAGE</c> filled in by <c>http_request.error</c>
/// (<c>supervisor/medusa/http_server.py</c>), which sets only Content-Type and Content-Length.
/// </summary>
internal static class ErrorPages
{
    public static Task WriteAsync(HttpContext context, int status)
    {
        var reason = status switch
        {
            400 => "Bad Request",
            401 => "Unauthorized",
            404 => "Not Found",
            411 => "Length Required",
            408 => "Request Timeout",
            413 => "Payload Too Large",
            503 => "Service Unavailable",
            _ => "Internal Server Error",
        };
        var body = Encoding.ASCII.GetBytes(
            $"<head>\r\n<title>Error response</title>\r\n</head>\r\n<body>\r\n<h1>Error response</h1>\r\n<p>Error code {status}.\r\n<p>Message: {reason}.\r\n</body>\r\n");
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "text/html";
        response.ContentLength = body.Length;
        if (status == 503)
        {
            response.Headers.RetryAfter = "1";
        }

        if (status is 408 or 413 or 503)
        {
            // The body was not read, so the connection cannot carry another request: the client must not
            // reuse it (Kestrel reads off what the client still sends, within its minimum rate, then closes).
            response.Headers.Connection = "close";
        }

        if (status == 401)
        {
            response.Headers.WWWAuthenticate = "Basic realm=\"default\"";
            response.Headers.Connection = "close";
        }

        return response.Body.WriteAsync(body).AsTask();
    }
}
