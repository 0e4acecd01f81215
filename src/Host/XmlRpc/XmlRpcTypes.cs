using System.Collections;
using System.Collections.Frozen;
using System.Reflection;
using Supervisor.Abstractions;

namespace Supervisor.Host.XmlRpc;

/// <summary>The XML-RPC types a value can travel as.</summary>
internal enum WireKind
{
    String,
    Int,
    Boolean,
    Double,
    DateTime,
    Base64,
    Array,
    Struct,

    /// <summary>Declared <c>object</c>: whatever the value turns out to be.</summary>
    Any,
}

/// <summary>
/// A CLR type XML-RPC carries as a scalar: the kind it travels as, how a value of it is written, and how
/// one is made back from the value its kind decodes to (<c>string</c>, <c>long</c>, <c>bool</c>,
/// <c>double</c>, <c>DateTime</c> or <c>byte[]</c>: see README.md).
/// </summary>
internal sealed class ScalarType
{
    private readonly Func<object, object> _fromWire;

    public ScalarType(Type type, WireKind kind, Action<XmlRpcValueWriter, object> write, Func<object, object> fromWire, (long Min, long Max)? range = null)
    {
        Type = type;
        Kind = kind;
        Write = write;
        _fromWire = fromWire;
        Range = range;
    }

    public Type Type { get; }

    public WireKind Kind { get; }

    /// <summary>Writes a (boxed) value of <see cref="Type"/>.</summary>
    public Action<XmlRpcValueWriter, object> Write { get; }

    /// <summary>For an integer type: the values it holds (that the wire's 64 bits can carry).</summary>
    public (long Min, long Max)? Range { get; }

    /// <summary>A value of <see cref="Type"/> from its kind's decoded value.</summary>
    /// <exception cref="FormatException">The text is not a value of the type; the message says what was expected.</exception>
    /// <exception cref="OverflowException">The number is beyond the type's range.</exception>
    public object FromWire(object wire) => _fromWire(wire);
}

