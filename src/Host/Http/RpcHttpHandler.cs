using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Supervisor.Abstractions;
using Supervisor.Host.Platform;
using Supervisor.Host.Rpc;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Host.Http;

/// <summary>
/// The one request handler behind every listener: authenticate, route (<c>/RPC2</c> prefix, like the
/// reference), read the body, dispatch, and write the response with a Content-Length. The log streams
/// (<c>/logtail</c>, <c>/mainlogtail</c>) go to <see cref="LogTailHandler"/>; without
/// <paramref name="processes"/> every process log stream is a 404.
/// </summary>
/// <param name="ready">
/// Completes with the dispatcher once the daemon is ready to serve. The listeners open while plugins and
/// the engine are still being set up (in parallel, to shorten start-up), and a request that arrives before
/// then waits, as the reference's first requests wait for its main loop.
/// </param>
/// <param name="bodies">Shared by every connection: how many body bytes may be arriving at once.</param>
/// <param name="bodyTimeout">How long a request body may take to arrive in full.</param>
/// <param name="trimmer">Told when a large body's memory becomes garbage, so the next quiet trim hands it back.</param>
internal sealed class RpcHttpHandler(Task<RpcDispatcher> ready, IMainLog log, XmlRpcLimits limits, long maxRequestBytes, BodyBudget bodies, TimeSpan bodyTimeout, IProcessTable? processes = null, MemoryTrimmer? trimmer = null)
{
    /// <summary>The time a request body may take to arrive, unless the daemon is told otherwise.</summary>
    public static readonly TimeSpan DefaultBodyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The connection item under which each connection's <see cref="TrackedConnection"/> (and so its listener) travels.</summary>
    public const string ConnectionItemKey = "supervisor.connection";

    private readonly ResponseSender _responses = new(log, limits.MaxResponseBytes);
    private readonly LogTailHandler _logTail = new(log, processes);

    /// <summary>Ends every open log stream (<c>tail -f</c>): the server is stopping.</summary>
    public void StopStreams() => _logTail.StopStreams();

    public async Task HandleAsync(HttpContext context)
    {
        RpcDispatcher dispatcher;
        if (ready.IsCompletedSuccessfully)
        {
            dispatcher = ready.Result;
        }
        else
        {
            try
            {
                dispatcher = await ready.WaitAsync(context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // Start-up failed (the daemon is exiting) or the client left: nothing to answer.
                context.Abort();
                return;
            }
        }

        var connection = context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(ConnectionItemKey, out var item) == true
            ? item as TrackedConnection
            : null;
        if (connection?.Listener.Username is { } username)
        {
            switch (BasicAuth.Check(context.Request.Headers.Authorization, username, connection.Listener.Password ?? ""))
            {
                case BasicAuth.Result.Rejected:
                    await ErrorPages.WriteAsync(context, 401);
                    return;
                case BasicAuth.Result.Malformed:
                    await ErrorPages.WriteAsync(context, 400);
                    return;
            }
        }

        // Authenticated (or the listener asks for nothing): no longer one of the guard's pending connections.
        connection?.MarkTrusted();

        var request = context.Request;
        if (request.Path.StartsWithSegmentsOrPrefix("/RPC2"))
        {
            await HandleRpcAsync(context, dispatcher);
            return;
        }

        if (LogTailHandler.Matches(request.Path))
        {
            await _logTail.HandleAsync(context);
            return;
        }

        // The web UI is served by later work; until then the reference's answers
        // for paths it does not know apply: GET → 404, anything else → 400.
        await ErrorPages.WriteAsync(context, HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) ? 404 : 400);
    }

