using Supervisor.Abstractions;

namespace Supervisor.Host.Processes;

/// <summary>
/// The state sets that decide which requests a process accepts: <c>RUNNING_STATES</c>, <c>STOPPED_STATES</c>
/// and <c>SIGNALLABLE_STATES</c> of <c>supervisor/states.py</c>.
/// </summary>
internal static class ProcessStateSets
{
    /// <summary>STARTING, RUNNING, BACKOFF: a start is refused (ALREADY_STARTED) and a stop acts.</summary>
    public static bool IsRunning(ProcessState state) =>
        state is ProcessState.Starting or ProcessState.Running or ProcessState.Backoff;

    /// <summary>STOPPED, EXITED, FATAL, UNKNOWN: a shutdown or a stop-and-wait is complete, a group may be removed.</summary>
    public static bool IsStopped(ProcessState state) =>
        state is ProcessState.Stopped or ProcessState.Exited or ProcessState.Fatal or ProcessState.Unknown;

    /// <summary>STARTING, RUNNING, STOPPING: a signal may be sent.</summary>
    public static bool IsSignallable(ProcessState state) =>
        state is ProcessState.Starting or ProcessState.Running or ProcessState.Stopping;
}
