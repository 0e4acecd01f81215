using System.Collections;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Host.Rpc;

/// <summary>
/// Builds, once per CLR type, the delegate that turns a decoded XML-RPC value (see XmlRpc/README.md)
/// into that type. A value that does not fit throws <see cref="ParameterMismatchException"/>,
/// which the dispatcher answers with INCORRECT_PARAMETERS.
/// </summary>
internal static class ValueConverters
{
    private static readonly Dictionary<Type, Func<object?, object?>> Cache = [];
    private static readonly Lock CacheLock = new();

    public static Func<object?, object?> For(Type type)
    {
        lock (CacheLock)
        {
            if (Cache.TryGetValue(type, out var cached))
            {
                return cached;
            }
        }

        var converter = Build(type);
        lock (CacheLock)
        {
            Cache[type] = converter;
        }

        return converter;
    }

    private static Func<object?, object?> Build(Type type)
    {
        if (type == typeof(object))
        {
            return static value => value;
        }

        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            var inner = For(underlying);
            return value => value is null ? null : inner(value);
        }

        if (XmlRpcTypes.Scalar(type) is { } scalar)
        {
            return FromScalar(scalar);
        }

        if (type.IsEnum)
        {
            return value =>
            {
                var number = ToInt64(value, long.MinValue, long.MaxValue);
                return Enum.ToObject(type, number);
            };
        }

        if (type.IsArray && type.GetArrayRank() == 1)
        {
            return BuildArray(type.GetElementType()!);
        }

        var dictionaryValue = XmlRpcTypes.DictionaryValueType(type);
        if (dictionaryValue is not null && type.IsAssignableFrom(typeof(Dictionary<,>).MakeGenericType(typeof(string), dictionaryValue)))
        {
            return BuildDictionary(dictionaryValue);
        }

        var kind = XmlRpcTypes.KindOf(type, out var refusal);
        var element = XmlRpcTypes.ElementType(type) ?? (kind == WireKind.Array ? typeof(object) : null);
        if (element is not null && kind == WireKind.Array && type.IsAssignableFrom(typeof(List<>).MakeGenericType(element)))
        {
            return BuildList(element);
        }

        if (type.IsAssignableFrom(typeof(Dictionary<string, object?>)))
        {
            return static value => value as Dictionary<string, object?> ?? throw Mismatch("struct", value);
        }

        // What is left of the table's types must be made from what the reader decodes: an array into an
        // array or a List<T> (above), a struct into a Dictionary<string, T> (above) or a record.
        if (kind == WireKind.Array)
        {
            throw new RpcDeclarationException($"{XmlRpcTypes.Display(type)} cannot be received: an XML-RPC array is received as an array, a List<T> or an interface List<T> implements");
        }

        if (kind == WireKind.Struct && (XmlRpcTypes.DictionaryValueType(type) is not null || typeof(IDictionary).IsAssignableFrom(type) || XmlRpcTypes.PairValueType(type) is not null))
        {
            throw new RpcDeclarationException($"{XmlRpcTypes.Display(type)} cannot be received: an XML-RPC struct is received as a Dictionary<string, T>, an interface it implements, or a record");
        }

        if (kind == WireKind.Struct && !type.IsAbstract)
        {
            return StructConverter.Build(type);
        }

