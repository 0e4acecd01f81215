using Supervisor.Abstractions;
using Supervisor.Host.Config;

namespace Supervisor.Host.Processes;

/// <summary>One process of the configuration as last read, as the engine knows it.</summary>
/// <param name="Group">Its group's configuration.</param>
/// <param name="Process">Its configuration.</param>
/// <param name="InUse">Whether its group is active.</param>
/// <param name="StdoutLog">The AUTO stdout log it was given when this configuration was activated, if it was.</param>
/// <param name="StderrLog">The same for stderr.</param>
internal sealed record ConfiguredProcess(ProcessGroupConfig Group, ProcessConfig Process, bool InUse, string? StdoutLog, string? StderrLog);

/// <summary>
/// Everything readers see of the engine at one instant, immutable. The loop publishes a new one after a
/// pass that changed something; readers take the current reference without locks.
/// </summary>
internal sealed class EngineSnapshot
{
    public static readonly EngineSnapshot Empty = new([], [], [], new Dictionary<string, int>());

    private readonly IReadOnlyDictionary<string, int> _groupIndex;

    /// <param name="groupIndex">
    /// Each group's position in <paramref name="groups"/> by name. It changes only when groups come or go,
    /// so successive snapshots share it rather than each building a dictionary (a launch publishes one
    /// snapshot per state change).
    /// </param>
    public EngineSnapshot(IReadOnlyList<ProcessGroupInfo> groups, IReadOnlyList<ProcessInfo> lexical, IReadOnlyList<ConfiguredProcess> configured, IReadOnlyDictionary<string, int> groupIndex)
    {
        Groups = groups;
        Lexical = lexical;
        Configured = configured;
        _groupIndex = groupIndex;
    }

    /// <summary>Active groups in priority order, processes in priority order.</summary>
    public IReadOnlyList<ProcessGroupInfo> Groups { get; }

    /// <summary>Every process by group name then process name (getAllProcessInfo's order).</summary>
    public IReadOnlyList<ProcessInfo> Lexical { get; }

    /// <summary>The pending configuration, in configuration order (the same list until groups or processes come or go).</summary>
    public IReadOnlyList<ConfiguredProcess> Configured { get; }

    public ProcessGroupInfo? FindGroup(string name) =>
        _groupIndex.TryGetValue(name, out var index) ? Groups[index] : null;

    public ProcessInfo? FindProcess(string group, string name)
    {
        if (FindGroup(group) is not { } found)
        {
            return null;
        }

        foreach (var process in found.Processes)
        {
            if (process.Name == name)
            {
                return process;
            }
        }

        return null;
    }
}
