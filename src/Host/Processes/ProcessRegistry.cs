using Supervisor.Abstractions;
using Supervisor.Host.Config;
using Supervisor.Host.Processes.Listeners;
using Supervisor.Host.Processes.Output;

namespace Supervisor.Host.Processes;

/// <summary>
/// The engine's live state: the active groups in priority order, the configuration as last read, and
/// which pid belongs to which process. It makes groups active and takes them away; the loop thread alone
/// touches it. <see cref="Changed"/> and <see cref="StructureChanged"/> tell the
/// <see cref="SnapshotPublisher"/> what a pass changed.
/// </summary>
internal sealed class ProcessRegistry
{
    private readonly List<ProcessGroup> _groups = [];
    private readonly Dictionary<string, ProcessGroup> _groupsByName = new(StringComparer.Ordinal);
    private readonly Dictionary<int, SupervisedProcess> _byPid = [];
    private readonly SupervisordOptions _options;
    private readonly EventRouter _events;
    private readonly EngineServices _services;
    private readonly IMainLog _log;

    // The AUTO log paths given to each process configuration object when it was activated. getAllConfigInfo
    // shows them only for the configuration objects of the pending configuration that were activated since
    // it was read: the reference resolves AUTO on the object itself when its group is added
    // (supervisord.py add_process_group, options.py create_autochildlogs), and reloadConfig brings new,
    // unresolved objects ('auto') even for groups left running.
    private readonly Dictionary<ProcessConfig, (string? Stdout, string? Stderr)> _activatedLogs = new(ReferenceEqualityComparer.Instance);

    /// <param name="config">The configuration the daemon started with: the first pending one, and the AUTO log settings.</param>
    public ProcessRegistry(SupervisordConfig config, EventRouter events, EngineServices services)
    {
        _options = config.Supervisord;
        Pending = config;
        _events = events;
        _services = services;
        _log = services.Log;
    }

    /// <summary>Active groups by priority, ties in activation order.</summary>
    public IReadOnlyList<ProcessGroup> Groups => _groups;

    /// <summary>The configuration as last read (at start-up or by reloadConfig): what addProcessGroup activates.</summary>
    public SupervisordConfig Pending { get; private set; }

    /// <summary>Something readers see changed since the last snapshot.</summary>
    public bool Changed { get; set; } = true;

    /// <summary>Groups or processes came or went since the last snapshot (orders must be recomputed).</summary>
    public bool StructureChanged { get; set; } = true;

    public IEnumerable<SupervisedProcess> AllProcesses => _groups.SelectMany(g => g.Processes);

    public ProcessGroup? FindGroup(string name) => _groupsByName.GetValueOrDefault(name);

    public bool IsActive(string group) => _groupsByName.ContainsKey(group);

    /// <summary>The process, or the engine's NoSuchProcess refusal.</summary>
    public SupervisedProcess Find(string group, string name) =>
        FindGroup(group)?.Find(name) ?? throw new EngineException(EngineError.NoSuchProcess, group, name);

    /// <summary>The AUTO log paths <paramref name="process"/> was activated with, if it was activated since it was read.</summary>
    public (string? Stdout, string? Stderr) ActivatedLogs(ProcessConfig process) =>
        _activatedLogs.TryGetValue(process, out var paths) ? paths : default;

    /// <summary>reloadConfig: <paramref name="config"/> becomes the pending configuration.</summary>
    public void Reread(SupervisordConfig config)
    {
        Pending = config;
        _activatedLogs.Clear();
        MarkStructureChanged();
    }

