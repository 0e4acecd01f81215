using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Supervisor.Abstractions;
using Supervisor.Host.Platform;

namespace Supervisor.Host.Processes.Output;

/// <summary>
/// The one thread between every child's pipes and its logs: an epoll loop (level-triggered) that reads
/// stdout/stderr as they become readable (one read of up to 128 KiB, or one splice of up to the pipe's
/// capacity, per ready fd per pass, so a fast writer cannot starve the others), hands each chunk to its <see cref="ChildOutputLog"/>, and writes
/// buffered stdin when a pipe becomes writable. It never touches process state: the process loop
/// attaches pipes after a spawn and asks for <see cref="ChildPipes.DrainAndClose"/> after a reap.
/// <para>Each registered fd carries a <see cref="GCHandle"/> of its channel object as epoll data, so an
/// event finds its channel without a table. Channels are closed only on this thread (stdin also under
/// its own lock), and a closed channel's handle is freed only after the pass that might still hold an
/// event for it.</para>
/// <para>A log whose file cannot be written holds its output (<see cref="ChildLogFile.Holding"/>);
/// while any does, the loop wakes at least every <see cref="RetryMilliseconds"/> to let it try again, so
/// held output is written when space returns even if the child says nothing more or has exited.</para>
/// </summary>
internal sealed unsafe class ChildIoLoop : IDisposable
{
    /// <summary>The reference's read size (<c>2 &lt;&lt; 16</c>).</summary>
    internal const int ReadSize = 128 * 1024;

    private const int MaxEvents = 512;

    /// <summary>
    /// A pipe's capacity until its child shows it writes faster than we drain it (Linux's default, 16 pages).
    /// </summary>
    internal const int DefaultPipeCapacity = 64 * 1024;

    /// <summary>
    /// What a fast writer's pipe grows to (F_SETPIPE_SZ, up to <c>/proc/sys/fs/pipe-max-size</c>, 1 MiB by
    /// default), and the most one splice moves: a writer filling the default 64 KiB woke this thread once per
    /// 64 KiB, and each wake-up (epoll_wait, splice, lseek, two context switches) cost more than the copy's
    /// share of it. A grown pipe lets the bytes that arrive while the thread is busy or not yet scheduled
    /// go out in one call, and spares the writer its blocks on a full pipe. Only pipes that were found full
    /// grow: a quiet program's pipe stays at the default, so a daemon with thousands of programs does not
    /// reach the kernel's per-user budget of pipe pages (<c>pipe-user-pages-soft</c>), past which new pipes
    /// get a single page.
    /// </summary>
    internal const int FastPipeCapacity = 1024 * 1024;

    /// <summary>How often logs that hold output try their file again (besides on every new chunk).</summary>
    internal const int RetryMilliseconds = 1000;

    private readonly IMainLog _mainLog;
    private readonly int _epoll;
    private readonly int _wake;
    private readonly byte* _readBuffer;
    private readonly byte* _events;
    private readonly Thread _thread;
    private readonly ConcurrentQueue<Action> _commands = new();
    private readonly Lock _liveLock = new();
    private readonly HashSet<ChildPipes> _live = [];
    private readonly List<GCHandle> _toFree = [];

    // Logs holding output, retried by the loop; a log whose child has gone stays here until written.
    // Lock order: this lock, then a log's own.
    private readonly Lock _holdingLock = new();
    private readonly List<ChildLogFile> _holding = [];
    private volatile int _holdingCount;
    private long _nextRetry;
    private volatile bool _stopping;
    private bool _disposed;

