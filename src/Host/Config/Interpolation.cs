using System.Globalization;
using System.Numerics;
using System.Text;
using Supervisor.Abstractions;

namespace Supervisor.Host.Config;

/// <summary>
/// <c>%(name)s</c> expansion of config values: Python's <c>value % names</c> with the
/// reference's error texts (<c>supervisor/options.py</c>, <c>expand</c>). Names map to a string or an integer
/// (<c>process_num</c>, <c>numprocs</c>); callers build the name set each key may use.
/// </summary>
internal static class Interpolation
{
    /// <summary>The <c>ENV_&lt;VAR&gt;</c> names for an environment (name case kept).</summary>
    public static Dictionary<string, object> EnvironmentNames(IReadOnlyDictionary<string, string> environment)
    {
        var names = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (key, value) in environment)
        {
            names["ENV_" + key] = value;
        }

        return names;
    }

    /// <summary>A copy of <paramref name="names"/> with <paramref name="extra"/> added (extra wins).</summary>
    public static Dictionary<string, object> Combine(IReadOnlyDictionary<string, object> names, params (string Name, object Value)[] extra)
    {
        var combined = new Dictionary<string, object>(names, StringComparer.Ordinal);
        foreach (var (name, value) in extra)
        {
            combined[name] = value;
        }

        return combined;
    }

    /// <summary>
    /// Expands <paramref name="value"/>; <paramref name="where"/> names it in errors
    /// (<c>supervisord.logfile</c>, <c>include.files</c>, or a bare key).
    /// </summary>
    public static Parsed<string> Expand(string value, IReadOnlyDictionary<string, object> names, string where)
    {
        var result = PercentFormat.Format(value, names, out var missingName, out var error);
        if (missingName is not null)
        {
            var available = string.Join(", ", PythonPaths.Sorted(names.Keys));
            return Parsed<string>.Fail(
                $"Format string {PythonText.Repr(value)} for {PythonText.Repr(where)} contains names ({PythonText.Repr(missingName)}) which cannot be expanded. Available names: {available}");
        }

        if (error is not null)
        {
            return Parsed<string>.Fail($"Format string {PythonText.Repr(value)} for {PythonText.Repr(where)} is badly formatted: {error}");
        }

        return Parsed<string>.Ok(result!);
    }
}

/// <summary>Python's <c>str % mapping</c> operator, enough of it for config values.</summary>
internal static class PercentFormat
{
    /// <summary>
    /// Formats; on failure returns null with either the missing key (a Python <c>KeyError</c>)
    /// or Python's error message.
    /// </summary>
    public static string? Format(string format, IReadOnlyDictionary<string, object> names, out string? missingName, out string? error)
    {
        missingName = null;
        error = null;
        var output = new StringBuilder(format.Length);
        var positionalUsed = false;
        var i = 0;
        while (i < format.Length)
        {
            var c = format[i];
            if (c != '%')
            {
                output.Append(c);
                i++;
                continue;
            }

            i++;
            if (i >= format.Length)
            {
                error = "incomplete format";
                return null;
            }

            object? argument = null;
            var hasKey = false;
            if (format[i] == '(')
            {
                var depth = 1;
                var keyStart = i + 1;
                i++;
                while (i < format.Length && depth > 0)
                {
                    if (format[i] == '(')
                    {
                        depth++;
                    }
                    else if (format[i] == ')')
                    {
                        depth--;
                    }

                    i++;
                }

                if (depth > 0)
                {
                    error = "incomplete format key";
                    return null;
                }

                var key = format[keyStart..(i - 1)];
                if (!names.TryGetValue(key, out argument))
                {
                    missingName = key;
                    return null;
                }

                hasKey = true;
            }

            var spec = new Spec();
            while (i < format.Length && "-+ #0".Contains(format[i]))
            {
                switch (format[i])
                {
                    case '-': spec.Left = true; break;
                    case '+': spec.Plus = true; break;
                    case ' ': spec.Space = true; break;
                    case '#': spec.Alternate = true; break;
                    default: spec.Zero = true; break;
                }

                i++;
            }

            if (i < format.Length && format[i] == '*')
            {
                error = "* wants int";
                return null;
            }

            spec.Width = ReadNumber(format, ref i);
            if (i < format.Length && format[i] == '.')
            {
                i++;
                if (i < format.Length && format[i] == '*')
                {
                    error = "* wants int";
                    return null;
                }

                spec.Precision = ReadNumber(format, ref i) ?? 0;
            }

            while (i < format.Length && "hlL".Contains(format[i]))
            {
                i++;
            }

            if (i >= format.Length)
            {
                error = "incomplete format";
                return null;
            }

            var conversion = format[i];
            if (conversion == '%' && !hasKey)
            {
                output.Append('%');
                i++;
                continue;
            }

            if (!hasKey)
            {
                if (positionalUsed)
                {
                    error = "not enough arguments for format string";
                    return null;
                }

                positionalUsed = true;
                argument = new MappingArgument(names);
            }

            var formatted = Convert(conversion, argument!, spec, i, out error);
            if (formatted is null)
            {
                return null;
            }

            output.Append(formatted);
            i++;
        }

        return output.ToString();
    }

