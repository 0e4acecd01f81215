using System.Diagnostics;
using System.Runtime.InteropServices;
using Supervisor.Host.Platform;

namespace Supervisor.Host.Processes.Spawning;

/// <summary>
/// A reaped child: <see cref="Known"/> is false for an adopted orphan nobody tracked. <see cref="Time"/> is
/// when its reaper reported it, on that reaper's clock.
/// </summary>
internal readonly record struct ChildExit(int Pid, int WaitStatus, DateTimeOffset Time, bool Known);

/// <summary>
/// Collects the exits of the pids it tracks and reports each once, on a background thread, as soon as
/// SIGCHLD arrives. Zombies adopted as subreaper that nobody tracks are reaped too and reported to every
/// live reaper with <c>Known=false</c>.
/// </summary>
internal sealed class ChildReaper : IDisposable
{
    /// <summary>
    /// The DEBG line the reference writes for a SIGCHLD (supervisord.py <c>handle_signal</c>), right after the
    /// exit it reported has been logged (its loop reaps before it handles signals). The engine writes it once
    /// per exit, after the <c>exited:</c>, <c>stopped:</c> or <c>reaped unknown pid</c> line.
    /// </summary>
    public const string ChildQuitMessage = "received SIGCHLD indicating a child quit";

    private readonly Action<ChildExit> _onExit;
    private readonly TimeProvider _clock;
    private bool _disposed;

    /// <param name="onExit">Called on the reaping thread for each exit.</param>
    /// <param name="clock">Stamps each exit's time (the system clock when null): the engine's own clock, so a
    /// run's length (startsecs) is measured on one clock.</param>
    public ChildReaper(Action<ChildExit> onExit, TimeProvider? clock = null)
    {
        _onExit = onExit;
        _clock = clock ?? TimeProvider.System;
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
            _onExit(exit with { Time = _clock.GetUtcNow() });
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
/// A pass peeks at the next zombie with waitid(WNOWAIT), so its cost follows the number of exits, not
/// the number of tracked pids:
/// <list type="bullet">
/// <item>tracked: reaped and reported to its reaper;</item>
/// <item>spawned but not tracked yet: reaped, and reported when <see cref="Track"/> comes;</item>
/// <item>in the daemon's own process group, or a System.Diagnostics.Process child (see
/// <see cref="RuntimeChildren"/>): left to its owner;
/// as it hides the zombies behind it from the peek, the tracked pids are then checked one by one, the
/// other zombies among the kernel's list of our children are dealt with as if peeked, and the pass is
/// retried shortly after;</item>
/// <item>while a spawn is in flight: the pass stops (the zombie may be that child, whose pid is not
/// known yet; glibc itself reaps a child whose exec failed) and resumes when the last spawn in flight
/// ends (a spawn that no pass waited for wakes nobody);</item>
/// <item>anything else is an adopted orphan: reaped and reported to every reaper as unknown.</item>
/// </list>
/// </summary>
internal static unsafe class ReaperHub
{
    /// <summary>A spawned pid nobody tracks after this long is treated as an orphan.</summary>
    private static readonly long PendingExpiry = Stopwatch.Frequency * 5;

    private static readonly Lock Gate = new();
    private static readonly Dictionary<int, ChildReaper> Tracked = [];
    private static readonly Dictionary<int, long> Pending = [];
    private static readonly Dictionary<int, ChildExit> EarlyExits = [];
    private static readonly List<(ChildReaper Reaper, ChildExit Exit)> Ready = [];
    private static readonly List<ChildReaper> Reapers = [];
    private static readonly AutoResetEvent Wake = new(false);
    private static int _spawnsInFlight;

    /// <summary>Under the gate: a pass stopped at a zombie because a spawn was in flight; the spawn's end resumes it.</summary>
    private static bool _passDeferred;
    private static long _lastExpiry;
    private static Thread? _thread;
    private static PosixSignalRegistration? _sigchld;
    private static int _daemonProcessGroup;

    private enum Verdict
    {
        Continue,
        Deferred,
        Blocked,
    }

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
            Pending.Remove(pid);
            if (!EarlyExits.Remove(pid, out var early))
            {
                Tracked[pid] = reaper;
                return;
            }

            // It exited (and was reaped) before it was tracked: reported from the reaping thread.
            Ready.Add((reaper, early with { Known = true }));
        }

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

    /// <summary>Until <see cref="EndSpawn"/>, an untracked zombie may be the child being spawned: passes stop at it.</summary>
    public static void BeginSpawn()
    {
        Interlocked.Increment(ref _spawnsInFlight);
    }

    /// <summary>
    /// Wakes the reaping thread only when a pass waited for this spawn: each pass asks the kernel about
    /// every child (waitid's cost grows with their number), so a wake per spawn made launching N programs
    /// cost N² (5,000 programs: a tenth of the launch's CPU time).
    /// </summary>
    public static void EndSpawn(int pid)
    {
        bool resume;
        lock (Gate)
        {
            if (pid > 0)
            {
                Pending[pid] = Stopwatch.GetTimestamp();
            }

            // Under the gate, so a pass cannot defer between this and the check below unseen.
            resume = Interlocked.Decrement(ref _spawnsInFlight) == 0 && _passDeferred;
        }

        if (resume)
        {
            Wake.Set();
        }
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
            Verdict verdict;
            try
            {
                verdict = Pass();
            }
            catch (Exception e)
            {
                // The thread must survive anything: without it no exit would ever be reported again.
                Console.Error.WriteLine($"child reaper: {e}");
                verdict = Verdict.Blocked;
            }

            if (verdict != Verdict.Blocked)
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

    private static Verdict Pass()
    {
        lock (Gate)
        {
            _passDeferred = false;
        }

        DeliverReady();
        ExpirePending();
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

                return Verdict.Continue;
            }

            var pid = *(int*)(info + 16);
            if (pid == 0)
            {
                return Verdict.Continue;
            }

            var verdict = Take(pid);
            DeliverReady();
            if (verdict == Verdict.Blocked)
            {
                ScanTracked();
                if (ScanHiddenZombies() == Verdict.Deferred)
                {
                    verdict = Verdict.Deferred;
                }

                DeliverReady();
            }

            if (verdict != Verdict.Continue)
            {
                return verdict;
            }
        }
    }

