using Supervisor.Abstractions;

namespace Supervisor;

/// <summary>Process control: start, stop and signal one process, a group, or everything.</summary>
public sealed partial class SupervisorNamespace
{
    private const string WaitHelp = "Wait for each process to be fully started";

    [RpcMethod(NonBlocking = true, Help = """
        Start a process and, with wait, return once it is RUNNING (after its startsecs).

        A group spec ('group:*' or 'group:') starts the whole group and returns startProcessGroup's
        array. Faults: BAD_NAME; NO_FILE or NOT_EXECUTABLE when the command cannot run (checked
        first); ALREADY_STARTED; FAILED in the UNKNOWN state; SPAWN_ERROR when it could not be spawned
        or exited before startsecs; ABNORMAL_TERMINATION when it left STARTING otherwise.
        """)]
    [return: RpcReturn("result", "Always true unless error", Type = "boolean")]
    public async Task<object> StartProcess(
        [RpcParam("Process name (or ``group:name``, or ``group:*``)", Type = "string")] object name,
        [RpcParam("Wait for process to be fully started")] bool wait = true,
        CancellationToken cancellationToken = default)
    {
        Gate();
        var (group, process, given) = Resolve(name);
        if (process is null)
        {
            return await StartProcessGroup(group.Name, wait, cancellationToken).ConfigureAwait(false);
        }

        await Start(process, wait, given, cancellationToken).ConfigureAwait(false);
        return true;
    }

    [RpcMethod(NonBlocking = true, Help = """
        Start every process of a group that is not already running (STARTING, RUNNING, BACKOFF), in
        priority order; with wait, return once each has started or failed. Each process gets a status
        struct (name, group, status, description); processes skipped get none.
        """)]
    [return: RpcReturn("result", "An array of process status info structs")]
    public async Task<List<ProcessResult>> StartProcessGroup(
        [RpcParam("The group name", Type = "string")] object name,
        [RpcParam(WaitHelp)] bool wait = true,
        CancellationToken cancellationToken = default)
    {
        Gate();
        var group = FindGroup(name) ?? throw BadName(name);
        return await StartAll(group.Processes, wait, cancellationToken).ConfigureAwait(false);
    }

    [RpcMethod(NonBlocking = true, Help = "Start every process that is not running, group by group in priority order; as startProcessGroup.")]
    [return: RpcReturn("result", "An array of process status info structs")]
    public async Task<List<ProcessResult>> StartAllProcesses(
        [RpcParam(WaitHelp)] bool wait = true,
        CancellationToken cancellationToken = default)
    {
        Gate();
        return await StartAll(InPriorityOrder(), wait, cancellationToken).ConfigureAwait(false);
    }

    [RpcMethod(NonBlocking = true, Help = """
        Stop a process with its stopsignal (SIGKILL after stopwaitsecs) and, with wait, return once it
        has stopped. A group spec stops the whole group and returns stopProcessGroup's array. Faults:
        BAD_NAME; NOT_RUNNING when it is not STARTING, RUNNING or BACKOFF; FAILED when it cannot be
        signalled.
        """)]
    [return: RpcReturn("result", "Always return True unless error", Type = "boolean")]
    public async Task<object> StopProcess(
        [RpcParam("The name of the process to stop (or 'group:name')", Type = "string")] object name,
        [RpcParam("Wait for the process to be fully stopped")] bool wait = true,
        CancellationToken cancellationToken = default)
    {
        Gate();
        var (group, process, given) = Resolve(name);
        if (process is null)
        {
            return await StopProcessGroup(group.Name, wait, cancellationToken).ConfigureAwait(false);
        }

        await Stop(process, wait, given, cancellationToken).ConfigureAwait(false);
        return true;
    }

    [RpcMethod(NonBlocking = true, Help = """
        Stop every running process of a group (STARTING, RUNNING, BACKOFF), in priority order; with
        wait, return once each has stopped. One status struct per process stopped.
        """)]
    [return: RpcReturn("result", "An array of process status info structs")]
    public async Task<List<ProcessResult>> StopProcessGroup(
        [RpcParam("The group name", Type = "string")] object name,
        [RpcParam("Wait for each process to be fully stopped")] bool wait = true,
        CancellationToken cancellationToken = default)
    {
        Gate();
        var group = FindGroup(name) ?? throw BadName(name);
        return await StopAll(group.Processes, wait, cancellationToken).ConfigureAwait(false);
    }

    [RpcMethod(NonBlocking = true, Help = "Stop every running process, group by group in priority order; as stopProcessGroup.")]
    [return: RpcReturn("result", "An array of process status info structs")]
    public async Task<List<ProcessResult>> StopAllProcesses(
        [RpcParam("Wait for each process to be fully stopped")] bool wait = true,
        CancellationToken cancellationToken = default)
    {
        Gate();
        return await StopAll(InPriorityOrder(), wait, cancellationToken).ConfigureAwait(false);
    }

    [RpcMethod(NonBlocking = true, Help = """
        Send a UNIX signal to a process. The signal is a name, with or without SIG and in any case
        ('HUP', 'sighup', 'SIGHUP'), or a number. A group spec signals the group and returns
        signalProcessGroup's array. Faults: BAD_NAME; BAD_SIGNAL; NOT_RUNNING unless the process is
        STARTING, RUNNING or STOPPING; FAILED when the signal cannot be sent.
        """)]
    [return: RpcReturn("result", "Always true unless error", Type = "boolean")]
    public async Task<object> SignalProcess(
        [RpcParam("Name of the process to signal (or 'group:name')", Type = "string")] object name,
        [RpcParam("Signal to send, as name ('HUP') or number ('1')", Type = "string")] object signal,
        CancellationToken cancellationToken = default)
    {
        Gate();
        var (group, process, given) = Resolve(name);
        if (process is null)
        {
            return await SignalProcessGroup(group.Name, signal, cancellationToken).ConfigureAwait(false);
        }

        CheckSignalType(signal);
        await Signal(process, signal, given, cancellationToken).ConfigureAwait(false);
        return true;
    }

