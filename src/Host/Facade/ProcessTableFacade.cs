using Supervisor.Abstractions;
using Supervisor.Host.Config;
using Supervisor.Host.Processes;

namespace Supervisor.Host.Facade;

/// <summary>
/// The process groups as plugins see them (<see cref="IProcessTable"/>). Reads come from the engine's
/// latest snapshot, without locks; every change is queued to the engine's loop and the returned task
/// completes when the loop has acted (or, for waits, when the awaited state is reached). The table
/// outlives restarts: it always talks to the current generation's engine. The engine's refusals become
/// faults here (<see cref="EngineFaults"/>), and its configuration becomes getAllConfigInfo's structs
/// (<see cref="ConfigInfoShapes"/>).
/// </summary>
internal sealed class ProcessTableFacade(Func<ConfigLoadResult> readConfig) : IProcessTable
{
    private volatile ProcessEngine? _engine;
    private volatile ConfigInfoShapes.Mapped _configInfo = ConfigInfoShapes.Mapped.Empty;

    /// <summary>Points the table at a new generation's engine (null while none runs).</summary>
    public void Attach(ProcessEngine? engine) => _engine = engine;

    private EngineSnapshot Snapshot => _engine?.Snapshot ?? EngineSnapshot.Empty;

    private ProcessEngine Engine => _engine ?? throw new RpcFaultException(FaultCode.ShutdownState);

    public IReadOnlyList<ProcessGroupInfo> Groups => Snapshot.Groups;

    public IReadOnlyList<ProcessInfo> AllProcesses => Snapshot.Lexical;

    /// <summary>Mapped once per configuration the engine publishes, not per call.</summary>
    public IReadOnlyList<ProcessConfigInfo> ConfigInfo
    {
        get
        {
            var configured = Snapshot.Configured;
            var mapped = _configInfo;
            if (!ReferenceEquals(mapped.Source, configured))
            {
                mapped = new ConfigInfoShapes.Mapped(configured, ConfigInfoShapes.Map(configured));
                _configInfo = mapped;
            }

            return mapped.Infos;
        }
    }

    public ProcessGroupInfo? FindGroup(string name) => Snapshot.FindGroup(name);

    public ProcessInfo? FindProcess(string group, string name) => Snapshot.FindProcess(group, name);

    public Task<ProcessInfo> StartAsync(string group, string name, bool wait, CancellationToken cancellationToken) =>
        EngineFaults.Translated(Engine.Invoke(() => Engine.Commands.Start(group, name, wait)).Unwrap().WaitAsync(cancellationToken));

    public Task<ProcessInfo> StopAsync(string group, string name, bool wait, CancellationToken cancellationToken) =>
        EngineFaults.Translated(Engine.Invoke(() => Engine.Commands.Stop(group, name, wait)).Unwrap().WaitAsync(cancellationToken));

    public Task<ProcessRequest> RequestStartAsync(string group, string name, bool wait, CancellationToken cancellationToken)
    {
        var engine = Engine;
        return Request(engine, () => engine.Commands.Start(group, name, wait), cancellationToken);
    }

    public Task<ProcessRequest> RequestStopAsync(string group, string name, bool wait, CancellationToken cancellationToken)
    {
        var engine = Engine;
        return Request(engine, () => engine.Commands.Stop(group, name, wait), cancellationToken);
    }

    public Task<ProcessInfo> SignalAsync(string group, string name, int signal, CancellationToken cancellationToken) =>
        EngineFaults.Translated(Engine.Invoke(() => Engine.Commands.Signal(group, name, signal)).WaitAsync(cancellationToken));

    public Task WriteStdinAsync(string group, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        Run(commands => commands.WriteStdin(group, name, data), cancellationToken);

    public Task ClearLogsAsync(string group, string name, CancellationToken cancellationToken) =>
        Run(commands => commands.ClearLogs(group, name), cancellationToken);

    /// <summary>
    /// Runs a start or stop on the loop and says whether it was decided there and then: the engine answers at
    /// once with a completed task, or with a waiter's, which completes only after a later publish. Telling the
    /// two apart by when their tasks are seen complete from another thread is a race (the order of a group
    /// start's entries changed from run to run).
    /// </summary>
    private static Task<ProcessRequest> Request(ProcessEngine engine, Func<Task<ProcessInfo>> act, CancellationToken cancellationToken) =>
        EngineFaults.Translated(engine.Invoke(() =>
        {
            Task<ProcessInfo> outcome;
            try
            {
                outcome = act();
            }
            catch (EngineException refused)
            {
                outcome = Task.FromException<ProcessInfo>(refused);
            }

            return new ProcessRequest(EngineFaults.Translated(outcome.WaitAsync(cancellationToken)), Waiting: !outcome.IsCompleted);
        }).WaitAsync(cancellationToken));

    public async Task<ConfigChanges> ReloadConfigAsync(CancellationToken cancellationToken)
    {
        var engine = Engine;

        // Parsing happens here, off the loop: a slow file system must not stall supervision.
        var result = await Task.Run(readConfig, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new RpcFaultException(FaultCode.CantReread, string.Join("\n", result.Errors));
        }

        return await EngineFaults.Translated(engine.Invoke(() => engine.Commands.Reread(result.Config!)).WaitAsync(cancellationToken)).ConfigureAwait(false);
    }

    public Task AddGroupAsync(string name, CancellationToken cancellationToken) =>
        Run(commands => commands.AddGroup(name), cancellationToken);

    public Task RemoveGroupAsync(string name, CancellationToken cancellationToken) =>
        Run(commands => commands.RemoveGroup(name), cancellationToken);

    public Task<IReadOnlyList<ProcessInfo>> AddProcessAsync(
        string group, string program, IReadOnlyDictionary<string, string> options, CancellationToken cancellationToken)
    {
        var engine = Engine;
        return EngineFaults.Translated(engine.Invoke(() =>
        {
            var parsed = ProgramSections.FromOptions(engine.Commands.PendingConfig, group, program, options);
            if (parsed.Error is { } error)
            {
                throw new EngineException(EngineError.InvalidProgramOptions, group, program, error);
            }

            return engine.Commands.AddProcesses(group, parsed.Value!);
        }).WaitAsync(cancellationToken));
    }

    public Task RemoveProcessAsync(string group, string name, CancellationToken cancellationToken) =>
        Run(commands => commands.RemoveProcess(group, name), cancellationToken);

    /// <summary>Runs a command that answers nothing on the engine's loop; a refusal becomes its fault.</summary>
    private Task Run(Action<EngineCommands> command, CancellationToken cancellationToken) =>
        EngineFaults.Translated(Engine.Invoke(() =>
        {
            command(Engine.Commands);
            return true;
        }).WaitAsync(cancellationToken));
}
