using Supervisor.Abstractions;
using Supervisor.Host.Config;

namespace Supervisor.Host.Processes;

/// <summary>An active process group: its configuration and its processes in (priority, name) order. Loop thread only.</summary>
internal sealed class ProcessGroup(ProcessGroupConfig config, List<SupervisedProcess> processes)
{
    private ProcessGroupInfo? _snapshot;

    /// <summary>The configuration the group was activated with (plus processes added at run time).</summary>
    public ProcessGroupConfig Config { get; set; } = config;

    public string Name => Config.Name;

    public int Priority => Config.Priority;

    public List<SupervisedProcess> Processes { get; } = processes;

    /// <summary>The event listener pool, for an <c>[eventlistener:x]</c> group.</summary>
    public Listeners.EventListenerPool? Pool { get; init; }

    public SupervisedProcess? Find(string name) => Processes.Find(p => p.Name == name);

    /// <summary>Processes not in the stopped set.</summary>
    public IEnumerable<SupervisedProcess> Unstopped => Processes.Where(p => !ProcessStateSets.IsStopped(p.State));

    public ProcessGroupInfo Snapshot => _snapshot ??= new ProcessGroupInfo(Name, Priority, [.. Processes.Select(p => p.Snapshot)]);

    public void Invalidate() => _snapshot = null;

    /// <summary>
    /// The group's part of a daemon shutdown: stop what runs, highest priority first; BACKOFF gives up
    /// silently (the reference's <c>stop_all</c>).
    /// </summary>
    public void StopAll()
    {
        for (var i = Processes.Count - 1; i >= 0; i--)
        {
            var process = Processes[i];
            switch (process.State)
            {
                case ProcessState.Running or ProcessState.Starting:
                    process.Stop();
                    break;
                case ProcessState.Backoff:
                    process.GiveUp();
                    break;
                default:
                    break;
            }
        }
    }
}
