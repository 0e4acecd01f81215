using System.Buffers;
using System.Text;
using Supervisor.Abstractions;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Host.Tests.XmlRpc;

/// <summary>
/// One table says what XML-RPC carries (<see cref="XmlRpcTypes"/>); the writer encodes by it. Before, the
/// signatures' table and the writer disagreed: <c>char</c>, <c>Guid</c> and <c>Uri</c> were described as
/// strings or structs and could not be written, <c>ArraySegment&lt;byte&gt;</c> was described as an array
/// and written as base64.
/// </summary>
public sealed class XmlRpcTypesTests
{
    /// <summary>A value of every scalar type of the table; a type added to the table without one fails the tests below.</summary>
    internal static readonly Dictionary<Type, object> Samples = new()
    {
        [typeof(string)] = "text & <more>",
        [typeof(char)] = 'é',
        [typeof(Guid)] = new Guid("6f9619ff-8b86-d011-b42d-00c04fc964ff"),
        [typeof(Uri)] = new Uri("http://example.com/a%20b?q=1", UriKind.Absolute),
        [typeof(bool)] = true,
        [typeof(int)] = -7,
        [typeof(long)] = 5_000_000_000L,
        [typeof(short)] = (short)-300,
        [typeof(sbyte)] = (sbyte)-8,
        [typeof(byte)] = (byte)255,
        [typeof(ushort)] = (ushort)65535,
        [typeof(uint)] = uint.MaxValue,
        [typeof(ulong)] = 9UL,
        [typeof(double)] = 1.5,
        [typeof(float)] = 0.5f,
        [typeof(decimal)] = 2.25m,
        [typeof(DateTime)] = new DateTime(2024, 1, 31, 23, 59, 58),
        [typeof(DateTimeOffset)] = new DateTimeOffset(2024, 1, 31, 23, 0, 0, TimeSpan.Zero),
        [typeof(byte[])] = "ABC"u8.ToArray(),
        [typeof(ReadOnlyMemory<byte>)] = new ReadOnlyMemory<byte>("ABC"u8.ToArray()),
        [typeof(Memory<byte>)] = new Memory<byte>("ABC"u8.ToArray()),
        [typeof(ArraySegment<byte>)] = new ArraySegment<byte>("ABC"u8.ToArray()),
    };

    public static TheoryData<Type> ScalarTypes() => [.. XmlRpcTypes.AllScalars.Select(s => s.Type)];

    [Theory]
    [MemberData(nameof(ScalarTypes))]
    public void EveryScalarIsWrittenAsTheKindItIsDescribedAs(Type type)
    {
        Assert.True(Samples.TryGetValue(type, out var sample), $"no sample value for {type}");
        var scalar = XmlRpcTypes.Scalar(type)!;
        var name = XmlRpcTypes.NameOf(type);

        // WriteValue answers the commonest types itself: it must write what the table's own entry writes.
        var byWriteValue = Write(writer => writer.WriteValue(sample));
        Assert.Equal(Write(writer => scalar.Write(writer, sample)), byWriteValue);
        var element = name == "int" && byWriteValue.StartsWith("<value><i8>", StringComparison.Ordinal) ? "i8" : name;
        Assert.StartsWith($"<value><{element}>", byWriteValue);
    }

    [Theory]
    [MemberData(nameof(ScalarTypes))]
    public void EveryScalarReadsBackIntoItsTypeFromWhatItsKindDecodesTo(Type type)
    {
        var sample = Samples[type];
        var decoded = XmlRpcResponseReader.Read(Encoding.UTF8.GetBytes(Wire.Response(sample))).Value!;

        var back = XmlRpcTypes.Scalar(type)!.FromWire(decoded is int number ? (long)number : decoded);

        Assert.Equal(Comparable(sample), Comparable(back));
    }

    [Fact]
    public void CharGuidAndUriAreStrings()
    {
        Assert.Contains("<value><string>é</string></value>", Wire.Response('é'));
        Assert.Contains("<value><string>\uFFFD</string></value>", Wire.Response('\uD800'));
        Assert.Contains("<value><string>6f9619ff-8b86-d011-b42d-00c04fc964ff</string></value>", Wire.Response(Samples[typeof(Guid)]));
        Assert.Contains("<value><string>../a?b=1&amp;c=2</string></value>", Wire.Response(new Uri("../a?b=1&c=2", UriKind.Relative)));
        Assert.Contains("<value><string>http://example.com/a%20b?q=1</string></value>", Wire.Response(Samples[typeof(Uri)]));
    }