    /// <summary>Creates the epoll instance and starts the I/O thread.</summary>
    public ChildIoLoop(IMainLog mainLog)
    {
        _mainLog = mainLog;
        _epoll = NativeIo.EpollCreate1(NativeIo.EpollCloExec);
        if (_epoll < 0)
        {
            throw new IOException($"epoll_create1 failed: errno {Marshal.GetLastPInvokeError()}");
        }

        _wake = NativeIo.EventFd(0, NativeIo.EfdCloExec | NativeIo.EfdNonBlock);
        if (_wake < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            NativeIo.Close(_epoll);
            throw new IOException($"eventfd failed: errno {errno}");
        }

        // Data 0 marks the wake-up fd: no GCHandle is ever 0.
        Control(NativeIo.EpollCtlAdd, _wake, NativeIo.EpollIn, 0);
        _readBuffer = (byte*)NativeMemory.Alloc(ReadSize);
        _events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * NativeIo.EpollEventSize));
        _thread = new Thread(Run) { IsBackground = true, Name = "child-io" };
        _thread.Start();
    }

    /// <summary>Number of attached, not yet closed children (for tests and diagnostics).</summary>
    public int AttachedCount
    {
        get
        {
            lock (_liveLock)
            {
                return _live.Count;
            }
        }
    }

    /// <summary>
    /// Starts watching a spawned child's pipes (the parent's ends; ownership passes to the returned
    /// <see cref="ChildPipes"/>, which closes them). The fds are made non-blocking. A null log for a
    /// present pipe means its output is read and discarded; to keep the DEBG copy and events of a
    /// channel with no file (<c>NONE</c>), pass a log whose <see cref="ChildOutputOptions.LogFile"/> is null.
    /// </summary>
    public ChildPipes Attach(
        SafeFileHandle? stdin,
        SafeFileHandle stdout,
        SafeFileHandle? stderr,
        ChildOutputLog? stdoutLog,
        ChildOutputLog? stderrLog,
        string processName)
    {
        var pipes = new ChildPipes(this, processName, stdin, stdout, stderr, stdoutLog, stderrLog);
        TakeOverHeld(stdoutLog);
        TakeOverHeld(stderrLog);
        lock (_liveLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _live.Add(pipes);
        }

        try
        {
            pipes.Register();
        }
        catch
        {
            Post(() => Finish(pipes, null));
            throw;
        }

        return pipes;
    }

    public void Dispose()
    {
        lock (_liveLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _stopping = true;
        Wake();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }

        // The thread is gone: whatever was asked of it (drains) completes here, without reading.
        RunCommands();
        List<ChildPipes> remaining;
        lock (_liveLock)
        {
            remaining = [.. _live];
        }

        foreach (var pipes in remaining)
        {
            Finish(pipes, null);
        }

        lock (_holdingLock)
        {
            foreach (var file in _holding)
            {
                file.Abandon();
            }

            _holding.Clear();
            _holdingCount = 0;
        }

        FreeClosedHandles();
        NativeIo.Close(_wake);
        NativeIo.Close(_epoll);
        NativeMemory.Free(_readBuffer);
        NativeMemory.Free(_events);
    }

    /// <summary>Runs <paramref name="command"/> on the I/O thread (or right away once the loop is disposed).</summary>
    internal void Post(Action command)
    {
        bool disposed;
        lock (_liveLock)
        {
            disposed = _disposed;
            if (!disposed)
            {
                _commands.Enqueue(command);
            }
        }

        if (disposed)
        {
            command();
        }
        else
        {
            Wake();
        }
    }

    internal void Control(int op, int fd, uint events, nint data)
    {
        var ev = stackalloc byte[16];
        Unsafe.WriteUnaligned(ev, events);
        Unsafe.WriteUnaligned(ev + NativeIo.EpollDataOffset, (ulong)data);
        if (NativeIo.EpollCtl(_epoll, op, fd, ev) < 0)
        {
            throw new IOException($"epoll_ctl({op}) on fd {fd} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Stops watching an fd about to be closed; an fd already gone from the set is no error.</summary>
    internal void Forget(int fd) => NativeIo.EpollCtl(_epoll, NativeIo.EpollCtlDel, fd, null);

    /// <summary>Frees a channel's handle once no pending event can refer to it (after the current pass).</summary>
    internal void FreeLater(GCHandle handle)
    {
        if (handle.IsAllocated)
        {
            _toFree.Add(handle);
        }
    }

    /// <summary>
    /// DrainAndClose on the I/O thread: read what is readable now (FIONREAD says how much; a grandchild
    /// may keep the pipe open, so never wait for EOF), log it, close every fd, then tell the caller.
    /// </summary>
    internal void Finish(ChildPipes pipes, Action? onDrained)
    {
        if (!_disposed || Thread.CurrentThread == _thread)
        {
            DrainReadable(pipes.Stdout);
            DrainReadable(pipes.Stderr);
        }

        CloseOutput(pipes.Stdout);
        CloseOutput(pipes.Stderr);
        pipes.CloseStdin(flushFirst: true);
        pipes.ReleaseHandles();
        lock (_liveLock)
        {
            _live.Remove(pipes);
        }

        if (_disposed && Thread.CurrentThread != _thread)
        {
            // No pass of the loop will come to free them.
            FreeClosedHandles();
        }

        if (onDrained is not null)
        {
            try
            {
                onDrained();
            }
            catch (Exception e)
            {
                _mainLog.Critical($"uncaptured exception after draining {pipes.ProcessName}: {e}");
            }
        }
    }

    private void Wake()
    {
        ulong one = 1;
        NativeIo.Write(_wake, (byte*)&one, sizeof(ulong));
    }

    private void Run()
    {
        while (!_stopping)
        {
            var count = NativeIo.EpollWait(_epoll, _events, MaxEvents, _holdingCount > 0 ? RetryMilliseconds : -1);
            if (count < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno != NativeIo.EINTR)
                {
                    _mainLog.Critical($"epoll_wait failed: errno {errno}");
                    Thread.Sleep(100);
                }

                continue;
            }

            for (var i = 0; i < count; i++)
            {
                var ev = _events + (i * NativeIo.EpollEventSize);
                var data = Unsafe.ReadUnaligned<ulong>(ev + NativeIo.EpollDataOffset);
                if (data == 0)
                {
                    ulong drained;
                    NativeIo.Read(_wake, (byte*)&drained, sizeof(ulong));
                    continue;
                }

                Dispatch(GCHandle.FromIntPtr((nint)data).Target);
            }

            RunCommands();
            FreeClosedHandles();
            if (_holdingCount > 0)
            {
                RetryHolding();
            }
        }
    }

    /// <summary>Starts retrying a log that began to hold output (I/O thread, after a chunk).</summary>
    private void Watch(ChildLogFile file)
    {
        lock (_holdingLock)
        {
            if (!_holding.Contains(file))
            {
                file.MarkKeptByLoop();
                _holding.Add(file);
                _holdingCount = _holding.Count;
            }
        }
    }

    /// <summary>At most once per <see cref="RetryMilliseconds"/>: every holding log tries its file; those done leave the list.</summary>
    private void RetryHolding()
    {
        var now = Environment.TickCount64;
        if (now < _nextRetry)
        {
            return;
        }

        _nextRetry = now + RetryMilliseconds;
        lock (_holdingLock)
        {
            _holding.RemoveAll(file => !file.RetryHeld());
            _holdingCount = _holding.Count;
        }
    }

    /// <summary>
    /// A new spawn's log for a file that a gone child's log still holds output for takes that output
    /// over, so it is written first (Attach, before the new pipes are watched).
    /// </summary>
    private void TakeOverHeld(ChildOutputLog? log)
    {
        if (log?.File is not { } file || _holdingCount == 0)
        {
            return;
        }

        lock (_holdingLock)
        {
            var taken = _holding.FindAll(held => held != file && held.Path == file.Path && held.Orphaned);
            foreach (var orphan in taken)
            {
                file.TakeOver(orphan);
                _holding.Remove(orphan);
            }

            if (file.Holding && !_holding.Contains(file))
            {
                file.MarkKeptByLoop();
                _holding.Add(file);
            }

            _holdingCount = _holding.Count;
        }

        // The loop may be waiting without a timeout: the new log's retries must not wait for output.
        Wake();
    }

    private void Dispatch(object? target)
    {
        try
        {
            if (target is OutputPipe output)
            {
                ReadOnce(output);
            }
            else if (target is ChildPipes pipes)
            {
                pipes.OnStdinWritable();
            }
        }
        catch (Exception e)
        {
            _mainLog.Critical($"uncaptured exception in the child I/O loop: {e}");
        }
    }

    private void RunCommands()
    {
        while (_commands.TryDequeue(out var command))
        {
            try
            {
                command();
            }
            catch (Exception e)
            {
                _mainLog.Critical($"uncaptured exception in the child I/O loop: {e}");
            }
        }
    }

    private void FreeClosedHandles()
    {
        foreach (var handle in _toFree)
        {
            handle.Free();
        }

        _toFree.Clear();
    }

    private void ReadOnce(OutputPipe output)
    {
        if (output.Closed)
        {
            return;
        }

        // EOF: the child (and every grandchild holding the pipe) closed its end.
        var moved = Pump(output);
        if (output.Log?.File is { Holding: true } file)
        {
            Watch(file);
        }

        if (moved == 0)
        {
            CloseOutput(output);
        }
    }

    /// <summary>Moves one chunk from the pipe to its log: bytes moved, 0 at EOF or on a broken fd, -1 when empty.</summary>
    private int Pump(OutputPipe output)
    {
        if (output.Log is { SplicesToFile: true } log)
        {
            var moved = log.TrySplice(output.Fd, output.Capacity);
            if (moved != -2)
            {
                GrowIfFull(output, moved);
                return moved;
            }
        }

        var n = NativeIo.Read(output.Fd, _readBuffer, ReadSize);
        if (n > 0)
        {
            GrowIfFull(output, (int)n);
            Deliver(output, (int)n);
            return (int)n;
        }

        if (n < 0 && Marshal.GetLastPInvokeError() is NativeIo.EAGAIN or NativeIo.EINTR)
        {
            return -1;
        }

        return 0;
    }

    /// <summary>A chunk that emptied a full default-sized pipe: its writer is fast, so its pipe grows once (see <see cref="FastPipeCapacity"/>).</summary>
    private static void GrowIfFull(OutputPipe output, int moved)
    {
        if (moved < DefaultPipeCapacity || output.Capacity != DefaultPipeCapacity)
        {
            return;
        }

        // Refused (an unprivileged user past the pipe-page budget, a lower pipe-max-size): stay as it is.
        var capacity = NativeIo.Fcntl(output.Fd, NativeIo.FSetPipeSz, FastPipeCapacity);
        output.Capacity = capacity > DefaultPipeCapacity ? capacity : DefaultPipeCapacity + 1;
    }

    private void DrainReadable(OutputPipe? output)
    {
        if (output is null || output.Closed)
        {
            return;
        }

        var available = NativeIo.Available(output.Fd);
        while (available > 0)
        {
            var n = Pump(output);
            if (n <= 0)
            {
                break;
            }

            available -= n;
        }

        if (output.Log?.File is { Holding: true } file)
        {
            Watch(file);
        }
    }

    private void Deliver(OutputPipe output, int length)
    {
        if (output.Log is null)
        {
            return;
        }

        try
        {
            output.Log.Write(new ReadOnlySpan<byte>(_readBuffer, length));
        }
        catch (Exception e)
        {
            // The reference closes the channel here, which leaves the child to die of SIGPIPE; a failing
            // observer should not kill a child, so keep reading and say it once.
            if (!output.ReportedError)
            {
                output.ReportedError = true;
                _mainLog.Critical($"uncaptured exception while logging {output}: {e}");
            }
        }
    }

    private void CloseOutput(OutputPipe? output)
    {
        if (output is null || output.Closed)
        {
            return;
        }

        output.Closed = true;
        Forget(output.Fd);
        output.Handle.Dispose();
        FreeLater(output.Self);
        _mainLog.Debug($"fd {output.Fd} closed, stopped monitoring {output}");
    }
}

/// <summary>One output pipe of one child (the I/O thread's view of a POutputDispatcher).</summary>
internal sealed class OutputPipe
{
    public OutputPipe(ChildPipes owner, OutputChannel channel, SafeFileHandle handle, ChildOutputLog? log)
    {
        Owner = owner;
        Channel = channel;
        Handle = handle;
        Log = log;
        Fd = (int)handle.DangerousGetHandle();
        Self = GCHandle.Alloc(this);
    }

    public ChildPipes Owner { get; }

    public OutputChannel Channel { get; }

    public SafeFileHandle Handle { get; }

    public ChildOutputLog? Log { get; }

    public int Fd { get; }

    public GCHandle Self { get; }

    public bool Closed { get; set; }

    public bool ReportedError { get; set; }

    /// <summary>
    /// The pipe's capacity as far as the loop knows (<see cref="ChildIoLoop.DefaultPipeCapacity"/> until it
    /// grows), which is also the most one splice asks for; one more than the default once growing was refused.
    /// </summary>
    public int Capacity { get; set; } = ChildIoLoop.DefaultPipeCapacity;

    public override string ToString() => $"<POutputDispatcher for '{Owner.ProcessName}' ({ChildOutputLog.ChannelName(Channel)})>";
}