    private static string? Convert(char conversion, object argument, Spec spec, int index, out string? error)
    {
        error = null;
        if (argument is int small)
        {
            argument = (long)small;
        }

        string body;
        switch (conversion)
        {
            case 's':
                body = argument is MappingArgument mapping ? mapping.Repr() : PythonText.Str(argument);
                if (spec.Precision is int maxLength && body.Length > maxLength)
                {
                    body = body[..maxLength];
                }

                return Pad(body, spec, numeric: false);
            case 'r':
            case 'a':
                body = argument switch
                {
                    string quoted => PythonText.Repr(quoted),
                    MappingArgument whole => whole.Repr(),
                    _ => PythonText.Str(argument),
                };
                if (spec.Precision is int reprLength && body.Length > reprLength)
                {
                    body = body[..reprLength];
                }

                return Pad(body, spec, numeric: false);
            case 'd':
            case 'i':
            case 'u':
                if (argument is not long number)
                {
                    error = $"%{conversion} format: a real number is required, not {TypeName(argument)}";
                    return null;
                }

                return FormatInteger(number, 10, spec, string.Empty, upper: false);
            case 'x':
            case 'X':
            case 'o':
                if (argument is not long integer)
                {
                    error = $"%{conversion} format: an integer is required, not {TypeName(argument)}";
                    return null;
                }

                var radix = conversion == 'o' ? 8 : 16;
                var prefix = spec.Alternate ? (conversion == 'o' ? "0o" : conversion == 'x' ? "0x" : "0X") : string.Empty;
                return FormatInteger(integer, radix, spec, prefix, upper: conversion == 'X');
            case 'e':
            case 'E':
            case 'f':
            case 'F':
            case 'g':
            case 'G':
                if (argument is not long real)
                {
                    error = $"must be real number, not {TypeName(argument)}";
                    return null;
                }

                var precision = spec.Precision ?? 6;
                var text = char.ToLowerInvariant(conversion) switch
                {
                    'e' => real.ToString("0." + new string('0', precision) + "e+00", CultureInfo.InvariantCulture),
                    'f' => real.ToString("F" + precision.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
                    _ => real.ToString(CultureInfo.InvariantCulture),
                };
                if (char.IsUpper(conversion))
                {
                    text = text.ToUpperInvariant();
                }

                return Pad(Sign(real >= 0, spec) + text.TrimStart('-'), spec, numeric: true);
            case 'c':
                if (argument is long codePoint && codePoint is >= 0 and <= 0x10FFFF)
                {
                    return Pad(char.ConvertFromUtf32((int)codePoint), spec, numeric: false);
                }

                if (argument is string { Length: 1 } single)
                {
                    return Pad(single, spec, numeric: false);
                }

                error = "%c requires int or char";
                return null;
            default:
                var shown = conversion is >= ' ' and <= '~' ? conversion : '?';
                error = string.Create(CultureInfo.InvariantCulture, $"unsupported format character '{shown}' (0x{(int)conversion:x}) at index {index}");
                return null;
        }
    }

    private static string FormatInteger(long number, int radix, Spec spec, string prefix, bool upper)
    {
        var magnitude = BigInteger.Abs(number);
        var digits = radix switch
        {
            10 => magnitude.ToString(CultureInfo.InvariantCulture),
            16 => ToRadix(magnitude, 16),
            _ => ToRadix(magnitude, 8),
        };
        if (upper)
        {
            digits = digits.ToUpperInvariant();
        }

        if (spec.Precision is int minimum && digits.Length < minimum)
        {
            digits = new string('0', minimum - digits.Length) + digits;
        }

        return Pad(Sign(number >= 0, spec) + prefix + digits, spec, numeric: true, signAndPrefixLength: Sign(number >= 0, spec).Length + prefix.Length);
    }

    private static string ToRadix(BigInteger value, int radix)
    {
        if (value.IsZero)
        {
            return "0";
        }

        var builder = new StringBuilder();
        while (!value.IsZero)
        {
            builder.Insert(0, "0123456789abcdef"[(int)(value % radix)]);
            value /= radix;
        }

        return builder.ToString();
    }

    private static string Sign(bool nonNegative, Spec spec) =>
        !nonNegative ? "-" : spec.Plus ? "+" : spec.Space ? " " : string.Empty;

    private static string Pad(string body, Spec spec, bool numeric, int signAndPrefixLength = 0)
    {
        if (spec.Width is not int width || body.Length >= width)
        {
            return body;
        }

        if (spec.Left)
        {
            return body.PadRight(width);
        }

        if (numeric && spec.Zero)
        {
            return body[..signAndPrefixLength] + new string('0', width - body.Length) + body[signAndPrefixLength..];
        }

        return body.PadLeft(width);
    }

    private static int? ReadNumber(string format, ref int i)
    {
        var start = i;
        while (i < format.Length && format[i] is >= '0' and <= '9')
        {
            i++;
        }

        return i > start ? int.Parse(format.AsSpan(start, i - start), CultureInfo.InvariantCulture) : null;
    }

    private static string TypeName(object argument) => argument switch
    {
        string => "str",
        long => "int",
        MappingArgument => "dict",
        _ => "object",
    };

    private struct Spec
    {
        public bool Left;
        public bool Plus;
        public bool Space;
        public bool Alternate;
        public bool Zero;
        public int? Width;
        public int? Precision;
    }

    /// <summary>A format without a key formats the whole mapping, as Python does.</summary>
    private sealed class MappingArgument(IReadOnlyDictionary<string, object> names)
    {
        public string Repr() =>
            "{" + string.Join(", ", names.Select(p => PythonText.Repr(p.Key) + ": " + PythonText.Repr(p.Value))) + "}";
    }
}
