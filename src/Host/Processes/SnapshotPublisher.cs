using Supervisor.Abstractions;

namespace Supervisor.Host.Processes;

/// <summary>
/// Makes the immutable <see cref="EngineSnapshot"/> readers see, from the <see cref="ProcessRegistry"/>, on
/// the loop thread. A snapshot costs two arrays of references: each group and process caches its own
/// info until it changes, and the orders in it are recomputed only when groups or processes come or go
/// (a launch publishes once per state change, so sorting on every publish was quadratic).
/// </summary>
internal sealed class SnapshotPublisher(ProcessRegistry registry)
{
    private SupervisedProcess[] _lexicalProcesses = [];
    private IReadOnlyDictionary<string, int> _groupIndex = new Dictionary<string, int>();
    private volatile EngineSnapshot _snapshot = EngineSnapshot.Empty;

    /// <summary>The latest published state. Safe from any thread.</summary>
    public EngineSnapshot Current => _snapshot;

    /// <summary>Publishes a new snapshot if the registry changed since the last one.</summary>
    public void PublishIfChanged()
    {
        if (registry.Changed)
        {
            Publish();
        }
    }

    public void Publish()
    {
        var structureChanged = registry.StructureChanged;
        registry.Changed = false;
        registry.StructureChanged = false;
        var active = registry.Groups;
        if (structureChanged)
        {
            _lexicalProcesses = [.. active
                .OrderBy(g => g.Name, StringComparer.Ordinal)
                .SelectMany(g => g.Processes.OrderBy(p => p.Name, StringComparer.Ordinal))];
            var index = new Dictionary<string, int>(active.Count, StringComparer.Ordinal);
            for (var i = 0; i < active.Count; i++)
            {
                index[active[i].Name] = i;
            }

            _groupIndex = index;
        }

        var groups = new ProcessGroupInfo[active.Count];
        for (var i = 0; i < groups.Length; i++)
        {
            groups[i] = active[i].Snapshot;
        }

        var lexical = new ProcessInfo[_lexicalProcesses.Length];
        for (var i = 0; i < lexical.Length; i++)
        {
            lexical[i] = _lexicalProcesses[i].Snapshot;
        }

        var configured = structureChanged || _snapshot.Configured.Count == 0 ? BuildConfigured() : _snapshot.Configured;
        _snapshot = new EngineSnapshot(groups, lexical, configured, _groupIndex);
    }

    /// <summary>
    /// Every process of the pending configuration, in configuration order, with whether its group is active
    /// and the AUTO log paths it was activated with (the facade shapes and sorts them for getAllConfigInfo).
    /// </summary>
    private List<ConfiguredProcess> BuildConfigured()
    {
        var result = new List<ConfiguredProcess>();
        foreach (var groupConfig in registry.Pending.Groups)
        {
            var inUse = registry.IsActive(groupConfig.Name);
            foreach (var process in groupConfig.Processes)
            {
                var activated = registry.ActivatedLogs(process);
                result.Add(new ConfiguredProcess(groupConfig, process, inUse, activated.Stdout, activated.Stderr));
            }
        }

        return result;
    }
}
