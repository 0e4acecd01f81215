using System.Globalization;
using Supervisor.Abstractions;
using Supervisor.Host.Config;
using Supervisor.Host.Processes.Output;
using Supervisor.Host.Processes.Spawning;

namespace Supervisor.Host.Processes;

/// <summary>
/// What callers ask of the engine, in the reference's order of checks (Supervisor's
/// <c>supervisor/rpcinterface.py</c>, <c>SupervisorNamespaceRPCInterface</c>). Every method runs on the
/// loop thread (<see cref="ProcessEngine.Invoke{T}"/>) and refuses with an <see cref="EngineException"/>;
/// the facade turns refusals into faults. A start or stop with a wait returns a task that completes after
/// a later pass, once the process reaches the awaited state.
/// </summary>
internal sealed class EngineCommands(ProcessRegistry registry, EventRouter events, EngineServices services)
{
    /// <summary>The configuration as last read.</summary>
    public SupervisordConfig PendingConfig => registry.Pending;

    /// <summary>startProcess: the command must resolve, the process must not be running or unknown, then the spawn.</summary>
    public Task<ProcessInfo> Start(string group, string name, bool wait)
    {
        var process = registry.Find(group, name);
        var resolution = CommandResolver.Resolve(process.Config.Command, process.Config.Environment, services.DaemonEnvironment);
        if (resolution.Command is null)
        {
            throw new EngineException(resolution.Problem == CommandProblem.NoFile ? EngineError.CommandNotFound : EngineError.CommandNotExecutable, group, name, resolution.Error);
        }

        if (ProcessStateSets.IsRunning(process.State))
        {
            throw new EngineException(EngineError.AlreadyStarted, group, name);
        }

        if (process.State == ProcessState.Unknown)
        {
            throw new EngineException(EngineError.UnknownState, group, name);
        }

        process.Spawn();
        if (process.SpawnError is not null)
        {
            throw new EngineException(EngineError.SpawnFailed, group, name);
        }

        process.Transition(services.Now(), acceptingSpawns: false);
        if (!wait || process.State == ProcessState.Running)
        {
            return Task.FromResult(process.Snapshot);
        }

        var completion = new TaskCompletionSource<ProcessInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.AddWaiter(
            p => p.SpawnError is not null ? WaitOutcome.Fail(new EngineException(EngineError.SpawnFailed, group, name))
                : p.State is not (ProcessState.Starting or ProcessState.Running) ? WaitOutcome.Fail(new EngineException(EngineError.ExitedWhileStarting, group, name))
                : p.State == ProcessState.Running ? WaitOutcome.Done
                : WaitOutcome.Wait,
            completion);
        return completion.Task;
    }

    /// <summary>stopProcess: NOT_RUNNING unless in the running set; with <paramref name="wait"/>, completes once stopped.</summary>
    public Task<ProcessInfo> Stop(string group, string name, bool wait)
    {
        var process = registry.Find(group, name);
        if (!ProcessStateSets.IsRunning(process.State))
        {
            throw new EngineException(EngineError.NotRunning, group, name);
        }

        if (process.Stop() is { } failure)
        {
            throw new EngineException(EngineError.SignalFailed, group, name, failure);
        }

        if (!wait || ProcessStateSets.IsStopped(process.State))
        {
            return Task.FromResult(process.Snapshot);
        }

        process.StopReport();
        var completion = new TaskCompletionSource<ProcessInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.AddWaiter(p => ProcessStateSets.IsStopped(p.State) ? WaitOutcome.Done : WaitOutcome.Wait, completion);
        return completion.Task;
    }

    /// <summary>signalProcess: to the pid only; NOT_RUNNING unless signallable.</summary>
    public ProcessInfo Signal(string group, string name, int signal)
    {
        var process = registry.Find(group, name);
        if (!ProcessStateSets.IsSignallable(process.State))
        {
            throw new EngineException(EngineError.NotRunning, group, name);
        }

        if (process.Signal(signal) is { } failure)
        {
            throw new EngineException(EngineError.SignalFailed, group, name, failure);
        }

        return process.Snapshot;
    }