    [RpcMethod(NonBlocking = true, Help = """
        Send a signal to every process of a group that is STARTING, RUNNING or STOPPING, in priority
        order. A bad signal is reported in each process's status struct, not as a fault.
        """)]
    [return: RpcReturn("result", "An array of process status info structs")]
    public async Task<List<ProcessResult>> SignalProcessGroup(
        [RpcParam("The group name", Type = "string")] object name,
        [RpcParam("Signal to send, as name ('HUP') or number ('1')", Type = "string")] object signal,
        CancellationToken cancellationToken = default)
    {
        // The reference looks the group up before it checks the daemon's state.
        var group = FindGroup(name);
        Gate();
        if (group is null)
        {
            throw BadName(name);
        }

        var results = await SignalAll(group.Processes, signal, cancellationToken).ConfigureAwait(false);
        Gate();
        return results;
    }

    [RpcMethod(NonBlocking = true, Help = "Send a signal to every process that is STARTING, RUNNING or STOPPING; as signalProcessGroup.")]
    [return: RpcReturn("result", "An array of process status info structs")]
    public async Task<List<ProcessResult>> SignalAllProcesses(
        [RpcParam("Signal to send, as name ('HUP') or number ('1')", Type = "string")] object signal,
        CancellationToken cancellationToken = default)
    {
        // The reference checks the daemon state only after the per-process calls (which check it too).
        var results = await SignalAll(InPriorityOrder(), signal, cancellationToken).ConfigureAwait(false);
        Gate();
        return results;
    }

    private IEnumerable<ProcessInfo> InPriorityOrder() => Processes.Groups.SelectMany(g => g.Processes);

    private Task<List<ProcessResult>> StartAll(IEnumerable<ProcessInfo> processes, bool wait, CancellationToken cancellationToken) =>
        Bulk(
            processes.Where(p => !IsRunning(p.State)),
            wait,
            p => Start(p, wait: false, Display(p), cancellationToken),
            p => Processes.RequestStartAsync(p.Group, p.Name, wait: true, cancellationToken));

    private Task<List<ProcessResult>> StopAll(IEnumerable<ProcessInfo> processes, bool wait, CancellationToken cancellationToken) =>
        Bulk(
            processes.Where(p => IsRunning(p.State)),
            wait,
            p => Stop(p, wait: false, Display(p), cancellationToken),
            p => Processes.RequestStopAsync(p.Group, p.Name, wait: true, cancellationToken));

    /// <summary>
    /// The signal is looked at only when there is a process to send it to: the reference's per-process call fails
    /// the whole request on a signal that is no string or number (HTTP 500), and makes no call when none qualifies.
    /// </summary>
    private Task<List<ProcessResult>> SignalAll(IEnumerable<ProcessInfo> processes, object signal, CancellationToken cancellationToken)
    {
        var targets = processes.Where(p => IsSignallable(p.State)).ToList();
        if (targets.Count > 0)
        {
            CheckSignalType(signal);
        }

        return BulkOperation.RunInTurnAsync(targets, p => Signal(p, signal, Display(p), cancellationToken));
    }

    /// <summary>
    /// Waiting calls (<paramref name="request"/>) run side by side; calls that do not wait (<paramref name="call"/>)
    /// are made one after the other. Each checks the daemon's state first, as the reference's per-process call does.
    /// </summary>
    private Task<List<ProcessResult>> Bulk(IEnumerable<ProcessInfo> targets, bool wait, Func<ProcessInfo, Task> call, Func<ProcessInfo, Task<ProcessRequest>> request)
    {
        var list = targets.ToList();
        return wait
            ? BulkOperation.RunAsync(list, p =>
            {
                Gate();
                return request(p);
            })
            : BulkOperation.RunInTurnAsync(list, p =>
            {
                Gate();
                return call(p);
            });
    }

    private Task Start(ProcessInfo p, bool wait, string given, CancellationToken cancellationToken) =>
        EngineFaults.Named(Processes.StartAsync(p.Group, p.Name, wait, cancellationToken), given);

    private Task Stop(ProcessInfo p, bool wait, string given, CancellationToken cancellationToken) =>
        EngineFaults.Named(Processes.StopAsync(p.Group, p.Name, wait, cancellationToken), given);

    private Task Signal(ProcessInfo p, object signal, string given, CancellationToken cancellationToken)
    {
        Gate();
        var number = SignalNumbers.Parse(signal)
            ?? throw new RpcFaultException(FaultCode.BadSignal, SignalNumbers.Describe(signal));
        return EngineFaults.Named(Processes.SignalAsync(p.Group, p.Name, number, cancellationToken), given);
    }

    private static void CheckSignalType(object? signal)
    {
        if (!SignalNumbers.IsAcceptedType(signal))
        {
            throw PythonArguments.Refused("signal", $"expected a string or a number, got {PythonArguments.TypeName(signal)}");
        }
    }

    private static string Display(ProcessInfo p) => NameSpec.Display(p.Group, p.Name);

    private static bool IsRunning(ProcessState state) => state is ProcessState.Starting or ProcessState.Running or ProcessState.Backoff;

    private static bool IsSignallable(ProcessState state) => state is ProcessState.Starting or ProcessState.Running or ProcessState.Stopping;
}
