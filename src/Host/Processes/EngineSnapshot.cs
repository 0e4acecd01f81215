using Supervisor.Abstractions;

namespace Supervisor.Host.Processes;

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
    public EngineSnapshot(IReadOnlyList<ProcessGroupInfo> groups, IReadOnlyList<ProcessInfo> lexical, IReadOnlyList<ProcessConfigInfo> configInfo, IReadOnlyDictionary<string, int> groupIndex)
    {
        Groups = groups;
        Lexical = lexical;
        ConfigInfo = configInfo;
        _groupIndex = groupIndex;
    }

    /// <summary>Active groups in priority order, processes in priority order.</summary>
    public IReadOnlyList<ProcessGroupInfo> Groups { get; }

    /// <summary>Every process by group name then process name (getAllProcessInfo's order).</summary>
    public IReadOnlyList<ProcessInfo> Lexical { get; }

    /// <summary>The pending configuration as getAllConfigInfo reports it.</summary>
    public IReadOnlyList<ProcessConfigInfo> ConfigInfo { get; }

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
