using System.Text.RegularExpressions;

namespace Supervisor.Ctl.Tests.Support;

/// <summary>
/// What may differ between two runs of the same command and is not the client's doing: pids and
/// uptimes and stop times move between the two runs, the program names itself by its own path, and the reference
/// adds the Python source location to an unhandled error (ours does not: README, Differences).
/// </summary>
internal static partial class Transcript
{
    public static string Normalize(string text, string programPath)
    {
        text = text.Replace(programPath, "PROG", StringComparison.Ordinal);
        text = Uptime().Replace(text, "pid N, uptime T");
        text = StopTime().Replace(text, "DATE");
        text = SourceLocation().Replace(text, "");
        return text;
    }

    /// <summary>The lines sorted (results a bulk call prints in completion order).</summary>
    public static string SortLines(string text) =>
        string.Join('\n', text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)) + "\n";

    [GeneratedRegex(@"pid \d+, uptime \d+:\d\d:\d\d")]
    private static partial Regex Uptime();

    /// <summary>A stopped process's description: its stop time, which may be a minute later for the second client.</summary>
    [GeneratedRegex(@"\b[A-Z][a-z]{2} \d\d \d\d:\d\d [AP]M\b")]
    private static partial Regex StopTime();

    [GeneratedRegex(@": file: [^\n]* line: \d+$", RegexOptions.Multiline)]
    private static partial Regex SourceLocation();
}