    [Theory]
    [InlineData(typeof(int?), "int")]
    [InlineData(typeof(Colour), "int")]
    [InlineData(typeof(object), "any")]
    [InlineData(typeof(FrozenResult), "any")]
    [InlineData(typeof(FrozenResult<List<int>>), "array")]
    [InlineData(typeof(int[]), "array")]
    [InlineData(typeof(IReadOnlyList<Guid>), "array")]
    [InlineData(typeof(IReadOnlyDictionary<string, int>), "struct")]
    [InlineData(typeof(System.Collections.Hashtable), "struct")]
    [InlineData(typeof(IEnumerable<KeyValuePair<string, Uri>>), "struct")]
    [InlineData(typeof(Holder), "struct")]
    [InlineData(typeof(Node), "struct")]
    public void NamesComposedTypes(Type type, string expected) =>
        Assert.Equal(expected, XmlRpcTypes.NameOf(type));

    [Theory]
    [InlineData(typeof(TimeSpan), "System.TimeSpan has no XML-RPC form: send a number (TotalSeconds as a double, or whole seconds as an int)")]
    [InlineData(typeof(TimeSpan?), "System.TimeSpan has no XML-RPC form")]
    [InlineData(typeof(DateOnly), "System.DateOnly has no XML-RPC form")]
    [InlineData(typeof(Version), "System.Version has no XML-RPC form")]
    [InlineData(typeof(nint), "System.IntPtr has no XML-RPC form")]
    [InlineData(typeof(ValueTuple<int, string>), "System.ValueTuple<System.Int32, System.String> has no XML-RPC form")]
    [InlineData(typeof(Action), "System.Action is a delegate")]
    [InlineData(typeof(IShape), "XmlRpcTypesTests+IShape is an interface and no collection")]
    [InlineData(typeof(Dictionary<int, string>), "System.Collections.Generic.Dictionary<System.Int32, System.String> has System.Int32 keys; struct keys are strings")]
    [InlineData(typeof(List<TimeSpan>), "element of System.Collections.Generic.List<System.TimeSpan>: System.TimeSpan has no XML-RPC form")]
    [InlineData(typeof(Dictionary<string, TimeSpan>), "value of System.Collections.Generic.Dictionary<System.String, System.TimeSpan>: System.TimeSpan has no XML-RPC form")]
    [InlineData(typeof(FrozenResult<TimeSpan>), "System.TimeSpan has no XML-RPC form")]
    [InlineData(typeof(Timed), "member 'limit' of Supervisor.Host.Tests.XmlRpc.XmlRpcTypesTests+Timed: System.TimeSpan has no XML-RPC form")]
    [InlineData(typeof(Timed[]), "element of Supervisor.Host.Tests.XmlRpc.XmlRpcTypesTests+Timed[]: member 'limit' of")]
    [InlineData(typeof(Clash), "has two properties with the struct key 'a'")]
    public void RefusesWhatItCannotCarryAndSaysWhereAndWhy(Type type, string reason)
    {
        Assert.Null(XmlRpcTypes.NameOf(type));
        Assert.Contains(reason, XmlRpcTypes.WhyNot(type));
    }

    [Fact]
    public void TheWriterRefusesWhatTheTableRefuses()
    {
        object[] values = [TimeSpan.FromSeconds(1), DateOnly.MinValue, new Version(1, 0), (nint)1, (1, "a"), new Action(() => { }),
            new Dictionary<int, string> { [1] = "a" }, new List<TimeSpan> { TimeSpan.Zero }, new Timed(TimeSpan.Zero), new object()];
        foreach (var value in values)
        {
            Assert.NotNull(XmlRpcTypes.WhyNot(value.GetType()) ?? (value.GetType() == typeof(object) ? "a bare object" : null));
            var error = Assert.Throws<NotSupportedException>(() => Wire.Response(value));
            Assert.Contains("cannot encode", error.Message);
        }
    }

    private static string Write(Action<XmlRpcValueWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new XmlRpcValueWriter(buffer);
        write(writer);
        writer.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Byte memory compares by its bytes; everything else by equality.</summary>
    private static object Comparable(object value) => value switch
    {
        byte[] bytes => Convert.ToHexString(bytes),
        ReadOnlyMemory<byte> bytes => Convert.ToHexString(bytes.Span),
        Memory<byte> bytes => Convert.ToHexString(bytes.Span),
        ArraySegment<byte> bytes => Convert.ToHexString(bytes),
        _ => value,
    };

    public interface IShape
    {
        int Sides { get; }
    }

    public enum Colour
    {
        Red = 1,
    }

    public sealed record Holder(char Grade, Guid Id, Uri Home, IReadOnlyList<DateTimeOffset> Times);

    public sealed record Node(string Name, Node[] Children);

    public sealed record Timed(TimeSpan Limit);

    public sealed record Clash([property: RpcMember("a")] int First, [property: RpcMember("a")] int Second);
}
