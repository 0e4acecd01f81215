using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Supervisor.Host.Platform;

namespace Supervisor.Host.Processes.Output;

/// <summary>Outcome of <see cref="ChildPipes.WriteStdin(ReadOnlyMemory{byte}, int, out int)"/>.</summary>
internal enum StdinWriteResult
{
    /// <summary>Written, or buffered until the pipe is writable.</summary>
    Accepted,

    /// <summary>No stdin, or the child closed it (EPIPE): the reference's NO_FILE.</summary>
    Closed,

    /// <summary>Refused whole: the bytes still waiting for the child plus these would pass the limit.</summary>
    Full,
}

/// <summary>
/// The parent's ends of one child's pipes, attached to a <see cref="ChildIoLoop"/>. Output is read by
/// the loop; stdin is written from any thread without blocking: a write is tried at once (so EPIPE is
/// seen by the caller, as in the reference's <c>flush()</c>), and what the pipe does not take waits in a
/// buffer that the loop writes when the pipe becomes writable. That buffer is bounded (<see cref="StdinLimit"/>):
/// a child that never reads its stdin must not make the daemon hold everything clients send it.
/// </summary>
internal sealed unsafe class ChildPipes
{
    /// <summary>
    /// The most stdin bytes waiting for one child (beyond what its pipe holds) that sendProcessStdin may
    /// add to. 16 MiB is the largest request body the daemon reads, so one call's string always fits
    /// when nothing is pending (no single write 4.2.5 accepts is refused for its size alone), while a
    /// child that does not read costs at most this much memory instead of everything sent to it.
    /// </summary>
    public const int StdinLimit = 16 * 1024 * 1024;

    /// <summary>An emptied buffer larger than this is dropped, so a burst does not keep its high-water array.</summary>
    private const int KeptBufferBytes = 64 * 1024;

    private readonly ChildIoLoop _loop;
    private readonly Lock _stdinLock = new();
    private SafeFileHandle? _stdinHandle;
    private volatile int _stdinFd = -1;
    private GCHandle _self;
    private byte[] _pending = [];
    private int _pendingStart;
    private int _pendingEnd;
    private bool _stdinWatched;
    private int _finishing;

    internal ChildPipes(
        ChildIoLoop loop,
        string processName,
        SafeFileHandle? stdin,
        SafeFileHandle stdout,
        SafeFileHandle? stderr,
        ChildOutputLog? stdoutLog,
        ChildOutputLog? stderrLog)
    {
        _loop = loop;
        ProcessName = processName;
        _stdinHandle = stdin;
        Stdout = new OutputPipe(this, OutputChannel.Stdout, stdout, stdoutLog);
        Stderr = stderr is null ? null : new OutputPipe(this, OutputChannel.Stderr, stderr, stderrLog);
        _self = GCHandle.Alloc(this);
    }

    public string ProcessName { get; }

    /// <summary>True while the child has a stdin pipe that has not been closed (EPIPE, drain).</summary>
    public bool StdinOpen => _stdinFd >= 0;

    internal OutputPipe Stdout { get; }

    internal OutputPipe? Stderr { get; }

    /// <summary>
    /// sendProcessStdin: hands <paramref name="data"/> to the child, never blocking. Returns
    /// <see cref="StdinWriteResult.Closed"/> when there is no stdin or the pipe is broken (the channel is
    /// then closed and anything still buffered is dropped, as the reference does), and
    /// <see cref="StdinWriteResult.Full"/>, having written nothing, when the bytes already waiting
    /// (<paramref name="pending"/>) plus <paramref name="data"/> would exceed <paramref name="limit"/>.
    /// The check counts all of <paramref name="data"/> before any of it is written, so a refused call
    /// never leaves half its bytes in the pipe.
    /// </summary>
    public StdinWriteResult WriteStdin(ReadOnlyMemory<byte> data, int limit, out int pending)
    {
        lock (_stdinLock)
        {
            pending = _pendingEnd - _pendingStart;
            if (_stdinFd < 0)
            {
                return StdinWriteResult.Closed;
            }

            if ((long)pending + data.Length > limit)
            {
                return StdinWriteResult.Full;
            }

            var span = data.Span;
            if (pending == 0)
            {
                var written = WriteSome(span, out var broken);
                if (broken)
                {
                    CloseStdinLocked();
                    return StdinWriteResult.Closed;
                }

                span = span[written..];
                if (span.IsEmpty)
                {
                    return StdinWriteResult.Accepted;
                }
            }

            Append(span, limit);
            if (!_stdinWatched)
            {
                _loop.Control(NativeIo.EpollCtlAdd, _stdinFd, NativeIo.EpollOut, GCHandle.ToIntPtr(_self));
                _stdinWatched = true;
            }

            return StdinWriteResult.Accepted;
        }
    }

    /// <summary><see cref="WriteStdin(ReadOnlyMemory{byte}, int, out int)"/> with <see cref="StdinLimit"/>.</summary>
    public StdinWriteResult WriteStdin(ReadOnlyMemory<byte> data) => WriteStdin(data, StdinLimit, out _);