    /// <summary>Makes a group active: AUTO log files are created now and PROCESS_GROUP_ADDED goes out.</summary>
    public void Activate(ProcessGroupConfig config)
    {
        EventListenerPool? pool = null;
        if (config.Pool is { } poolConfig)
        {
            // Subscribed from activation on, so the pool hears its own PROCESS_GROUP_ADDED.
            pool = new EventListenerPool(config.Name, poolConfig, _options.Identifier, _events.Types, _log);
            _events.AddPool(pool);
        }

        var processes = config.Processes.Select(p => NewProcess(p, config.Name, pool)).ToList();
        var group = new ProcessGroup(config, processes) { Pool = pool };

        // Priority order, ties in activation order: the new group goes after every group whose priority
        // is not higher (a binary search, so activating thousands of groups stays linear-ish).
        int low = 0, high = _groups.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (_groups[middle].Priority <= group.Priority)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        _groups.Insert(low, group);
        _groupsByName[group.Name] = group;
        MarkStructureChanged();
        _events.Raise(new SupervisorEvent("PROCESS_GROUP_ADDED", $"groupname:{config.Name}\n"));
    }

    /// <summary>Takes an active group away (its processes are all stopped) and sends PROCESS_GROUP_REMOVED.</summary>
    public void Remove(ProcessGroup group)
    {
        _groups.Remove(group);
        _groupsByName.Remove(group.Name);
        if (group.Pool is { } pool)
        {
            _events.RemovePool(pool);
        }

        MarkStructureChanged();
        _events.Raise(new SupervisorEvent("PROCESS_GROUP_REMOVED", $"groupname:{group.Name}\n"));
    }

    /// <summary>Adds processes to an active group at run time, keeping (priority, name) order.</summary>
    public IReadOnlyList<SupervisedProcess> AddProcesses(ProcessGroup group, IReadOnlyList<ProcessConfig> configs)
    {
        var added = configs.Select(config => NewProcess(config, group.Name, group.Pool)).ToList();
        group.Processes.AddRange(added);
        group.Processes.Sort(static (a, b) => a.Config.Priority != b.Config.Priority
            ? a.Config.Priority.CompareTo(b.Config.Priority)
            : string.CompareOrdinal(a.Name, b.Name));
        group.Pool?.Order(group.Processes);
        group.Config = group.Config with { Processes = [.. group.Processes.Select(p => p.Config)] };
        group.Invalidate();
        MarkStructureChanged();
        return added;
    }

    /// <summary>Removes one stopped process from its active group.</summary>
    public void RemoveProcess(ProcessGroup group, SupervisedProcess process)
    {
        group.Processes.Remove(process);
        group.Pool?.Remove(process);
        group.Config = group.Config with { Processes = [.. group.Processes.Select(p => p.Config)] };
        group.Invalidate();
        MarkStructureChanged();
    }

    public void RegisterPid(int pid, SupervisedProcess process) => _byPid[pid] = process;

    public void UnregisterPid(int pid) => _byPid.Remove(pid);

    public SupervisedProcess? ByPid(int pid) => _byPid.GetValueOrDefault(pid);

    /// <summary>A process's state changed: its group's snapshot is stale and the next pass publishes.</summary>
    public void OnProcessChanged(SupervisedProcess process)
    {
        Changed = true;
        FindGroup(process.GroupName)?.Invalidate();
    }

    private void MarkStructureChanged()
    {
        StructureChanged = true;
        Changed = true;
    }

    private SupervisedProcess NewProcess(ProcessConfig config, string groupName, EventListenerPool? pool)
    {
        var stdoutLog = LogPath(config, config.Stdout, OutputChannel.Stdout);
        var stderrLog = config.RedirectStderr ? null : LogPath(config, config.Stderr, OutputChannel.Stderr);
        _activatedLogs[config] = (stdoutLog, stderrLog);
        var process = new SupervisedProcess(config, groupName, stdoutLog, stderrLog, _services);
        if (pool is not null)
        {
            process.Listener = pool.Add(process);
        }

        return process;
    }

    private string? LogPath(ProcessConfig process, ChildLogConfig log, OutputChannel channel)
    {
        if (!log.IsAuto)
        {
            return log.File;
        }

        try
        {
            return ChildLogDirectory.AutoLogName(_options.Childlogdir, process.Name, channel, _options.Identifier);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.Error($"could not create an AUTO log file for {process.Name} in {_options.Childlogdir}: {e.Message}");
            return null;
        }
    }
}
