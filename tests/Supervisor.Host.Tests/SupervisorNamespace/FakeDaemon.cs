using System.Reflection;
using Supervisor.Abstractions;
using Supervisor.Host.Rpc;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.SupervisorNamespace;

/// <summary>
/// The bundled <c>supervisor</c> plugin, loaded from the daemon's plugins folder as the daemon loads it,
/// over a fake facade: calls go through the real dispatcher, so parameter binding is exercised too.
/// </summary>
internal sealed class FakeDaemon
{
    private static readonly Lazy<Assembly> Plugin = new(() => Assembly.LoadFrom(
        Path.Combine(Path.GetDirectoryName(TestPaths.SupervisordDll)!, "plugins", "SupervisorRpc", "SupervisorRpc.dll")));

    private readonly RpcDispatcher _dispatcher;

    public FakeDaemon()
    {
        var type = Plugin.Value.GetType("Supervisor.SupervisorNamespace", throwOnError: true)!;
        var target = Activator.CreateInstance(type, Facade, Clock)!;
        RpcDispatcher? dispatcher = null;
        var registry = new RpcRegistry([("supervisor", target)], r => new SystemNamespace(r, () => dispatcher!));
        dispatcher = new RpcDispatcher(registry, new RecordingLog());
        _dispatcher = dispatcher;
    }

    public FakeSupervisord Facade { get; } = new();

    public FakeProcessTable Table => Facade.Table;

    public FakeClock Clock { get; } = new();

    public async Task<object?> Value(string method, params object?[] parameters)
    {
        var outcome = await _dispatcher.CallAsync("supervisor." + method, parameters, CancellationToken.None);
        Assert.False(outcome.IsFault, $"{method} failed: {outcome.FaultString}");
        return outcome.Value;
    }

    public async Task<(int Code, string Text)> Fault(string method, params object?[] parameters)
    {
        var outcome = await _dispatcher.CallAsync("supervisor." + method, parameters, CancellationToken.None);
        Assert.True(outcome.IsFault, $"{method} did not fail");
        return (outcome.FaultCode, outcome.FaultString!);
    }

    public Task<RpcOutcome> Call(string method, params object?[] parameters) =>
        _dispatcher.CallAsync("supervisor." + method, parameters, CancellationToken.None).AsTask();

    /// <summary>A result struct (a record) as name → value, through the same accessors the encoder uses.</summary>
    public static Dictionary<string, object?> Struct(object? value)
    {
        Assert.NotNull(value);
        var shape = Supervisor.Host.XmlRpc.StructShape.For(value.GetType());
        return shape.Members.ToDictionary(m => m.Key, m => m.GetValue(value));
    }
}

internal sealed class FakeClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2026, 11, 21, 4, 51, 0, TimeSpan.Zero);

    public TimeZoneInfo Zone { get; set; } = TimeZoneInfo.Utc;

    public long UnixNow => Now.ToUnixTimeSeconds();

    public override DateTimeOffset GetUtcNow() => Now;

    public override TimeZoneInfo LocalTimeZone => Zone;
}

internal sealed class FakeSupervisord : ISupervisord
{
    public string SupervisorVersion => "4.2.5";

    public string ApiVersion => "3.0";

    public string Identifier => "fake";

    public int Pid => 1;

    public SupervisorState State { get; set; } = SupervisorState.Running;

    public IMainLog MainLog { get; } = new RecordingLog();

    public ISupervisorConfig Config => throw new NotSupportedException();

    public FakeProcessTable Table { get; } = new();

    public IProcessTable Processes => Table;

    public List<SupervisorEvent> Published { get; } = [];

    public IEventBus Events => new RecordingBus(Published);

    public void RequestShutdown() => State = SupervisorState.Shutdown;

    public void RequestRestart() => State = SupervisorState.Restarting;

    private sealed class RecordingBus(List<SupervisorEvent> published) : IEventBus
    {
        public IDisposable Subscribe(string eventType, Action<SupervisorEvent> handler) => throw new NotSupportedException();

        public void Publish(SupervisorEvent supervisorEvent) => published.Add(supervisorEvent);

        public void RegisterEventType(string name) => throw new NotSupportedException();
    }
}

/// <summary>
/// Groups set by the test; control calls are recorded and answered by <see cref="OnCall"/> (default:
/// complete at once). Faults carry the process's display name, as an engine would.
/// </summary>
internal sealed class FakeProcessTable : IProcessTable
{
    public List<ProcessGroupInfo> GroupList { get; } = [];