/// <summary>
/// The one table of what XML-RPC carries: which CLR types travel as which XML-RPC type. The writer encodes
/// every value through it, <c>system.methodSignature</c> and <c>system.methodHelp</c> name types from it, and
/// a plugin method with a parameter or result it refuses (looking inside arrays, dictionaries and records)
/// is refused when the plugin loads, so nothing is advertised that would fail on every call.
/// </summary>
/// <remarks>
/// Strings: <c>string</c>; <c>char</c> (a one-character string), <c>Guid</c> (<c>"D"</c> form) and
/// <c>Uri</c> (as written). Integers of every width and enums are <c>int</c> (<c>i8</c> beyond 32 bits).
/// <c>float</c> and <c>decimal</c> are <c>double</c>; <c>DateTimeOffset</c> is a <c>dateTime.iso8601</c> in
/// UTC; byte memory is <c>base64</c>. Other framework types (<c>TimeSpan</c>, <c>DateOnly</c>, <c>Version</c>,
/// tuples...) have no XML-RPC form: a plugin converts them itself, so the client sees what it meant.
/// </remarks>
internal static class XmlRpcTypes
{
    private static readonly FrozenDictionary<Type, ScalarType> Scalars = new ScalarType[]
    {
        new(typeof(string), WireKind.String, static (w, v) => w.WriteString((string)v), static v => v),
        new(typeof(char), WireKind.String, static (w, v) => w.WriteChar((char)v), static v => (string)v is [var c]
            ? c : throw new FormatException($"expected a string of one character, got {((string)v).Length}")),
        new(typeof(Guid), WireKind.String, static (w, v) => w.WriteGuid((Guid)v), static v => Guid.TryParse((string)v, out var guid)
            ? guid : throw new FormatException($"expected a GUID, got '{v}'")),
        new(typeof(Uri), WireKind.String, static (w, v) => w.WriteString(((Uri)v).OriginalString), static v => Uri.TryCreate((string)v, UriKind.RelativeOrAbsolute, out var uri)
            ? uri : throw new FormatException($"expected a URI, got '{v}'")),
        new(typeof(bool), WireKind.Boolean, static (w, v) => w.WriteBoolean((bool)v), static v => v),
        new(typeof(int), WireKind.Int, static (w, v) => w.WriteInt((int)v), static v => checked((int)(long)v), (int.MinValue, int.MaxValue)),
        new(typeof(long), WireKind.Int, static (w, v) => w.WriteLong((long)v), static v => v, (long.MinValue, long.MaxValue)),
        new(typeof(short), WireKind.Int, static (w, v) => w.WriteInt((short)v), static v => checked((short)(long)v), (short.MinValue, short.MaxValue)),
        new(typeof(sbyte), WireKind.Int, static (w, v) => w.WriteInt((sbyte)v), static v => checked((sbyte)(long)v), (sbyte.MinValue, sbyte.MaxValue)),
        new(typeof(byte), WireKind.Int, static (w, v) => w.WriteInt((byte)v), static v => checked((byte)(long)v), (byte.MinValue, byte.MaxValue)),
        new(typeof(ushort), WireKind.Int, static (w, v) => w.WriteInt((ushort)v), static v => checked((ushort)(long)v), (ushort.MinValue, ushort.MaxValue)),
        new(typeof(uint), WireKind.Int, static (w, v) => w.WriteLong((uint)v), static v => checked((uint)(long)v), (uint.MinValue, uint.MaxValue)),
        new(typeof(ulong), WireKind.Int, static (w, v) => w.WriteUnsigned((ulong)v), static v => checked((ulong)(long)v), (0, long.MaxValue)),
        new(typeof(double), WireKind.Double, static (w, v) => w.WriteDouble((double)v), static v => v),
        new(typeof(float), WireKind.Double, static (w, v) => w.WriteDouble((float)v), static v => (float)(double)v),
        new(typeof(decimal), WireKind.Double, static (w, v) => w.WriteDouble((double)(decimal)v), static v => (decimal)(double)v),
        new(typeof(DateTime), WireKind.DateTime, static (w, v) => w.WriteDateTime((DateTime)v), static v => v),
        new(typeof(DateTimeOffset), WireKind.DateTime, static (w, v) => w.WriteDateTime(((DateTimeOffset)v).UtcDateTime),
            static v => new DateTimeOffset(DateTime.SpecifyKind((DateTime)v, DateTimeKind.Utc))),
        new(typeof(byte[]), WireKind.Base64, static (w, v) => w.WriteBase64((byte[])v), static v => v),
        new(typeof(ReadOnlyMemory<byte>), WireKind.Base64, static (w, v) => w.WriteBase64(((ReadOnlyMemory<byte>)v).Span), static v => new ReadOnlyMemory<byte>((byte[])v)),
        new(typeof(Memory<byte>), WireKind.Base64, static (w, v) => w.WriteBase64(((Memory<byte>)v).Span), static v => new Memory<byte>((byte[])v)),
        new(typeof(ArraySegment<byte>), WireKind.Base64, static (w, v) => w.WriteBase64((ArraySegment<byte>)v), static v => new ArraySegment<byte>((byte[])v)),
    }.ToFrozenDictionary(scalar => scalar.Type);

    /// <summary>Every scalar type of the table, for tests and documentation.</summary>
    public static IEnumerable<ScalarType> AllScalars => Scalars.Values;

    /// <summary>The name <c>system.methodSignature</c> gives a kind.</summary>
    public static string Name(WireKind kind) => kind switch
    {
        WireKind.String => "string",
        WireKind.Int => "int",
        WireKind.Boolean => "boolean",
        WireKind.Double => "double",
        WireKind.DateTime => "dateTime.iso8601",
        WireKind.Base64 => "base64",
        WireKind.Array => "array",
        WireKind.Struct => "struct",
        _ => "any",
    };

    /// <summary>The XML-RPC type name of values of <paramref name="type"/>, or null when XML-RPC cannot carry them (see <see cref="WhyNot(Type)"/>).</summary>
    public static string? NameOf(Type type) =>
        WhyNot(type) is null && KindOf(type, out _) is { } kind ? Name(kind) : null;

