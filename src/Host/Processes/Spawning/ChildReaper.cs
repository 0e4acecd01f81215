using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Supervisor.Host.Processes.Spawning;

/// <summary>A reaped child: <see cref="Known"/> is false for an adopted orphan nobody tracked.</summary>
internal readonly record struct ChildExit(int Pid, int WaitStatus, DateTimeOffset Time, bool Known);

/// <summary>
/// Collects the exits of the pids it tracks and reports each once, on a background thread, as soon as
/// SIGCHLD arrives. Zombies adopted as subreaper that nobody tracks are reaped too and reported to every
/// live reaper with <c>Known=false</c>.
/// </summary>
internal sealed class ChildReaper : IDisposable
{
    private readonly Action<ChildExit> _onExit;
    private bool _disposed;

    public ChildReaper(Action<ChildExit> onExit)
    {
        _onExit = onExit;
        ReaperHub.Register(this);
    }

    /// <summary>Call right after the spawn: an exit that already happened is still reported.</summary>
    public void Track(int pid) => ReaperHub.Track(this, pid);

    public void Untrack(int pid) => ReaperHub.Untrack(this, pid);

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            ReaperHub.Unregister(this);
        }
    }

    internal void Report(ChildExit exit)
    {
        try
        {
            _onExit(exit);
        }
        catch (Exception e)
        {
            // A failing callback must not stop the reports of other exits.
            Console.Error.WriteLine($"child reaper callback failed for pid {exit.Pid}: {e}");
        }
    }
}

/// <summary>
/// The one reaping thread of the process. Reaping is by pid only: waitpid(-1) would also take the
/// children of System.Diagnostics.Process (a plugin's), and the runtime aborts when it loses one.
/// A pass peeks at the next zombie with waitid(WNOWAIT) so its cost follows the number of exits, not
/// the number of tracked pids; when the zombie in view is not ours to take (a pid being spawned or not
/// tracked yet, or a runtime child still to be reaped by the runtime), the tracked pids are checked one
/// by one and the pass is retried shortly after.
/// </summary>
internal static unsafe class ReaperHub
{
    /// <summary>A spawned pid that nobody tracks after this long may be reaped as an orphan.</summary>
    private static readonly long PendingExpiry = Stopwatch.Frequency * 5;

    private static readonly Lock Gate = new();
    private static readonly Dictionary<int, ChildReaper> Tracked = [];
    private static readonly Dictionary<int, long> Pending = [];
    private static readonly List<ChildReaper> Reapers = [];
    private static readonly AutoResetEvent Wake = new(false);
    private static int _spawnsInFlight;
    private static Thread? _thread;
    private static PosixSignalRegistration? _sigchld;
    private static int _daemonProcessGroup;

    public static void Register(ChildReaper reaper)
    {
        lock (Gate)
        {
            Reapers.Add(reaper);
            if (_thread is null)
            {
                Start();
            }
        }

        Wake.Set();
    }

    public static void Unregister(ChildReaper reaper)
    {
        lock (Gate)
        {
            Reapers.Remove(reaper);
            foreach (var pid in Tracked.Where(entry => entry.Value == reaper).Select(entry => entry.Key).ToList())
            {
                Tracked.Remove(pid);
            }
        }
    }

    public static void Track(ChildReaper reaper, int pid)
    {
        lock (Gate)
        {
            Tracked[pid] = reaper;
            Pending.Remove(pid);
        }

        // Its exit may have come (and its SIGCHLD gone) before it was tracked.
        Wake.Set();
    }

    public static void Untrack(ChildReaper reaper, int pid)
    {
        lock (Gate)
        {
            if (Tracked.TryGetValue(pid, out var owner) && owner == reaper)
            {
                Tracked.Remove(pid);
            }
        }
    }

    /// <summary>
    /// Until <see cref="EndSpawn"/>, an untracked zombie may be the child being spawned (it can exit
    /// before posix_spawn returns its pid): no orphan is reaped meanwhile.
    /// </summary>
    public static void BeginSpawn()
    {
        Interlocked.Increment(ref _spawnsInFlight);
    }

    public static void EndSpawn(int pid)
    {
        if (pid > 0)
        {
            lock (Gate)
            {
                Pending[pid] = Stopwatch.GetTimestamp();
            }
        }

        Interlocked.Decrement(ref _spawnsInFlight);
        Wake.Set();
    }

