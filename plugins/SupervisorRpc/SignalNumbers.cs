using System.Numerics;
using System.Text;
using Supervisor.Abstractions;

namespace Supervisor;

/// <summary>
/// Turns a <c>signal</c> argument into a number the way the reference's <c>signal_number</c> does: a number
/// (an int, or a string Python's <c>int()</c> accepts) or a name with or without <c>SIG</c>, any case. The
/// names and the valid numbers are <see cref="SignalNames"/>'; this adds what an XML-RPC argument can be besides
/// a string (the reference calls <c>int()</c> on whatever it is given).
/// </summary>
internal static class SignalNumbers
{
    /// <summary>
    /// True when <paramref name="value"/> can be given as a signal at all (a string, a number, a boolean): the
    /// reference's <c>signal_number</c> fails with HTTP 500 on anything else (and on a double that is not finite).
    /// </summary>
    public static bool IsAcceptedType(object? value) => value is string or byte[] or int or long or bool || value is double d && double.IsFinite(d);

    /// <summary>The signal number, or null when the value names no valid signal (BAD_SIGNAL).</summary>
    public static int? Parse(object? value)
    {
        long? number = value switch
        {
            bool b => b ? 1 : 0,
            int i => i,
            long l => l,
            double d when double.IsFinite(d) && Math.Abs(d) < 1e18 => (long)Math.Truncate(d),
            double => null,
            byte[] bytes => FromText(Encoding.UTF8.GetString(bytes)),
            string text => FromText(text),
            _ => null,
        };
        return number is { } n && SignalNames.IsValid(n) ? (int)n : null;
    }

    private static long? FromText(string text)
    {
        if (PythonText.TryParseInt(text, out BigInteger parsed))
        {
            return parsed >= long.MinValue && parsed <= long.MaxValue ? (long)parsed : null;
        }

        return SignalNames.Number(text);
    }

    /// <summary>The text a BAD_SIGNAL fault shows for the value (Python's <c>str()</c>).</summary>
    public static string Describe(object? value) => PythonText.Str(value);
}
