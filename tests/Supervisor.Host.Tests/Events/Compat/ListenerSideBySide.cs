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
        await DumpAsync($"{scenario.Name}.1-{left}", await leftRun);
        await DumpAsync($"{scenario.Name}.2-{right}", await rightRun);
        return (await leftRun, await rightRun);
    }

    /// <summary>One run on its own (the TICK_5 checks), its transcript kept like a side-by-side one.</summary>
    public static async Task<string> RunAloneAsync(ListenerScenario scenario, Implementation implementation)
    {
        var transcript = await ListenerRun.TranscriptAsync(implementation, scenario);
        await DumpAsync($"{scenario.Name}.{implementation}", transcript);
        return transcript;
    }

    /// <summary>Same variable as the supervisorctl harness: <c>$COMPAT_TRANSCRIPTS/listener-&lt;name&gt;.txt</c>, to read them.</summary>
    private static async Task DumpAsync(string name, string transcript)
    {
        var dump = Environment.GetEnvironmentVariable(SideBySide.DumpVariable);
        if (!string.IsNullOrEmpty(dump))
        {
            Directory.CreateDirectory(dump);
            await File.WriteAllTextAsync(Path.Combine(dump, $"listener-{name}.txt".ToLowerInvariant()), transcript);
        }
    }
}
