using System.Text;
using Supervisor.Abstractions;
using Supervisor.Host.Events;
using Supervisor.Host.Facade;
using Supervisor.Host.Logging;

namespace Supervisor.Fuzz.Harness;

/// <summary>
/// The daemon as the <c>supervisor</c> plugin sees it (<see cref="ISupervisord"/>), in-process and
/// without children: a process table that keeps state between the calls of one input (a multicall
/// that stops a process and then reads its info sees it stopped) and is put back before the next
/// input, real log files the log methods read (valid and invalid UTF-8, multi-byte characters), the
/// daemon's real main log (rotating at a few KiB, so thousands of inputs never make it large) and its
/// real event bus. Control faults are the ones an engine answers (<c>IProcessTable</c>'s documentation).
/// </summary>
/// <remarks>
/// A fake rather than the engine because a fuzzer sends millions of calls, many of them
/// <c>startAllProcesses</c> or <c>shutdown</c>: real children would make each input slow and its outcome
/// depend on the previous one. The engine is exercised by the integration tests.
/// </remarks>
internal sealed class FuzzDaemon : ISupervisord, IProcessTable, IAsyncDisposable
{
    /// <summary>What a child "wrote" to its stdout log: ASCII, multi-byte UTF-8, a cut sequence, CR LF, a NUL, an escape.</summary>
    public static readonly byte[] StdoutLogBytes = [.. "line one\r\nünïcødé ✓ 😀\n"u8, 0xE2, 0x82, (byte)'\n', .. "bell\u0007 nul\0 esc\u001b[31m <tag> & done\n"u8];

    /// <summary>What a child wrote to stderr: bytes that are not UTF-8 at all.</summary>
    public static readonly byte[] StderrLogBytes = [0xFF, 0xFE, 0x80, (byte)'e', (byte)'r', (byte)'r', 0xC0, 0xAF, (byte)'\n'];

    private const int PidBase = 4000;

    private readonly string _directory;
    private readonly MainLog _mainLog;
    private readonly EventBus _events;
    private readonly IReadOnlyList<ProcessGroupInfo> _initialGroups;
    private readonly IReadOnlyList<ProcessGroupInfo> _configuredGroups;
    private IReadOnlyList<ProcessGroupInfo> _groups;
    private bool _logsTouched;
    private int _nextPid = PidBase;

    public FuzzDaemon(string directory)
    {
        _directory = directory;
        Directory.CreateDirectory(directory);

        // Rotation at 8 KiB with one backup: readLog(0, 0) stays small however many inputs ran.
        _mainLog = new MainLog(Path.Combine(directory, "supervisord.log"), MainLogLevel.Info, maxBytes: 8 * 1024, backups: 1, echo: null, TimeProvider.System);
        MainLog = new MainLogFacade(_mainLog);
        _events = new EventBus(MainLog);

        string Log(string name) => Path.Combine(directory, name);
        ProcessInfo Process(string group, string name, ProcessState state, string stdout = "", string stderr = "", int pid = 0, string spawnError = "", int exitStatus = 0) =>
            new() { Name = name, Group = group, State = state, StdoutLogfile = stdout, StderrLogfile = stderr, Pid = pid, SpawnError = spawnError, ExitStatus = exitStatus, Start = state == ProcessState.Stopped ? 0 : 1_700_000_000, Stop = 0 };

        _initialGroups =
        [
            new ProcessGroupInfo("web", 100, [
                Process("web", "web_00", ProcessState.Running, Log("web_00-stdout.log"), Log("web_00-stderr.log"), pid: 3001),
                Process("web", "web_01", ProcessState.Stopped, Log("web_01-stdout.log")),
            ]),
            new ProcessGroupInfo("worker", 200, [Process("worker", "worker", ProcessState.Running, Log("worker-stdout.log"), Log("missing-stderr.log"), pid: 3002)]),
            new ProcessGroupInfo("crashy", 300, [Process("crashy", "crashy", ProcessState.Fatal, Log("crashy-stdout.log"), spawnError: "can't find command 'nosuch'", exitStatus: 127)]),
            new ProcessGroupInfo("quiet", 999, [Process("quiet", "quiet", ProcessState.Exited, exitStatus: 3)]),
            new ProcessGroupInfo("odd&<name>", 999, [Process("odd&<name>", "odd&<name>", ProcessState.Backoff)]),
        ];

        // The configuration as last read also has a group that is not active, for addProcessGroup.
        _configuredGroups = [.. _initialGroups, new ProcessGroupInfo("pending", 500, [Process("pending", "pending", ProcessState.Stopped)])];
        ConfigInfo = [.. _configuredGroups.SelectMany(g => g.Processes.Select(p => ConfigOf(g, p)))];
        _groups = _initialGroups;
        WriteLogFiles();
    }

