using System.Globalization;
using Supervisor.Abstractions;

namespace Supervisor;

/// <summary>
/// The <c>statename</c> and <c>description</c> texts of <c>getProcessInfo</c> (<c>supervisor/states.py</c>,
/// <c>getProcessStateDescription</c>; <c>supervisor/rpcinterface.py</c>, <c>_interpretProcessInfo</c>).
/// </summary>
internal static class ProcessDescriptions
{
    // Python's str(timedelta) of the longest uptime, "106751991167 days, 23:59:59", fits easily.
    private const int MaxUptimeLength = 40;

    /// <summary>
    /// RUNNING: <c>pid N, uptime H:MM:SS</c>; BACKOFF/FATAL: the spawn error; STOPPED/EXITED: the stop
    /// time in <paramref name="zone"/> (<c>Nov 21 04:51 AM</c>) or <c>Not started</c>; otherwise empty.
    /// Times are Unix seconds as the struct carries them.
    /// </summary>
    public static string Describe(ProcessState state, string name, int pid, string spawnError, long start, long stop, long now, TimeZoneInfo zone) => state switch
    {
        ProcessState.Running => Running(pid, now - start),
        ProcessState.Backoff or ProcessState.Fatal => spawnError.Length > 0 ? spawnError : $"unknown error (try \"tail {name}\")",
        ProcessState.Stopped or ProcessState.Exited => start != 0 ? StopTime(stop, zone) : "Not started",
        _ => "",
    };

    // Written into one buffer with plain digit arithmetic: getAllProcessInfo makes one per running
    // process per call, and interpolation with custom number formats was most of its cost.
    private static string Running(int pid, long uptime)
    {
        Span<char> text = stackalloc char[24 + MaxUptimeLength];
        "pid ".CopyTo(text);
        pid.TryFormat(text[4..], out var length, default, CultureInfo.InvariantCulture);
        length += 4;
        ", uptime ".CopyTo(text[length..]);
        length += ", uptime ".Length;
        length += FormatUptime(text[length..], uptime);
        return new string(text[..length]);
    }

    /// <summary>Python's <c>str(timedelta)</c> for whole seconds: <c>0:02:29</c>, <c>1 day, 3:04:05</c>; negative is zero.</summary>
    private static int FormatUptime(Span<char> text, long seconds)
    {
        seconds = Math.Max(0, seconds);
        var days = seconds / 86400;
        var rest = (int)(seconds % 86400);
        var length = 0;
        if (days != 0)
        {
            days.TryFormat(text, out length, default, CultureInfo.InvariantCulture);
            var unit = days == 1 ? " day, " : " days, ";
            unit.CopyTo(text[length..]);
            length += unit.Length;
        }

        var hours = rest / 3600;
        if (hours >= 10)
        {
            text[length++] = (char)('0' + (hours / 10));
        }

        text[length++] = (char)('0' + (hours % 10));
        length += TwoDigits(text[length..], rest / 60 % 60);
        length += TwoDigits(text[length..], rest % 60);
        return length;
    }

    /// <summary>Writes <c>:NN</c>.</summary>
    private static int TwoDigits(Span<char> text, int value)
    {
        text[0] = ':';
        text[1] = (char)('0' + (value / 10));
        text[2] = (char)('0' + (value % 10));
        return 3;
    }

    /// <summary><c>strftime('%b %d %I:%M %p')</c> of a Unix time in the given zone, with English month names.</summary>
    public static string StopTime(long unixSeconds, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds(unixSeconds), zone);
        return local.ToString("MMM dd hh:mm tt", CultureInfo.InvariantCulture);
    }
}
