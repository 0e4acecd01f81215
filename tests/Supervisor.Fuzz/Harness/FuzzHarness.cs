using System.Buffers;
using System.Xml;
using Microsoft.AspNetCore.Http;
using Supervisor.Abstractions;
using Supervisor.Host.Http;
using Supervisor.Host.Rpc;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Fuzz.Harness;

/// <summary>
/// The targets' names, kept apart from <see cref="FuzzHarness"/>: under afl-fuzz the daemon's assemblies are
/// instrumented, and instrumented code must not run before SharpFuzz has mapped afl's shared memory, so the
/// command line checks a name without initialising anything of the harness.
/// </summary>
internal static class FuzzTargets
{
    /// <summary><c>all</c> runs the other three on each input, for a single long run that holds every invariant.</summary>
    public static IReadOnlyList<string> Names { get; } = ["reader", "dispatch", "http", "all"];
}

/// <summary>An input broke one of the harness's invariants (README.md here lists them).</summary>
internal sealed class InvariantException(string message) : Exception(message);

/// <summary>
/// The fuzz targets, each a function of one input's bytes that returns when the invariants hold and
/// throws when they do not: an <see cref="InvariantException"/>, or whatever escaped the code under test.
/// afl-fuzz counts a throw as a crash (Program.cs); the tests report it with the input.
/// <list type="bullet">
/// <item><c>reader</c>: <see cref="XmlRpcRequestReader"/> returns a request or throws <see cref="XmlRpcFormatException"/>, nothing
/// else, allocating at most a fixed multiple of the input; a request it returns, written again by
/// <see cref="XmlRpcRequestWriter"/>, reads back as the same values.</item>
/// <item><c>dispatch</c>: a readable request, dispatched through the real registry (<c>system</c>, the
/// bundled <c>supervisor</c> plugin over <see cref="FuzzDaemon"/>, and <see cref="ProbeNamespace"/> as
/// <c>fuzz</c>), always ends in an outcome; its response, written as the HTTP handler writes it, is
/// well-formed XML that <see cref="XmlRpcResponseReader"/> reads back as that outcome, and
/// <c>fuzz.echo</c> answers exactly what it was sent.</item>
/// <item><c>http</c>: the body POSTed to <c>/RPC2</c> through <see cref="HttpPipeline"/> itself (an
/// in-memory <see cref="DefaultHttpContext"/>, no socket) gets a 200 with a readable XML-RPC response,
/// or a 400 exactly when the reader refuses the body; nothing escapes the handler (Kestrel would answer 500).</item>
/// </list>
/// Each input starts from the same daemon state (<see cref="FuzzDaemon.Reset"/>), so an input's outcome
/// does not depend on the inputs before it. One harness serves one input at a time.
/// </summary>
internal sealed class FuzzHarness : IAsyncDisposable
{
    /// <summary>The reader may allocate this much for any input ...</summary>
    public const long AllocationAllowance = 4 * 1024 * 1024;

    /// <summary>... plus this many bytes per input byte.</summary>
    public const long AllocationPerInputByte = 64;

    /// <summary>
    /// Limits for reading what our own writers made: as deep as the writer may nest (XmlRpcValueWriter.MaxDepth
    /// containers of three elements each). A request at the reader's depth limit whose innermost value
    /// is untyped (<c>&lt;value&gt;text&lt;/value&gt;</c>) is echoed one element deeper, as <c>&lt;string&gt;</c>.
    /// </summary>
    private static readonly XmlRpcLimits OwnOutputLimits = new() { MaxDepth = (3 * XmlRpcValueWriter.MaxDepth) + 8 };