    /// <summary>
    /// sendProcessStdin: NOT_RUNNING without a child or while stopping; StdinClosed once stdin is closed;
    /// StdinFull, with nothing written, when the bytes the child has not read yet plus these would pass
    /// <see cref="ChildPipes.StdinLimit"/> (the facade makes that FAILED: none of Supervisor's codes means
    /// "try again later", and NO_FILE would tell the caller stdin is gone for good).
    /// </summary>
    public void WriteStdin(string group, string name, ReadOnlyMemory<byte> data)
    {
        var process = registry.Find(group, name);
        if (!process.HasLiveChild || process.Killing)
        {
            throw new EngineException(EngineError.NotRunning, group, name);
        }

        switch (process.WriteStdin(data, ChildPipes.StdinLimit, out var pending))
        {
            case StdinWriteResult.Closed:
                throw new EngineException(EngineError.StdinClosed, group, name);
            case StdinWriteResult.Full:
                throw new EngineException(EngineError.StdinFull, group, name, StdinFullText(pending, data.Length));
        }
    }

    internal static string StdinFullText(int pending, int length) => string.Create(
        CultureInfo.InvariantCulture,
        $"{pending} bytes pending, {length} more would exceed the limit of {ChildPipes.StdinLimit} bytes; nothing was written (retry when the child has read its input)");

    public void ClearLogs(string group, string name)
    {
        var process = registry.Find(group, name);
        try
        {
            process.ClearLogs();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EngineException(EngineError.LogsNotCleared, group, name, e.Message);
        }
    }

    /// <summary>reloadConfig: make <paramref name="config"/> pending and report how it differs from the active groups.</summary>
    public ConfigChanges Reread(SupervisordConfig config)
    {
        if (events.Types.UnknownInPools(config.Groups) is { Count: > 0 } unknownTypes)
        {
            throw new EngineException(EngineError.ConfigurationRefused, detail: string.Join("\n", unknownTypes));
        }

        registry.Reread(config);
        var active = registry.Groups.ToDictionary(g => g.Name, StringComparer.Ordinal);
        var configured = config.Groups.Select(g => g.Name).ToHashSet(StringComparer.Ordinal);
        var added = config.Groups.Where(g => !active.ContainsKey(g.Name)).Select(g => g.Name).ToList();
        var changed = config.Groups.Where(g => active.TryGetValue(g.Name, out var current) && !current.Config.Equals(g)).Select(g => g.Name).ToList();
        var removed = registry.Groups.Where(g => !configured.Contains(g.Name)).Select(g => g.Name).ToList();
        return new ConfigChanges(added, changed, removed);
    }

    /// <summary>addProcessGroup: activate a group of the pending configuration.</summary>
    public void AddGroup(string name)
    {
        if (registry.IsActive(name))
        {
            throw new EngineException(EngineError.AlreadyActive, name);
        }

        var config = registry.Pending.Groups.FirstOrDefault(g => g.Name == name) ?? throw new EngineException(EngineError.NoSuchConfiguredGroup, name);
        registry.Activate(config);
    }

    /// <summary>removeProcessGroup: deactivate a group whose processes are all stopped.</summary>
    public void RemoveGroup(string name)
    {
        var group = registry.FindGroup(name) ?? throw new EngineException(EngineError.NoSuchGroup, name);
        if (group.Unstopped.Any())
        {
            throw new EngineException(EngineError.StillRunning, name);
        }

        registry.Remove(group);
    }

    /// <summary>Adds processes to an active group at run time (supervisor_twiddler's addProgramToGroup).</summary>
    public IReadOnlyList<ProcessInfo> AddProcesses(string groupName, IReadOnlyList<ProcessConfig> configs)
    {
        var group = registry.FindGroup(groupName) ?? throw new EngineException(EngineError.NoSuchGroup, groupName);
        foreach (var config in configs)
        {
            if (group.Find(config.Name) is not null)
            {
                throw new EngineException(EngineError.AlreadyActive, groupName, config.Name);
            }
        }

        return [.. registry.AddProcesses(group, configs).Select(p => p.Snapshot)];
    }

    /// <summary>Removes one stopped process from an active group (supervisor_twiddler's removeProcessFromGroup).</summary>
    public void RemoveProcess(string groupName, string name)
    {
        var group = registry.FindGroup(groupName) ?? throw new EngineException(EngineError.NoSuchGroup, groupName);
        var process = group.Find(name) ?? throw new EngineException(EngineError.NoSuchProcess, groupName, name);
        if (!ProcessStateSets.IsStopped(process.State))
        {
            throw new EngineException(EngineError.StillRunning, groupName, name);
        }

        registry.RemoveProcess(group, process);
    }
}