    /// <summary>The scalar entry for <paramref name="type"/> (a <c>Uri</c> subclass is a <c>Uri</c>), or null.</summary>
    public static ScalarType? Scalar(Type type) =>
        Scalars.TryGetValue(type, out var scalar) ? scalar
        : type.IsSubclassOf(typeof(Uri)) ? Scalars[typeof(Uri)]
        : null;

    /// <summary>
    /// The kind values of <paramref name="type"/> travel as, judged from the type alone (what is inside an
    /// array, a dictionary or a record is <see cref="WhyNot(Type)"/>'s business); null, with the reason, when none.
    /// </summary>
    public static WireKind? KindOf(Type type, out string? refusal)
    {
        refusal = null;
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (Scalar(type) is { } scalar)
        {
            return scalar.Kind;
        }

        if (type == typeof(object) || type == typeof(FrozenResult))
        {
            return WireKind.Any;
        }

        if (FrozenValueType(type) is { } frozen)
        {
            return KindOf(frozen, out refusal);
        }

        if (type.IsEnum)
        {
            return WireKind.Int;
        }

        if (type.IsPointer || type.IsByRef || type.IsByRefLike || type == typeof(void))
        {
            refusal = $"{Display(type)} is not a value";
            return null;
        }

        if (typeof(Delegate).IsAssignableFrom(type))
        {
            refusal = $"{Display(type)} is a delegate";
            return null;
        }

        if (DictionaryKeyType(type) is { } key && key != typeof(string))
        {
            refusal = $"{Display(type)} has {Display(key)} keys; struct keys are strings";
            return null;
        }

        if (typeof(IDictionary).IsAssignableFrom(type) || DictionaryValueType(type) is not null || PairValueType(type) is not null)
        {
            return WireKind.Struct;
        }

        if (typeof(IEnumerable).IsAssignableFrom(type))
        {
            return WireKind.Array;
        }

        if (type == typeof(TimeSpan))
        {
            refusal = "System.TimeSpan has no XML-RPC form: send a number (TotalSeconds as a double, or whole seconds as an int)";
            return null;
        }

        if (type.IsPrimitive || IsFrameworkType(type))
        {
            refusal = $"{Display(type)} has no XML-RPC form";
            return null;
        }

        if (type.IsInterface || type.IsGenericParameter)
        {
            refusal = $"{Display(type)} is an interface and no collection: a struct is written from a record or class";
            return null;
        }

        return WireKind.Struct;
    }

    /// <summary>
    /// Why values of <paramref name="type"/> cannot be carried, looking through array elements, dictionary
    /// values and record members (<c>member 'timeout' of Options: ...</c>); null when they can.
    /// </summary>
    /// <remarks>Asked when a plugin loads, and not cached: a cache would hold the plugin's types after it unloads.</remarks>
    public static string? WhyNot(Type type) => WhyNot(type, []);

    /// <summary>The <c>T</c> of a string-keyed generic dictionary type, or null.</summary>
    public static Type? DictionaryValueType(Type type) =>
        DictionaryInterface(type) is { } dictionary && dictionary.GetGenericArguments()[0] == typeof(string)
            ? dictionary.GetGenericArguments()[1]
            : null;

