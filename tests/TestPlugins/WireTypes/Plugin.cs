using Supervisor.Abstractions;

namespace TestPlugins.WireTypes;

public static class Factory
{
    /// <summary>A namespace that echoes a value of each type the host carries.</summary>
    public static Echo Make(ISupervisord supervisord) => new();

    /// <summary>A namespace with one method the host must refuse when it loads, chosen by the section's <c>shape</c> key.</summary>
    public static object MakeRefused(ISupervisord supervisord, string shape) => shape switch
    {
        "timespan_result" => new TimeSpanResult(),
        "timespan_parameter" => new TimeSpanParameter(),
        "timespan_member" => new TimeSpanMember(),
        "timespan_element" => new TimeSpanElement(),
        "renamed_timespan_result" => new RenamedTimeSpanResult(),
        "int_keys_result" => new IntKeysResult(),
        "hashset_parameter" => new HashSetParameter(),
        _ => throw new ArgumentException($"no shape '{shape}'", nameof(shape)),
    };
}

/// <summary>A record with members of the types carried as strings.</summary>
public sealed record Tagged(char Grade, Guid Id, Uri Home);

public sealed class Echo
{
    [RpcMethod(Help = "Returns the character it was given.")]
    public char EchoChar(char value) => value;

    [RpcMethod(Help = "Returns the GUID it was given.")]
    public Guid EchoGuid(Guid value) => value;

    [RpcMethod(Help = "Returns the URI it was given.")]
    public Uri EchoUri(Uri value) => value;

    [RpcMethod]
    public Tagged EchoTagged(Tagged value) => value;

    [RpcMethod]
    public Guid[] EchoGuids(Guid[] values) => values;

    [RpcMethod]
    public short EchoShort(short value) => value;

    [RpcMethod]
    public sbyte EchoSbyte(sbyte value) => value;

    [RpcMethod]
    public byte EchoByte(byte value) => value;

    [RpcMethod]
    public ushort EchoUshort(ushort value) => value;

    [RpcMethod]
    public uint EchoUint(uint value) => value;

    [RpcMethod]
    public ulong EchoUlong(ulong value) => value;

    [RpcMethod]
    public float EchoFloat(float value) => value;

    [RpcMethod]
    public decimal EchoDecimal(decimal value) => value;

    [RpcMethod]
    public DateTimeOffset EchoDateTimeOffset(DateTimeOffset value) => value;

    [RpcMethod]
    public ReadOnlyMemory<byte> EchoMemory(ReadOnlyMemory<byte> value) => value;

    [RpcMethod]
    public ArraySegment<byte> EchoSegment(ArraySegment<byte> value) => value;
}

public sealed class TimeSpanResult
{
    [RpcMethod]
    public TimeSpan Elapsed() => TimeSpan.FromSeconds(1);
}

public sealed class TimeSpanParameter
{
    [RpcMethod]
    public bool Wait(TimeSpan timeout) => timeout > TimeSpan.Zero;
}

public sealed record Options(string Name, TimeSpan Timeout);

public sealed class TimeSpanMember
{
    [RpcMethod]
    public Options Current() => new("x", TimeSpan.FromSeconds(1));
}

public sealed class TimeSpanElement
{
    [RpcMethod]
    public int Count(List<TimeSpan> spans) => spans.Count;
}

public sealed class RenamedTimeSpanResult
{
    [RpcMethod]
    [return: RpcReturn("elapsed", "seconds", Type = "double")]
    public TimeSpan Elapsed() => TimeSpan.FromSeconds(1);
}

public sealed class IntKeysResult
{
    [RpcMethod]
    public Dictionary<int, string> Names() => new() { [1] = "one" };
}

public sealed class HashSetParameter
{
    [RpcMethod]
    public int Count(HashSet<int> values) => values.Count;
}
