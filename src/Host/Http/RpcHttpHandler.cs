using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Supervisor.Abstractions;
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
internal sealed class RpcHttpHandler(Task<RpcDispatcher> ready, IMainLog log, XmlRpcLimits limits, long maxRequestBytes, IProcessTable? processes = null)
{
    /// <summary>The connection item under which each listener's <see cref="ListenerConfig"/> travels.</summary>
    public const string ListenerItemKey = "supervisor.listener";

    private const int MaxPooledBufferBytes = 1 << 20;
    private readonly ConcurrentBag<ArrayBufferWriter<byte>> _buffers = [];
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

        var listener = context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(ListenerItemKey, out var item) == true
            ? item as ListenerConfig
            : null;
        if (listener?.Username is { } username)
        {
            switch (BasicAuth.Check(context.Request.Headers.Authorization, username, listener.Password ?? ""))
            {
                case BasicAuth.Result.Rejected:
                    await ErrorPages.WriteAsync(context, 401);
                    return;
                case BasicAuth.Result.Malformed:
                    await ErrorPages.WriteAsync(context, 400);
                    return;
            }
        }

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

        var reader = request.BodyReader;
        ReadResult read;
        while (true)
        {
            read = await reader.ReadAsync(context.RequestAborted);
            if (read.IsCompleted || read.Buffer.Length > maxRequestBytes)
            {
                break;
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }

        XmlRpcRequest call;
        try
        {
            call = XmlRpcRequestReader.Read(read.Buffer, limits);
        }
        catch (XmlRpcFormatException e)
        {
            log.Write(LogLevel.Error, $"XML-RPC request data is invalid: {e.Message}");
            reader.AdvanceTo(read.Buffer.End);
            await ErrorPages.WriteAsync(context, 400);
            return;
        }

        reader.AdvanceTo(read.Buffer.End);
        var outcome = await dispatcher.CallAsync(call.MethodName, call.Params, context.RequestAborted);
        await WriteOutcomeAsync(context.Response, outcome);
    }

    private async Task WriteOutcomeAsync(HttpResponse response, RpcOutcome outcome)
    {
        if (!outcome.IsFault && outcome.Value is FrozenResult frozen && EncodedOrNull(frozen) is { } value)
        {
            await WriteEncodedAsync(response, value);
            return;
        }

        if (!_buffers.TryTake(out var buffer))
        {
            buffer = new ArrayBufferWriter<byte>(4096);
        }

        try
        {
            try
            {
                if (outcome.IsFault)
                {
                    XmlRpcResponseWriter.WriteFault(buffer, outcome.FaultCode, outcome.FaultString!);
                }
                else
                {
                    XmlRpcResponseWriter.WriteResponse(buffer, outcome.Value);
                }
            }
            catch (Exception e)
            {
                // A result the codec cannot carry, or one that fails while it is written (a plugin's getter or
                // lazy sequence throwing), is the method's failure, reported as a fault, not a 500.
                log.Write(LogLevel.Critical, $"XML-RPC result could not be encoded: {e}");
                buffer.ResetWrittenCount();
                XmlRpcResponseWriter.WriteFault(buffer, (int)FaultCode.Failed, $"FAILED: result cannot be encoded: {e.Message}");
            }

            response.StatusCode = 200;
            response.ContentType = "text/xml";
            response.ContentLength = buffer.WrittenCount;
            await response.Body.WriteAsync(buffer.WrittenMemory);
        }
        finally
        {
            if (buffer.Capacity <= MaxPooledBufferBytes)
            {
                buffer.ResetWrittenCount();
                _buffers.Add(buffer);
            }
        }
    }

    /// <summary>A frozen result's bytes, or null when it cannot be encoded or fails while it is (the buffered path then answers the fault).</summary>
    private static byte[]? EncodedOrNull(FrozenResult frozen)
    {
        try
        {
            return FrozenEncodings.Of(frozen);
        }
        catch (Exception)
        {
            return null;
        }
    }

    /// <summary>Sends a value encoded earlier straight from its bytes, without copying them into a response buffer first.</summary>
    private static async Task WriteEncodedAsync(HttpResponse response, byte[] value)
    {
        response.StatusCode = 200;
        response.ContentType = "text/xml";
        response.ContentLength = XmlRpcResponseWriter.ResponseStart.Length + value.Length + XmlRpcResponseWriter.ResponseEnd.Length;
        await response.StartAsync();
        var body = response.BodyWriter;
        body.Write(XmlRpcResponseWriter.ResponseStart);
        body.Write(value);
        body.Write(XmlRpcResponseWriter.ResponseEnd);
        await body.FlushAsync();
    }
}

internal static class PathStringExtensions
{
    /// <summary>The reference routes by plain prefix: <c>/RPC2</c>, <c>/RPC2/x</c> and <c>/RPC2xyz</c> all reach XML-RPC.</summary>
    public static bool StartsWithSegmentsOrPrefix(this PathString path, string prefix) =>
        path.Value is { } value && value.StartsWith(prefix, StringComparison.Ordinal);
}
