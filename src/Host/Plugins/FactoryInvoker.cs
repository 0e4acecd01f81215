using System.Globalization;
using System.Reflection;
using Supervisor.Abstractions;
using Supervisor.Host.Config;

namespace Supervisor.Host.Plugins;

/// <summary>
/// Calls a factory the way Supervisor calls <c>factory(supervisord, **section)</c>, with C# types:
/// the first parameter receives <see cref="ISupervisord"/>; every other parameter takes the section key
/// of the same name (<c>max_retries</c> fills <c>maxRetries</c>), converted to its type, or its default;
/// an <c>IReadOnlyDictionary&lt;string,string&gt;</c> parameter receives all keys, an <see cref="IConfiguration"/>
/// parameter receives them as configuration (so <c>config.Get&lt;MyOptions&gt;()</c> binds an options class);
/// any other type comes from the host's service provider (<see cref="HostServices"/>). Unlike Serilog's
/// settings binder, an unmatched key is an error, as in the reference (where the factory's signature rejects it).
/// </summary>
internal static class FactoryInvoker
{
    public static object Invoke(string section, MethodInfo factory, ISupervisord supervisord, IReadOnlyDictionary<string, string> keys, IServiceProvider services)
    {
        var parameters = factory.GetParameters();
        if (parameters.Length == 0 || parameters[0].ParameterType != typeof(ISupervisord))
        {
            var hint = parameters.Length > 0 && parameters[0].ParameterType.FullName == typeof(ISupervisord).FullName
                ? $" (its {typeof(ISupervisord).FullName} comes from another copy of {typeof(ISupervisord).Assembly.GetName().Name}.dll than the host's)"
                : "";
            throw new PluginLoadException(section, FactorySpec.Key, $"the factory {Describe(factory)} must take {nameof(ISupervisord)} as its first parameter{hint}");
        }

        var arguments = new object?[parameters.Length];
        arguments[0] = supervisord;
        var unused = new HashSet<string>(keys.Keys, StringComparer.Ordinal);
        var takesAllKeys = false;
        for (var i = 1; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            var type = parameter.ParameterType;
            if (type.IsAssignableFrom(typeof(Dictionary<string, string>)) && type != typeof(object))
            {
                arguments[i] = keys;
                takesAllKeys = true;
                continue;
            }

            if (type == typeof(IConfiguration))
            {
                arguments[i] = SectionConfiguration(keys);
                takesAllKeys = true;
                continue;
            }

            var key = keys.Keys.FirstOrDefault(k => PythonNames.SameWords(k, parameter.Name!));
            if (key is not null && SettingValues.CanConvert(type))
            {
                unused.Remove(key);
                var converted = SettingValues.Convert(keys[key], type);
                arguments[i] = converted.IsOk ? converted.Value : throw new PluginLoadException(section, key, converted.Error!);
            }
            else if (SettingValues.CanConvert(type))
            {
                arguments[i] = parameter.HasDefaultValue
                    ? parameter.DefaultValue
                    : throw new PluginLoadException(section, parameter.Name, $"missing: the factory {Describe(factory)} requires a value for '{parameter.Name}'");
            }
            else
            {
                arguments[i] = services.GetService(type)
                    ?? (parameter.HasDefaultValue ? parameter.DefaultValue
                        : throw new PluginLoadException(section, FactorySpec.Key, $"the factory parameter '{parameter.Name}' has type {type}, which is neither a setting type nor a service the host provides"));
            }
        }

        if (!takesAllKeys && unused.Count > 0)
        {
            var key = unused.Order(StringComparer.Ordinal).First();
            throw new PluginLoadException(section, key, $"unexpected key: the factory {Describe(factory)} has no parameter named '{key}'");
        }

        try
        {
            return factory.Invoke(null, arguments)
                ?? throw new PluginLoadException(section, FactorySpec.Key, $"the factory {Describe(factory)} returned null");
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            var inner = e.InnerException;
            throw new PluginLoadException(section, FactorySpec.Key, $"the factory {Describe(factory)} failed: {inner.GetType().Name}: {inner.Message}", inner);
        }
    }

    /// <summary>
    /// The section's keys as configuration. The binder matches property names ignoring case but not
    /// underscores, so a Python-style key (<c>max_retries</c>) is also given under its joined spelling
    /// (<c>maxretries</c>), which binds <c>MaxRetries</c>.
    /// </summary>
    internal static IConfiguration SectionConfiguration(IReadOnlyDictionary<string, string> keys)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in keys)
        {
            values[key] = value;
        }

        foreach (var (key, value) in keys)
        {
            values.TryAdd(key.Replace("_", "", StringComparison.Ordinal), value);
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    internal static string Describe(MethodInfo method) => $"{method.DeclaringType?.FullName}.{method.Name}";
}

/// <summary>
/// Converts section values (always text) to factory parameter types, with Supervisor's own value
/// rules and error texts (<see cref="ConfigValues"/>) where it has them.
/// </summary>
internal static class SettingValues
{
    public static bool CanConvert(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(string) || type == typeof(int) || type == typeof(long) || type == typeof(bool)
            || type == typeof(double) || type == typeof(TimeSpan) || type.IsEnum
            || type == typeof(string[]) || type == typeof(IReadOnlyList<string>);
    }

    /// <summary>The converted value, or the reason the text is not valid for the type.</summary>
    public static Parsed<object> Convert(string text, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        var trimmed = text.Trim();
        if (type == typeof(string))
        {
            return Parsed<object>.Ok(text);
        }

        if (type == typeof(int) || type == typeof(long))
        {
            var integer = ConfigValues.Integer(text);
            if (!integer.IsOk)
            {
                return Parsed<object>.Fail(integer.Error!);
            }

            if (type == typeof(long))
            {
                return Parsed<object>.Ok(integer.Value);
            }

            return integer.Value is >= int.MinValue and <= int.MaxValue
                ? Parsed<object>.Ok((int)integer.Value)
                : Parsed<object>.Fail($"{integer.Value} is out of range for an int");
        }

        if (type == typeof(bool))
        {
            var boolean = ConfigValues.Boolean(text);
            return boolean.IsOk ? Parsed<object>.Ok(boolean.Value) : Parsed<object>.Fail(boolean.Error!);
        }

        if (type == typeof(double))
        {
            return double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                ? Parsed<object>.Ok(value)
                : Parsed<object>.Fail($"could not convert string to float: '{text}'");
        }

        if (type == typeof(TimeSpan))
        {
            return double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
                ? Parsed<object>.Ok(TimeSpan.FromSeconds(seconds))
                : Parsed<object>.Fail($"'{text}' is not a number of seconds");
        }

        if (type.IsEnum)
        {
            return Enum.TryParse(type, trimmed, ignoreCase: true, out var value)
                ? Parsed<object>.Ok(value)
                : Parsed<object>.Fail($"'{text}' is not one of {string.Join(", ", Enum.GetNames(type))}");
        }

        return Parsed<object>.Ok(trimmed.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
    }
}

/// <summary>A plugin that cannot be loaded; the message names the section, the key and the cause.</summary>
internal sealed class PluginLoadException(string section, string? key, string cause, Exception? inner = null)
    : Exception(key is null ? $"[{section}] {cause}" : $"[{section}] {key}: {cause}", inner)
{
    public string Section { get; } = section;

    public string? Key { get; } = key;

    public string Cause { get; } = cause;
}
