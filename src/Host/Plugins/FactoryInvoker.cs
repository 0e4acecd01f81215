using System.Globalization;
using System.Reflection;
using Supervisor.Abstractions;
using Supervisor.Host.Rpc;

namespace Supervisor.Host.Plugins;

/// <summary>
/// Calls a factory the way Supervisor calls <c>factory(supervisord, **section)</c>, with C# types:
/// the first parameter receives <see cref="ISupervisord"/>; every other parameter takes the section key
/// of the same name (<c>max_retries</c> fills <c>maxRetries</c>), converted to its type, or its default;
/// an <c>IReadOnlyDictionary&lt;string,string&gt;</c> parameter receives all keys; any other type comes from
/// the host's service provider. Unlike Serilog's settings binder, an unmatched key is an error, as in
/// the reference (where the factory's signature rejects it).
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

            var key = keys.Keys.FirstOrDefault(k => WireNames.SameWords(k, parameter.Name!));
            if (key is not null && SettingValues.CanConvert(type))
            {
                unused.Remove(key);
                arguments[i] = SettingValues.Convert(keys[key], type)
                    ?? throw new PluginLoadException(section, key, SettingValues.Error(keys[key], type));
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

    internal static string Describe(MethodInfo method) => $"{method.DeclaringType?.FullName}.{method.Name}";
}

/// <summary>Converts section values (always text) to factory parameter types, with Supervisor's spellings.</summary>
internal static class SettingValues
{
    public static bool CanConvert(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(string) || type == typeof(int) || type == typeof(long) || type == typeof(bool)
            || type == typeof(double) || type == typeof(TimeSpan) || type.IsEnum
            || type == typeof(string[]) || type == typeof(IReadOnlyList<string>);
    }

    /// <summary>The converted value, or null when the text is not valid for the type.</summary>
    public static object? Convert(string text, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        var trimmed = text.Trim();
        if (type == typeof(string))
        {
            return text;
        }

        if (type == typeof(int))
        {
            return int.TryParse(trimmed.Replace("_", ""), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;
        }

        if (type == typeof(long))
        {
            return long.TryParse(trimmed.Replace("_", ""), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;
        }

        if (type == typeof(double))
        {
            return double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
        }

        if (type == typeof(TimeSpan))
        {
            return double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 ? TimeSpan.FromSeconds(seconds) : null;
        }

        if (type == typeof(bool))
        {
            return trimmed.ToLowerInvariant() switch
            {
                "true" or "yes" or "on" or "1" => true,
                "false" or "no" or "off" or "0" => false,
                _ => null,
            };
        }

        if (type.IsEnum)
        {
            return Enum.TryParse(type, trimmed, ignoreCase: true, out var value) ? value : null;
        }

        return trimmed.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The reason a value was refused, in the reference's words where it has them.</summary>
    public static string Error(string text, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(int) || type == typeof(long))
        {
            return $"invalid literal for int() with base 10: '{text}'";
        }

        if (type == typeof(bool))
        {
            return $"not a valid boolean value: '{text}'";
        }

        if (type.IsEnum)
        {
            return $"'{text}' is not one of {string.Join(", ", Enum.GetNames(type))}";
        }

        return type == typeof(TimeSpan) ? $"'{text}' is not a number of seconds" : $"'{text}' is not a valid {type.Name}";
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
