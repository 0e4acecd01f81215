using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Supervisor.Host.Platform;

namespace Supervisor.Host.Processes.Spawning;

/// <summary>
/// The thread children are spawned from: it has a descriptor table of its own that holds only fds 0-2 and
/// its end of a socket, and a working directory and umask of its own.
/// <para>
/// Why: a spawn copies the spawning thread's descriptor table into the child, and the child's exec then
/// closes every one of those descriptors. With 5,000 programs the daemon holds about 15,000 (each
/// program's pipes and log files), so every spawn paid for all of them and launching N programs cost N².
/// From this thread a spawn copies four.
/// </para>
/// <para>
/// How: the daemon makes the child's pipes in its own table as before and sends the child's three ends
/// here over a unix socket (SCM_RIGHTS); this thread spawns and answers with the pid. The child is the
/// daemon's own all the same: a thread's children are its process's (reaping, signals, the process tree
/// are unchanged). Requests are served one at a time.
/// </para>
/// <para>
/// The runtime's own descriptors that any thread may use are kept at their numbers: the memfd through
/// which it writes code (W^X double mapping; JIT and stubs on this thread need it). Every asynchronous
/// signal is blocked on the thread: the runtime's signal handlers write to descriptor numbers of the
/// process's table, which in this thread's table mean nothing or something else. Spawns that switch user (user=,
/// as root) still run on a throw-away thread of their own (<see cref="ChildSpawner"/>): a thread that has
/// given up root cannot take it back for the next request.
/// </para>
/// </summary>
internal static unsafe class LeanSpawnThread
{
    /// <summary>Reply stage: posix_spawn ran; its result is in <see cref="Reply.Error"/>.</summary>
    public const int Spawned = 0;

    /// <summary>Reply stage: chdir to the program's directory failed with <see cref="Reply.Error"/>.</summary>
    public const int ChdirFailed = 1;

    /// <summary>Reply stage: this thread could not serve the request; the caller spawns the usual way.</summary>
    public const int NotServed = 2;

    /// <summary>The signal the runtime interrupts a thread with to suspend it for a GC (glibc's SIGRTMIN).</summary>
    private const int RuntimeActivationSignal = 34;

    private static readonly Lock Gate = new();
    private static int _daemonEnd = -1;
    private static bool _unavailable;

    /// <summary>
    /// The request being served. Written before the descriptors are sent and read after they are received,
    /// so the socket's system calls order the two.
    /// </summary>
    private static Job _job;

    /// <summary>True once the thread is running (tests look at its descriptor table).</summary>
    public static bool IsRunning
    {
        get
        {
            lock (Gate)
            {
                return _daemonEnd >= 0;
            }
        }
    }

    /// <summary>
    /// Starts the thread ahead of the first spawn, so its one descriptor in the daemon's table (its socket's
    /// end) is there when the HTTP servers count the descriptors in use for their connection reserve.
    /// </summary>
    public static void StartEarly()
    {
        lock (Gate)
        {
            if (!_unavailable && _daemonEnd < 0)
            {
                Start();
            }
        }
    }

    /// <summary>
    /// Spawns from this thread. False when the thread cannot serve (it could not be started, or it failed
    /// on this request): nothing was spawned, and the caller spawns the usual way.
    /// </summary>
    public static bool TrySpawn(in Job job, int childStdin, int childStdout, int childStderr, out Reply reply)
    {
        reply = default;
        lock (Gate)
        {
            if (_unavailable || (_daemonEnd < 0 && !Start()))
            {
                return false;
            }

            _job = job;
            if (!SendDescriptors(childStdin, childStdout, childStderr))
            {
                Retire();
                return false;
            }

            Reply answer;
            nint received;
            do
            {
                received = NativeProcesses.Recv(_daemonEnd, &answer, sizeof(Reply), 0);
            }
            while (received < 0 && Marshal.GetLastPInvokeError() == NativeProcesses.Eintr);

            if (received != sizeof(Reply))
            {
                // The thread is gone; it answers every request it receives, so nothing was spawned.
                Retire();
                return false;
            }

            reply = answer;
            return reply.Stage != NotServed;
        }
    }