    // ISupervisord

    public string SupervisorVersion => "4.2.5";

    public string ApiVersion => "3.0";

    public string Identifier => "fuzz";

    public int Pid => Environment.ProcessId;

    public SupervisorState State { get; private set; } = SupervisorState.Running;

    public IMainLog MainLog { get; }

    public ISupervisorConfig Config => throw new NotSupportedException("the fuzz daemon has no configuration object");

    public IProcessTable Processes => this;

    public IEventBus Events => _events;

    public void RequestShutdown() => RequestStop(SupervisorState.Shutdown);

    public void RequestRestart() => RequestStop(SupervisorState.Restarting);

    // IProcessTable

    public IReadOnlyList<ProcessGroupInfo> Groups => _groups;

    public IReadOnlyList<ProcessInfo> AllProcesses =>
        [.. _groups.OrderBy(g => g.Name, StringComparer.Ordinal).SelectMany(g => g.Processes.OrderBy(p => p.Name, StringComparer.Ordinal))];

    public IReadOnlyList<ProcessConfigInfo> ConfigInfo { get; }

    public ProcessGroupInfo? FindGroup(string name) => _groups.FirstOrDefault(g => g.Name == name);

    public ProcessInfo? FindProcess(string group, string name) => FindGroup(group)?.Processes.FirstOrDefault(p => p.Name == name);

    public Task<ProcessInfo> StartAsync(string group, string name, bool wait, CancellationToken cancellationToken)
    {
        var process = Find(group, name);
        if (process.State is ProcessState.Starting or ProcessState.Running or ProcessState.Backoff)
        {
            throw Fault(FaultCode.AlreadyStarted, process);
        }

        if (process.SpawnError.Length > 0)
        {
            throw Fault(FaultCode.NoFile, process);
        }

        return Task.FromResult(Replace(process with { State = ProcessState.Running, Pid = ++_nextPid, Start = 1_700_000_100 }));
    }

    public Task<ProcessInfo> StopAsync(string group, string name, bool wait, CancellationToken cancellationToken)
    {
        var process = Running(group, name);
        return Task.FromResult(Replace(process with { State = ProcessState.Stopped, Pid = 0, Stop = 1_700_000_200, ExitStatus = -1 }));
    }

    /// <summary>Every start is decided on the spot here: no process of this table waits.</summary>
    public Task<ProcessRequest> RequestStartAsync(string group, string name, bool wait, CancellationToken cancellationToken) =>
        Decided(() => StartAsync(group, name, wait, cancellationToken));

    public Task<ProcessRequest> RequestStopAsync(string group, string name, bool wait, CancellationToken cancellationToken) =>
        Decided(() => StopAsync(group, name, wait, cancellationToken));

    public Task<ProcessInfo> SignalAsync(string group, string name, int signal, CancellationToken cancellationToken) =>
        Task.FromResult(Running(group, name));

    /// <summary>A request whose outcome (value or fault) is known at once, as the loop reports a decided one.</summary>
    private static Task<ProcessRequest> Decided(Func<Task<ProcessInfo>> act)
    {
        Task<ProcessInfo> outcome;
        try
        {
            outcome = act();
        }
        catch (Exception e)
        {
            outcome = Task.FromException<ProcessInfo>(e);
        }

        return Task.FromResult(new ProcessRequest(outcome, Waiting: false));
    }

    public Task WriteStdinAsync(string group, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        // Accepted, and they go nowhere.
        Running(group, name);
        return Task.CompletedTask;
    }

    public Task ClearLogsAsync(string group, string name, CancellationToken cancellationToken)
    {
        var process = Find(group, name);
        _logsTouched = true;
        foreach (var path in new[] { process.StdoutLogfile, process.StderrLogfile })
        {
            if (path.Length > 0 && File.Exists(path))
            {
                File.WriteAllBytes(path, []);
            }
        }

        return Task.CompletedTask;
    }