        throw new RpcDeclarationException($"{XmlRpcTypes.Display(type)} cannot be received over XML-RPC{(refusal is null ? "" : ": " + refusal)}");
    }

    /// <summary>
    /// A scalar type's converter: the decoded value is first read as its kind (leniently, as below: numbers
    /// from numeric strings, booleans by their truth), then made a value of the type by the table.
    /// </summary>
    private static Func<object?, object?> FromScalar(ScalarType scalar)
    {
        switch (scalar.Kind)
        {
            case WireKind.String when scalar.Type == typeof(string):
                return ToStringValue;
            case WireKind.String:
                return value => Make(scalar, ToStringValue(value));
            case WireKind.Int:
                var (min, max) = scalar.Range!.Value;
                return value => Make(scalar, ToInt64(value, min, max));
            case WireKind.Boolean:
                return static value => ToBoolean(value);
            case WireKind.Double:
                return value => Make(scalar, ToDouble(value));
            case WireKind.DateTime:
                return value => value is DateTime dateTime ? Make(scalar, dateTime) : throw Mismatch("dateTime.iso8601", value);
            default:
                return value => Make(scalar, value switch
                {
                    byte[] bytes => bytes,

                    // The reference turns a <string> into bytes where a method wants them.
                    string text => Encoding.UTF8.GetBytes(text),
                    _ => throw Mismatch("base64", value),
                });
        }
    }

    private static object Make(ScalarType scalar, object wire)
    {
        try
        {
            return scalar.FromWire(wire);
        }
        catch (FormatException e)
        {
            throw new ParameterMismatchException(e.Message);
        }
        catch (OverflowException)
        {
            throw new ParameterMismatchException($"{wire} is out of range");
        }
    }

    private static object ToStringValue(object? value) => value switch
    {
        string text => text,

        // The reference turns <base64> into a UTF-8 string before any method sees it.
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        _ => throw Mismatch("string", value),
    };

    /// <summary>
    /// Integers arrive as int or i8; like the reference's log methods, numeric strings and doubles
    /// (truncated) are accepted too.
    /// </summary>
    private static long ToInt64(object? value, long min, long max)
    {
        long number = value switch
        {
            int i => i,
            long l => l,
            double d when !double.IsNaN(d) && d >= min && d <= max => (long)d,
            string s when long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => throw Mismatch("int", value),
        };
        if (number < min || number > max)
        {
            throw new ParameterMismatchException($"{number} is out of range");
        }

        return number;
    }

    /// <summary>
    /// Python truthiness, as the reference evaluates flags such as <c>wait</c> (its dispatcher checks no types):
    /// any value is accepted; zero, nil and empty strings, arrays and structs are false, everything else true
    /// ("false" and "0" as strings included).
    /// </summary>
    private static bool ToBoolean(object? value) => value switch
    {
        null => false,
        bool b => b,
        int i => i != 0,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length != 0,
        byte[] bytes => bytes.Length != 0,
        object?[] items => items.Length != 0,
        Dictionary<string, object?> members => members.Count != 0,
        _ => true,
    };

    private static double ToDouble(object? value) => value switch
    {
        double d => d,
        int i => i,
        long l => l,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => throw Mismatch("double", value),
    };

    private static Func<object?, object?> BuildArray(Type elementType)
    {
        var convert = For(elementType);
        return value =>
        {
            var items = value as object?[] ?? throw Mismatch("array", value);
            var result = Array.CreateInstance(elementType, items.Length);
            for (var i = 0; i < items.Length; i++)
            {
                result.SetValue(convert(items[i]), i);
            }

            return result;
        };
    }

    private static Func<object?, object?> BuildList(Type elementType)
    {
        var convert = For(elementType);
        var listType = typeof(List<>).MakeGenericType(elementType);
        return value =>
        {
            var items = value as object?[] ?? throw Mismatch("array", value);
            var list = (IList)Activator.CreateInstance(listType, items.Length)!;
            foreach (var item in items)
            {
                list.Add(convert(item));
            }

            return list;
        };
    }

    private static Func<object?, object?> BuildDictionary(Type valueType)
    {
        if (valueType == typeof(object))
        {
            return static value => value as Dictionary<string, object?> ?? throw Mismatch("struct", value);
        }

        var convert = For(valueType);
        var dictionaryType = typeof(Dictionary<,>).MakeGenericType(typeof(string), valueType);
        return value =>
        {
            var members = value as Dictionary<string, object?> ?? throw Mismatch("struct", value);
            var result = (IDictionary)Activator.CreateInstance(dictionaryType, StringComparer.Ordinal)!;
            foreach (var (key, member) in members)
            {
                result[key] = convert(member);
            }

            return result;
        };
    }

    internal static ParameterMismatchException Mismatch(string expected, object? value) =>
        new($"expected {expected}, got {Describe(value)}");

    /// <summary>The XML-RPC type of a decoded value, as the table names it.</summary>
    private static string Describe(object? value) =>
        value is null ? "nil" : XmlRpcTypes.NameOf(value.GetType()) ?? value.GetType().Name;

    /// <summary>Struct to record/class: constructor parameters and settable properties matched by wire key.</summary>
    private static class StructConverter
    {
        private static readonly MethodInfo TryGetMember = typeof(StructConverter).GetMethod(nameof(GetMember), BindingFlags.NonPublic | BindingFlags.Static)!;

        public static Func<object?, object?> Build(Type type)
        {
            var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
            if (constructor is null && !type.IsValueType)
            {
                throw new RpcDeclarationException($"type {type} has no public constructor to receive a struct");
            }

            var members = Expression.Parameter(typeof(Dictionary<string, object?>), "members");
            var constructorArguments = new List<Expression>();
            var boundNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var parameter in constructor?.GetParameters() ?? [])
            {
                var key = StructKeys.Of(parameter, MatchingProperty(type, parameter.Name!));
                boundNames.Add(parameter.Name!);
                constructorArguments.Add(MemberValue(members, key, parameter.ParameterType, parameter.HasDefaultValue, parameter.HasDefaultValue ? parameter.DefaultValue : null));
            }

            Expression creation = constructor is null ? Expression.New(type) : Expression.New(constructor, constructorArguments);
            var create = Expression.Lambda<Func<Dictionary<string, object?>, object>>(Expression.Convert(creation, typeof(object)), members).Compile();

            // Settable properties are assigned only when the struct has them, so initializers keep their defaults.
            var setters = new List<(string Key, bool Required, Func<object?, object?> Convert, Action<object, object?> Set)>();
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (type.IsValueType || property.SetMethod is not { IsPublic: true } || boundNames.Contains(property.Name) || property.GetIndexParameters().Length > 0)
                {
                    continue;
                }

                var key = StructKeys.Of(property);
                var required = property.GetCustomAttributes().Any(a => a.GetType().Name == "RequiredMemberAttribute");
                var target = Expression.Parameter(typeof(object), "target");
                var memberValue = Expression.Parameter(typeof(object), "value");
                var assign = Expression.Assign(Expression.Property(Expression.Convert(target, type), property), Expression.Convert(memberValue, property.PropertyType));
                setters.Add((key, required, For(property.PropertyType), Expression.Lambda<Action<object, object?>>(assign, target, memberValue).Compile()));
            }

            object Build(Dictionary<string, object?> fields)
            {
                var instance = create(fields);
                foreach (var (key, required, convert, set) in setters)
                {
                    if (fields.ContainsKey(key))
                    {
                        set(instance, GetMember(fields, key, convert, optional: false, fallback: null));
                    }
                    else if (required)
                    {
                        throw new ParameterMismatchException($"struct member '{key}' is missing");
                    }
                }

                return instance;
            }

            return value => Build(value as Dictionary<string, object?> ?? throw Mismatch("struct", value));
        }

        private static PropertyInfo? MatchingProperty(Type type, string parameterName) =>
            type.GetProperties().FirstOrDefault(p => string.Equals(p.Name, parameterName, StringComparison.OrdinalIgnoreCase));

        private static Expression MemberValue(ParameterExpression members, string key, Type type, bool optional, object? defaultValue)
        {
            var convert = For(type);
            var fallback = optional ? (defaultValue ?? (type.IsValueType ? Activator.CreateInstance(type) : null)) : null;
            var call = Expression.Call(
                TryGetMember,
                members,
                Expression.Constant(key),
                Expression.Constant(convert),
                Expression.Constant(optional),
                Expression.Constant(fallback, typeof(object)));
            return Expression.Convert(call, type);
        }

        private static object? GetMember(Dictionary<string, object?> members, string key, Func<object?, object?> convert, bool optional, object? fallback)
        {
            if (members.TryGetValue(key, out var value))
            {
                try
                {
                    return convert(value);
                }
                catch (ParameterMismatchException e)
                {
                    throw new ParameterMismatchException($"struct member '{key}': {e.Message}");
                }
            }

            return optional ? fallback : throw new ParameterMismatchException($"struct member '{key}' is missing");
        }
    }
}

/// <summary>A wire value that does not fit the parameter it is bound to.</summary>
internal sealed class ParameterMismatchException(string message) : Exception(message);

/// <summary>A plugin method or type that cannot be exposed over XML-RPC; stops start-up.</summary>
internal sealed class RpcDeclarationException(string message) : Exception(message)
{
    /// <summary>Every problem found, each with the namespace it belongs to (the message has them one per line).</summary>
    public RpcDeclarationException(IReadOnlyList<RpcDeclarationProblem> problems)
        : this(string.Join("\n", problems.Select(p => p.Text)))
    {
        Problems = problems;
    }

    public IReadOnlyList<RpcDeclarationProblem> Problems { get; } = [];
}

/// <summary>One method (or namespace) that cannot be exposed: where, and the message naming it and why.</summary>
internal sealed record RpcDeclarationProblem(string Namespace, string Text);
