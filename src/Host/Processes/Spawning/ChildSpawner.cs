using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Supervisor.Abstractions;
using Supervisor.Host.Platform;

namespace Supervisor.Host.Processes.Spawning;

/// <summary>
/// What to start: the resolved command, the complete environment and the child's set-up (what the reference's
/// <c>Subprocess._spawn_as_child</c> does between fork and exec, <c>supervisor/process.py</c>).
/// </summary>
internal sealed record SpawnRequest(
    ResolvedCommand Command,
    IReadOnlyList<string> Environment,
    string? Directory,
    int? Umask,
    int? Uid,
    int? Gid,
    string? UserName,
    bool RedirectStderr)
{
    /// <summary>
    /// Start the child in a new session (POSIX_SPAWN_SETSID) instead of a new process group: for the
    /// daemon re-launching itself in the background, which must leave the caller's terminal.
    /// </summary>
    public bool NewSession { get; init; }

    /// <summary>Tests only: pretend the daemon runs as this uid (to reach the non-root refusal while running as root).</summary>
    public int? AssumeDaemonUid { get; init; }
}

/// <summary>A started child and the parent ends of its pipes (non-blocking, close-on-exec); disposing closes them.</summary>
internal sealed class SpawnedChild : IDisposable
{
    internal SpawnedChild(int pid, SafeFileHandle? stdin, SafeFileHandle stdout, SafeFileHandle? stderr)
    {
        Pid = pid;
        Stdin = stdin;
        Stdout = stdout;
        Stderr = stderr;
    }

    public int Pid { get; }

    public SafeFileHandle? Stdin { get; }

    public SafeFileHandle Stdout { get; }

    /// <summary>Null when stderr is redirected into the stdout pipe.</summary>
    public SafeFileHandle? Stderr { get; }

    public void Dispose()
    {
        Stdin?.Dispose();
        Stdout.Dispose();
        Stderr?.Dispose();
    }
}

/// <summary>
/// Either a child or the reference's spawnerr text for a failure to make the pipes or to start the child
/// (<c>Subprocess.spawn</c>, <c>supervisor/process.py</c>: "too many open files to spawn", "unknown error
/// making dispatchers for", "Too many processes in process table to spawn", "unknown error during fork for").
/// </summary>
internal sealed record SpawnResult(SpawnedChild? Child, string? Error);

/// <summary>
/// Starts children with glibc's posix_spawn: own process group, default signal dispositions, empty
/// signal mask, fds 0/1/2 on fresh pipes and nothing else open. Spawns go through
/// <see cref="LeanSpawnThread"/>, whose descriptor table is nearly empty, with the program's working
/// directory and umask applied there. user= (and any spawn that thread cannot serve) runs on a
/// short-lived thread with its own fs struct (unshare(CLONE_FS)) and, for user=, its own credentials set
/// by raw system calls; the child inherits both from that thread and the thread then ends, so the
/// daemon's other threads never change. Set-up failures the reference reports from the child (chdir,
/// user, exec) are reproduced by a stand-in child writing the same lines into the same pipe and exiting
/// 127.
/// </summary>
internal static unsafe class ChildSpawner
{
    private const string NotSpawned = "supervisor: child process was not spawned\n";
    private static readonly string[] StandInArgv = ["/bin/sh", "-c", "exit 127"];
    private static readonly Lock CredentialGate = new();

    public static SpawnResult Spawn(SpawnRequest request, string processName)
    {
        var pipes = new PipeSet();
        var pipeError = pipes.Create(!request.RedirectStderr);
        if (pipeError != 0)
        {
            pipes.CloseAll();
            return new SpawnResult(null, pipeError == 24
                ? $"too many open files to spawn {PythonText.Repr(processName)}"
                : $"unknown error making dispatchers for {PythonText.Repr(processName)}: {ErrnoNames.Name(pipeError)}");
        }

        Outcome outcome;
        try
        {
            outcome = Launch(request, pipes);
        }
        catch
        {
            pipes.CloseAll();
            throw;
        }

        pipes.CloseChildEnds();
        if (outcome.Pid <= 0)
        {
            pipes.CloseParentEnds();
            return new SpawnResult(null, outcome.ForkErrno == NativeProcesses.Eagain
                ? $"Too many processes in process table to spawn {PythonText.Repr(processName)}"
                : $"unknown error during fork for {PythonText.Repr(processName)}: {ErrnoNames.Name(outcome.ForkErrno)}");
        }

        return new SpawnResult(pipes.TakeParentEnds(outcome.Pid), null);
    }

