using System.Buffers;
using System.Collections.Concurrent;
using Supervisor.Abstractions;
using Supervisor.Host.Rpc;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Host.Http;

/// <summary>
/// Encodes and sends XML-RPC answers, never more than <see cref="XmlRpcLimits.MaxResponseBytes"/> of them.
/// <list type="bullet">
/// <item>One call: encoded into a pooled buffer (which stops growing at the limit) and sent with a
/// Content-Length; a result past the limit, or one the codec cannot carry, is a FAILED fault.</item>
/// <item><c>system.multicall</c>: each call is made and its answer encoded only when the one before has
/// been written, so the daemon holds one answer at a time, not the whole array. An answer up to
/// <see cref="StreamingThreshold"/> goes out with a Content-Length as before; a longer one is streamed
/// (chunked). An entry that would take the response past the limit becomes a FAILED fault entry, and
/// every call after it is not made (so a short request cannot make the daemon read gigabytes of logs).</item>
/// </list>
/// </summary>
internal sealed class ResponseSender(IMainLog log, long maxResponseBytes)
{
    /// <summary>A multicall answer longer than this is streamed rather than sent with a Content-Length.</summary>
    public const int StreamingThreshold = 1024 * 1024;

    /// <summary>Streamed answers are handed to the connection in pieces of about this size.</summary>
    private const int StreamingChunk = 64 * 1024;

    private const int MaxPooledBufferBytes = 1 << 20;

    private static ReadOnlySpan<byte> ArrayStart => "<value><array><data>\n"u8;

    private static ReadOnlySpan<byte> ArrayEnd => "</data></array></value>\n"u8;

    private readonly ConcurrentBag<ResponseBuffer> _buffers = [];

    public long MaxResponseBytes => maxResponseBytes;

    /// <summary>What a fault says when an answer would pass the limit.</summary>
    private string LimitText { get; } = $"the response would exceed the limit of {ResponseTooLargeException.DescribeBytes(maxResponseBytes)} per request";

    /// <summary>Sends the answer to one call.</summary>
    public async Task SendAsync(HttpResponse response, RpcOutcome outcome)
    {
        if (!outcome.IsFault && outcome.Value is FrozenResult frozen && FrozenOrNull(frozen) is { } value)
        {
            await SendEncodedAsync(response, value);
            return;
        }

        var buffer = Rent();
        try
        {
            buffer.Limit = maxResponseBytes;
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
            catch (Exception e) when (IsEncodingFailure(e))
            {
                buffer.Clear();
                var fault = EncodingFault(e);
                XmlRpcResponseWriter.WriteFault(buffer, fault.FaultCode, fault.FaultString!);
            }

            response.StatusCode = 200;
            response.ContentType = "text/xml";
            response.ContentLength = buffer.WrittenCount;
            await response.Body.WriteAsync(buffer.WrittenMemory);
        }
        finally
        {
            Return(buffer);
        }
    }

    /// <summary>Makes the calls of a <c>system.multicall</c> one by one, sending each answer as it comes.</summary>
    public async Task SendMulticallAsync(HttpContext context, RpcDispatcher dispatcher, object?[] calls)
    {
        dispatcher.TraceCalled(RpcDispatcher.MulticallName);
        var response = context.Response;
        var buffer = Rent();
        long sent = 0;
        var streaming = false;
        var limitReached = false;
        try
        {
            buffer.Write(XmlRpcResponseWriter.ResponseStart);
            buffer.Write(ArrayStart);
            foreach (var call in calls)
            {
                var mark = buffer.WrittenCount;
                buffer.Limit = maxResponseBytes - sent - ResponseEndLength;
                if (!limitReached)
                {
                    var outcome = await dispatcher.CallMulticallEntryAsync(call, context.RequestAborted);
                    try
                    {
                        WriteEntry(buffer, outcome.MulticallEntry());
                    }
                    catch (Exception e) when (IsEncodingFailure(e))
                    {
                        buffer.Truncate(mark);
                        limitReached = e is ResponseTooLargeException;
                        WriteEntry(buffer, EncodingFault(e).MulticallEntry());
                    }
                }
                else
                {
                    WriteEntry(buffer, RpcOutcome.Fault(FaultCode.Failed, $"not called: {LimitText}").MulticallEntry());
                }

                if (buffer.WrittenCount >= (streaming ? StreamingChunk : StreamingThreshold))
                {
                    if (!streaming)
                    {
                        streaming = true;
                        response.StatusCode = 200;
                        response.ContentType = "text/xml";
                    }

                    await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
                    sent += buffer.WrittenCount;
                    buffer.Clear();
                }
            }

            buffer.Limit = int.MaxValue;
            buffer.Write(ArrayEnd);
            buffer.Write(XmlRpcResponseWriter.ResponseEnd);
            if (!streaming)
            {
                response.StatusCode = 200;
                response.ContentType = "text/xml";
                response.ContentLength = buffer.WrittenCount;
            }

            await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
            dispatcher.TraceReturned(RpcDispatcher.MulticallName, RpcOutcome.Success(null));
        }
        finally
        {
            Return(buffer);
        }
    }

    private static int ResponseEndLength => ArrayEnd.Length + XmlRpcResponseWriter.ResponseEnd.Length;

    private static void WriteEntry(ResponseBuffer buffer, object entry)
    {
        var writer = new XmlRpcValueWriter(buffer);
        writer.WriteValue(entry);
        writer.Flush();
    }

    /// <summary>
    /// Whatever a result throws while it is written counts as its failure: besides what the codec refuses,
    /// a plugin's property getter or lazy sequence may throw anything.
    /// </summary>
    private static bool IsEncodingFailure(Exception e) => e is not OperationCanceledException;

    /// <summary>A result the codec cannot carry, or one too large, is the call's failure: a fault, not a 500.</summary>
    private RpcOutcome EncodingFault(Exception e)
    {
        if (e is ResponseTooLargeException)
        {
            log.Write(MainLogLevel.Warn, $"XML-RPC result not sent: {LimitText}");
            return RpcOutcome.Fault(FaultCode.Failed, LimitText);
        }

        log.Write(MainLogLevel.Critical, $"XML-RPC result could not be encoded: {e}");
        return RpcOutcome.Fault(FaultCode.Failed, $"result cannot be encoded: {e.Message}");
    }

    /// <summary>A frozen result's bytes, or null when they cannot be sent (the buffered path then answers the fault).</summary>
    private byte[]? FrozenOrNull(FrozenResult frozen)
    {
        try
        {
            var bytes = FrozenEncodings.Of(frozen);
            return bytes.Length + XmlRpcResponseWriter.ResponseStart.Length + XmlRpcResponseWriter.ResponseEnd.Length <= maxResponseBytes ? bytes : null;
        }
        catch (Exception e) when (IsEncodingFailure(e))
        {
            return null;
        }
    }

    /// <summary>Sends a value encoded earlier straight from its bytes, without copying them into a response buffer first.</summary>
    private static async Task SendEncodedAsync(HttpResponse response, byte[] value)
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

    private ResponseBuffer Rent() => _buffers.TryTake(out var buffer) ? buffer : new ResponseBuffer();

    /// <summary>Keeps small buffers for the next response; a large one goes back to the GC with its memory.</summary>
    private void Return(ResponseBuffer buffer)
    {
        if (buffer.Capacity <= MaxPooledBufferBytes)
        {
            buffer.Clear();
            buffer.Limit = int.MaxValue;
            _buffers.Add(buffer);
        }
    }
}
