using System.Globalization;
using Supervisor.Abstractions;

namespace Supervisor;

/// <summary>The <c>statename</c> and <c>description</c> texts of <c>getProcessInfo</c> (xmlrpc-api.md §1.2, §6.2).</summary>
internal static class ProcessDescriptions
{
    /// <summary>
    /// RUNNING: <c>pid N, uptime H:MM:SS</c>; BACKOFF/FATAL: the spawn error; STOPPED/EXITED: the stop
    /// time in <paramref name="zone"/> (<c>Nov 21 04:51 AM</c>) or <c>Not started</c>; otherwise empty.
    /// Times are Unix seconds as the struct carries them.
    /// </summary>
    public static string Describe(ProcessState state, string name, int pid, string spawnError, long start, long stop, long now, TimeZoneInfo zone) => state switch
    {
        ProcessState.Running => $"pid {pid}, uptime {Uptime(now - start)}",
        ProcessState.Backoff or ProcessState.Fatal => spawnError.Length > 0 ? spawnError : $"unknown error (try \"tail {name}\")",
        ProcessState.Stopped or ProcessState.Exited => start != 0 ? StopTime(stop, zone) : "Not started",
        _ => "",
    };

    /// <summary>Python's <c>str(timedelta)</c> for whole seconds: <c>0:02:29</c>, <c>1 day, 3:04:05</c>; negative is zero.</summary>
    public static string Uptime(long seconds)
    {
        seconds = Math.Max(0, seconds);
        var days = seconds / 86400;
        var rest = seconds % 86400;
        var clock = string.Create(CultureInfo.InvariantCulture, $"{rest / 3600}:{rest / 60 % 60:00}:{rest % 60:00}");
        return days == 0 ? clock : string.Create(CultureInfo.InvariantCulture, $"{days} day{(days == 1 ? "" : "s")}, {clock}");
    }

    /// <summary><c>strftime('%b %d %I:%M %p')</c> of a Unix time in the given zone, with English month names.</summary>
    public static string StopTime(long unixSeconds, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds(unixSeconds), zone);
        return local.ToString("MMM dd hh:mm tt", CultureInfo.InvariantCulture);
    }
}