    private async Task HandleRpcAsync(HttpContext context, RpcDispatcher dispatcher)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            await ErrorPages.WriteAsync(context, 400);
            return;
        }

        if (request.ContentLength is not { } length)
        {
            await ErrorPages.WriteAsync(context, 411);
            return;
        }

        if (length > maxRequestBytes)
        {
            await ErrorPages.WriteAsync(context, 413);
            return;
        }

        var call = await ReadRequestAsync(context);
        if (call is null)
        {
            return;
        }

        if (call.MethodName == RpcDispatcher.MulticallName && call.Params is [object?[] calls])
        {
            await _responses.SendMulticallAsync(context, dispatcher, calls);
            return;
        }

        var outcome = await dispatcher.CallAsync(call.MethodName, call.Params, context.RequestAborted);
        await _responses.SendAsync(context.Response, outcome);
    }

    /// <summary>
    /// Reads the whole body and parses it; null when the request was answered already (too slow, over the
    /// shared budget, invalid XML). The body must arrive within the body timeout as well as at Kestrel's
    /// minimum data rate, so a client cannot send most of a body and then hold it; the bytes it holds
    /// while arriving are taken from the budget all requests share.
    /// <para>A body that comes in one read (nearly all of them) is parsed where Kestrel received it. A longer
    /// one is moved, read by read, into arrays of its own (<see cref="BodySegments"/>), so Kestrel's pooled
    /// buffers go back at once: kept in the pool, a stalled 16 MiB body would leave its memory with the
    /// pool for good, while the arrays are the collector's to reclaim once the request ends.</para>
    /// </summary>
    private async Task<XmlRpcRequest?> ReadRequestAsync(HttpContext context)
    {
        var reader = context.Request.BodyReader;
        BodySegments? body = null;
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            deadline.CancelAfter(bodyTimeout);
            try
            {
                while (true)
                {
                    var read = await reader.ReadAsync(deadline.Token);
                    var buffer = read.Buffer;
                    if (body is null && read.IsCompleted)
                    {
                        var call = Parse(buffer);
                        reader.AdvanceTo(buffer.End);
                        return call ?? await RefuseInvalidAsync(context);
                    }

                    // Kestrel never reads past the Content-Length, which was checked against the limit.
                    if (!bodies.TryReserve(buffer.Length))
                    {
                        reader.AdvanceTo(buffer.End);
                        log.Write(LogLevel.Warn, $"XML-RPC request refused: request bodies still arriving already hold the {bodies.Capacity / (1024 * 1024)} MiB allowed");
                        await ErrorPages.WriteAsync(context, 503);
                        return null;
                    }

                    body ??= new BodySegments();
                    body.Append(buffer);
                    reader.AdvanceTo(buffer.End);
                    if (read.IsCompleted)
                    {
                        return Parse(body.ToSequence()) ?? await RefuseInvalidAsync(context);
                    }
                }
            }
            catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
            {
                await RefuseSlowBodyAsync(context, $"not complete after {bodyTimeout.TotalSeconds:0} s");
                return null;
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status408RequestTimeout)
            {
                // Kestrel's minimum data rate.
                await RefuseSlowBodyAsync(context, "arriving slower than 240 bytes/s");
                return null;
            }
        }
        finally
        {
            var held = body?.Length ?? 0;
            bodies.Release(held);
            if (held >= LargeBodyBytes)
            {
                trimmer?.NoteReleased(held);
            }
        }
    }

    /// <summary>A body this large is worth a trim once its request ends (a request's own garbage is far smaller).</summary>
    private const int LargeBodyBytes = 1024 * 1024;

    /// <summary>The request the body holds, or null (the reason logged) when it is no valid XML-RPC call.</summary>
    private XmlRpcRequest? Parse(in ReadOnlySequence<byte> body)
    {
        try
        {
            return XmlRpcRequestReader.Read(body, limits);
        }
        catch (XmlRpcFormatException e)
        {
            log.Write(LogLevel.Error, $"XML-RPC request data is invalid: {e.Message}");
            return null;
        }
    }

    private static async Task<XmlRpcRequest?> RefuseInvalidAsync(HttpContext context)
    {
        await ErrorPages.WriteAsync(context, 400);
        return null;
    }

    /// <summary>408 and a closed connection for a body that took too long; the main log says whose.</summary>
    private async Task RefuseSlowBodyAsync(HttpContext context, string why)
    {
        log.Write(LogLevel.Warn, $"XML-RPC request from {context.Connection.RemoteIpAddress?.ToString() ?? "a unix socket client"} refused: its body was {why}");
        context.Response.Headers.Connection = "close";
        try
        {
            await ErrorPages.WriteAsync(context, 408);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
        {
            // The connection is already gone.
        }
    }
}

internal static class PathStringExtensions
{
    /// <summary>The reference routes by plain prefix: <c>/RPC2</c>, <c>/RPC2/x</c> and <c>/RPC2xyz</c> all reach XML-RPC.</summary>
    public static bool StartsWithSegmentsOrPrefix(this PathString path, string prefix) =>
        path.Value is { } value && value.StartsWith(prefix, StringComparison.Ordinal);
}
