using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Supervisor.Host.XmlRpc;

/// <summary>
/// How a record or class is written as an XML-RPC struct: its public readable instance properties
/// (<see cref="XmlRpcTypes.StructProperties"/>: base-class properties first, then in declaration order),
/// each under its key (<see cref="StructKeys"/>). Built once per type with typed getter delegates and the
/// members' markup pre-encoded, so writing a value does no reflection.
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
        if (XmlRpcTypes.KindOf(type, out var refusal) != WireKind.Struct)
        {
            throw new NotSupportedException($"cannot encode a value of type {XmlRpcTypes.Display(type)} as a struct: {refusal ?? "it is no record or class"}");
        }

        var members = new List<StructMember>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in XmlRpcTypes.StructProperties(type))
        {
            var key = StructKeys.Of(property);
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
    private readonly MemberAccessor _accessor;

    private StructMember(string key, PropertyInfo property, byte[] start, MemberAccessor accessor)
    {
        Key = key;
        Property = property;
        Start = start;
        _accessor = accessor;
    }

    /// <summary>The struct key on the wire.</summary>
    public string Key { get; }

    public PropertyInfo Property { get; }

    /// <summary>The member's opening markup, <c>&lt;member&gt;\n&lt;name&gt;key&lt;/name&gt;\n</c>, as UTF-8.</summary>
    public byte[] Start { get; }

    /// <summary>Reads the property, boxed (for callers other than the writer).</summary>
    public Func<object, object?> GetValue => _accessor.Get;

    /// <summary>Writes the property's <c>&lt;value&gt;</c> without boxing the common scalar types.</summary>
    public void WriteValue(object instance, XmlRpcValueWriter writer) => _accessor.Write(instance, writer);

    internal static StructMember Create(Type owner, PropertyInfo property, string key)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var markup = new XmlRpcValueWriter(buffer);
        markup.WriteMemberStart(key);
        markup.Flush();

        return new StructMember(key, property, buffer.WrittenSpan.ToArray(), MemberAccessor.For(owner, property));
    }
}

/// <summary>
/// Reads one property and writes it. For a class (records included), a typed delegate bound to the
/// getter (<see cref="MemberAccessor{TOwner, TValue}"/>): made with one reflection call per member
/// when the shape is built, nothing to compile, so the first response that carries a struct does not
/// pay one expression compilation (a few milliseconds each) per member. A value-type owner (a record
/// struct), whose getter cannot be bound to an object, gets a compiled expression.
/// </summary>
internal abstract class MemberAccessor
{
    public abstract object? Get(object instance);

    public abstract void Write(object instance, XmlRpcValueWriter writer);

    public static MemberAccessor For(Type owner, PropertyInfo property)
    {
        var type = property.PropertyType;
        if (!owner.IsValueType && property.GetMethod is { } getter && !type.IsByRefLike && !type.IsPointer && !type.IsByRef)
        {
            // Strings get their own class: with two reference-type arguments MemberAccessor<,> runs as shared
            // generic code, where its typeof(TValue) tests are run-time lookups, not constants.
            var accessorType = type == typeof(string)
                ? typeof(StringMemberAccessor<>).MakeGenericType(owner)
                : typeof(MemberAccessor<,>).MakeGenericType(owner, type);
            return (MemberAccessor)Activator.CreateInstance(accessorType, getter)!;
        }

        return new CompiledMemberAccessor(owner, property);
    }
}

/// <summary>A property of a class read through a delegate bound to its getter; scalars written unboxed.</summary>
internal sealed class MemberAccessor<TOwner, TValue> : MemberAccessor
    where TOwner : class
{
    // Enums are written as their number (as the compiled form did): which integer width, decided once.
    private static readonly TypeCode EnumCode = typeof(TValue).IsEnum ? Type.GetTypeCode(typeof(TValue)) : TypeCode.Empty;

    private readonly Func<TOwner, TValue> _get;

    public MemberAccessor(MethodInfo getter)
    {
        _get = getter.CreateDelegate<Func<TOwner, TValue>>();
    }

    public override object? Get(object instance) => _get((TOwner)instance);

    public override void Write(object instance, XmlRpcValueWriter writer)
    {
        var value = _get((TOwner)instance);

        // typeof(TValue) tests are constants in each value-type instantiation, so only one branch remains.
        if (typeof(TValue) == typeof(int))
        {
            writer.WriteInt(Unsafe.As<TValue, int>(ref value));
        }
        else if (typeof(TValue) == typeof(long))
        {
            writer.WriteLong(Unsafe.As<TValue, long>(ref value));
        }
        else if (typeof(TValue) == typeof(bool))
        {
            writer.WriteBoolean(Unsafe.As<TValue, bool>(ref value));
        }
        else if (typeof(TValue) == typeof(double))
        {
            writer.WriteDouble(Unsafe.As<TValue, double>(ref value));
        }
        else if (EnumCode != TypeCode.Empty && EnumCode != TypeCode.UInt64)
        {
            writer.WriteLong(EnumCode switch
            {
                TypeCode.SByte => Unsafe.As<TValue, sbyte>(ref value),
                TypeCode.Byte => Unsafe.As<TValue, byte>(ref value),
                TypeCode.Int16 => Unsafe.As<TValue, short>(ref value),
                TypeCode.UInt16 => Unsafe.As<TValue, ushort>(ref value),
                TypeCode.Int32 => Unsafe.As<TValue, int>(ref value),
                TypeCode.UInt32 => Unsafe.As<TValue, uint>(ref value),
                _ => Unsafe.As<TValue, long>(ref value),
            });
        }
        else
        {
            writer.WriteValue(value);
        }
    }
}

/// <summary>A string property of a class read through a delegate bound to its getter.</summary>
internal sealed class StringMemberAccessor<TOwner>(MethodInfo getter) : MemberAccessor
    where TOwner : class
{
    private readonly Func<TOwner, string?> _get = getter.CreateDelegate<Func<TOwner, string?>>();

    public override object? Get(object instance) => _get((TOwner)instance);

    public override void Write(object instance, XmlRpcValueWriter writer) => writer.WriteString(_get((TOwner)instance));
}

/// <summary>The fallback for value-type owners: an expression compiled per member.</summary>
internal sealed class CompiledMemberAccessor : MemberAccessor
{
    private readonly Lazy<Func<object, object?>> _get;
    private readonly Action<object, XmlRpcValueWriter> _write;

    public CompiledMemberAccessor(Type owner, PropertyInfo property)
    {
        var instance = Expression.Parameter(typeof(object), "instance");
        var writer = Expression.Parameter(typeof(XmlRpcValueWriter), "writer");
        var read = Expression.Property(Expression.Convert(instance, owner), property);
        var get = Expression.Lambda<Func<object, object?>>(Expression.Convert(read, typeof(object)), instance);

        // The writer never reads boxed values: compile that only if someone asks.
        _get = new Lazy<Func<object, object?>>(get.Compile, LazyThreadSafetyMode.ExecutionAndPublication);

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
        _write = Expression.Lambda<Action<object, XmlRpcValueWriter>>(call, instance, writer).Compile();
    }

    public override object? Get(object instance) => _get.Value(instance);

    public override void Write(object instance, XmlRpcValueWriter writer) => _write(instance, writer);

    private static MethodCallExpression Call(ParameterExpression writer, string method, Expression argument) =>
        Expression.Call(writer, typeof(XmlRpcValueWriter).GetMethod(method, [argument.Type])!, argument);
}
