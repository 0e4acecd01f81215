using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Supervisor.Abstractions;

namespace Supervisor.Host.Http;

/// <summary>
/// <c>GET /logtail/&lt;namespec&gt;[/stdout|/stderr]</c>: a process's log, followed (the reference's
/// <c>logtail_handler</c> in <c>supervisor/http.py</c>). Without a process table every process log is a 404.
/// </summary>
/// <param name="stopping">Cancelled when the server stops: the stream ends.</param>
internal sealed class ProcessLogTailEndpoint(IProcessTable? processes, CancellationToken stopping) : IHttpEndpoint
{
    public Task HandleAsync(HttpContext context)
    {
        if (!TryFindProcessLog(RawPath(context), out var path))
        {
            // The reference fails on a path without a process part ("/logtail") with a 500.
            return ErrorPages.WriteAsync(context, 500);
        }

        // The reference asks a proxy in front (nginx) not to buffer a process's stream.
        return LogStream.SendAsync(context, path, noProxyBuffering: true, stopping, Head(context));
    }

    /// <summary>
    /// How far before the end the stream starts: the reference's 1024 bytes, or more when the query asks with
    /// <c>limit=&lt;n&gt;</c> (ours: the web tail page follows at its own limit, the stream starting with the bytes
    /// the page shows). Read as the tail page reads its <c>limit</c>: digits only, at least 1024.
    /// </summary>
    internal static long Head(HttpContext context)
    {
        var text = context.Request.Query["limit"].ToString();
        return text.Length > 0 && text.All(char.IsAsciiDigit) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit)
            ? Math.Max(limit, LogStream.Head)
            : LogStream.Head;
    }

    /// <summary>
    /// The reference's parsing: the undecoded request path up to <c>;</c>, <c>?</c> or <c>#</c>,
    /// percent-decoded, leading slashes dropped.
    /// </summary>
    private static string RawPath(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target) || target[0] != '/')
        {
            target = context.Request.Path.Value ?? "";
        }

        var end = target.IndexOfAny([';', '?', '#']);
        var path = end < 0 ? target : target[..end];
        if (path.Contains('%', StringComparison.Ordinal))
        {
            path = Uri.UnescapeDataString(path);
        }

        return path.TrimStart('/');
    }

    /// <summary>
    /// False when the path has no process part at all. Otherwise true, with the log file's path, or null
    /// for an unknown process or channel or a channel without a log.
    /// </summary>
    private bool TryFindProcessLog(string path, out string? logFile)
    {
        logFile = null;
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return false;
        }

        var nameAndChannel = path[(slash + 1)..];
        var channelSlash = nameAndChannel.IndexOf('/', StringComparison.Ordinal);
        var name = channelSlash < 0 ? nameAndChannel : nameAndChannel[..channelSlash];
        var channel = channelSlash < 0 ? "stdout" : nameAndChannel[(channelSlash + 1)..];

        var colon = name.IndexOf(':', StringComparison.Ordinal);
        var groupName = colon < 0 ? name : name[..colon];
        var processName = colon < 0 ? name : name[(colon + 1)..];
        if (processName is "" or "*" || processes?.FindGroup(groupName) is not { } group)
        {
            return true;
        }

        var process = group.Processes.FirstOrDefault(p => p.Name == processName);
        logFile = (process, channel) switch
        {
            (null, _) => null,
            (_, "stdout") => process.StdoutLogfile,
            (_, "stderr") => process.StderrLogfile,
            _ => null,
        };
        return true;
    }
}

/// <summary><c>GET /mainlogtail</c>: the daemon's own log, followed (<c>mainlogtail_handler</c> in <c>supervisor/http.py</c>).</summary>
/// <param name="stopping">Cancelled when the server stops: the stream ends.</param>
internal sealed class MainLogTailEndpoint(IMainLog log, CancellationToken stopping) : IHttpEndpoint
{
    public Task HandleAsync(HttpContext context) => LogStream.SendAsync(context, log.FilePath, noProxyBuffering: false, stopping);
}

/// <summary>
/// What both log streams do: the last <see cref="Head"/> bytes of the file, then whatever is appended, polled
/// every 0.1 s without holding a thread, until the client goes away or the server stops. A file that is not
/// there is a 404 (the reference's answer: no log yet is a passing condition).
/// </summary>
internal static class LogStream
{
    public const int Head = 1024;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <param name="head">How many bytes before the end the stream starts.</param>
    public static async Task SendAsync(HttpContext context, string? path, bool noProxyBuffering, CancellationToken stopping, long head = Head)
    {
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            await ErrorPages.WriteAsync(context, 404);
            return;
        }

        FileFollower follower;
        try
        {
            follower = FileFollower.Open(path, head);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await ErrorPages.WriteAsync(context, 404);
            return;
        }

        using (follower)
        {
            var response = context.Response;
            response.StatusCode = 200;
            response.Headers.LastModified = File.GetLastWriteTimeUtc(path).ToString("R", CultureInfo.InvariantCulture);
            response.ContentType = "text/plain;charset=utf-8";
            if (noProxyBuffering)
            {
                response.Headers["X-Accel-Buffering"] = "no";
            }

            await StreamAsync(context, follower, stopping);
        }
    }

    /// <summary>Copies the follower's output to the response until the client or the server goes away.</summary>
    internal static async Task StreamAsync(HttpContext context, FileFollower follower, CancellationToken stopping)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var token = done.Token;
        try
        {
            await context.Response.StartAsync(token);
            while (!token.IsCancellationRequested)
            {
                var chunk = follower.More();
                if (chunk.IsEmpty)
                {
                    await Task.Delay(PollInterval, token);
                    continue;
                }

                await context.Response.Body.WriteAsync(chunk, token);
                await context.Response.Body.FlushAsync(token);
            }
        }
        catch (OperationCanceledException)
        {
            // The client closed the stream, or the server is stopping.
        }
        catch (IOException)
        {
            // The connection broke.
        }
    }
}