    /// <summary>
    /// Starts the thread. A failure for want of descriptors (the daemon's table full when the first program
    /// is spawned) is not final: that spawn goes the usual way and the next one tries again.
    /// </summary>
    private static bool Start()
    {
        if (RuntimeDescriptors() is not { } runtimeDescriptors)
        {
            return false;
        }

        var fds = stackalloc int[2];
        if (NativeProcesses.Socketpair(NativeProcesses.AfUnix, NativeProcesses.SockSeqpacket | NativeProcesses.SockCloexec, 0, fds) != 0)
        {
            return false;
        }

        var startup = new Startup(fds[1], runtimeDescriptors);
        try
        {
            new Thread(Serve, 128 * 1024) { IsBackground = true, Name = "lean spawner" }.Start(startup);
        }
        catch (OutOfMemoryException)
        {
            // No thread could be made (memory or the thread limit): the usual way, and again next time.
            NativeIo.Close(fds[0]);
            NativeIo.Close(fds[1]);
            return false;
        }

        startup.Done.Wait();

        // The thread holds its own copy of its end (or, if it never got a table of its own, does not use it).
        NativeIo.Close(fds[1]);
        if (!startup.Succeeded)
        {
            NativeIo.Close(fds[0]);
            _unavailable = true;
            return false;
        }

        _daemonEnd = fds[0];
        return true;
    }

    private static void Retire()
    {
        NativeIo.Close(_daemonEnd);
        _daemonEnd = -1;
        _unavailable = true;
    }

    private static bool SendDescriptors(int childStdin, int childStdout, int childStderr)
    {
        byte payload = 1;
        var iov = stackalloc nint[2];
        iov[0] = (nint)(&payload);
        iov[1] = 1;
        var control = stackalloc long[ControlLongs];
        new Span<long>(control, ControlLongs).Clear();
        var header = (byte*)control;
        *(nuint*)header = NativeProcesses.CmsghdrSize + (3 * sizeof(int));
        *(int*)(header + 8) = NativeProcesses.SolSocket;
        *(int*)(header + 12) = NativeProcesses.ScmRights;
        var data = (int*)(header + NativeProcesses.CmsghdrSize);
        data[0] = childStdin;
        data[1] = childStdout;
        data[2] = childStderr;

        var message = stackalloc byte[NativeProcesses.MsghdrSize];
        new Span<byte>(message, NativeProcesses.MsghdrSize).Clear();
        *(nint*)(message + 16) = (nint)iov;
        *(nuint*)(message + 24) = 1;
        *(nint*)(message + 32) = (nint)control;
        *(nuint*)(message + 40) = ControlLongs * sizeof(long);

        nint sent;
        do
        {
            sent = NativeProcesses.Sendmsg(_daemonEnd, message, NativeProcesses.MsgNosignal);
        }
        while (sent < 0 && Marshal.GetLastPInvokeError() == NativeProcesses.Eintr);

        return sent == 1;
    }

    /// <summary>CMSG_SPACE(3 ints) in 8-byte words: the 16-byte header and 12 bytes of data, rounded up.</summary>
    private const int ControlLongs = 4;

    private static void Serve(object? state)
    {
        var startup = (Startup)state!;
        var threadEnd = startup.ThreadEnd;
        try
        {
            BlockAsynchronousSignals();
            CompileTheServingCode();
            if (NativeProcesses.Unshare(NativeProcesses.CloneFiles | NativeProcesses.CloneFs) != 0)
            {
                return;
            }

            // From here on the table is this thread's own: keep 0-2 (so no received end lands on them), our
            // end and the runtime's; close the rest, gap by gap.
            var low = 3u;
            foreach (var kept in startup.Kept)
            {
                if (kept > low && NativeProcesses.CloseRange(low, kept - 1, 0) != 0)
                {
                    return;
                }

                low = Math.Max(low, kept + 1);
            }

            if (NativeProcesses.CloseRange(low, uint.MaxValue, 0) != 0)
            {
                return;
            }

            startup.Succeeded = true;
        }
        finally
        {
            startup.Done.Set();
        }

        ServeRequests(threadEnd);
    }

