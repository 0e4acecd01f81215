using System.Globalization;
using System.Text;

namespace Supervisor;

/// <summary>The few bits of Python text behaviour the reference's answers show: <c>str()</c>, <c>strip()</c>, <c>int()</c>.</summary>
internal static class PythonText
{
    /// <summary>Python's <c>str(value)</c> for the values an XML-RPC request can carry.</summary>
    public static string Str(object? value) => value switch
    {
        string text => text,
        byte[] bytes => Encoding.UTF8.GetString(bytes),

        // The reference reads <dateTime.iso8601> as a datetime.datetime.
        DateTime time => time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        _ => Repr(value),
    };

    /// <summary>Python's <c>str.strip()</c>: Unicode white space and the separators U+001C–U+001F.</summary>
    public static string Strip(string text) => text.Trim(WhiteSpace);

    /// <summary>Python's <c>int(text)</c>: white space around, a sign, decimal digits with single underscores between them.</summary>
    public static bool TryParseInt(string text, out long value) => TryParseInt(text, out value, out _);

    /// <summary>As <see cref="TryParseInt(string, out long)"/>; <paramref name="tooLarge"/> tells a valid literal beyond 64 bits (then saturated).</summary>
    public static bool TryParseInt(string text, out long value, out bool tooLarge)
    {
        value = 0;
        tooLarge = false;
        var digits = Strip(text);
        var negative = false;
        if (digits.Length > 0 && digits[0] is '+' or '-')
        {
            negative = digits[0] == '-';
            digits = digits[1..];
        }

        if (digits.Length == 0 || digits[0] == '_' || digits[^1] == '_' || digits.Contains("__", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in digits)
        {
            if (c == '_')
            {
                continue;
            }

            var digit = CharUnicodeInfo.GetDecimalDigitValue(c);
            if (digit < 0)
            {
                return false;
            }

            // Too large: saturate and say so (for a signal the value is invalid either way).
            if (value > (long.MaxValue - digit) / 10)
            {
                tooLarge = true;
                value = long.MaxValue / 2;
            }
            else if (!tooLarge)
            {
                value = (value * 10) + digit;
            }
        }

        value = negative ? -value : value;
        return true;
    }

    /// <summary>Python's <c>repr(value)</c>, as <c>str()</c> shows values inside arrays and structs.</summary>
    public static string Repr(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        string text => "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'",
        byte[] bytes => Repr(Encoding.UTF8.GetString(bytes)),
        double d => Float(d),
        DateTime time => DateTimeRepr(time),
        Dictionary<string, object?> members => "{" + string.Join(", ", members.Select(m => Repr(m.Key) + ": " + Repr(m.Value))) + "}",
        object?[] items => "[" + string.Join(", ", items.Select(Repr)) + "]",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary><c>datetime.datetime(2026, 1, 2, 3, 4, 5)</c>; zero seconds are left out, as Python does.</summary>
    private static string DateTimeRepr(DateTime time) => string.Create(
        CultureInfo.InvariantCulture,
        $"datetime.datetime({time.Year}, {time.Month}, {time.Day}, {time.Hour}, {time.Minute}{(time.Second == 0 ? "" : $", {time.Second}")})");

    private static string Float(double d)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }

        if (d == Math.Floor(d) && Math.Abs(d) < 1e16)
        {
            return d.ToString("F1", CultureInfo.InvariantCulture);
        }

        var text = d.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('E', StringComparison.Ordinal) ? text.Replace("E", "e", StringComparison.Ordinal) : text;
    }

    private static readonly char[] WhiteSpace =
    [
        ' ', '\t', '\n', '\v', '\f', '\r', '\x1c', '\x1d', '\x1e', '\x1f', '\x85', '\xa0', '\u1680',
        '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2007', '\u2008', '\u2009',
        '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000',
    ];
}
