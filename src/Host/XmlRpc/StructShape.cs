using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using Supervisor.Abstractions;

namespace Supervisor.Host.XmlRpc;

/// <summary>
/// How a record or class is written as an XML-RPC struct: its public readable instance
/// properties, each under its <see cref="RpcMemberAttribute"/> name or else its name in camelCase,
/// base-class properties first, then in declaration order. Built once per type with compiled
/// accessors and the members' markup pre-encoded, so writing a value does no reflection.
/// </summary>
internal sealed class StructShape
{
    private static readonly ConcurrentDictionary<Type, StructShape> Shapes = new();

    private readonly StructMember[] _members;

    private StructShape(Type type, StructMember[] members)
    {
        Type = type;
        _members = members;
    }

    public Type Type { get; }

    /// <summary>The members in the order they are written.</summary>
    public IReadOnlyList<StructMember> Members => _members;

    /// <summary>The shape of <paramref name="type"/>, built on first use and cached.</summary>
    /// <exception cref="NotSupportedException">The type is a framework type with no struct form (e.g. <see cref="TimeSpan"/>).</exception>
    public static StructShape For(Type type) => Shapes.GetOrAdd(type, Build);

    /// <summary>Writes <paramref name="value"/> (an instance of <see cref="Type"/>) as <c>&lt;value&gt;&lt;struct&gt;…</c>.</summary>
    public void Write(object value, XmlRpcValueWriter writer)
    {
        writer.WriteRaw("<value><struct>\n"u8);
        foreach (var member in _members)
        {
            writer.WriteRaw(member.Start);
            member.WriteValue(value, writer);
            writer.WriteMemberEnd();
        }

        writer.WriteRaw("</struct></value>\n"u8);
    }

    private static StructShape Build(Type type)
    {
        if (type.IsPrimitive || type.IsPointer || type.Namespace is "System" || (type.Namespace?.StartsWith("System.", StringComparison.Ordinal) ?? false))
        {
            throw new NotSupportedException($"cannot encode a value of type {type}: it has no XML-RPC form");
        }

        var members = new List<StructMember>();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        // Most derived first, so an override or a `new` property hides the one it replaces.
        var chain = new List<Type>();
        for (var current = type; current is not null && current != typeof(object); current = current.BaseType)
        {
            chain.Add(current);
        }

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

        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in ordered)
        {
            var key = property.GetCustomAttribute<RpcMemberAttribute>(inherit: true)?.Name
                ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            if (!keys.Add(key))
            {
                throw new NotSupportedException($"cannot encode {type}: two properties have the struct key '{key}'");
            }

            members.Add(StructMember.Create(type, property, key));
        }

        return new StructShape(type, members.ToArray());
    }
}

/// <summary>One struct member of a <see cref="StructShape"/>.</summary>
internal sealed class StructMember
{
    private readonly Action<object, XmlRpcValueWriter> _write;

    private readonly Lazy<Func<object, object?>> _getValue;

    private StructMember(string key, PropertyInfo property, byte[] start, Lazy<Func<object, object?>> getValue, Action<object, XmlRpcValueWriter> write)
    {
        Key = key;
        Property = property;
        Start = start;
        _getValue = getValue;
        _write = write;
    }

    /// <summary>The struct key on the wire.</summary>
    public string Key { get; }

    public PropertyInfo Property { get; }

    /// <summary>The member's opening markup, <c>&lt;member&gt;\n&lt;name&gt;key&lt;/name&gt;\n</c>, as UTF-8.</summary>
    public byte[] Start { get; }

    /// <summary>Reads the property, boxed (for callers other than the writer: compiled on first use, as the writer never needs it).</summary>
    public Func<object, object?> GetValue => _getValue.Value;

    /// <summary>Writes the property's <c>&lt;value&gt;</c> without boxing the common scalar types.</summary>
    public void WriteValue(object instance, XmlRpcValueWriter writer) => _write(instance, writer);

    internal static StructMember Create(Type owner, PropertyInfo property, string key)
    {
        var instance = Expression.Parameter(typeof(object), "instance");
        var writer = Expression.Parameter(typeof(XmlRpcValueWriter), "writer");
        var read = Expression.Property(Expression.Convert(instance, owner), property);

        var getValueExpression = Expression.Lambda<Func<object, object?>>(Expression.Convert(read, typeof(object)), instance);
        var getValue = new Lazy<Func<object, object?>>(getValueExpression.Compile, LazyThreadSafetyMode.ExecutionAndPublication);

        var type = property.PropertyType;
        Expression call = type switch
        {
            _ when type == typeof(string) => Call(writer, nameof(XmlRpcValueWriter.WriteString), read),
            _ when type == typeof(int) => Call(writer, nameof(XmlRpcValueWriter.WriteInt), read),
            _ when type == typeof(long) => Call(writer, nameof(XmlRpcValueWriter.WriteLong), read),
            _ when type == typeof(bool) => Call(writer, nameof(XmlRpcValueWriter.WriteBoolean), read),
            _ when type == typeof(double) => Call(writer, nameof(XmlRpcValueWriter.WriteDouble), read),
            _ when type.IsEnum && Enum.GetUnderlyingType(type) != typeof(ulong) =>
                Call(writer, nameof(XmlRpcValueWriter.WriteLong), Expression.Convert(Expression.Convert(read, Enum.GetUnderlyingType(type)), typeof(long))),
            _ => Call(writer, nameof(XmlRpcValueWriter.WriteValue), Expression.Convert(read, typeof(object))),
        };
        var write = Expression.Lambda<Action<object, XmlRpcValueWriter>>(call, instance, writer).Compile();

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var markup = new XmlRpcValueWriter(buffer);
        markup.WriteMemberStart(key);
        markup.Flush();

        return new StructMember(key, property, buffer.WrittenSpan.ToArray(), getValue, write);
    }

    private static MethodCallExpression Call(ParameterExpression writer, string method, Expression argument) =>
        Expression.Call(writer, typeof(XmlRpcValueWriter).GetMethod(method, [argument.Type])!, argument);
}