    /// <summary>Deals with one zombie in view.</summary>
    private static Verdict Take(int pid)
    {
        bool ours;
        lock (Gate)
        {
            ours = Tracked.ContainsKey(pid) || Pending.ContainsKey(pid);
            if (!ours && Volatile.Read(ref _spawnsInFlight) > 0)
            {
                _passDeferred = true;
                return Verdict.Deferred;
            }
        }

        if (!ours)
        {
            // Not spawned by us: an adopted orphan unless it is someone else's child. Ours lead process
            // groups of their own, and so do their setsid'd descendants; a zombie in the daemon's group
            // is not ours to take (the runtime's, or a native library's). A System.Diagnostics.Process
            // child that called setsid() looks like an orphan by its group: the runtime's table decides.
            var group = NativeProcesses.Getpgid(pid);
            if (group < 0 || group == _daemonProcessGroup || RuntimeChildren.Owns(pid) == true)
            {
                return Verdict.Blocked;
            }
        }

        Reap(pid);
        return Verdict.Continue;
    }

    /// <summary>Reaps a zombie (or a tracked pid that exited) and files its exit where it belongs.</summary>
    private static void Reap(int pid)
    {
        var status = 0;
        var result = NativeProcesses.Waitpid(pid, &status, NativeProcesses.Wnohang);
        if (result == 0 || (result < 0 && Marshal.GetLastPInvokeError() == NativeProcesses.Eintr))
        {
            return;
        }

        // ECHILD: someone else reaped it (the runtime does waitpid(-1) when SIGCHLD was ignored at
        // start-up); the exit is reported with an unknowable status rather than never.
        var exit = new ChildExit(pid, result == pid ? status : -1, default, Known: true);
        lock (Gate)
        {
            if (Tracked.Remove(pid, out var owner))
            {
                Ready.Add((owner, exit));
            }
            else if (Pending.ContainsKey(pid))
            {
                EarlyExits[pid] = exit;
            }
            else if (result == pid)
            {
                AddOrphan(exit);
            }
        }
    }

    /// <summary>Under the gate: an unknown pid's exit goes to every live reaper.</summary>
    private static void AddOrphan(ChildExit exit)
    {
        foreach (var reaper in Reapers)
        {
            Ready.Add((reaper, exit with { Known = false }));
        }
    }

    /// <summary>Spawned pids nobody tracked in time: their early exits become orphan reports.</summary>
    private static void ExpirePending()
    {
        var now = Stopwatch.GetTimestamp();
        lock (Gate)
        {
            if (Pending.Count == 0 || now - _lastExpiry < Stopwatch.Frequency)
            {
                return;
            }

            _lastExpiry = now;
            foreach (var (pid, since) in Pending.ToList())
            {
                if (now - since >= PendingExpiry)
                {
                    Pending.Remove(pid);
                    if (EarlyExits.Remove(pid, out var exit))
                    {
                        AddOrphan(exit);
                    }
                }
            }
        }
    }

    private static void DeliverReady()
    {
        (ChildReaper Reaper, ChildExit Exit)[] ready;
        lock (Gate)
        {
            if (Ready.Count == 0)
            {
                return;
            }

            ready = [.. Ready];
            Ready.Clear();
        }

        foreach (var (reaper, exit) in ready)
        {
            reaper.Report(exit);
        }
    }

    /// <summary>
    /// While a zombie we may not take stays first in waitid's view, every other zombie is hidden behind it:
    /// adopted orphans would wait for its owner to reap it, which may be never (a native library's child
    /// in the daemon's process group). The kernel's list of our children shows them all.
    /// </summary>
    private static Verdict ScanHiddenZombies()
    {
        foreach (var pid in ProcTree.ChildrenOf(Environment.ProcessId))
        {
            if (ProcTree.Read(pid) is { IsZombie: true } && Take(pid) == Verdict.Deferred)
            {
                return Verdict.Deferred;
            }
        }

        return Verdict.Continue;
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
            Reap(pid);
        }
    }
}
