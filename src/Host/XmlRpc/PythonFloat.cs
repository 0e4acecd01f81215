using System.Globalization;

namespace Supervisor.Host.XmlRpc;

/// <summary>
/// Formats a double as Python's <c>repr(float)</c> does, which is what the reference's marshaller
/// writes: the shortest text that round-trips, fixed notation while the decimal exponent is in
/// [-4, 16), scientific otherwise (<c>1e+16</c>, <c>1.5e-07</c>), always a <c>.0</c> on integral
/// values, and <c>inf</c>, <c>-inf</c>, <c>nan</c> for the specials.
/// </summary>
internal static class PythonFloat
{
    /// <summary>Writes ASCII into <paramref name="destination"/> (32 bytes are always enough) and returns the length.</summary>
    public static int Format(double value, Span<byte> destination)
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
}
