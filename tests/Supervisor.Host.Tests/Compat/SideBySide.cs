namespace Supervisor.Host.Tests.Compat;

/// <summary>Runs one scenario against two daemons at the same time (each with its own directory, socket and port).</summary>
internal static class SideBySide
{
    /// <summary>When set, each transcript is also written to <c>$COMPAT_TRANSCRIPTS/&lt;scenario&gt;.&lt;side&gt;.txt</c> for reading.</summary>
    public const string DumpVariable = "COMPAT_TRANSCRIPTS";

    public static async Task<(string Left, string Right)> RunAsync(Scenario scenario, Implementation left, Implementation right)
    {
        var leftRun = ScenarioRun.TranscriptAsync(left, scenario);
        var rightRun = ScenarioRun.TranscriptAsync(right, scenario);
        await Task.WhenAll(leftRun, rightRun);
        var dump = Environment.GetEnvironmentVariable(DumpVariable);
        if (!string.IsNullOrEmpty(dump))
        {
            Directory.CreateDirectory(dump);
            await File.WriteAllTextAsync(Path.Combine(dump, $"{scenario.Name}.1-{left}.txt".ToLowerInvariant()), await leftRun);
            await File.WriteAllTextAsync(Path.Combine(dump, $"{scenario.Name}.2-{right}.txt".ToLowerInvariant()), await rightRun);
        }

        return (await leftRun, await rightRun);
    }
}
