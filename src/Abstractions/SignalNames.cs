using System.Collections.Frozen;
using System.Globalization;
using System.Numerics;

namespace Supervisor.Abstractions;

/// <summary>
/// Signals as Supervisor names and reads them on Linux, from the names of Python's <c>signal</c> module:
/// what <c>stopsignal=</c> and <c>supervisor.signalProcess</c> accept (Supervisor's
/// <c>supervisor/datatypes.py</c>, <c>signal_number</c>) and how its log lines name a signal
/// (<c>supervisor/options.py</c>, <c>signame</c>). For a plugin that takes a signal as supervisorctl sends
/// it (<see cref="IProcessTable.SignalAsync"/> takes a number) or shows one.
/// </summary>
public static class SignalNames
{
    /// <summary>
    /// Every <c>SIG*</c> name of Python's <c>signal</c> module on Linux. It includes the handler and mask
    /// constants <c>SIG_DFL</c>, <c>SIG_IGN</c>, <c>SIG_BLOCK</c>, <c>SIG_UNBLOCK</c> and <c>SIG_SETMASK</c>,
    /// which Supervisor accepts too (hence 0, and 1 and 2 twice).
    /// </summary>
    private static readonly FrozenDictionary<string, int> NumbersByName = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["SIG_DFL"] = 0, ["SIG_BLOCK"] = 0, ["SIGHUP"] = 1, ["SIG_UNBLOCK"] = 1, ["SIG_IGN"] = 1,
        ["SIGINT"] = 2, ["SIG_SETMASK"] = 2, ["SIGQUIT"] = 3, ["SIGILL"] = 4, ["SIGTRAP"] = 5,
        ["SIGABRT"] = 6, ["SIGIOT"] = 6, ["SIGBUS"] = 7, ["SIGFPE"] = 8, ["SIGKILL"] = 9,
        ["SIGUSR1"] = 10, ["SIGSEGV"] = 11, ["SIGUSR2"] = 12, ["SIGPIPE"] = 13, ["SIGALRM"] = 14,
        ["SIGTERM"] = 15, ["SIGSTKFLT"] = 16, ["SIGCLD"] = 17, ["SIGCHLD"] = 17, ["SIGCONT"] = 18,
        ["SIGSTOP"] = 19, ["SIGTSTP"] = 20, ["SIGTTIN"] = 21, ["SIGTTOU"] = 22, ["SIGURG"] = 23,
        ["SIGXCPU"] = 24, ["SIGXFSZ"] = 25, ["SIGVTALRM"] = 26, ["SIGPROF"] = 27, ["SIGWINCH"] = 28,
        ["SIGPOLL"] = 29, ["SIGIO"] = 29, ["SIGPWR"] = 30, ["SIGSYS"] = 31, ["SIGRTMIN"] = 34,
        ["SIGRTMAX"] = 64,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenSet<int> Valid = NumbersByName.Values.ToFrozenSet();

    /// <summary>
    /// <c>signame()</c>'s names: the last alias Python 3.11's module defines wins (6 is SIGABRT, not SIGIOT;
    /// 17 SIGCHLD; 29 SIGPOLL, not SIGIO), and the <c>SIG_*</c> constants are no names.
    /// </summary>
    private static readonly string?[] NamesByNumber =
    [
        null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
        "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
        "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
        "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGPOLL", "SIGPWR", "SIGSYS",
    ];

    /// <summary>
    /// The signal <paramref name="text"/> gives, as Supervisor reads it: a number Python's <c>int()</c> reads
    /// (<c>"15"</c>), or a name with or without <c>SIG</c>, in any case (<c>"HUP"</c>, <c>"sigterm"</c>); only
    /// numbers Python's module names are signals (1 to 31, 34 and 64, and 0 to 2 through the constants).
    /// </summary>
    /// <returns>False when the text names no signal or numbers one Python's module does not name.</returns>
    public static bool TryParse(string text, out int number)
    {
        number = 0;
        if (PythonText.TryParseInt(text, out BigInteger parsed))
        {
            if (parsed < int.MinValue || parsed > int.MaxValue || !IsValid((long)parsed))
            {
                return false;
            }

            number = (int)parsed;
            return true;
        }

        if (Number(text) is not { } named)
        {
            return false;
        }

        number = named;
        return true;
    }

    /// <summary>The number of a signal name with or without <c>SIG</c>, in any case, white space around ignored; null when Python's module has no such name.</summary>
    public static int? Number(string name)
    {
        var upper = PythonText.Strip(name).ToUpperInvariant();
        if (!upper.StartsWith("SIG", StringComparison.Ordinal))
        {
            upper = "SIG" + upper;
        }

        return NumbersByName.TryGetValue(upper, out var number) ? number : null;
    }

    /// <summary>True for the numbers Supervisor accepts as signals: those Python's module names.</summary>
    public static bool IsValid(long number) => number is >= int.MinValue and <= int.MaxValue && Valid.Contains((int)number);

    /// <summary>How Supervisor's log lines name a signal: <c>SIGTERM</c>; <c>signal 40</c> for one without a name.</summary>
    public static string Name(int number) => number switch
    {
        34 => "SIGRTMIN",
        64 => "SIGRTMAX",
        > 0 when number < NamesByNumber.Length => NamesByNumber[number]!,
        _ => "signal " + number.ToString(CultureInfo.InvariantCulture),
    };
}
