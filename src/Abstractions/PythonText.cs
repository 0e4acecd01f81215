using System.Globalization;
using System.Numerics;
using System.Text;

namespace Supervisor.Abstractions;

/// <summary>
/// Python's text conventions as Supervisor's answers show them, for a plugin that answers as Supervisor
/// does: its faults carry Python's <c>str()</c> of what a client sent (<c>BAD_NAME: foo</c>), its error
/// texts <c>repr()</c> (<c>invalid literal for int() with base 10: 'abc'</c>), and it reads numbers with
/// <c>int()</c>. The host uses the same rules, in its config errors and in the built-in <c>supervisor</c>
/// namespace. The values are those XML-RPC decodes to: <c>string</c>, <c>int</c>, <c>long</c>,
/// <c>bool</c>, <c>double</c>, <c>DateTime</c>, <c>byte[]</c>, <c>object?[]</c>,
/// <c>Dictionary&lt;string, object?&gt;</c> and null.
/// </summary>
public static class PythonText
{
    /// <summary>The longest <c>repr(float)</c>: <c>-2.2250738585072014e-308</c> is 24 characters.</summary>
    private const int MaxFloatLength = 32;

    // Python's str.isspace(): Unicode white space plus the separators U+001C-U+001F, which .NET's does not count.
    private static readonly char[] WhiteSpace =
    [
        ' ', '\t', '\n', '\v', '\f', '\r', '\x1c', '\x1d', '\x1e', '\x1f', '\x85', '\xa0', '\u1680',
        '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2007', '\u2008', '\u2009',
        '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000',
    ];

    /// <summary>
    /// Python's <c>str(value)</c>: a string as it is, base64 as the UTF-8 text it holds (Supervisor decodes it
    /// before any method sees it), a date as <c>2026-01-02 03:04:05</c>, anything else as <see cref="Repr"/>.
    /// </summary>
    public static string Str(object? value) => value switch
    {
        string text => text,
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        DateTime time => time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        _ => Repr(value),
    };

