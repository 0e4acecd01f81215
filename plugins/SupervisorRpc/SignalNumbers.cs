using System.Text;

namespace Supervisor;

/// <summary>
/// Turns a <c>signal</c> argument into a number the way the reference's <c>signal_number</c> does on Linux:
/// a number (an int, or a string Python's <c>int()</c> accepts) or a name with or without <c>SIG</c>, any
/// case. Valid numbers are those Python's <c>signal</c> module names: 1–31, 34, 64, plus 0–2 through the
/// <c>SIG_DFL</c>/<c>SIG_IGN</c>/<c>SIG_BLOCK</c>/<c>SIG_UNBLOCK</c>/<c>SIG_SETMASK</c> constants.
/// </summary>
internal static class SignalNumbers
{
    private static readonly Dictionary<string, int> Names = new(StringComparer.Ordinal)
    {
        ["SIG_BLOCK"] = 0, ["SIG_DFL"] = 0, ["SIGHUP"] = 1, ["SIG_IGN"] = 1, ["SIG_UNBLOCK"] = 1,
        ["SIGINT"] = 2, ["SIG_SETMASK"] = 2, ["SIGQUIT"] = 3, ["SIGILL"] = 4, ["SIGTRAP"] = 5,
        ["SIGABRT"] = 6, ["SIGIOT"] = 6, ["SIGBUS"] = 7, ["SIGFPE"] = 8, ["SIGKILL"] = 9,
        ["SIGUSR1"] = 10, ["SIGSEGV"] = 11, ["SIGUSR2"] = 12, ["SIGPIPE"] = 13, ["SIGALRM"] = 14,
        ["SIGTERM"] = 15, ["SIGSTKFLT"] = 16, ["SIGCHLD"] = 17, ["SIGCLD"] = 17, ["SIGCONT"] = 18,
        ["SIGSTOP"] = 19, ["SIGTSTP"] = 20, ["SIGTTIN"] = 21, ["SIGTTOU"] = 22, ["SIGURG"] = 23,
        ["SIGXCPU"] = 24, ["SIGXFSZ"] = 25, ["SIGVTALRM"] = 26, ["SIGPROF"] = 27, ["SIGWINCH"] = 28,
        ["SIGIO"] = 29, ["SIGPOLL"] = 29, ["SIGPWR"] = 30, ["SIGSYS"] = 31, ["SIGRTMIN"] = 34,
        ["SIGRTMAX"] = 64,
    };

    private static readonly HashSet<long> Valid = [.. Names.Values.Select(v => (long)v)];

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
        return number is { } n && Valid.Contains(n) ? (int)n : null;
    }

    private static long? FromText(string text)
    {
        if (PythonText.TryParseInt(text, out var parsed))
        {
            return parsed;
        }

        var name = PythonText.Strip(text).ToUpperInvariant();
        if (!name.StartsWith("SIG", StringComparison.Ordinal))
        {
            name = "SIG" + name;
        }

        return Names.TryGetValue(name, out var number) ? number : null;
    }

    /// <summary>The text a BAD_SIGNAL fault shows for the value (Python's <c>str()</c>).</summary>
    public static string Describe(object? value) => PythonText.Str(value);
}
