using Supervisor.Abstractions;

namespace Supervisor.Host.Processes;

/// <summary>
/// The published snapshot of every active process group. The process engine (the single loop that
/// owns process state) replaces the snapshot after each change; readers take it without locks. Until
/// program sections are supervised, the engine publishes no groups and the table is empty.
/// </summary>
internal sealed class ProcessTable : IProcessTable
{
    private volatile Snapshot _snapshot = new([], []);

    public IReadOnlyList<ProcessGroupInfo> Groups => _snapshot.Groups;

    public IReadOnlyList<ProcessInfo> AllProcesses => _snapshot.AllProcesses;

    public ProcessGroupInfo? FindGroup(string name) => _snapshot.Groups.FirstOrDefault(g => g.Name == name);

    public ProcessInfo? FindProcess(string group, string name) =>
        FindGroup(group)?.Processes.FirstOrDefault(p => p.Name == name);

    /// <summary>Called by the owning loop only.</summary>
    public void Publish(IReadOnlyList<ProcessGroupInfo> groups)
    {
        var all = groups.SelectMany(g => g.Processes)
            .OrderBy(p => p.Group, StringComparer.Ordinal)
            .ThenBy(p => p.Name, StringComparer.Ordinal)
            .ToList();
        _snapshot = new Snapshot(groups, all);
    }

    private sealed record Snapshot(IReadOnlyList<ProcessGroupInfo> Groups, IReadOnlyList<ProcessInfo> AllProcesses);
}
