using Supervisor.Host.Tests.Compat;

namespace Supervisor.Host.Tests.Events.Compat;

/// <summary>Runs one listener scenario against two daemons at the same time (each with its own directory, socket and port).</summary>
internal static class ListenerSideBySide
{
    public static async Task<(string Left, string Right)> RunAsync(ListenerScenario scenario, Implementation left, Implementation right)
    {
        var leftRun = ListenerRun.TranscriptAsync(left, scenario);
        var rightRun = ListenerRun.TranscriptAsync(right, scenario);
        await Task.WhenAll(leftRun, rightRun);
        // Same variable as the supervisorctl harness: keep the transcripts to read them.
        var dump = Environment.GetEnvironmentVariable(SideBySide.DumpVariable);
        if (!string.IsNullOrEmpty(dump))
        {
            Directory.CreateDirectory(dump);
            await File.WriteAllTextAsync(Path.Combine(dump, $"listener-{scenario.Name}.1-{left}.txt".ToLowerInvariant()), await leftRun);
            await File.WriteAllTextAsync(Path.Combine(dump, $"listener-{scenario.Name}.2-{right}.txt".ToLowerInvariant()), await rightRun);
        }

        return (await leftRun, await rightRun);
    }
}
