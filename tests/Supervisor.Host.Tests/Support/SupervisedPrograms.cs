using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Supervisor.Host.Tests.Support;

/// <summary>
/// Helpers for tests that run real child processes under the daemon: a config with the standard
/// sections plus program sections (child logs in the temp directory), state polling through
/// <c>supervisor.getProcessInfo</c>, main-log reading and /proc checks.
/// </summary>
internal static partial class SupervisedPrograms
{
    /// <summary>Starts the daemon with <paramref name="programSections"/> (a template: {dir}, {sock}, {port}).</summary>
    public static Task<RunningDaemon> StartAsync(string programSections, Action<TempDirectory>? prepare = null, string loglevel = "info") =>
        RunningDaemon.StartAsync(
            RunningDaemon.StandardSections + $"\n[supervisord]\nchildlogdir = {{dir}}\nloglevel = {loglevel}\n\n" + programSections,
            prepare);

    /// <summary>Writes an executable shell script into the temp directory and returns its path.</summary>
    public static string Script(this TempDirectory directory, string name, string body) =>
        directory.WriteExecutable(name, "#!/bin/sh\n" + body + "\n");

    public static async Task<Dictionary<string, object?>> InfoAsync(this RunningDaemon daemon, string name) =>
        (Dictionary<string, object?>)(await daemon.Unix.ValueAsync("supervisor.getProcessInfo", name))!;

    public static async Task<string> StateAsync(this RunningDaemon daemon, string name) =>
        (string)(await daemon.InfoAsync(name))["statename"]!;

    /// <summary>Polls until <paramref name="name"/> is in <paramref name="state"/>; fails with the last state seen.</summary>
    public static async Task<Dictionary<string, object?>> WaitForStateAsync(this RunningDaemon daemon, string name, string state, double seconds = 10)
    {
        var clock = Stopwatch.StartNew();
        Dictionary<string, object?> info;
        do
        {
            info = await daemon.InfoAsync(name);
            if ((string)info["statename"]! == state)
            {
                return info;
            }

            await Task.Delay(20);
        }
        while (clock.Elapsed.TotalSeconds < seconds);

        throw new Xunit.Sdk.XunitException($"{name} did not reach {state} within {seconds} s; last: {info["statename"]} ({info["spawnerr"]})\n{daemon.MainLog()}");
    }

    /// <summary>Polls until <paramref name="condition"/> holds.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, double seconds = 10)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed.TotalSeconds > seconds)
            {
                throw new Xunit.Sdk.XunitException($"timed out waiting for {what}");
            }

            await Task.Delay(20);
        }
    }

    public static string MainLog(this RunningDaemon daemon) =>
        File.Exists(daemon.LogPath) ? File.ReadAllText(daemon.LogPath) : "";

    /// <summary>Main-log lines containing <paramref name="fragment"/>, without their timestamp and level.</summary>
    public static List<string> LogLines(this RunningDaemon daemon, string fragment) =>
        [.. daemon.MainLog().Split('\n').Where(l => l.Contains(fragment, StringComparison.Ordinal)).Select(l => l.Length > 29 ? l[29..] : l)];

    /// <summary>True while <paramref name="pid"/> exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        try
        {
            var text = File.ReadAllText(stat);
            var state = text[(text.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state != "Z" && state != "X";
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>True once <paramref name="pid"/> has left /proc entirely (dead and reaped).</summary>
    public static bool IsGone(int pid) => !Directory.Exists($"/proc/{pid}");

    /// <summary>The process group of <paramref name="pid"/> (field 5 of /proc/pid/stat).</summary>
    public static int ProcessGroupOf(int pid)
    {
        var text = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(text[(text.LastIndexOf(')') + 2)..].Split(' ')[2], CultureInfo.InvariantCulture);
    }

    public static int ReadPid(string path) => int.Parse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture);

    /// <summary>The pid in a <c>spawned: 'x' with pid N</c> line.</summary>
    public static List<int> SpawnedPids(this RunningDaemon daemon, string name) =>
        [.. SpawnedLine().Matches(daemon.MainLog()).Where(m => m.Groups[1].Value == name).Select(m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))];

    [GeneratedRegex(@"spawned: '([^']+)' with pid (\d+)")]
    private static partial Regex SpawnedLine();
}
