using Supervisor.Abstractions;
using Supervisor.Host.Config;

namespace Supervisor.Host.Processes;

/// <summary>
/// The process groups as plugins see them. This daemon does not yet read <c>[program:x]</c> sections
/// (the process engine is the next piece of work), so no group is ever active or pending: the table is
/// empty, every name is unknown (BAD_NAME, as the reference answers for a name it does not have), and a
/// config re-read reports no changes once the file is valid. The engine will replace this with
/// snapshots published by the single loop that owns process state.
/// </summary>
internal sealed class ProcessTable(Func<ConfigLoadResult> readConfig) : IProcessTable
{
    public IReadOnlyList<ProcessGroupInfo> Groups => [];

    public IReadOnlyList<ProcessInfo> AllProcesses => [];

    public ProcessGroupInfo? FindGroup(string name) => null;

    public ProcessInfo? FindProcess(string group, string name) => null;

    public Task<ProcessInfo> StartAsync(string group, string name, bool wait, CancellationToken cancellationToken) =>
        Task.FromException<ProcessInfo>(UnknownProcess(group, name));

    public Task<ProcessInfo> StopAsync(string group, string name, bool wait, CancellationToken cancellationToken) =>
        Task.FromException<ProcessInfo>(UnknownProcess(group, name));

    public Task<ProcessInfo> SignalAsync(string group, string name, int signal, CancellationToken cancellationToken) =>
        Task.FromException<ProcessInfo>(UnknownProcess(group, name));

    public Task WriteStdinAsync(string group, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        Task.FromException(UnknownProcess(group, name));

    public Task ClearLogsAsync(string group, string name, CancellationToken cancellationToken) =>
        Task.FromException(UnknownProcess(group, name));

    public Task<ConfigChanges> ReloadConfigAsync(CancellationToken cancellationToken)
    {
        var result = readConfig();
        if (!result.Succeeded)
        {
            return Task.FromException<ConfigChanges>(new RpcFaultException(FaultCode.CantReread, string.Join("\n", result.Errors)));
        }

        // No group is active and program sections are not read yet: a valid file changes nothing.
        return Task.FromResult(new ConfigChanges([], [], []));
    }

    public Task AddGroupAsync(string name, CancellationToken cancellationToken) =>
        Task.FromException(new RpcFaultException(FaultCode.BadName, name));

    public Task RemoveGroupAsync(string name, CancellationToken cancellationToken) =>
        Task.FromException(new RpcFaultException(FaultCode.BadName, name));

    public IReadOnlyList<ProcessConfigInfo> ConfigInfo => [];

    public Task<IReadOnlyList<ProcessInfo>> AddProcessAsync(
        string group, string program, IReadOnlyDictionary<string, string> options, CancellationToken cancellationToken) =>
        Task.FromException<IReadOnlyList<ProcessInfo>>(new RpcFaultException(FaultCode.BadName, group));

    public Task RemoveProcessAsync(string group, string name, CancellationToken cancellationToken) =>
        Task.FromException(UnknownProcess(group, name));

    /// <summary>BAD_NAME with the namespec as the reference shows it: <c>name</c>, or <c>group:name</c> when they differ.</summary>
    private static RpcFaultException UnknownProcess(string group, string name) =>
        new(FaultCode.BadName, group == name ? name : $"{group}:{name}");
}
