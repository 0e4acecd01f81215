using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Supervisor.Host.Platform;

namespace Supervisor.Host.Processes.Output;

/// <summary>Outcome of <see cref="ChildPipes.WriteStdin"/>.</summary>
internal enum StdinWriteResult
{
    /// <summary>Written, or buffered until the pipe is writable.</summary>
    Accepted,

    /// <summary>No stdin, or the child closed it (EPIPE): the reference's NO_FILE.</summary>
    Closed,
}

/// <summary>
/// The parent's ends of one child's pipes, attached to a <see cref="ChildIoLoop"/>. Output is read by
/// the loop; stdin is written from any thread without blocking: a write is tried at once (so EPIPE is
/// seen by the caller, as in the reference's <c>flush()</c>), and what the pipe does not take waits in a
/// buffer that the loop writes when the pipe becomes writable.
/// </summary>
internal sealed unsafe class ChildPipes
{
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
    /// then closed and anything still buffered is dropped, as the reference does).
    /// </summary>
    public StdinWriteResult WriteStdin(ReadOnlyMemory<byte> data)
    {
        lock (_stdinLock)
        {
            if (_stdinFd < 0)
            {
                return StdinWriteResult.Closed;
            }

            var span = data.Span;
            if (_pendingEnd == _pendingStart)
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

            Append(span);
            if (!_stdinWatched)
            {
                _loop.Control(NativeIo.EpollCtlAdd, _stdinFd, NativeIo.EpollOut, GCHandle.ToIntPtr(_self));
                _stdinWatched = true;
            }

            return StdinWriteResult.Accepted;
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

    private void Append(ReadOnlySpan<byte> data)
    {
        var count = _pendingEnd - _pendingStart;
        if (_pending.Length - _pendingEnd < data.Length)
        {
            // Compact, growing only when the live bytes and the new ones do not fit.
            var target = _pending.Length >= count + data.Length ? _pending : new byte[Math.Max(count + data.Length, _pending.Length * 2)];
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