    /// <summary>The element type of an array or <c>IEnumerable&lt;T&gt;</c>, or null.</summary>
    public static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        return GenericInterface(type, typeof(IEnumerable<>))?.GetGenericArguments()[0];
    }

    /// <summary>For a type that enumerates <c>KeyValuePair&lt;string, T&gt;</c> without being a dictionary: <c>T</c>; else null.</summary>
    public static Type? PairValueType(Type type) =>
        ElementType(type) is { IsGenericType: true } element
        && element.GetGenericTypeDefinition() == typeof(KeyValuePair<,>)
        && element.GetGenericArguments()[0] == typeof(string)
            ? element.GetGenericArguments()[1]
            : null;

    /// <summary>A type's name as C# spells it, namespace included: <c>System.Collections.Generic.List&lt;System.TimeSpan&gt;</c>.</summary>
    public static string Display(Type type)
    {
        if (type.IsArray)
        {
            return Display(type.GetElementType()!) + "[]";
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Display(underlying) + "?";
        }

        if (!type.IsGenericType)
        {
            return type.FullName ?? type.Name;
        }

        var definition = type.GetGenericTypeDefinition();
        var name = definition.FullName ?? definition.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return (tick < 0 ? name : name[..tick]) + "<" + string.Join(", ", type.GetGenericArguments().Select(Display)) + ">";
    }

    private static string? WhyNot(Type type, HashSet<Type> visiting)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (FrozenValueType(type) is { } frozen)
        {
            type = frozen;
        }

        if (KindOf(type, out var refusal) is not { } kind)
        {
            return refusal;
        }

        // A record may hold itself (a tree): its type is being checked further up, and values that really
        // nest without end stop at the writer's depth limit.
        if (kind is not (WireKind.Array or WireKind.Struct) || !visiting.Add(type))
        {
            return null;
        }

        try
        {
            if (kind == WireKind.Array)
            {
                var element = ElementType(type) ?? typeof(object);
                return WhyNot(element, visiting) is { } inner ? $"element of {Display(type)}: {inner}" : null;
            }

            if ((DictionaryValueType(type) ?? PairValueType(type)) is { } value)
            {
                return WhyNot(value, visiting) is { } inner ? $"value of {Display(type)}: {inner}" : null;
            }

            if (typeof(IDictionary).IsAssignableFrom(type))
            {
                return null;
            }

            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in StructProperties(type))
            {
                var key = StructKeys.Of(property);
                if (!keys.Add(key))
                {
                    return $"{Display(type)} has two properties with the struct key '{key}'";
                }

                if (WhyNot(property.PropertyType, visiting) is { } inner)
                {
                    return $"member '{key}' of {Display(type)}: {inner}";
                }
            }

            return null;
        }
        finally
        {
            visiting.Remove(type);
        }
    }

    /// <summary>
    /// The properties a record or class is written from: public, readable, not indexers; base-class
    /// properties first, then in declaration order; a property hidden by a derived one (<c>new</c>,
    /// <c>override</c>) appears once.
    /// </summary>
    public static List<PropertyInfo> StructProperties(Type type)
    {
        // Most derived first, so an override or a `new` property hides the one it replaces.
        var chain = new List<Type>();
        for (var current = type; current is not null && current != typeof(object) && current != typeof(ValueType); current = current.BaseType)
        {
            chain.Add(current);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var ordered = new List<PropertyInfo>();
        foreach (var level in chain)
        {
            var declared = level
                .GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(p => p.GetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0)
                .OrderBy(p => p.MetadataToken)
                .Where(p => seen.Add(p.Name))
                .ToList();
            ordered.InsertRange(0, declared);
        }

        return ordered;
    }

    /// <summary>The <c>T</c> of <see cref="FrozenResult{T}"/>, which is written as the value it holds; else null.</summary>
    private static Type? FrozenValueType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(FrozenResult<>) ? type.GetGenericArguments()[0] : null;

    /// <summary>Types of the framework (namespace <c>System</c> or below): none has a struct form of its own.</summary>
    private static bool IsFrameworkType(Type type) =>
        type.Namespace is "System" || (type.Namespace?.StartsWith("System.", StringComparison.Ordinal) ?? false);

    private static Type? DictionaryKeyType(Type type) => DictionaryInterface(type)?.GetGenericArguments()[0];

    private static Type? DictionaryInterface(Type type) =>
        GenericInterface(type, typeof(IDictionary<,>)) ?? GenericInterface(type, typeof(IReadOnlyDictionary<,>));

    private static Type? GenericInterface(Type type, Type definition)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == definition)
        {
            return type;
        }

        foreach (var candidate in type.GetInterfaces())
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() == definition)
            {
                return candidate;
            }
        }

        return null;
    }
}
