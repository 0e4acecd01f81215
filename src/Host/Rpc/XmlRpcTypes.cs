using System.Collections;

namespace Supervisor.Host.Rpc;

/// <summary>Names the XML-RPC type that carries a CLR type, for <c>system.methodSignature</c> and help text.</summary>
internal static class XmlRpcTypes
{
    /// <summary>The XML-RPC type name, or null when the type cannot be carried at all.</summary>
    public static string? NameOf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string) || type == typeof(char))
        {
            return "string";
        }

        if (type == typeof(bool))
        {
            return "boolean";
        }

        if (type.IsEnum || type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte)
            || type == typeof(uint) || type == typeof(ushort) || type == typeof(sbyte))
        {
            return "int";
        }

        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            return "double";
        }

        if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            return "dateTime.iso8601";
        }

        if (type == typeof(byte[]) || type == typeof(ReadOnlyMemory<byte>) || type == typeof(Memory<byte>))
        {
            return "base64";
        }

        if (type == typeof(object))
        {
            return "any";
        }

        if (IsDictionary(type))
        {
            return "struct";
        }

        if (type.IsArray || typeof(IEnumerable).IsAssignableFrom(type))
        {
            return "array";
        }

        if (type.IsPointer || type.IsByRef || typeof(Delegate).IsAssignableFrom(type) || type == typeof(void)
            || type == typeof(Task) || type == typeof(ValueTask))
        {
            return null;
        }

        return type.IsClass || type.IsValueType ? "struct" : null;
    }

    /// <summary>True for <c>IDictionary</c>, <c>IDictionary&lt;string,T&gt;</c> and <c>IReadOnlyDictionary&lt;string,T&gt;</c> shapes.</summary>
    public static bool IsDictionary(Type type)
    {
        if (typeof(IDictionary).IsAssignableFrom(type))
        {
            return true;
        }

        return DictionaryValueType(type) is not null;
    }

    /// <summary>The <c>T</c> of a string-keyed generic dictionary type, or null.</summary>
    public static Type? DictionaryValueType(Type type)
    {
        foreach (var candidate in type.IsInterface ? [type, .. type.GetInterfaces()] : type.GetInterfaces())
        {
            if (!candidate.IsGenericType)
            {
                continue;
            }

            var definition = candidate.GetGenericTypeDefinition();
            if ((definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>))
                && candidate.GetGenericArguments()[0] == typeof(string))
            {
                return candidate.GetGenericArguments()[1];
            }
        }

        return null;
    }

    /// <summary>The element type of an array or <c>IEnumerable&lt;T&gt;</c>, or null.</summary>
    public static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        foreach (var candidate in type.IsInterface ? [type, .. type.GetInterfaces()] : type.GetInterfaces())
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            {
                return candidate.GetGenericArguments()[0];
            }
        }

        return null;
    }
}