    private static Outcome Launch(SpawnRequest request, PipeSet pipes)
    {
        var daemonUid = request.AssumeDaemonUid ?? NativeProcesses.Getuid();
        var switchUser = request.Uid is int uid && uid != daemonUid;
        ReaperHub.BeginSpawn();
        var outcome = default(Outcome);
        try
        {
            if (switchUser && daemonUid != 0)
            {
                outcome = StandIn(pipes, $"couldn't setuid to {request.Uid}: Can't drop privilege as nonroot user\n");
            }
            else if (switchUser)
            {
                outcome = LaunchAsUser(request, pipes);
            }
            else if (FromLeanThread(request, pipes) is { } served)
            {
                outcome = served;
            }
            else if (request.Directory is not null || request.Umask is not null)
            {
                outcome = OnPrivateThread(request, pipes, null);
            }
            else
            {
                outcome = LaunchCommand(request, pipes);
            }
        }
        finally
        {
            ReaperHub.EndSpawn(outcome.Pid);
        }

        return outcome;
    }

    private static Outcome LaunchAsUser(SpawnRequest request, PipeSet pipes)
    {
        var uid = request.Uid!.Value;
        var gid = request.Gid ?? UnixAccounts.PrimaryGidOfUid(uid);
        if (gid is not int primaryGid)
        {
            return StandIn(pipes, $"couldn't setuid to {uid}: Can't find uid {uid}\n");
        }

        var groups = SupplementaryGroups(request.UserName, primaryGid);

        // Changing a thread's effective uid makes the kernel mark the whole process non-dumpable; put
        // the flag back once the thread is gone (serialised so two switches cannot interleave).
        lock (CredentialGate)
        {
            var dumpable = NativeProcesses.Prctl(NativeProcesses.PrGetDumpable, 0, 0, 0, 0);
            try
            {
                return OnPrivateThread(request, pipes, new Credentials(uid, primaryGid, groups));
            }
            finally
            {
                if (dumpable >= 0)
                {
                    NativeProcesses.Prctl(NativeProcesses.PrSetDumpable, (nuint)dumpable, 0, 0, 0);
                }
            }
        }
    }

