using Supervisor.Abstractions;

namespace Supervisor.Fuzz.Harness;

/// <summary>A struct parameter and result: required and optional members, a nested list and an enum.</summary>
internal sealed record ProbeSettings(
    [property: RpcMember("name")] string Name,
    [property: RpcMember("retries")] int Retries = 3,
    [property: RpcMember("tags")] List<string>? Tags = null,
    [property: RpcMember("state")] ProcessState State = ProcessState.Stopped)
{
    /// <summary>A settable member outside the constructor.</summary>
    [RpcMember("ratio")]
    public double Ratio { get; init; } = 0.5;
}

/// <summary>A result whose property throws when the encoder reads it.</summary>
internal sealed class BrokenRecord
{
    [RpcMember("fine")]
    public int Fine => 1;

    /// <summary>Dereferences null, as a getter over a field that was never set would.</summary>
    [RpcMember("broken")]
    public int Broken => Missing!.Length;

    private string? Missing { get; }
}

/// <summary>
/// The test plugin of the fuzz harness, registered as the <c>fuzz</c> namespace beside <c>system</c> and
/// <c>supervisor</c>: every parameter type the binder converts (so fuzzed values reach each converter),
/// an echo whose answer must equal its argument after a trip through the whole pipeline, and the ways a
/// careless plugin fails (throwing, synchronously or later; its own faults; results that cannot be
/// encoded, contain themselves, or fail while being written). Nothing a plugin does may escape the
/// dispatcher, and every answer must be well-formed XML.
/// </summary>
internal sealed class ProbeNamespace
{
    [RpcMethod(Help = "Return the value as received.")]
    public object? Echo(object? value) => value;

    [RpcMethod(Help = "Return every argument as received, in an array (up to four, the last three optional).")]
    public object?[] EchoAll(object? first, object? second = null, object? third = null, object? fourth = null) => [first, second, third, fourth];

    [RpcMethod(Help = "Return the scalars as a struct.")]
    public Dictionary<string, object?> Scalars(int number, long wide, bool flag, double real, string text) =>
        new() { ["number"] = number, ["wide"] = wide, ["flag"] = flag, ["real"] = real, ["text"] = text };

    [RpcMethod(Help = "Return the optional and nullable scalars as an array.")]
    public object?[] Optionals(int? maybe = null, float single = 1.5f, ProcessState state = ProcessState.Running, string fallback = "default") =>
        [maybe, single, state, fallback];

    [RpcMethod(Help = "Return the date-time as received.")]
    public DateTime When(DateTime moment) => moment;

    [RpcMethod(Help = "Return the bytes as received.")]
    public byte[] Bytes(byte[] data) => data;

    [RpcMethod(Help = "Return the numbers, summed and as received.")]
    public object[] Numbers(int[] values, List<long> wide) => [values.Sum(v => (long)v), values, wide];

    [RpcMethod(Help = "Return the counts as received.")]
    public Dictionary<string, int> Counts(Dictionary<string, int> counts) => counts;

    [RpcMethod(Help = "Return the nested structure as received.")]
    public Dictionary<string, List<string[]>> Nested(Dictionary<string, List<string[]>> tree) => tree;

    [RpcMethod(Help = "Return the settings as received, as a struct.")]
    public ProbeSettings Settings(ProbeSettings settings) => settings;

    [RpcMethod(Help = "Return arrays nested depth levels deep (clamped to 0..150; deeper than the encoder allows is a FAILED fault).")]
    public object? Depth(int depth)
    {
        object? value = "bottom";
        for (var i = 0; i < Math.Clamp(depth, 0, 150); i++)
        {
            value = new object?[] { value };
        }

        return value;
    }

    [RpcMethod(Help = "Say whether the token the host supplies is already cancelled (it never is here).")]
    public bool Cancellable(CancellationToken cancellationToken) => !cancellationToken.IsCancellationRequested;

    [RpcMethod(Help = "Throw InvalidOperationException.")]
    public bool Boom() => throw new InvalidOperationException("kaboom");

    [RpcMethod(Help = "Throw from an async continuation.")]
    public async Task<int> BoomLater()
    {
        await Task.Yield();
        throw new TimeoutException("too late");
    }

    [RpcMethod(Help = "Throw a fault with the given code and text, under a name of the plugin's own.")]
    public bool Fault(int code, string text) => throw new RpcFaultException(code, "PROBE_FAULT", text);

    [RpcMethod(Help = "Return a value XML-RPC cannot carry.")]
    public object Unencodable() => new Action(() => { });

    [RpcMethod(Help = "Return an unsigned number beyond <i8>.")]
    public ulong TooWide() => ulong.MaxValue;

    [RpcMethod(Help = "Return an array that contains itself.")]
    public object?[] Cycle()
    {
        var items = new object?[2];
        items[0] = "self";
        items[1] = items;
        return items;
    }

    [RpcMethod(Help = "Return a frozen result that contains itself.")]
    public FrozenResult<object?[]> FrozenCycle()
    {
        var items = new object?[1];
        var frozen = new FrozenResult<object?[]>(items);
        items[0] = frozen;
        return frozen;
    }

    [RpcMethod(Help = "Return the value as a frozen result (encoded once per instance).")]
    public FrozenResult<object?> Frozen(object? value) => new(value);

    [RpcMethod(Help = "Return a string with control characters, U+FFFE and lone surrogates.")]
    public string ControlCharacters() => "bell\u0007 escape\u001b[31m nul\u0000 \uFFFE lone\ud800 \udc00 ok";

    [RpcMethod(Help = "Return a lazy sequence that fails while it is being written (a lookup of a key that is not there).")]
    public IEnumerable<int> LazyFailure()
    {
        var known = new Dictionary<string, int> { ["one"] = 1 };
        return new[] { "one", "two" }.Select(key => known[key]);
    }

    [RpcMethod(Help = "Return an object whose property throws when it is written.")]
    public BrokenRecord BrokenGetter() => new();
}
