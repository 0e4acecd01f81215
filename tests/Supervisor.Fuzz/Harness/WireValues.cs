using System.Globalization;
using System.Text;

namespace Supervisor.Fuzz.Harness;

/// <summary>
/// What a decoded XML-RPC value (the CLR model of src/Host/XmlRpc/README.md) must look like after it
/// has been written and read again, and a comparison that says where two values differ.
/// </summary>
/// <remarks>
/// Writing is lossless except where the wire cannot carry a value, by design (src/Host/XmlRpc/README.md):
/// characters XML 1.0 forbids become U+FFFD, a date-time keeps whole seconds and loses its kind, and an
/// integer is an <c>int</c> or an <c>i8</c> by its size, not by the CLR type it came from. Struct keys
/// that become equal once made safe collapse into one member, the last one written winning, as the
/// reader assigns them.
/// <para>
/// One loss is the reference's too: a carriage return. The writers escape only <c>&amp;</c>, <c>&lt;</c>
/// and <c>&gt;</c>, as Python's marshaller does, so a CR (which a request can carry as <c>&amp;#13;</c>) is
/// written raw, and XML parsers read a raw CR, or CR LF, as LF (XML 1.0 §2.11). Python's
/// <c>xmlrpc.client</c> loses it the same way.
/// </para>
/// </remarks>
internal static class WireValues
{
    /// <summary>The value <paramref name="value"/> must read back as.</summary>
    public static object? AfterRoundTrip(object? value) => value switch
    {
        string text => SafeText(text),
        int number => (long)number,
        long number => number,
        DateTime time => new DateTime(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Unspecified),
        object?[] items => items.Select(AfterRoundTrip).ToArray(),
        Dictionary<string, object?> members => Members(members),
        _ => value,
    };

    /// <summary>A description of the first difference between <paramref name="expected"/> and <paramref name="actual"/>, or null when they agree.</summary>
    public static string? Difference(object? expected, object? actual, string path = "value")
    {
        expected = AfterRoundTrip(expected);
        actual = AfterRoundTrip(actual);
        switch (expected)
        {
            case null:
                return actual is null ? null : $"{path}: expected nil, got {Describe(actual)}";
            case double number when actual is double other:
                return number.Equals(other) && double.IsNegative(number) == double.IsNegative(other) ? null : $"{path}: expected {Describe(number)}, got {Describe(other)}";
            case byte[] bytes when actual is byte[] other:
                return bytes.AsSpan().SequenceEqual(other) ? null : $"{path}: expected {Describe(bytes)}, got {Describe(other)}";
            case object?[] items when actual is object?[] other:
                if (items.Length != other.Length)
                {
                    return $"{path}: expected {items.Length} items, got {other.Length}";
                }

                for (var i = 0; i < items.Length; i++)
                {
                    if (Difference(items[i], other[i], $"{path}[{i}]") is { } difference)
                    {
                        return difference;
                    }
                }

                return null;
            case Dictionary<string, object?> members when actual is Dictionary<string, object?> other:
                foreach (var key in members.Keys.Concat(other.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
                {
                    if (!members.TryGetValue(key, out var want))
                    {
                        return $"{path}: unexpected member {Describe(key)}";
                    }

                    if (!other.TryGetValue(key, out var got))
                    {
                        return $"{path}: member {Describe(key)} is missing";
                    }

                    if (Difference(want, got, $"{path}.{key}") is { } difference)
                    {
                        return difference;
                    }
                }

                return null;
            default:
                return Equals(expected, actual) ? null : $"{path}: expected {Describe(expected)}, got {Describe(actual)}";
        }
    }

    /// <summary>A short, printable rendering of a value for failure messages.</summary>
    public static string Describe(object? value)
    {
        var text = value switch
        {
            null => "nil",
            string s => "\"" + Escape(s) + "\"",
            double d => d.ToString("R", CultureInfo.InvariantCulture) + (double.IsNegative(d) && d == 0 ? " (negative)" : ""),
            byte[] b => "base64:" + Convert.ToHexString(b),
            DateTime t => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture),
            object?[] items => "[" + string.Join(", ", items.Take(8).Select(Describe)) + (items.Length > 8 ? ", …" : "") + "]",
            Dictionary<string, object?> members => "{" + string.Join(", ", members.Take(8).Select(m => Describe(m.Key) + ": " + Describe(m.Value))) + (members.Count > 8 ? ", …" : "") + "}",
            _ => $"{value} ({value.GetType().Name})",
        };
        return text.Length <= 300 ? text : text[..300] + "…";
    }

    /// <summary>A string as it reads back: what XML 1.0 forbids is U+FFFD (the writers' rule, XmlRpcText), CR and CR LF are LF.</summary>
    public static string SafeText(string text)
    {
        if (text.Contains('\r', StringComparison.Ordinal))
        {
            text = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        }

        StringBuilder? safe = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            var forbidden = !pair && (char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF' || (c < ' ' && c is not ('\t' or '\n' or '\r')));
            if (forbidden)
            {
                safe ??= new StringBuilder(text, 0, i, text.Length);
                safe.Append('\uFFFD');
                continue;
            }

            safe?.Append(c);
            if (pair)
            {
                safe?.Append(text[i + 1]);
                i++;
            }
        }

        return safe?.ToString() ?? text;
    }

    private static Dictionary<string, object?> Members(Dictionary<string, object?> members)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in members)
        {
            result[SafeText(key)] = AfterRoundTrip(value);
        }

        return result;
    }

    private static string Escape(string text)
    {
        var builder = new StringBuilder();
        foreach (var c in text.Length <= 200 ? text : text[..200])
        {
            if (c is < ' ' or '"' or '\\' || char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF' or '\uFFFD')
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return text.Length <= 200 ? builder.ToString() : builder + "…";
    }
}
