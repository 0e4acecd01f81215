using Supervisor.Abstractions;

namespace Supervisor.Host.Processes;

/// <summary>
/// Everything readers see of the engine at one instant, immutable. The loop publishes a new one after a
/// pass that changed something; readers take the current reference without locks.
/// </summary>
internal sealed class EngineSnapshot
{
    public static readonly EngineSnapshot Empty = new([], [], []);

    public EngineSnapshot(IReadOnlyList<ProcessGroupInfo> groups, IReadOnlyList<ProcessInfo> lexical, IReadOnlyList<ProcessConfigInfo> configInfo)
    {
        Groups = groups;
        Lexical = lexical;
        ConfigInfo = configInfo;
        GroupsByName = groups.ToDictionary(g => g.Name, StringComparer.Ordinal);
    }

    /// <summary>Active groups in priority order, processes in priority order.</summary>
    public IReadOnlyList<ProcessGroupInfo> Groups { get; }

    /// <summary>Every process by group name then process name (getAllProcessInfo's order).</summary>
    public IReadOnlyList<ProcessInfo> Lexical { get; }

    /// <summary>The pending configuration as getAllConfigInfo reports it.</summary>
    public IReadOnlyList<ProcessConfigInfo> ConfigInfo { get; }

    public IReadOnlyDictionary<string, ProcessGroupInfo> GroupsByName { get; }

    public ProcessInfo? FindProcess(string group, string name)
    {
        if (!GroupsByName.TryGetValue(group, out var found))
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
