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
        _ => Repr(value),
    };

    /// <summary>Python's <c>str.strip()</c>: Unicode white space and the separators U+001C–U+001F.</summary>
    public static string Strip(string text) => text.Trim(WhiteSpace);

    /// <summary>Python's <c>int(text)</c>: white space around, a sign, decimal digits with single underscores between them.</summary>
    public static bool TryParseInt(string text, out long value)
    {
        value = 0;
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

            // Too large for any signal: saturate instead of failing, the value is invalid either way.
            value = value > long.MaxValue / 20 ? long.MaxValue / 2 : (value * 10) + digit;
        }

        value = negative ? -value : value;
        return true;
    }

    private static string Repr(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        string text => "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'",
        byte[] bytes => Repr(Encoding.UTF8.GetString(bytes)),
        double d => Float(d),
        DateTime time => time.ToString("yyyyMMdd'T'HH:mm:ss", CultureInfo.InvariantCulture),
        Dictionary<string, object?> members => "{" + string.Join(", ", members.Select(m => Repr(m.Key) + ": " + Repr(m.Value))) + "}",
        object?[] items => "[" + string.Join(", ", items.Select(Repr)) + "]",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

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