    public List<string> Calls { get; } = [];

    public Func<string, ProcessInfo, Task>? OnCall { get; set; }

    public IReadOnlyList<ProcessGroupInfo> Groups => GroupList;

    // Like the engine's snapshots, the same list until a group changes (getAllProcessInfo keys its answer on it).
    private (ProcessGroupInfo[] Groups, IReadOnlyList<ProcessInfo> Processes) _all = ([], []);

    public IReadOnlyList<ProcessInfo> AllProcesses
    {
        get
        {
            if (!_all.Groups.SequenceEqual(GroupList, ReferenceEqualityComparer.Instance))
            {
                _all = ([.. GroupList], [.. GroupList.OrderBy(g => g.Name, StringComparer.Ordinal).SelectMany(g => g.Processes.OrderBy(p => p.Name, StringComparer.Ordinal))]);
            }

            return _all.Processes;
        }
    }

    public IReadOnlyList<ProcessConfigInfo> ConfigInfo { get; set; } = [];

    public ConfigChanges Changes { get; set; } = new([], [], []);

    public FakeProcessTable Add(string group, params ProcessInfo[] processes)
    {
        GroupList.Add(new ProcessGroupInfo(group, 999, processes.Select(p => p with { Group = group }).ToList()));
        return this;
    }

    public static ProcessInfo Process(string name, ProcessState state = ProcessState.Stopped) =>
        new() { Name = name, Group = "", State = state };

    public ProcessGroupInfo? FindGroup(string name) => GroupList.FirstOrDefault(g => g.Name == name);

    public ProcessInfo? FindProcess(string group, string name) => FindGroup(group)?.Processes.FirstOrDefault(p => p.Name == name);

    public Task<ProcessInfo> StartAsync(string group, string name, bool wait, CancellationToken cancellationToken) =>
        Record($"start {group}:{name} wait={wait}", group, name);

    public Task<ProcessInfo> StopAsync(string group, string name, bool wait, CancellationToken cancellationToken) =>
        Record($"stop {group}:{name} wait={wait}", group, name);

    public Task<ProcessRequest> RequestStartAsync(string group, string name, bool wait, CancellationToken cancellationToken) =>
        Taken(StartAsync(group, name, wait, cancellationToken));

    public Task<ProcessRequest> RequestStopAsync(string group, string name, bool wait, CancellationToken cancellationToken) =>
        Taken(StopAsync(group, name, wait, cancellationToken));

    public Task<ProcessInfo> SignalAsync(string group, string name, int signal, CancellationToken cancellationToken) =>
        Record($"signal {group}:{name} {signal}", group, name);

    public async Task WriteStdinAsync(string group, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        await Record($"stdin {group}:{name} {System.Text.Encoding.UTF8.GetString(data.Span)}", group, name);

    public async Task ClearLogsAsync(string group, string name, CancellationToken cancellationToken) =>
        await Record($"clear {group}:{name}", group, name);

    public Task<ConfigChanges> ReloadConfigAsync(CancellationToken cancellationToken) => Task.FromResult(Changes);

    public Task AddGroupAsync(string name, CancellationToken cancellationToken)
    {
        Calls.Add("add " + name);
        return Task.CompletedTask;
    }

    public Task RemoveGroupAsync(string name, CancellationToken cancellationToken)
    {
        Calls.Add("remove " + name);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ProcessInfo>> AddProcessAsync(string group, string program, IReadOnlyDictionary<string, string> options, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task RemoveProcessAsync(string group, string name, CancellationToken cancellationToken) => throw new NotSupportedException();

    /// <summary>The fake acts as it is called: an outcome already complete was decided on the spot.</summary>
    private static Task<ProcessRequest> Taken(Task<ProcessInfo> outcome) =>
        Task.FromResult(new ProcessRequest(outcome, Waiting: !outcome.IsCompleted));

    /// <summary>A fault about the process, naming it by its display name, as the host's process table reports it.</summary>
    public static ProcessFaultException FaultFor(FaultCode code, ProcessInfo process) =>
        new(code, process.Group, process.Name, process.Group == process.Name ? process.Name : process.Group + ":" + process.Name);

    private async Task<ProcessInfo> Record(string call, string group, string name)
    {
        var process = FindProcess(group, name) ?? throw new RpcFaultException(FaultCode.BadName, group + ":" + name);
        lock (Calls)
        {
            Calls.Add(call);
        }

        if (OnCall is not null)
        {
            await OnCall(call, process);
        }

        return process;
    }
}
