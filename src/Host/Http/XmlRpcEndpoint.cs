using System.Buffers;
using Supervisor.Abstractions;
using Supervisor.Host.Platform;
using Supervisor.Host.Rpc;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Host.Http;

/// <summary>
/// <c>POST /RPC2</c>: reads the body (bounded in size, time and, across requests, memory), parses it, makes the
/// call and sends the answer with a Content-Length (<see cref="ResponseSender"/>; <c>system.multicall</c> answers
/// entry by entry). Its route and the <see cref="AuthenticationGate"/> are <see cref="HttpPipeline"/>'s business.
/// </summary>
/// <param name="ready">
/// Completes with the dispatcher once the daemon is ready to serve; the pipeline holds every request until then,
/// so by the time a call gets here it has.
/// </param>
/// <param name="bodies">Shared by every connection: how many body bytes may be arriving at once.</param>
/// <param name="bodyTimeout">How long a request body may take to arrive in full.</param>
/// <param name="trimmer">Told when a large body's memory becomes garbage, so the next quiet trim hands it back.</param>
internal sealed class XmlRpcEndpoint(Task<RpcDispatcher> ready, IMainLog log, XmlRpcLimits limits, long maxRequestBytes, BodyBudget bodies, TimeSpan bodyTimeout, MemoryTrimmer? trimmer = null) : IHttpEndpoint
{
    /// <summary>The time a request body may take to arrive, unless the daemon is told otherwise.</summary>
    public static readonly TimeSpan DefaultBodyTimeout = TimeSpan.FromSeconds(30);

    private readonly ResponseSender _responses = new(log, limits.MaxResponseBytes);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
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

        var dispatcher = await ready;
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
                        log.Write(MainLogLevel.Warn, $"XML-RPC request refused: request bodies still arriving already hold the {bodies.Capacity / (1024 * 1024)} MiB allowed");
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
            log.Write(MainLogLevel.Error, $"XML-RPC request data is invalid: {e.Message}");
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
        log.Write(MainLogLevel.Warn, $"XML-RPC request from {context.Connection.RemoteIpAddress?.ToString() ?? "a unix socket client"} refused: its body was {why}");
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
