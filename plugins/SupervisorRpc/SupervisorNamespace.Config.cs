using Supervisor.Abstractions;

namespace Supervisor;

/// <summary>Configuration: reloadConfig, addProcessGroup, removeProcessGroup, getAllConfigInfo.</summary>
public sealed partial class SupervisorNamespace
{
    [RpcMethod(NonBlocking = true, Help = """
        Re-read the configuration file and report how it differs from the active groups, without
        touching them (addProcessGroup and removeProcessGroup apply the changes).

        The result holds three arrays of group names: added (in the file, not active), changed
        (active, configured differently) and removed (active, no longer in the file).
        CANT_REREAD with the reason when the file is not valid.
        """)]
    [return: RpcReturn("result", "[[added, changed, removed]]")]
    public async Task<object[]> ReloadConfig(CancellationToken cancellationToken = default)
    {
        Gate();
        var changes = await Processes.ReloadConfigAsync(cancellationToken).ConfigureAwait(false);
        return [new object[] { changes.Added, changes.Changed, changes.Removed }];
    }

    [RpcMethod(NonBlocking = true, Help = """
        Activate a process group of the configuration as last read; its autostart processes then
        start. ALREADY_ADDED when it is active, BAD_NAME when the configuration has no such group.
        """)]
    [return: RpcReturn("result", "true if successful")]
    public async Task<bool> AddProcessGroup(
        [RpcParam("name of process group to add", Type = "string")] object name,
        CancellationToken cancellationToken = default)
    {
        Gate();

        // The reference compares the name with each configured group's: anything but a string matches none.
        var key = name switch
        {
            string or byte[] => PythonArguments.Text(name, "name"),
            _ => throw BadName(name),
        };
        await Processes.AddGroupAsync(key, cancellationToken).ConfigureAwait(false);
        return true;
    }

    [RpcMethod(NonBlocking = true, Help = """
        Deactivate a process group whose processes are all stopped. BAD_NAME when it is not active,
        STILL_RUNNING when one of its processes is not stopped.
        """)]
    [return: RpcReturn("result", "Indicates whether the removal was successful")]
    public async Task<bool> RemoveProcessGroup(
        [RpcParam("name of process group to remove", Type = "string")] object name,
        CancellationToken cancellationToken = default)
    {
        Gate();
        var key = PythonArguments.Key(name) ?? throw BadName(name);
        await Processes.RemoveGroupAsync(key, cancellationToken).ConfigureAwait(false);
        return true;
    }

    [RpcMethod(NonBlocking = true, Help = """
        Return one struct per process of the configuration as last read (groups flattened), sorted by
        process name: its settings, its group and whether that group is active (inuse).
        """)]
    [return: RpcReturn("result", "An array of process config info structs")]
    public IReadOnlyList<ProcessConfigInfo> GetAllConfigInfo()
    {
        Gate();
        return Processes.ConfigInfo;
    }
}