    private static void Start()
    {
        // Orphans of our children (double-forking daemons) become ours rather than init's.
        NativeProcesses.Prctl(NativeProcesses.PrSetChildSubreaper, 1, 0, 0, 0);
        _daemonProcessGroup = NativeProcesses.Getpgid(0);

        // Not cancelled: the runtime's own SIGCHLD handling (System.Diagnostics.Process) must still run.
        if (!OperatingSystem.IsWindows())
        {
            _sigchld = PosixSignalRegistration.Create(PosixSignal.SIGCHLD, _ => Wake.Set());
        }

        _thread = new Thread(Run) { IsBackground = true, Name = "child reaper" };
        _thread.Start();
    }

    private static void Run()
    {
        var retry = Timeout.Infinite;
        while (true)
        {
            var woken = Wake.WaitOne(retry);
            bool blocked;
            try
            {
                blocked = Pass();
            }
            catch (Exception e)
            {
                // The thread must survive anything: without it no exit would ever be reported again.
                Console.Error.WriteLine($"child reaper: {e}");
                blocked = true;
            }

            if (!blocked)
            {
                retry = Timeout.Infinite;
            }
            else
            {
                // Back off from 10 ms to 1 s while a zombie we may not take stays in view.
                retry = woken || retry == Timeout.Infinite ? 10 : Math.Min(retry * 2, 1000);
            }
        }
    }

    /// <summary>Reaps what can be reaped; true when a zombie that is not ours hid the rest from the peek.</summary>
    private static bool Pass()
    {
        var info = stackalloc byte[NativeProcesses.SiginfoSize];
        while (true)
        {
            new Span<byte>(info, NativeProcesses.SiginfoSize).Clear();
            if (NativeProcesses.Waitid(NativeProcesses.PAll, 0, info, NativeProcesses.Wexited | NativeProcesses.Wnohang | NativeProcesses.Wnowait) != 0)
            {
                if (Marshal.GetLastPInvokeError() == NativeProcesses.Eintr)
                {
                    continue;
                }

                return false;
            }

            var pid = *(int*)(info + 16);
            if (pid == 0)
            {
                return false;
            }

            switch (Classify(pid))
            {
                case Kind.Tracked:
                    ReapTracked(pid);
                    break;
                case Kind.Orphan:
                    ReapOrphan(pid);
                    break;
                default:
                    ScanTracked();
                    return true;
            }
        }
    }

    private enum Kind
    {
        Tracked,
        Orphan,
        NotOurs,
    }

    private static Kind Classify(int pid)
    {
        lock (Gate)
        {
            if (Tracked.ContainsKey(pid))
            {
                return Kind.Tracked;
            }

            if (Reapers.Count == 0 || Volatile.Read(ref _spawnsInFlight) > 0)
            {
                return Kind.NotOurs;
            }

            if (Pending.TryGetValue(pid, out var since))
            {
                if (Stopwatch.GetTimestamp() - since < PendingExpiry)
                {
                    return Kind.NotOurs;
                }

                Pending.Remove(pid);
            }
        }

        // A zombie in the daemon's own process group is a System.Diagnostics.Process child (ours lead
        // groups of their own, and so do their setsid'd descendants): the runtime reaps it.
        var group = NativeProcesses.Getpgid(pid);
        return group >= 0 && group != _daemonProcessGroup ? Kind.Orphan : Kind.NotOurs;
    }

    private static void ReapTracked(int pid)
    {
        var status = 0;
        var result = NativeProcesses.Waitpid(pid, &status, NativeProcesses.Wnohang);
        if (result == 0 || (result < 0 && Marshal.GetLastPInvokeError() == NativeProcesses.Eintr))
        {
            return;
        }

        ChildReaper? owner;
        lock (Gate)
        {
            if (!Tracked.Remove(pid, out owner))
            {
                return;
            }
        }

        // ECHILD: someone else reaped it (the runtime does waitpid(-1) when SIGCHLD was ignored at
        // start-up); the exit is reported with an unknowable status rather than never.
        owner.Report(new ChildExit(pid, result == pid ? status : -1, DateTimeOffset.UtcNow, Known: true));
    }

    private static void ReapOrphan(int pid)
    {
        var status = 0;
        if (NativeProcesses.Waitpid(pid, &status, NativeProcesses.Wnohang) != pid)
        {
            return;
        }

        ChildReaper[] reapers;
        lock (Gate)
        {
            reapers = [.. Reapers];
        }

        var exit = new ChildExit(pid, status, DateTimeOffset.UtcNow, Known: false);
        foreach (var reaper in reapers)
        {
            reaper.Report(exit);
        }
    }

    private static void ScanTracked()
    {
        int[] pids;
        lock (Gate)
        {
            pids = [.. Tracked.Keys];
        }

        foreach (var pid in pids)
        {
            ReapTracked(pid);
        }
    }
}