    /// <summary>
    /// Runs the set-up and the spawn on a new thread that never returns to a pool: it unshares its fs
    /// struct (so umask and chdir stay private to it) and may give up root for good.
    /// </summary>
    private static Outcome OnPrivateThread(SpawnRequest request, PipeSet pipes, Credentials? credentials)
    {
        var outcome = default(Outcome);
        Exception? failure = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    outcome = PrepareThreadAndLaunch(request, pipes, credentials);
                }
                catch (Exception e)
                {
                    failure = e;
                }
            },
            256 * 1024)
        {
            IsBackground = true,
            Name = "spawn",
        };
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            throw new InvalidOperationException("spawning thread failed", failure);
        }

        return outcome;
    }

    private static Outcome PrepareThreadAndLaunch(SpawnRequest request, PipeSet pipes, Credentials? credentials)
    {
        if (NativeProcesses.Unshare(NativeProcesses.CloneFs) != 0)
        {
            return Outcome.ForkFailed(Marshal.GetLastPInvokeError());
        }

        if (credentials is not null)
        {
            var problem = credentials.ApplyToThisThread();
            if (problem is not null)
            {
                return StandIn(pipes, problem.Length == 0 ? string.Empty : $"couldn't setuid to {credentials.Uid}: {problem}\n");
            }
        }

        if (request.Directory is string directory)
        {
            var path = CommandResolver.Terminated(directory);
            fixed (byte* p = path)
            {
                if (NativeProcesses.Chdir(p) != 0)
                {
                    return StandIn(pipes, $"couldn't chdir to {directory}: {ErrnoNames.Name(Marshal.GetLastPInvokeError())}\n");
                }
            }
        }

        if (request.Umask is int umask)
        {
            NativeProcesses.Umask(umask);
        }

        return LaunchCommand(request, pipes);
    }

    /// <summary>The spawn from <see cref="LeanSpawnThread"/>; null when that thread cannot serve it.</summary>
    private static Outcome? FromLeanThread(SpawnRequest request, PipeSet pipes)
    {
        using var argv = new NativeStringArray(request.Command.Argv);
        using var envp = new NativeStringArray(request.Environment);
        var path = CommandResolver.Terminated(request.Command.Path);
        var directory = request.Directory is null ? null : CommandResolver.Terminated(request.Directory);
        LeanSpawnThread.Reply reply;
        fixed (byte* p = path)
        fixed (byte* d = directory)
        {
            var job = new LeanSpawnThread.Job(p, argv.Pointers, envp.Pointers, d, request.Umask ?? -1, request.NewSession);
            if (!LeanSpawnThread.TrySpawn(job, pipes.ChildStdinEnd, pipes.ChildStdoutEnd, pipes.ChildStderrEnd, out reply))
            {
                return null;
            }
        }

        return reply.Stage == LeanSpawnThread.ChdirFailed
            ? StandIn(pipes, $"couldn't chdir to {request.Directory}: {ErrnoNames.Name(reply.Error)}\n")
            : Spawned(request, pipes, reply.Error, reply.Pid);
    }

    private static Outcome LaunchCommand(SpawnRequest request, PipeSet pipes)
    {
        using var argv = new NativeStringArray(request.Command.Argv);
        using var envp = new NativeStringArray(request.Environment);
        var error = PosixSpawn(request.Command.Path, argv, envp, pipes, request.NewSession, out var pid);
        return Spawned(request, pipes, error, pid);
    }

    /// <summary>The outcome of posix_spawn's result: a child, no process at all, or an exec failure to report.</summary>
    private static Outcome Spawned(SpawnRequest request, PipeSet pipes, int error, int pid)
    {
        if (error == 0)
        {
            return new Outcome(pid, 0);
        }

        // glibc reports a failure of the child's exec (or file actions) through posix_spawn's result, and
        // reaps that child itself; only clone's own failures mean no process could be made.
        if (error is NativeProcesses.Eagain or NativeProcesses.Enomem)
        {
            return Outcome.ForkFailed(error);
        }

        var argv0 = request.Command.Argv.Count > 0 ? request.Command.Argv[0] : request.Command.Path;
        return StandIn(pipes, $"couldn't exec {argv0}: {ErrnoNames.Name(error)}\n");
    }

    /// <summary>
    /// What the reference's user sees when the child's set-up fails: the lines on the child's fd 2 and an
    /// exit status of 127 from a real process. The parent writes the lines into the pipe (they are far
    /// below its capacity) and a stand-in shell exits 127.
    /// </summary>
    private static Outcome StandIn(PipeSet pipes, string message)
    {
        var bytes = Encoding.UTF8.GetBytes(message.Length == 0 ? NotSpawned : "supervisor: " + message + NotSpawned);
        var fd = pipes.ChildStderrEnd;
        fixed (byte* p = bytes)
        {
            var offset = 0;
            while (offset < bytes.Length)
            {
                var written = NativeIo.Write(fd, p + offset, bytes.Length - offset);
                if (written < 0)
                {
                    if (Marshal.GetLastPInvokeError() == NativeProcesses.Eintr)
                    {
                        continue;
                    }

                    break;
                }

                offset += (int)written;
            }
        }

        using var argv = new NativeStringArray(StandInArgv);
        using var envp = new NativeStringArray([]);
        var error = PosixSpawn(StandInArgv[0], argv, envp, pipes, newSession: false, out var pid);
        return error == 0 ? new Outcome(pid, 0) : Outcome.ForkFailed(error);
    }

    /// <summary>glibc's POSIX_SPAWN_SETSID (since 2.26): the child calls setsid().</summary>
    private const short PosixSpawnSetsid = 0x80;

    private static int PosixSpawn(string path, NativeStringArray argv, NativeStringArray envp, PipeSet pipes, bool newSession, out int pid)
    {
        var pathBytes = CommandResolver.Terminated(path);
        fixed (byte* p = pathBytes)
        {
            return SpawnFromThisThread(
                p, argv.Pointers, envp.Pointers, pipes.ChildStdinEnd, pipes.ChildStdoutEnd, pipes.ChildStderrEnd, newSession, !MarkDescriptorsCloseOnExec(), out pid);
        }
    }

    /// <summary>
    /// posix_spawn from the calling thread, with the child's fds 0-2 dup'd from the given ends (all at least 3,
    /// so the dup2s cannot overwrite each other). <paramref name="closeInChild"/>: the child closes every fd
    /// from 3 up before its exec; otherwise they must already be close-on-exec.
    /// </summary>
    internal static int SpawnFromThisThread(
        byte* path, byte** argv, byte** envp, int childStdin, int childStdout, int childStderr, bool newSession, bool closeInChild, out int pid)
    {
        var attributes = NativeMemory.AllocZeroed(NativeProcesses.SpawnAttrSize);
        var actions = NativeMemory.AllocZeroed(NativeProcesses.FileActionsSize);
        var signals = stackalloc byte[NativeProcesses.SigsetSize];
        var childPid = 0;
        try
        {
            Check(NativeProcesses.PosixSpawnattrInit(attributes));
            Check(NativeProcesses.PosixSpawnFileActionsInit(actions));
            Check(NativeProcesses.PosixSpawnattrSetflags(
                attributes,
                (short)((newSession ? PosixSpawnSetsid : NativeProcesses.PosixSpawnSetpgroup) | NativeProcesses.PosixSpawnSetsigdef | NativeProcesses.PosixSpawnSetsigmask)));

            // Process group 0: the child leads a new group of its own (the reference's setpgrp()).
            Check(NativeProcesses.PosixSpawnattrSetpgroup(attributes, 0));

            // Every signal 1-64 back to its default, glibc's internal 32 and 33 included (sigfillset would
            // leave those out, and glibc's child would then pass them on as ignored).
            new Span<byte>(signals, NativeProcesses.SigsetSize).Clear();
            new Span<byte>(signals, 8).Fill(0xff);
            Check(NativeProcesses.PosixSpawnattrSetsigdefault(attributes, signals));
            new Span<byte>(signals, NativeProcesses.SigsetSize).Clear();
            Check(NativeProcesses.PosixSpawnattrSetsigmask(attributes, signals));

            Check(NativeProcesses.PosixSpawnFileActionsAdddup2(actions, childStdin, 0));
            Check(NativeProcesses.PosixSpawnFileActionsAdddup2(actions, childStdout, 1));
            Check(NativeProcesses.PosixSpawnFileActionsAdddup2(actions, childStderr, 2));
            if (closeInChild)
            {
                Check(NativeProcesses.PosixSpawnFileActionsAddclosefromNp(actions, 3));
            }

            var error = NativeProcesses.PosixSpawn(&childPid, path, actions, attributes, argv, envp);
            pid = error == 0 ? childPid : 0;
            return error;
        }
        finally
        {
            NativeProcesses.PosixSpawnFileActionsDestroy(actions);
            NativeProcesses.PosixSpawnattrDestroy(attributes);
            NativeMemory.Free(actions);
            NativeMemory.Free(attributes);
        }
    }

    /// <summary>Set once a kernel refused close_range's CLOEXEC flag (before Linux 5.11).</summary>
    private static int _closeOnExecFlagRefused;

    /// <summary>
    /// Nothing but fds 0, 1 and 2 may reach a child (the reference closes 3 up to minfds in the child,
    /// <c>Subprocess._spawn_as_child</c>). Closing them in the child before its exec (closefrom) holds the
    /// spawning thread, which waits for the exec, for one close per descriptor the daemon has open: about
    /// 15,000 with 5,000 programs, which made each spawn cost more the more programs there were. Marking
    /// them close-on-exec in the daemon is one bitmap update; the kernel then closes them in the child's
    /// exec after the daemon has resumed. The daemon never hands a child an fd above 2, so the mark takes
    /// nothing from it. Returns false where the kernel refuses the flag: the child then closes them itself.
    /// </summary>
    private static bool MarkDescriptorsCloseOnExec()
    {
        if (Volatile.Read(ref _closeOnExecFlagRefused) != 0)
        {
            return false;
        }

        if (NativeProcesses.CloseRange(3, uint.MaxValue, (int)NativeProcesses.CloseRangeCloexec) == 0)
        {
            return true;
        }

        Volatile.Write(ref _closeOnExecFlagRefused, 1);
        return false;
    }

    private static void Check(int error)
    {
        if (error != 0)
        {
            throw new InvalidOperationException($"posix_spawn set-up failed: {ErrnoNames.Name(error)}");
        }
    }

    /// <summary>The reference's setgroups list: the primary gid first, then every group listing the user.</summary>
    private static int[] SupplementaryGroups(string? userName, int primaryGid)
    {
        if (userName is null)
        {
            return [primaryGid];
        }

        var name = CommandResolver.Terminated(userName);
        var count = 64;
        while (true)
        {
            var groups = new int[count];
            var found = count;
            int result;
            fixed (byte* n = name)
            fixed (int* g = groups)
            {
                result = NativeProcesses.Getgrouplist(n, primaryGid, g, &found);
            }

            if (result >= 0)
            {
                var list = new List<int> { primaryGid };
                list.AddRange(groups.AsSpan(0, found).ToArray().Where(group => group != primaryGid).Distinct());
                return [.. list];
            }

            count = Math.Max(found, count * 2);
        }
    }

    private readonly record struct Outcome(int Pid, int ForkErrno)
    {
        public static Outcome ForkFailed(int errno) => new(0, errno);
    }

    /// <summary>The credentials of a user= switch, applied to the calling thread only.</summary>
    private sealed record Credentials(int Uid, int Gid, int[] Groups)
    {
        /// <summary>Null on success, else the reference's drop_privileges text (empty when the reference's child says nothing but "not spawned").</summary>
        public string? ApplyToThisThread()
        {
            var (setGroups, setResUid, setResGid) = NativeProcesses.CredentialSyscalls;
            fixed (int* groups = Groups)
            {
                if (NativeProcesses.Syscall(setGroups, Groups.Length, (long)groups, 0) != 0)
                {
                    return "Could not set groups of effective user";
                }
            }

            if (NativeProcesses.Syscall(setResGid, Gid, Gid, Gid) != 0)
            {
                return "Could not set group id of effective user";
            }

            if (NativeProcesses.Syscall(setResUid, Uid, Uid, Uid) != 0)
            {
                // The reference's os.setuid raises here and the child's finally clause exits 127 having
                // written only the "not spawned" line.
                return string.Empty;
            }

            return null;
        }
    }

    /// <summary>The three pipes of a child; every fd is close-on-exec and at least 3.</summary>
    private sealed class PipeSet
    {
        private int _stdinRead = -1;
        private int _stdinWrite = -1;
        private int _stdoutRead = -1;
        private int _stdoutWrite = -1;
        private int _stderrRead = -1;
        private int _stderrWrite = -1;

        public int ChildStdinEnd => _stdinRead;

        public int ChildStdoutEnd => _stdoutWrite;

        /// <summary>The child's fd 2: its stderr pipe, or the stdout pipe when stderr is redirected.</summary>
        public int ChildStderrEnd => _stderrWrite >= 0 ? _stderrWrite : _stdoutWrite;

        /// <summary>0, or the errno of the first failure.</summary>
        public int Create(bool withStderr)
        {
            var error = MakePipe(out _stdinRead, out _stdinWrite);
            if (error == 0)
            {
                error = MakePipe(out _stdoutRead, out _stdoutWrite);
            }

            if (error == 0 && withStderr)
            {
                error = MakePipe(out _stderrRead, out _stderrWrite);
            }

            if (error != 0)
            {
                return error;
            }

            return SetNonBlocking(_stdinWrite)
                ?? SetNonBlocking(_stdoutRead)
                ?? (_stderrRead >= 0 ? SetNonBlocking(_stderrRead) : null)
                ?? 0;
        }

        public SpawnedChild TakeParentEnds(int pid)
        {
            var child = new SpawnedChild(
                pid,
                new SafeFileHandle(_stdinWrite, ownsHandle: true),
                new SafeFileHandle(_stdoutRead, ownsHandle: true),
                _stderrRead >= 0 ? new SafeFileHandle(_stderrRead, ownsHandle: true) : null);
            _stdinWrite = _stdoutRead = _stderrRead = -1;
            return child;
        }

        public void CloseChildEnds()
        {
            CloseFd(ref _stdinRead);
            CloseFd(ref _stdoutWrite);
            CloseFd(ref _stderrWrite);
        }

        public void CloseParentEnds()
        {
            CloseFd(ref _stdinWrite);
            CloseFd(ref _stdoutRead);
            CloseFd(ref _stderrRead);
        }

        public void CloseAll()
        {
            CloseChildEnds();
            CloseParentEnds();
        }

        private static int MakePipe(out int read, out int write)
        {
            var fds = stackalloc int[2];
            if (NativeIo.Pipe2(fds, NativeIo.OCloExec) != 0)
            {
                read = write = -1;
                return Marshal.GetLastPInvokeError();
            }

            read = AboveStandardStreams(fds[0]);
            write = AboveStandardStreams(fds[1]);
            return 0;
        }

        /// <summary>
        /// A daemon started with a closed stdin/stdout/stderr can get 0-2 from pipe2; moved up so that the
        /// child's dup2 onto 0, 1 and 2 cannot clobber another pipe end.
        /// </summary>
        private static int AboveStandardStreams(int fd)
        {
            if (fd > 2)
            {
                return fd;
            }

            var moved = NativeIo.Fcntl(fd, NativeProcesses.FDupfdCloexec, 3);
            if (moved < 0)
            {
                return fd;
            }

            NativeIo.Close(fd);
            return moved;
        }

        private static int? SetNonBlocking(int fd)
        {
            try
            {
                NativeIo.SetNonBlocking(fd);
                return null;
            }
            catch (IOException)
            {
                return Marshal.GetLastPInvokeError();
            }
        }

        private static void CloseFd(ref int fd)
        {
            if (fd >= 0)
            {
                NativeIo.Close(fd);
                fd = -1;
            }
        }
    }
}