    /// <summary>
    /// Compiles what serves a request while this thread still shares the process's table: code the JIT
    /// writes later on this thread could go through a descriptor number that here means something else
    /// (a perf map turned on for diagnostics, say). The loop is compiled fully optimised at once, so it is
    /// not recompiled on this thread (on-stack replacement) once it has run a while.
    /// </summary>
    private static void CompileTheServingCode()
    {
        const BindingFlags statics = BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;
        foreach (var (type, name) in new[]
        {
            (typeof(LeanSpawnThread), nameof(ServeRequests)),
            (typeof(LeanSpawnThread), nameof(ReceivedDescriptors)),
            (typeof(LeanSpawnThread), nameof(SpawnFor)),
            (typeof(ChildSpawner), nameof(ChildSpawner.SpawnFromThisThread)),
        })
        {
            RuntimeHelpers.PrepareMethod(type.GetMethod(name, statics)!.MethodHandle);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ServeRequests(int threadEnd)
    {
        byte payload;
        var iov = stackalloc nint[2];
        var control = stackalloc long[ControlLongs];
        var message = stackalloc byte[NativeProcesses.MsghdrSize];
        var received = stackalloc int[3];
        while (true)
        {
            iov[0] = (nint)(&payload);
            iov[1] = 1;
            new Span<long>(control, ControlLongs).Clear();
            new Span<byte>(message, NativeProcesses.MsghdrSize).Clear();
            *(nint*)(message + 16) = (nint)iov;
            *(nuint*)(message + 24) = 1;
            *(nint*)(message + 32) = (nint)control;
            *(nuint*)(message + 40) = ControlLongs * sizeof(long);

            var length = NativeProcesses.Recvmsg(threadEnd, message, NativeProcesses.MsgCmsgCloexec);
            if (length < 0 && Marshal.GetLastPInvokeError() == NativeProcesses.Eintr)
            {
                continue;
            }

            if (length <= 0)
            {
                return; // the daemon's end is closed
            }

            var count = ReceivedDescriptors(control, received);
            var reply = new Reply(NotServed, 0, 0);
            try
            {
                if (count == 3)
                {
                    reply = SpawnFor(_job, received[0], received[1], received[2]);
                }
            }
            catch (Exception)
            {
                // Nothing was spawned (posix_spawn's set-up threw); the daemon spawns the usual way.
                reply = new Reply(NotServed, 0, 0);
            }
            finally
            {
                for (var i = 0; i < count; i++)
                {
                    NativeIo.Close(received[i]);
                }
            }

            NativeProcesses.Send(threadEnd, &reply, sizeof(Reply), NativeProcesses.MsgNosignal);
        }
    }

    private static int ReceivedDescriptors(long* control, int* received)
    {
        var header = (byte*)control;
        var length = (int)*(nuint*)header;
        if (length < NativeProcesses.CmsghdrSize
            || *(int*)(header + 8) != NativeProcesses.SolSocket
            || *(int*)(header + 12) != NativeProcesses.ScmRights)
        {
            return 0;
        }

        var count = Math.Min(3, (length - NativeProcesses.CmsghdrSize) / sizeof(int));
        for (var i = 0; i < count; i++)
        {
            received[i] = ((int*)(header + NativeProcesses.CmsghdrSize))[i];
        }

        return count;
    }

    private static Reply SpawnFor(Job job, int childStdin, int childStdout, int childStderr)
    {
        // Each request starts from the process's own directory (/proc/self is the thread group's leader),
        // so a program's directory= never leaks into the next one's.
        if (job.Directory is not null)
        {
            if (NativeProcesses.Chdir(job.Directory) != 0)
            {
                return new Reply(ChdirFailed, Marshal.GetLastPInvokeError(), 0);
            }
        }
        else
        {
            fixed (byte* processDirectory = "/proc/self/cwd\0"u8)
            {
                if (NativeProcesses.Chdir(processDirectory) != 0)
                {
                    return new Reply(NotServed, Marshal.GetLastPInvokeError(), 0);
                }
            }
        }

        // Without umask= the child gets this thread's, a copy of the process's taken at start-up.
        var previousUmask = job.Umask >= 0 ? NativeProcesses.Umask(job.Umask) : -1;
        try
        {
            var error = ChildSpawner.SpawnFromThisThread(
                job.Path, job.Argv, job.Envp, childStdin, childStdout, childStderr, job.NewSession, closeInChild: true, out var pid);
            return new Reply(Spawned, error, pid);
        }
        finally
        {
            if (previousUmask >= 0)
            {
                NativeProcesses.Umask(previousUmask);
            }
        }
    }

    /// <summary>Every signal but the synchronous faults and the runtime's own activation signal.</summary>
    private static void BlockAsynchronousSignals()
    {
        var set = stackalloc byte[NativeProcesses.SigsetSize];
        new Span<byte>(set, NativeProcesses.SigsetSize).Clear();
        for (var signal = 1; signal <= 64; signal++)
        {
            if (signal is 4 or 5 or 7 or 8 or 11 or RuntimeActivationSignal)
            {
                continue; // SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV: raised by this thread itself
            }

            set[(signal - 1) / 8] |= (byte)(1 << ((signal - 1) % 8));
        }

        NativeProcesses.PthreadSigmask(NativeProcesses.SigBlock, set, null);
    }

    /// <summary>What to spawn: null-terminated strings and arrays the caller keeps alive until the reply.</summary>
    internal readonly struct Job(byte* path, byte** argv, byte** envp, byte* directory, int umask, bool newSession)
    {
        public byte* Path { get; } = path;

        public byte** Argv { get; } = argv;

        public byte** Envp { get; } = envp;

        /// <summary>Null: the process's own directory.</summary>
        public byte* Directory { get; } = directory;

        /// <summary>-1: the process's umask.</summary>
        public int Umask { get; } = umask;

        public bool NewSession { get; } = newSession;
    }

    /// <summary>The thread's answer: a stage (<see cref="Spawned"/>, <see cref="ChdirFailed"/>, <see cref="NotServed"/>), an errno and the pid.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal readonly struct Reply(int stage, int error, int pid)
    {
        public int Stage { get; } = stage;

        public int Error { get; } = error;

        public int Pid { get; } = pid;
    }

    /// <summary>
    /// The runtime's descriptors this thread must keep (see the class remarks), by their links in
    /// /proc/self/fd; null when they cannot be listed (no descriptor left to open the directory with).
    /// </summary>
    private static List<int>? RuntimeDescriptors()
    {
        var found = new List<int>();
        IEnumerable<string> entries;
        try
        {
            entries = Directory.GetFileSystemEntries("/proc/self/fd");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        foreach (var entry in entries)
        {
            try
            {
                if (new FileInfo(entry).LinkTarget is { } target
                    && target.StartsWith("/memfd:doublemapper", StringComparison.Ordinal)
                    && int.TryParse(Path.GetFileName(entry), out var fd))
                {
                    found.Add(fd);
                }
            }
            catch (IOException)
            {
                // Closed while listed (the enumeration's own descriptor, or another thread's).
            }
        }

        return found;
    }

    private sealed class Startup(int threadEnd, List<int> runtimeDescriptors)
    {
        public int ThreadEnd { get; } = threadEnd;

        /// <summary>Descriptors from 3 up the thread keeps, in order: its end and the runtime's.</summary>
        public uint[] Kept { get; } = [.. runtimeDescriptors.Append(threadEnd).Where(fd => fd >= 3).Select(fd => (uint)fd).Distinct().Order()];

        public ManualResetEventSlim Done { get; } = new();

        public bool Succeeded { get; set; }
    }
}