    private static readonly XmlReaderSettings WellFormed = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        CheckCharacters = true,
    };

    private readonly string _directory;
    private readonly HttpPipeline _http;

    public FuzzHarness(string? directory = null)
    {
        _directory = directory ?? Path.Combine(Path.GetTempPath(), "supervisor-fuzz-" + Guid.NewGuid().ToString("N"));
        Daemon = new FuzzDaemon(_directory);
        var plugin = new SupervisorNamespace(Daemon, TimeProvider.System);
        RpcDispatcher? dispatcher = null;
        var registry = new RpcRegistry([("supervisor", plugin), ("fuzz", new ProbeNamespace())], r => new SystemNamespace(r, () => dispatcher!));
        dispatcher = new RpcDispatcher(registry, Daemon.MainLog);
        Dispatcher = dispatcher;
        _http = new HttpPipeline(Task.FromResult(dispatcher), Daemon.MainLog, XmlRpcLimits.Default, maxRequestBytes: 16 * 1024 * 1024, new BodyBudget(BodyBudget.DefaultCapacity), XmlRpcEndpoint.DefaultBodyTimeout, Daemon);
    }

    public FuzzDaemon Daemon { get; }

    public RpcDispatcher Dispatcher { get; }

    /// <summary>Runs the target named <paramref name="target"/> on one input.</summary>
    public void Run(string target, ReadOnlyMemory<byte> input)
    {
        switch (target)
        {
            case "reader":
                Reader(input);
                break;
            case "dispatch":
                Dispatch(input);
                break;
            case "http":
                Http(input);
                break;
            case "all":
                Reader(input);
                Dispatch(input);
                Http(input);
                break;
            default:
                throw new ArgumentException($"no fuzz target '{target}' (targets: {string.Join(", ", FuzzTargets.Names)})", nameof(target));
        }
    }

    /// <summary>Target <c>reader</c>.</summary>
    public static void Reader(ReadOnlyMemory<byte> input)
    {
        var allowed = AllocationAllowance + (AllocationPerInputByte * input.Length);
        var before = GC.GetAllocatedBytesForCurrentThread();
        XmlRpcRequest request;
        try
        {
            request = XmlRpcRequestReader.Read(input);
        }
        catch (XmlRpcFormatException)
        {
            CheckAllocation(before, allowed);
            return;
        }

        CheckAllocation(before, allowed);
        Check(request.MethodName.Length > 0, "the reader returned a request without a method name");

        // What the reader returns, the writer can send and the reader reads back as the same call.
        var again = ReadOwnOutput(XmlRpcRequestWriter.ToArray(request.MethodName, request.Params), "request");
        if ((WireValues.Difference(request.MethodName, again.MethodName, "methodName") ?? WireValues.Difference(request.Params, again.Params, "params")) is { } difference)
        {
            throw new InvariantException($"a request written again did not read back the same: {difference}");
        }
    }

    /// <summary>Target <c>dispatch</c>.</summary>
    public void Dispatch(ReadOnlyMemory<byte> input)
    {
        Daemon.Reset();
        XmlRpcRequest request;
        try
        {
            request = XmlRpcRequestReader.Read(input);
        }
        catch (XmlRpcFormatException)
        {
            return;
        }

        // CallAsync must not throw: every way a call ends is an outcome.
        var outcome = Dispatcher.CallAsync(request.MethodName, request.Params, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        Check(!outcome.IsFault || outcome.FaultString is not null, "a fault without a fault string");

        var written = new ArrayBufferWriter<byte>();
        var encodable = Encode(written, outcome);
        var response = ReadResponse(written.WrittenMemory);
        if (!encodable)
        {
            Check(response.Fault is { Code: (int)FaultCode.Failed }, "a result that cannot be encoded did not become a FAILED fault");
            return;
        }

        Check(response.IsFault == outcome.IsFault, "a fault read back as a value, or a value as a fault");
        if (response.Fault is { } fault)
        {
            if (fault.Code != outcome.FaultCode || WireValues.Difference(outcome.FaultString, fault.String, "faultString") is not null)
            {
                throw new InvariantException($"the fault [{outcome.FaultCode}] {WireValues.Describe(outcome.FaultString)} read back as [{fault.Code}] {WireValues.Describe(fault.String)}");
            }

            return;
        }

        // The whole pipeline preserves values: what fuzz.echo was sent, it answers.
        if (request.MethodName is "fuzz.echo" && request.Params.Length == 1 && WireValues.Difference(request.Params[0], response.Value) is { } difference)
        {
            throw new InvariantException($"fuzz.echo did not answer what it was sent: {difference}");
        }
    }

    /// <summary>Target <c>http</c>.</summary>
    public void Http(ReadOnlyMemory<byte> input)
    {
        Daemon.Reset();
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/RPC2";
        context.Request.ContentType = "text/xml";
        context.Request.ContentLength = input.Length;
        context.Request.Body = new MemoryStream(input.ToArray(), writable: false);
        var body = new MemoryStream();
        context.Response.Body = body;

        // Whatever escapes here, Kestrel would answer with a 500.
        _http.HandleAsync(context).GetAwaiter().GetResult();

        var status = context.Response.StatusCode;
        if (status == 400)
        {
            Check(Refused(input), "a 400 for a body the reader accepts");
            return;
        }

        Check(status == 200, $"HTTP status {status}");
        Check(context.Response.ContentType == "text/xml", $"Content-Type {context.Response.ContentType}");
        Check(context.Response.ContentLength == body.Length, $"Content-Length {context.Response.ContentLength} for {body.Length} bytes");
        Check(!Refused(input), "a 200 for a body the reader refuses");
        ReadResponse(body.GetBuffer().AsMemory(0, (int)body.Length));
    }

    public async ValueTask DisposeAsync()
    {
        await Daemon.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// Writes the outcome as the HTTP handler does (ResponseSender.SendAsync): a result that cannot be
    /// encoded, or throws while it is written, becomes a FAILED fault, and false is returned. The <c>http</c>
    /// target holds the handler itself to this.
    /// </summary>
    private static bool Encode(ArrayBufferWriter<byte> output, RpcOutcome outcome)
    {
        if (outcome.IsFault)
        {
            XmlRpcResponseWriter.WriteFault(output, outcome.FaultCode, outcome.FaultString!);
            return true;
        }

        try
        {
            XmlRpcResponseWriter.WriteResponse(output, outcome.Value);
            return true;
        }
        catch (Exception e)
        {
            output.ResetWrittenCount();
            XmlRpcResponseWriter.WriteFault(output, (int)FaultCode.Failed, $"FAILED: result cannot be encoded: {e.Message}");
            return false;
        }
    }

    /// <summary>A response we wrote: well-formed XML 1.0 for any parser, and readable by our own client.</summary>
    private static XmlRpcResponse ReadResponse(ReadOnlyMemory<byte> response)
    {
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(response.ToArray(), writable: false), WellFormed);
            while (reader.Read())
            {
            }
        }
        catch (XmlException e)
        {
            throw new InvariantException($"the response is not well-formed XML: {e.Message}");
        }

        try
        {
            return XmlRpcResponseReader.Read(response, OwnOutputLimits);
        }
        catch (XmlRpcFormatException e)
        {
            throw new InvariantException($"the response does not read back: {e.Message}");
        }
    }

    private static XmlRpcRequest ReadOwnOutput(byte[] request, string what)
    {
        try
        {
            return XmlRpcRequestReader.Read(request, OwnOutputLimits);
        }
        catch (XmlRpcFormatException e)
        {
            throw new InvariantException($"the {what} the writer made does not read back: {e.Message}");
        }
    }

    private static bool Refused(ReadOnlyMemory<byte> input)
    {
        try
        {
            XmlRpcRequestReader.Read(input);
            return false;
        }
        catch (XmlRpcFormatException)
        {
            return true;
        }
    }

    private static void CheckAllocation(long before, long allowed)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Check(allocated <= allowed, $"the reader allocated {allocated:N0} bytes, more than the {allowed:N0} allowed for this input");
    }

    private static void Check(bool condition, string violation)
    {
        if (!condition)
        {
            throw new InvariantException(violation);
        }
    }
}