    public Task<ConfigChanges> ReloadConfigAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new ConfigChanges(
            [.. _configuredGroups.Select(g => g.Name).Where(n => FindGroup(n) is null)],
            ["web"],
            []));

    public Task AddGroupAsync(string name, CancellationToken cancellationToken)
    {
        var group = _configuredGroups.FirstOrDefault(g => g.Name == name) ?? throw new RpcFaultException(FaultCode.BadName, name);
        if (FindGroup(name) is not null)
        {
            throw new RpcFaultException(FaultCode.AlreadyAdded, name);
        }

        _groups = [.. _groups, group];
        return Task.CompletedTask;
    }

    public Task RemoveGroupAsync(string name, CancellationToken cancellationToken)
    {
        var group = FindGroup(name) ?? throw new RpcFaultException(FaultCode.BadName, name);
        if (group.Processes.Any(p => p.State is not (ProcessState.Stopped or ProcessState.Exited or ProcessState.Fatal)))
        {
            throw new RpcFaultException(FaultCode.StillRunning, name);
        }

        _groups = [.. _groups.Where(g => g != group)];
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ProcessInfo>> AddProcessAsync(string group, string program, IReadOnlyDictionary<string, string> options, CancellationToken cancellationToken)
    {
        var target = FindGroup(group) ?? throw new RpcFaultException(FaultCode.BadName, group);
        if (target.Processes.Any(p => p.Name == program))
        {
            throw new RpcFaultException(FaultCode.AlreadyAdded, group + ":" + program);
        }

        if (!options.ContainsKey("command"))
        {
            throw new RpcFaultException(FaultCode.IncorrectParameters, "[program:" + program + "] has no command");
        }

        var process = new ProcessInfo { Name = program, Group = group, State = ProcessState.Stopped };
        _groups = [.. _groups.Select(g => g == target ? g with { Processes = [.. g.Processes, process] } : g)];
        return Task.FromResult<IReadOnlyList<ProcessInfo>>([process]);
    }

    public Task RemoveProcessAsync(string group, string name, CancellationToken cancellationToken)
    {
        var process = Find(group, name);
        if (process.State is not (ProcessState.Stopped or ProcessState.Exited or ProcessState.Fatal))
        {
            throw Fault(FaultCode.StillRunning, process);
        }

        _groups = [.. _groups.Select(g => g.Name == group ? g with { Processes = [.. g.Processes.Where(p => p.Name != name)] } : g)];
        return Task.CompletedTask;
    }

    /// <summary>Back to the state every input starts from: the same groups, states and log contents, RUNNING.</summary>
    public void Reset()
    {
        _groups = _initialGroups;
        State = SupervisorState.Running;
        _nextPid = PidBase;
        if (_logsTouched)
        {
            WriteLogFiles();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _events.DisposeAsync().ConfigureAwait(false);
        _mainLog.Dispose();
    }

    private void WriteLogFiles()
    {
        File.WriteAllBytes(Path.Combine(_directory, "web_00-stdout.log"), StdoutLogBytes);
        File.WriteAllBytes(Path.Combine(_directory, "web_00-stderr.log"), StderrLogBytes);
        File.WriteAllBytes(Path.Combine(_directory, "web_01-stdout.log"), []);
        File.WriteAllBytes(Path.Combine(_directory, "worker-stdout.log"), Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("worker output line\n", 200))));
        File.WriteAllBytes(Path.Combine(_directory, "crashy-stdout.log"), "supervisor: couldn't exec nosuch: ENOENT\n"u8.ToArray());
        _logsTouched = false;
    }

    private void RequestStop(SupervisorState target)
    {
        if (State != SupervisorState.Running)
        {
            throw new RpcFaultException(FaultCode.ShutdownState);
        }

        State = target;
    }

    private ProcessInfo Find(string group, string name) =>
        FindProcess(group, name) ?? throw new RpcFaultException(FaultCode.BadName, group + ":" + name);

    private ProcessInfo Running(string group, string name)
    {
        var process = Find(group, name);
        return process.State is ProcessState.Starting or ProcessState.Running or ProcessState.Stopping
            ? process
            : throw Fault(FaultCode.NotRunning, process);
    }

    private ProcessInfo Replace(ProcessInfo changed)
    {
        _groups = [.. _groups.Select(g => g.Name != changed.Group ? g : g with { Processes = [.. g.Processes.Select(p => p.Name == changed.Name ? changed : p)] })];
        return changed;
    }

    /// <summary>A fault naming the process by its display name, as the engine reports it.</summary>
    private static RpcFaultException Fault(FaultCode code, ProcessInfo process) =>
        new(code, process.Group == process.Name ? process.Name : process.Group + ":" + process.Name);

    private static ProcessConfigInfo ConfigOf(ProcessGroupInfo group, ProcessInfo process) => new()
    {
        Name = process.Name,
        Group = group.Name,
        Command = "/bin/" + process.Name,
        GroupPriority = group.Priority,
        ProcessPriority = 999,
        StdoutLogfile = process.StdoutLogfile.Length == 0 ? "none" : process.StdoutLogfile,
        StderrLogfile = process.StderrLogfile.Length == 0 ? "none" : process.StderrLogfile,
        Stopsignal = 15,
        Stopwaitsecs = 10,
        Startsecs = 1,
        Startretries = 3,
    };
}