    /// <summary>Stdin bytes waiting for the pipe to take them (for tests and diagnostics).</summary>
    public int StdinPending
    {
        get
        {
            lock (_stdinLock)
            {
                return _pendingEnd - _pendingStart;
            }
        }
    }

    /// <summary>The capacity of the stdin buffer's array (0 when none is held), for tests.</summary>
    internal int StdinBufferCapacity
    {
        get
        {
            lock (_stdinLock)
            {
                return _pending.Length;
            }
        }
    }

    /// <summary>
    /// After the child exited: on the I/O thread, read what is readable now (without waiting for EOF,
    /// which a grandchild holding the pipe may never send), log it, close all three fds, then call
    /// <paramref name="onDrained"/> (on the I/O thread: keep it short, e.g. post to the process loop).
    /// Calling it again is harmless; the callback still runs.
    /// </summary>
    public void DrainAndClose(Action onDrained)
    {
        ArgumentNullException.ThrowIfNull(onDrained);
        _loop.Post(() => _loop.Finish(this, onDrained));
    }

    /// <summary>Makes the fds non-blocking and starts watching the output pipes.</summary>
    internal void Register()
    {
        if (_stdinHandle is not null)
        {
            var fd = (int)_stdinHandle.DangerousGetHandle();
            NativeIo.SetNonBlocking(fd);
            _stdinFd = fd;
        }

        foreach (var output in new[] { Stdout, Stderr })
        {
            if (output is not null)
            {
                NativeIo.SetNonBlocking(output.Fd);
                _loop.Control(NativeIo.EpollCtlAdd, output.Fd, NativeIo.EpollIn, GCHandle.ToIntPtr(output.Self));
            }
        }
    }

    /// <summary>The loop saw the stdin pipe writable: write what is buffered, stop watching once empty.</summary>
    internal void OnStdinWritable()
    {
        lock (_stdinLock)
        {
            FlushLocked();
        }
    }

    /// <summary>Closes stdin (last flush attempt first, like the reference's drain), dropping what is left.</summary>
    internal void CloseStdin(bool flushFirst)
    {
        lock (_stdinLock)
        {
            if (flushFirst)
            {
                FlushLocked();
            }

            CloseStdinLocked();
        }
    }

    /// <summary>Called once by the loop when every fd is closed: the stdin handle goes after the current pass.</summary>
    internal void ReleaseHandles()
    {
        if (Interlocked.Exchange(ref _finishing, 1) == 0)
        {
            _loop.FreeLater(_self);
        }
    }

    private void FlushLocked()
    {
        if (_stdinFd < 0 || _pendingEnd == _pendingStart)
        {
            return;
        }

        var written = WriteSome(_pending.AsSpan(_pendingStart, _pendingEnd - _pendingStart), out var broken);
        if (broken)
        {
            CloseStdinLocked();
            return;
        }

        _pendingStart += written;
        if (_pendingStart == _pendingEnd)
        {
            _pendingStart = _pendingEnd = 0;
            if (_pending.Length > KeptBufferBytes)
            {
                _pending = [];
            }

            if (_stdinWatched)
            {
                _loop.Forget(_stdinFd);
                _stdinWatched = false;
            }
        }
    }

    /// <summary>Writes as much as the pipe takes now; <paramref name="broken"/> on EPIPE or any other hard error.</summary>
    private int WriteSome(ReadOnlySpan<byte> data, out bool broken)
    {
        broken = false;
        var total = 0;
        fixed (byte* start = data)
        {
            while (total < data.Length)
            {
                var n = NativeIo.Write(_stdinFd, start + total, data.Length - total);
                if (n >= 0)
                {
                    total += (int)n;
                    continue;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno == NativeIo.EINTR)
                {
                    continue;
                }

                broken = errno != NativeIo.EAGAIN;
                break;
            }
        }

        return total;
    }

    private void Append(ReadOnlySpan<byte> data, int limit)
    {
        var count = _pendingEnd - _pendingStart;
        if (_pending.Length - _pendingEnd < data.Length)
        {
            // Compact, growing only when the live bytes and the new ones do not fit, and doubling no
            // further than the limit (the caller checked that count + data.Length is within it).
            var target = _pending.Length >= count + data.Length
                ? _pending
                : new byte[Math.Max(count + data.Length, (int)Math.Min(limit, _pending.Length * 2L))];
            _pending.AsSpan(_pendingStart, count).CopyTo(target);
            _pending = target;
            _pendingStart = 0;
            _pendingEnd = count;
        }

        data.CopyTo(_pending.AsSpan(_pendingEnd));
        _pendingEnd += data.Length;
    }

    private void CloseStdinLocked()
    {
        if (_stdinFd < 0)
        {
            return;
        }

        if (_stdinWatched)
        {
            _loop.Forget(_stdinFd);
            _stdinWatched = false;
        }

        _stdinHandle?.Dispose();
        _stdinHandle = null;
        _stdinFd = -1;
        _pending = [];
        _pendingStart = _pendingEnd = 0;
    }
}