    /// <summary>
    /// Python's <c>repr(value)</c>: <c>None</c>, <c>True</c>, <c>'text'</c> (in double quotes when it holds a
    /// single quote and no double quote, with <c>\n</c>, <c>\x07</c>, <c>\u200b</c> escapes for what is not
    /// printable), <c>1.0</c>, <c>[1, 'a']</c>, <c>{'k': 2}</c>, <c>datetime.datetime(2026, 1, 2, 3, 4, 5)</c>.
    /// </summary>
    public static string Repr(object? value) => value switch
    {
        null => "None",
        bool flag => flag ? "True" : "False",
        string text => StringRepr(text),
        byte[] bytes => StringRepr(Encoding.UTF8.GetString(bytes)),
        double number => FloatRepr(number),
        DateTime time => DateTimeRepr(time),
        Dictionary<string, object?> members => "{" + string.Join(", ", members.Select(m => StringRepr(m.Key) + ": " + Repr(m.Value))) + "}",
        object?[] items => "[" + string.Join(", ", items.Select(Repr)) + "]",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Python's <c>str.strip()</c>: white space at both ends, the separators U+001C to U+001F included.</summary>
    public static string Strip(string text) => text.Trim(WhiteSpace);

    /// <summary>
    /// Python's <c>int(text, radix)</c>: white space around (not U+001C to U+001F, unlike <see cref="Strip"/>), a sign, digits (any Unicode decimal digits, and
    /// ASCII letters above base 10) with single underscores between them, and for bases 2, 8 and 16 an
    /// optional <c>0b</c>, <c>0o</c> or <c>0x</c> prefix. Python's integers have no size limit, nor does
    /// <paramref name="value"/>.
    /// </summary>
    /// <returns>False when Python would raise <c>ValueError</c> (<c>invalid literal for int()</c>).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="radix"/> is not from 2 to 36.</exception>
    public static bool TryParseInt(string text, out BigInteger value, int radix = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(radix, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(radix, 36);
        value = BigInteger.Zero;
        // int() strips less than str.strip(): not the separators U+001C to U+001F (ASCII, and not among the
        // six ASCII spaces it skips), which leaves exactly what .NET calls white space.
        var span = text.AsSpan().Trim();
        var negative = false;
        if (span.Length > 0 && span[0] is '+' or '-')
        {
            negative = span[0] == '-';
            span = span[1..];
        }

        // After a base prefix an underscore may come first: int('0o_22', 8) is 18.
        var underscoreAllowed = false;
        if (span.Length >= 2 && span[0] == '0' && char.ToLowerInvariant(span[1]) == radix switch { 2 => 'b', 8 => 'o', 16 => 'x', _ => '\0' })
        {
            span = span[2..];
            underscoreAllowed = true;
        }

        var result = BigInteger.Zero;
        var previousWasUnderscore = false;
        var sawDigit = false;
        foreach (var c in span)
        {
            if (c == '_')
            {
                if (previousWasUnderscore || (!sawDigit && !underscoreAllowed))
                {
                    return false;
                }

                previousWasUnderscore = true;
                continue;
            }

            var digit = DigitValue(c);
            if (digit < 0 || digit >= radix)
            {
                return false;
            }

            result = (result * radix) + digit;
            sawDigit = true;
            previousWasUnderscore = false;
        }

        if (previousWasUnderscore || !sawDigit)
        {
            return false;
        }

        value = negative ? -result : result;
        return true;
    }

    /// <summary>
    /// Python's <c>repr(float)</c> as ASCII, without allocating (how XML-RPC writes a <c>&lt;double&gt;</c>):
    /// the shortest text that reads back, fixed notation while the decimal exponent is in [-4, 16),
    /// scientific otherwise (<c>1e+16</c>, <c>1.5e-07</c>), <c>.0</c> on integral values, and <c>inf</c>,
    /// <c>-inf</c>, <c>nan</c>. <see cref="Repr"/> gives the same as a string.
    /// </summary>
    /// <returns>False, with nothing written, when <paramref name="utf8Destination"/> is too small (32 bytes always suffice).</returns>
    public static bool TryFormat(double value, Span<byte> utf8Destination, out int bytesWritten)
    {
        if (utf8Destination.Length >= MaxFloatLength)
        {
            bytesWritten = Format(value, utf8Destination);
            return true;
        }

        Span<byte> text = stackalloc byte[MaxFloatLength];
        var length = Format(value, text);
        bytesWritten = text[..length].TryCopyTo(utf8Destination) ? length : 0;
        return bytesWritten == length;
    }

    private static int Format(double value, Span<byte> destination)
    {
        if (double.IsNaN(value))
        {
            return Copy("nan"u8, destination);
        }

        if (double.IsInfinity(value))
        {
            return Copy(value > 0 ? "inf"u8 : "-inf"u8, destination);
        }

        // .NET's "R" gives the shortest round-trip digits, as "123.45", "1E-05" or "1.2345E+100".
        Span<char> text = stackalloc char[32];
        value.TryFormat(text, out var length, "R", CultureInfo.InvariantCulture);
        text = text[..length];

        var position = 0;
        if (text[0] == '-')
        {
            destination[position++] = (byte)'-';
            text = text[1..];
        }

        // Split into significant digits and the position of the decimal point (Python's decpt).
        var exponent = 0;
        var e = text.IndexOf('E');
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        Span<char> digits = stackalloc char[24];
        var count = 0;
        var pointAt = text.IndexOf('.');
        var integerDigits = pointAt < 0 ? text.Length : pointAt;
        foreach (var c in text)
        {
            if (c != '.')
            {
                digits[count++] = c;
            }
        }

        var decimalPoint = integerDigits + exponent;
        var leading = 0;
        while (leading < count - 1 && digits[leading] == '0')
        {
            leading++;
            decimalPoint--;
        }

        var significant = digits[leading..count].TrimEnd('0');
        if (significant.IsEmpty)
        {
            // Zero (the sign, for -0.0, is already written).
            return position + Copy("0.0"u8, destination[position..]);
        }

        if (decimalPoint is > -4 and <= 16)
        {
            if (decimalPoint <= 0)
            {
                destination[position++] = (byte)'0';
                destination[position++] = (byte)'.';
                for (var i = decimalPoint; i < 0; i++)
                {
                    destination[position++] = (byte)'0';
                }

                position = Append(significant, destination, position);
            }
            else if (decimalPoint >= significant.Length)
            {
                position = Append(significant, destination, position);
                for (var i = significant.Length; i < decimalPoint; i++)
                {
                    destination[position++] = (byte)'0';
                }

                destination[position++] = (byte)'.';
                destination[position++] = (byte)'0';
            }
            else
            {
                position = Append(significant[..decimalPoint], destination, position);
                destination[position++] = (byte)'.';
                position = Append(significant[decimalPoint..], destination, position);
            }

            return position;
        }

        destination[position++] = (byte)significant[0];
        if (significant.Length > 1)
        {
            destination[position++] = (byte)'.';
            position = Append(significant[1..], destination, position);
        }

        var power = decimalPoint - 1;
        destination[position++] = (byte)'e';
        destination[position++] = power < 0 ? (byte)'-' : (byte)'+';
        power = Math.Abs(power);
        if (power < 10)
        {
            destination[position++] = (byte)'0';
        }

        power.TryFormat(destination[position..], out var written, default, CultureInfo.InvariantCulture);
        return position + written;
    }

    private static int Append(ReadOnlySpan<char> digits, Span<byte> destination, int position)
    {
        foreach (var c in digits)
        {
            destination[position++] = (byte)c;
        }

        return position;
    }

    private static int Copy(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        text.CopyTo(destination);
        return text.Length;
    }

    private static int DigitValue(char c)
    {
        var decimalDigit = CharUnicodeInfo.GetDecimalDigitValue(c);
        if (decimalDigit >= 0)
        {
            return decimalDigit;
        }

        return c switch
        {
            >= 'a' and <= 'z' => c - 'a' + 10,
            >= 'A' and <= 'Z' => c - 'A' + 10,
            _ => -1,
        };
    }

    /// <summary>Python 3 <c>repr(str)</c>: single quotes unless the text holds a single quote and no double quote.</summary>
    private static string StringRepr(string value)
    {
        var quote = value.Contains('\'') && !value.Contains('"') ? '"' : '\'';
        var builder = new StringBuilder(value.Length + 2);
        builder.Append(quote);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == quote || c == '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c == '\t')
            {
                builder.Append("\\t");
            }
            else if (c == '\n')
            {
                builder.Append("\\n");
            }
            else if (c == '\r')
            {
                builder.Append("\\r");
            }
            else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                var codePoint = char.ConvertToUtf32(c, value[i + 1]);
                if (IsPrintable(CharUnicodeInfo.GetUnicodeCategory(codePoint), codePoint))
                {
                    builder.Append(c).Append(value[i + 1]);
                }
                else
                {
                    builder.Append("\\U").Append(codePoint.ToString("x8", CultureInfo.InvariantCulture));
                }

                i++;
            }
            else if (IsPrintable(CharUnicodeInfo.GetUnicodeCategory(c), c))
            {
                builder.Append(c);
            }
            else if (c < 0x100)
            {
                builder.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        builder.Append(quote);
        return builder.ToString();
    }

    /// <summary>Python's <c>str.isprintable()</c> for one character: everything but controls, format characters, separators other than the space, and unassigned or private code points.</summary>
    private static bool IsPrintable(UnicodeCategory category, int codePoint)
    {
        if (codePoint == ' ')
        {
            return true;
        }

        return category switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.SpaceSeparator => false,
            _ => true,
        };
    }

    private static string FloatRepr(double number)
    {
        Span<byte> text = stackalloc byte[MaxFloatLength];
        TryFormat(number, text, out var length);
        return Encoding.ASCII.GetString(text[..length]);
    }

    /// <summary><c>datetime.datetime(2026, 1, 2, 3, 4, 5)</c>; zero seconds are left out, as Python does.</summary>
    private static string DateTimeRepr(DateTime time) => string.Create(
        CultureInfo.InvariantCulture,
        $"datetime.datetime({time.Year}, {time.Month}, {time.Day}, {time.Hour}, {time.Minute}{(time.Second == 0 ? "" : $", {time.Second}")})");
}
