using System.Text;
using System.Text.RegularExpressions;

namespace Supervisor.Host.Tests.Support;

/// <summary>
/// Normalization of what supervisorctl printed (so two runs of the same scenario, or the reference client's and
/// ours, compare equal) and a readable line diff for when they do not. The client's tests compile this file in.
/// </summary>
internal static partial class Transcript
{
    /// <summary>
    /// Replaces what legitimately differs between two runs: the temp directory, the client's own path (it names
    /// itself in usage and error lines), pids, uptimes, dates, log timestamps, the random suffix of AUTO log files,
    /// the loopback port, and the Python source location the reference client adds to an unhandled error (ours
    /// does not: README, Differences from Supervisor).
    /// </summary>
    public static string Normalize(string text, string? directory = null, string? programPath = null)
    {
        if (programPath is not null)
        {
            text = text.Replace(programPath, "PROG", StringComparison.Ordinal);
        }

        if (directory is not null)
        {
            text = text.Replace(directory, "<DIR>", StringComparison.Ordinal);
        }

        text = PidPattern().Replace(text, "pid <PID>");
        text = UptimePattern().Replace(text, "uptime <UPTIME>");
        text = DatePattern().Replace(text, "<DATE>");
        text = TimestampPattern().Replace(text, "<TS>");
        text = AutoLogPattern().Replace(text, "---$1-<RANDOM>.log");
        text = PortPattern().Replace(text, "127.0.0.1:<PORT>");
        text = SourceLocation().Replace(text, "");
        return text;
    }

    /// <summary>Lines that are a bare non-zero number (the output of <c>pid</c>) become <c>&lt;PID&gt;</c>; 0 stays.</summary>
    public static string NormalizePidLines(string text) => BarePidLine().Replace(text, "<PID>");

    /// <summary>Sorts the lines (for outputs printed in completion order, which is timing).</summary>
    public static string SortLines(string text)
    {
        var lines = text.Split('\n').Where(l => l.Length > 0).Order(StringComparer.Ordinal);
        return string.Concat(lines.Select(l => l + "\n"));
    }

    /// <summary>
    /// Sorts the stop part and the start part of a <c>restart</c> output separately: the stop part is the
    /// leading run of lines that report a stop (<c>stopped</c>, <c>not running</c>).
    /// </summary>
    public static string SortRestart(string text)
    {
        var lines = text.Split('\n').Where(l => l.Length > 0).ToList();
        var stops = lines.TakeWhile(l => l.EndsWith(": stopped", StringComparison.Ordinal) || l.EndsWith(": ERROR (not running)", StringComparison.Ordinal)).Count();
        return SortLines(string.Join('\n', lines.Take(stops))) + SortLines(string.Join('\n', lines.Skip(stops)));
    }

    /// <summary>
    /// The structure of a main-log tail: whether there are log lines, whether every whole line is
    /// <c>&lt;TS&gt; LEVL message</c>, and the distinct process-life lines (spawned/success/exited/stopped/gave up)
    /// it contains, sorted. The exact bytes (and so the cut of the first line) depend on the daemon's wording.
    /// </summary>
    public static string LogStructure(string normalized)
    {
        var lines = normalized.Split('\n').Where(l => l.Length > 0).ToList();
        if (lines.Count > 0 && !lines[0].StartsWith("<TS> ", StringComparison.Ordinal))
        {
            lines.RemoveAt(0); // cut in the middle by the byte offset
        }

        var wellFormed = lines.Count > 0 && lines.All(l => LogLine().IsMatch(l));
        var facts = lines.Select(l => LifeLine().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).Distinct().Order(StringComparer.Ordinal);
        var result = new StringBuilder()
            .Append("log lines: ").Append(lines.Count > 0 ? "yes" : "no").Append('\n')
            .Append("all lines '<TS> LEVL message': ").Append(wellFormed ? "yes" : "no").Append('\n');
        foreach (var fact in facts)
        {
            result.Append("  ").Append(fact).Append('\n');
        }

        return result.ToString();
    }

    /// <summary>Fails with a line diff (<c>-</c> expected side, <c>+</c> actual side) unless both transcripts are equal.</summary>
    public static void AssertEqual(string expected, string actual, string expectedName, string actualName)
    {
        if (expected == actual)
        {
            return;
        }

        Assert.Fail($"transcripts differ (- {expectedName}, + {actualName}):\n{Diff(expected, actual)}\n\n=== {expectedName} ===\n{expected}\n=== {actualName} ===\n{actual}");
    }

    /// <summary>A line diff from the longest common subsequence; equal lines are prefixed with two spaces.</summary>
    public static string Diff(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var diff = new StringBuilder();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                diff.Append("  ").Append(Visible(a[x])).Append('\n');
                x++;
                y++;
            }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                diff.Append("- ").Append(Visible(a[x])).Append('\n');
                x++;
            }
            else
            {
                diff.Append("+ ").Append(Visible(b[y])).Append('\n');
                y++;
            }
        }

        return diff.ToString();
    }

    /// <summary>Trailing spaces shown as <c>·</c> so a padding difference is visible in a diff.</summary>
    private static string Visible(string line)
    {
        var trimmed = line.TrimEnd(' ');
        return trimmed + new string('·', line.Length - trimmed.Length);
    }

    [GeneratedRegex(@"pid \d+")]
    private static partial Regex PidPattern();

    [GeneratedRegex(@"uptime (\d+ days?, )?\d+:\d\d:\d\d")]
    private static partial Regex UptimePattern();

    [GeneratedRegex(@"\b[A-Z][a-z]{2} \d{1,2} \d{1,2}:\d\d [AP]M\b")]
    private static partial Regex DatePattern();

    [GeneratedRegex(@"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}")]
    private static partial Regex TimestampPattern();

    // AUTO log names: <program>-<channel>---<identifier>-<random>.log
    [GeneratedRegex(@"---([A-Za-z0-9_.]+)-[A-Za-z0-9_]+\.log")]
    private static partial Regex AutoLogPattern();

    [GeneratedRegex(@"127\.0\.0\.1:\d+")]
    private static partial Regex PortPattern();

    [GeneratedRegex(@": file: [^\n]* line: \d+$", RegexOptions.Multiline)]
    private static partial Regex SourceLocation();

    [GeneratedRegex(@"^[1-9]\d*$", RegexOptions.Multiline)]
    private static partial Regex BarePidLine();

    [GeneratedRegex(@"^<TS> (CRIT|ERRO|WARN|INFO|DEBG|TRAC|BLAT) \S")]
    private static partial Regex LogLine();

    [GeneratedRegex(@"^<TS> [A-Z]{4} ((spawned|success|exited|stopped|gave up): .*)$")]
    private static partial Regex LifeLine();
}
