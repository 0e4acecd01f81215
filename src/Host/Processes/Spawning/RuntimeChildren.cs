using System.Collections;
using System.Reflection;

namespace Supervisor.Host.Processes.Spawning;

/// <summary>
/// Whether a pid is a child System.Diagnostics.Process (a plugin's) started and has not reaped yet, read
/// from the runtime's private table. Taking such a child's exit makes the runtime fail fast ("Error while
/// reaping child. errno = 10"), and the process group alone cannot tell it from an adopted orphan: a
/// runtime child that calls setsid() (setsid(1) does) leads a group of its own, as orphans do. The check
/// holds the runtime's start lock for writing and the table's lock, in the order its own SIGCHLD
/// handling takes them, so no Process.Start can be half-way through registering a pid meanwhile.
/// </summary>
internal static class RuntimeChildren
{
    private static readonly Lazy<(IDictionary? Table, ReaderWriterLockSlim? StartLock)> Runtime = new(Find);

    /// <summary>True when the runtime's table was found (this runtime version is understood).</summary>
    public static bool Understood => Runtime.Value.Table is not null;

    /// <summary>True: the runtime owns it; false: not the runtime's; null: the table could not be read.</summary>
    public static bool? Owns(int pid)
    {
        var (table, startLock) = Runtime.Value;
        if (table is null)
        {
            return null;
        }

        startLock?.EnterWriteLock();
        try
        {
            lock (table)
            {
                return table.Contains(pid);
            }
        }
        finally
        {
            startLock?.ExitWriteLock();
        }
    }

    private static (IDictionary?, ReaderWriterLockSlim?) Find()
    {
        try
        {
            const BindingFlags statics = BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public;
            var waitState = Type.GetType("System.Diagnostics.ProcessWaitState, System.Diagnostics.Process");
            var table = waitState?.GetField("s_childProcessWaitStates", statics)?.GetValue(null) as IDictionary;

            // The start lock moved from Process to ProcessUtils between runtime versions.
            var startLock = new[] { "System.Diagnostics.ProcessUtils", "System.Diagnostics.Process" }
                .Select(name => Type.GetType(name + ", System.Diagnostics.Process"))
                .Select(type => type?.GetField("s_processStartLock", statics)?.GetValue(null) as ReaderWriterLockSlim)
                .FirstOrDefault(found => found is not null);
            return (table, startLock);
        }
        catch (Exception e) when (e is TypeLoadException or FileNotFoundException or FieldAccessException or TargetInvocationException)
        {
            return (null, null);
        }
    }
}
