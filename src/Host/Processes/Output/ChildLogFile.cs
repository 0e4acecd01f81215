using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Supervisor.Abstractions;
using Supervisor.Host.Platform;

namespace Supervisor.Host.Processes.Output;

/// <summary>
/// One channel's log file, as the reference's <c>RotatingFileHandler</c> (<c>supervisor/loggers.py</c>):
/// appends the raw bytes with one <c>write(2)</c> (or moves them pipe → file with <c>splice(2)</c>), rotates
/// after the write when the size reached <c>maxbytes</c>, keeps a fast log from filling the page cache
/// (write-behind), reopens on SIGUSR2 and empties on clearProcessLogs. The size is tracked here (like
/// Python's <c>tell()</c>) so no <c>fstat</c> runs per chunk. <see cref="ChildOutputLog"/> decides what
/// reaches it.
/// <para>Thread-safe: the I/O thread appends while the process loop may <see cref="Reopen"/> or
/// <see cref="Clear"/>.</para>
/// <para>A file that cannot be written (a full disk, most often) does not lose output or tear lines:
/// what a write did not take is held, in order, up to <see cref="HoldLimit"/>, and written before any
/// later output once writes succeed again (the next chunk tries, and <see cref="ChildIoLoop"/> retries
/// every second). The main log says so once when it starts (ERRO) and once when it is over (INFO).
/// Past the limit the newest output is dropped, cut at line ends so no line is torn (a single line
/// longer than the limit is the exception), and the count goes into the main log. The child is never
/// blocked: its pipe is drained whatever happens to the file.</para>
/// </summary>
internal sealed unsafe class ChildLogFile : IDisposable
{
    private const int OpenFlags = NativeIo.OWrOnly | NativeIo.OCreat | NativeIo.OCloExec;

    /// <summary>How much a log writes between two write-behind advices (see <see cref="WriteBehind"/>).</summary>
    internal const long WriteBehindStretch = 8 << 20;

    /// <summary>
    /// The most output one log holds while its file cannot be written: minutes of a chatty program's
    /// lines while an operator frees space, yet bounded (a channel costs at most this much memory, and
    /// only during the failure; the array is let go once it is written).
    /// </summary>
    internal const int HoldLimit = 4 << 20;

    // Python's open() uses 0666 and lets the umask decide.
    private const int CreateMode = 0x1B6;

    private readonly ChildOutputOptions _options;
    private readonly IMainLog _mainLog;
    private readonly Lock _lock = new();

    private bool _splice;
    private SafeFileHandle? _file;
    private int _fd = -1;
    private long _size;

    // Write-behind (see WriteBehind): where pages we wrote may still be cached, where the stretch whose
    // writeback was started last begins, and the size at which the next stretch is handed over.
    private bool _writeBehind;
    private long _cachedFrom;
    private long _writebackFrom;
    private long _nextWriteBehind;
    private bool _reportedWriteError;

    // Output held while the file cannot be written (see the class comment). _holding is the episode,
    // from the first failed write until everything held is written. Within it, _dropping: the hold was
    // full, so all input is dropped until what is held is written; then _skipping: input is dropped up
    // to the next line end (unless the last byte dropped ended a line), so the gap falls between lines.
    private byte[] _held = [];
    private int _heldStart;
    private int _heldLength;
    private bool _holding;
    private bool _dropping;
    private bool _droppedLineEnd;
    private bool _skipping;
    private long _heldTotal;
    private long _dropped;
    private bool _reportedDrop;

    // Set by the I/O loop when it retries this log; a log disposed while holding then stays open until
    // the loop has written what it holds (or the next spawn's log for the same file takes it over).
    private bool _keptByLoop;
    private bool _closeWhenWritten;
    private bool _disposed;

    /// <param name="path">The file's absolute path.</param>
    /// <param name="options">The channel's settings (maxbytes, backups, the names for messages).</param>
    /// <param name="splice">Chunks will come by <see cref="TrySplice"/>: the file is opened without O_APPEND, which splice refuses.</param>
    /// <param name="mainLog">Where write failures and held output are reported.</param>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public ChildLogFile(string path, ChildOutputOptions options, bool splice, IMainLog mainLog)
    {
        Path = path;
        _options = options;
        _splice = splice;
        _mainLog = mainLog;
        OpenAppend();
    }

    /// <summary>The file's absolute path.</summary>
    public string Path { get; }

    /// <summary>True while chunks can go pipe → file by <see cref="TrySplice"/>.</summary>
    internal bool SplicesToFile => _splice;

    /// <summary>True while output is held because the file cannot be written (read on the I/O thread, which writes it).</summary>
    internal bool Holding => _holding;

    /// <summary>Bytes held now (for tests and diagnostics).</summary>
    internal int HeldLength
    {
        get
        {
            lock (_lock)
            {
                return _heldLength;
            }
        }
    }

    /// <summary>The held bytes' array (0 when none is kept), for tests.</summary>
    internal int HeldCapacity
    {
        get
        {
            lock (_lock)
            {
                return _held.Length;
            }
        }
    }

    /// <summary>Disposed while holding: nothing more will be written to it, only what it holds.</summary>
    internal bool Orphaned
    {
        get
        {
            lock (_lock)
            {
                return _closeWhenWritten;
            }
        }
    }

    /// <summary>SIGUSR2: closes the file and opens it again by name, so an external tool can move it away.</summary>
    /// <exception cref="IOException">The file cannot be reopened.</exception>
    public void Reopen()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            CloseFile();
            OpenAppend();
        }
    }

    /// <summary>clearProcessLogs: deletes the current file and opens it again empty; rotated copies stay.</summary>
    /// <exception cref="IOException">The file cannot be removed or recreated.</exception>
    public void Clear()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            CloseFile();
            DiscardHeld("cleared");
            try
            {
                File.Delete(Path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Keep logging to the file that could not be removed; the caller reports FAILED.
                OpenAppend();
                throw new IOException(e.Message, e);
            }

            OpenAppend();
        }
    }

    /// <summary>
    /// Closes the file. Output still held gets one more try; if the I/O loop is retrying this log, it
    /// keeps the file open and closes it once the rest is written (<see cref="RetryHeld"/>), otherwise
    /// the main log says how much was lost.
    /// </summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_holding && FlushHeld(out _))
            {
                EndHolding();
            }

            if (_holding && _keptByLoop)
            {
                _closeWhenWritten = true;
                return;
            }

            DiscardHeld("closed");
            CloseFile();
        }
    }

    /// <summary>
    /// The I/O loop's retry (about once a second while <see cref="Holding"/>): writes what is held if
    /// the file takes it now. Returns true while output is still held; a disposed log then closes.
    /// </summary>
    internal bool RetryHeld()
    {
        lock (_lock)
        {
            if (!_holding)
            {
                _keptByLoop = false;
                return false;
            }

            if (_splice && _fd >= 0)
            {
                SeekEnd();
            }

            if (FlushHeld(out _))
            {
                StopDropping();

                // Still skipping the rest of a dropped line: the child's next line end ends the episode
                // (a disposed log has no next line).
                if (!_skipping || _closeWhenWritten)
                {
                    EndHolding();
                }
            }

            if (_holding)
            {
                return true;
            }

            _keptByLoop = false;
            if (_closeWhenWritten)
            {
                _closeWhenWritten = false;
                CloseFile();
            }

            return false;
        }
    }

    /// <summary>The I/O loop retries this log from now on (see <see cref="Dispose"/>).</summary>
    internal void MarkKeptByLoop()
    {
        lock (_lock)
        {
            _keptByLoop = true;
        }
    }

    /// <summary>
    /// The next spawn's log for the same file takes over what an <see cref="Orphaned"/> log still holds,
    /// so the earlier child's output is written before the new child's. Call before this log is attached.
    /// </summary>
    internal void TakeOver(ChildLogFile orphan)
    {
        byte[] held;
        long heldTotal;
        long dropped;
        bool reportedDrop;
        bool dropping;
        lock (orphan._lock)
        {
            if (!orphan._closeWhenWritten)
            {
                return;
            }

            held = orphan._held.AsSpan(orphan._heldStart, orphan._heldLength).ToArray();
            (heldTotal, dropped, reportedDrop, dropping) = (orphan._heldTotal, orphan._dropped, orphan._reportedDrop, orphan._dropping);
            orphan.ResetHeld();
            orphan._holding = false;
            orphan._closeWhenWritten = false;
            orphan._keptByLoop = false;
            orphan.CloseFile();
        }

        lock (_lock)
        {
            // The earlier child's bytes go first; the new log has written nothing yet.
            var own = _held.AsSpan(_heldStart, _heldLength).ToArray();
            ResetHeld();
            AppendHeld(held);
            AppendHeld(own);
            _heldTotal += heldTotal;
            _dropped += dropped;
            _reportedDrop |= reportedDrop;

            // A full hold stays full: the new child's output is dropped too until the old is written,
            // and it starts a line of its own, so nothing is skipped afterwards.
            _dropping |= dropping;
            _droppedLineEnd = true;
            _holding = true;
        }
    }

    /// <summary>The loop is going away: one last try, then what is still held is reported lost and the file closed.</summary>
    internal void Abandon()
    {
        lock (_lock)
        {
            if (_holding && FlushHeld(out _))
            {
                EndHolding();
            }

            _closeWhenWritten = false;
            _keptByLoop = false;
            DiscardHeld("closed");
            _disposed = true;
            CloseFile();
        }
    }

    /// <summary>Appends one piece (the reference's <c>RotatingFileHandler.emit</c>), rotating after the write when the size reached <c>maxbytes</c>.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            if (_splice && _fd >= 0)
            {
                // No O_APPEND in splice mode: append by hand.
                SeekEnd();
            }

            // The normal case costs these two tests and nothing else.
            if (_holding || _fd < 0)
            {
                WriteWhileHolding(data);
                return;
            }

            var written = WriteSome(data, out var errno);
            if (errno != 0)
            {
                StartHolding(ErrorText(errno));
                Hold(data[written..]);
            }

            if (written > 0)
            {
                AfterWrite();
            }
        }
    }

    /// <summary>
    /// A chunk while output is held (or the file is not open): write what is held first, and only then
    /// this chunk, less what must be dropped; hold it if that fails.
    /// </summary>
    private void WriteWhileHolding(ReadOnlySpan<byte> data)
    {
        if (!FlushHeld(out var failure))
        {
            StartHolding(failure!);
            Hold(SkipLineRest(data));
            return;
        }

        StopDropping();
        data = SkipLineRest(data);
        var written = WriteSome(data, out var errno);
        if (written > 0)
        {
            AfterWrite();
        }

        if (errno != 0)
        {
            StartHolding(ErrorText(errno));
            Hold(data[written..]);
        }
        else if (_fd >= 0 && !_skipping)
        {
            EndHolding();
        }
    }

    /// <summary>What is held was written: dropping ends, and the rest of a line whose start was dropped is skipped.</summary>
    private void StopDropping()
    {
        if (_dropping)
        {
            _dropping = false;
            _skipping = !_droppedLineEnd;
        }
    }

    /// <summary>While skipping, drops <paramref name="data"/> up to and including its first line end.</summary>
    private ReadOnlySpan<byte> SkipLineRest(ReadOnlySpan<byte> data)
    {
        if (!_skipping)
        {
            return data;
        }

        var end = data.IndexOf((byte)'\n');
        if (end < 0)
        {
            _dropped += data.Length;
            return [];
        }

        _dropped += end + 1;
        _skipping = false;
        return data[(end + 1)..];
    }

    /// <summary>
    /// Writes what is held, in pieces no larger than a chunk so rotation happens between them as it
    /// would have between the chunks; opens the file again first if it is closed (a rotation or a
    /// reopen that failed). True when nothing is held and the file is open.
    /// </summary>
    private bool FlushHeld(out string? failure)
    {
        failure = null;
        if (_fd < 0)
        {
            try
            {
                OpenAppend();
            }
            catch (IOException e)
            {
                failure = e.Message;
                return false;
            }
        }

        while (_heldLength > 0)
        {
            var written = WriteSome(_held.AsSpan(_heldStart, Math.Min(_heldLength, ChildIoLoop.ReadSize)), out var errno);
            _heldStart += written;
            _heldLength -= written;
            if (written > 0)
            {
                AfterWrite();
            }

            if (errno != 0)
            {
                failure = ErrorText(errno);
                return false;
            }

            if (_fd < 0)
            {
                failure = "the file could not be opened again after rotation";
                return false;
            }
        }

        // Written: do not keep a high-water array for the next failure.
        ResetHeld();
        return true;
    }

    /// <summary>Writes as much of <paramref name="data"/> as the file takes; <paramref name="errno"/> is the error that stopped it, else 0.</summary>
    private int WriteSome(ReadOnlySpan<byte> data, out int errno)
    {
        errno = 0;
        var offset = 0;
        fixed (byte* start = data)
        {
            while (offset < data.Length)
            {
                var n = NativeIo.Write(_fd, start + offset, data.Length - offset);
                if (n < 0)
                {
                    errno = Marshal.GetLastPInvokeError();
                    if (errno == NativeIo.EINTR)
                    {
                        errno = 0;
                        continue;
                    }

                    break;
                }

                offset += (int)n;
            }
        }

        _size += offset;
        return offset;
    }

    /// <summary>After bytes reached the file: rotate at maxbytes (after the write, as the reference does), else write-behind.</summary>
    private void AfterWrite()
    {
        if (_options.MaxBytes > 0 && _size >= _options.MaxBytes)
        {
            Rollover();
        }
        else if (_size >= _nextWriteBehind)
        {
            WriteBehind();
        }
    }

    private void SeekEnd()
    {
        var end = NativeIo.LSeek(_fd, 0, NativeIo.SeekEnd);
        _size = end < 0 ? _size : end;
    }

    /// <summary>
    /// Holds <paramref name="data"/> after what is held. Past <see cref="HoldLimit"/> the newest output
    /// goes: what fits is kept up to its last line end (or, if no whole line fits, what is held is cut
    /// back to its own last line end) and from there on everything is dropped until what is held has
    /// been written; then the rest of the line being dropped is skipped too.
    /// </summary>
    private void Hold(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        if (_dropping)
        {
            _dropped += data.Length;
            _droppedLineEnd = data[^1] == (byte)'\n';
            return;
        }

        if ((long)_heldLength + data.Length <= HoldLimit)
        {
            AppendHeld(data);
            _heldTotal += data.Length;
            return;
        }

        var room = HoldLimit - _heldLength;
        var kept = data[..room].LastIndexOf((byte)'\n') + 1;
        if (kept > 0)
        {
            AppendHeld(data[..kept]);
            _heldTotal += kept;
        }
        else
        {
            var lineEnd = _held.AsSpan(_heldStart, _heldLength).LastIndexOf((byte)'\n') + 1;
            var partial = _heldLength - lineEnd;
            _heldLength = lineEnd;
            _heldTotal -= partial;
            _dropped += partial;
        }

        _dropped += data.Length - kept;
        _dropping = true;
        _droppedLineEnd = data[^1] == (byte)'\n';
        if (!_reportedDrop)
        {
            _reportedDrop = true;
            _mainLog.Error(string.Create(
                CultureInfo.InvariantCulture,
                $"{Describe()}: {HoldLimit / (1024 * 1024)} MiB of output held, the most a log holds; dropping newer output (whole lines) until the file can be written"));
        }
    }

    private void AppendHeld(ReadOnlySpan<byte> data)
    {
        if (_held.Length - _heldStart - _heldLength < data.Length)
        {
            var needed = _heldLength + data.Length;
            var target = _held.Length >= needed ? _held : new byte[Math.Max(needed, Math.Min(HoldLimit, Math.Max(64 * 1024, _held.Length * 2)))];
            _held.AsSpan(_heldStart, _heldLength).CopyTo(target);
            _held = target;
            _heldStart = 0;
        }

        data.CopyTo(_held.AsSpan(_heldStart + _heldLength));
        _heldLength += data.Length;
    }

    private void ResetHeld()
    {
        _held = [];
        _heldStart = 0;
        _heldLength = 0;
    }

    /// <summary>The first failure of an episode is reported; later ones are the same failure going on.</summary>
    private void StartHolding(string failure)
    {
        if (_holding)
        {
            return;
        }

        _holding = true;
        _heldTotal = 0;
        _dropped = 0;
        _reportedDrop = false;
        _dropping = false;
        _skipping = false;
        _mainLog.Error(string.Create(
            CultureInfo.InvariantCulture,
            $"{Describe()}: cannot write: {failure}; holding its output (up to {HoldLimit / (1024 * 1024)} MiB) until it can be written"));
    }

    private void EndHolding()
    {
        if (!_holding)
        {
            return;
        }

        _holding = false;
        var text = string.Create(CultureInfo.InvariantCulture, $"{Describe()}: writable again, {_heldTotal} held bytes written");
        _mainLog.Info(_dropped > 0 ? string.Create(CultureInfo.InvariantCulture, $"{text}; {_dropped} bytes of output were dropped while the hold was full") : text);
    }

    /// <summary>Clear or close: what is held will not be written; the main log says so if it was anything.</summary>
    private void DiscardHeld(string why)
    {
        if (_holding || _heldLength > 0)
        {
            var lost = _heldLength + _dropped;
            _mainLog.Write(
                why == "cleared" ? MainLogLevel.Info : MainLogLevel.Error,
                string.Create(CultureInfo.InvariantCulture, $"{Describe()}: {why} while its output was held; {lost} bytes of output not written"));
        }

        ResetHeld();
        _holding = false;
        _dropping = false;
        _skipping = false;
    }

    private string Describe() => $"log file {Path} of {_options.ProcessName} ({ChildOutputLog.ChannelName(_options.Channel)})";

    private static string ErrorText(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";

    /// <summary>
    /// Moves up to <paramref name="max"/> bytes from <paramref name="pipeFd"/> to the end of the file
    /// with one splice(2), then rotates like <see cref="Append"/>. Returns the bytes moved, 0 at EOF, or
    /// -2 when this chunk must take the read path: file not open, disk full, EAGAIN (an empty pipe, for
    /// which read says EAGAIN too, or a full pipe as target, e.g. /dev/stdout, which must not make the
    /// level-triggered loop spin), or a target that cannot splice (then splice is given up for good).
    /// </summary>
    internal int TrySplice(int pipeFd, int max)
    {
        lock (_lock)
        {
            // While output is held, chunks take the read path so they queue behind it.
            if (!_splice || _fd < 0 || _holding)
            {
                return -2;
            }

            // Append semantics without O_APPEND: start at the current end (the file may have been
            // truncated by copytruncate or written by the other channel), which is also the size that
            // Python's tell() would report.
            var end = NativeIo.LSeek(_fd, 0, NativeIo.SeekEnd);

            // A grown pipe offers up to a megabyte; near maxbytes take no more than the reference's one read
            // gets from a default pipe (64 KiB), so a file passes maxbytes by no more than the reference's do.
            if (_options.MaxBytes > 0)
            {
                max = (int)Math.Min(max, Math.Max(ChildIoLoop.DefaultPipeCapacity, _options.MaxBytes - (end < 0 ? _size : end)));
            }

            while (true)
            {
                var n = NativeIo.Splice(pipeFd, null, _fd, null, (nuint)max, NativeIo.SpliceFMove | NativeIo.SpliceFNonBlock);
                if (n > 0)
                {
                    _size = end < 0 ? _size + n : end + n;
                    if (_options.MaxBytes > 0 && _size >= _options.MaxBytes)
                    {
                        Rollover();
                    }
                    else if (_size >= _nextWriteBehind)
                    {
                        WriteBehind();
                    }

                    return (int)n;
                }

                if (n == 0)
                {
                    return 0;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno == NativeIo.EINTR)
                {
                    continue;
                }

                if (errno == NativeIo.EINVAL)
                {
                    // A tty or some special file (stdout_logfile=/dev/stdout): write(2) from now on.
                    _splice = false;
                    SetAppend();
                }

                return -2;
            }
        }
    }

    /// <summary>RotatingFileHandler.doRollover: f.(N-1) → f.N … f → f.1, then f reopened empty.</summary>
    private void Rollover()
    {
        var path = Path;
        CloseFile();
        try
        {
            if (_options.Backups > 0)
            {
                for (var i = _options.Backups - 1; i >= 1; i--)
                {
                    var from = $"{path}.{i}";
                    if (File.Exists(from))
                    {
                        MoveReplacing(from, $"{path}.{i + 1}");
                    }
                }

                MoveReplacing(path, path + ".1");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The reference stops here and leaves the stream closed (all later output lost); keep logging instead.
            ReportWriteError($"rotation failed: {e.Message}");
        }

        try
        {
            Open(NativeIo.OTrunc);
            _size = 0;
            StartWriteBehind();
        }
        catch (IOException e)
        {
            ReportWriteError(e.Message);
        }
    }

    /// <summary>
    /// removeAndRename: unlink the target first, then rename, as the reference does. Not a replacing
    /// rename: on ext4 (auto_da_alloc) a rename over an existing file starts writeback of the moved
    /// file and made every rotation wait for the disk (a third of the throughput). A source or target
    /// that vanished (a cleanup script) is not an error.
    /// </summary>
    private static void MoveReplacing(string from, string to)
    {
        if (NativeIo.Unlink(to) != 0 && Marshal.GetLastPInvokeError() is var unlinkErrno && unlinkErrno != NativeIo.ENOENT)
        {
            throw new IOException($"cannot remove {to}: {Marshal.GetPInvokeErrorMessage(unlinkErrno)}");
        }

        if (NativeIo.Rename(from, to) != 0 && Marshal.GetLastPInvokeError() is var renameErrno && renameErrno != NativeIo.ENOENT)
        {
            throw new IOException($"cannot rename {from} to {to}: {Marshal.GetPInvokeErrorMessage(renameErrno)}");
        }
    }

    private void OpenAppend()
    {
        Open(0);
        var end = NativeIo.LSeek(_fd, 0, NativeIo.SeekEnd);

        // A pipe or tty (stdout_logfile=/dev/stdout) has no size: count from zero.
        _size = end < 0 ? 0 : end;
        StartWriteBehind();
    }

    /// <summary>Write-behind starts at the file's current end (earlier content is not ours to evict).</summary>
    private void StartWriteBehind()
    {
        _writeBehind = true;
        _cachedFrom = _writebackFrom = _size;
        _nextWriteBehind = _size + WriteBehindStretch;
    }

    /// <summary>
    /// Keeps a fast log from filling the page cache. A log file is written once and seldom read back
    /// (tail reads only its end), so gigabytes of it in memory only evict other data, and growing the
    /// cache is what makes a firehose expensive: on the benchmark VM the copy into new page-cache pages
    /// cost 3-4x more once a few GiB had been written (fresh memory), while a writer that recycles its
    /// pages stayed at ~1.2 ms of CPU per MiB. So every <see cref="WriteBehindStretch"/> bytes two calls,
    /// neither of which waits for the disk: posix_fadvise(DONTNEED) drops the stretch handed over last
    /// time, written back by now (pages still dirty are simply skipped: the kernel's own writeback and
    /// reclaim take care of them), and sync_file_range(WRITE) starts writeback of the newest stretch
    /// without dropping it, so <c>tail -f</c> still finds it in memory. (One DONTNEED over both, as a first
    /// version did, also dropped the newest stretch whenever the disk wrote it back before the call
    /// returned.) A file that cannot be advised (a pipe, a tty) stops it.
    /// </summary>
    private void WriteBehind()
    {
        if (!_writeBehind)
        {
            _nextWriteBehind = long.MaxValue;
            return;
        }

        if ((_writebackFrom > _cachedFrom && NativeIo.PosixFadvise(_fd, _cachedFrom, _writebackFrom - _cachedFrom, NativeIo.PosixFadvDontNeed) != 0)
            || NativeIo.SyncFileRange(_fd, _writebackFrom, _size - _writebackFrom, NativeIo.SyncFileRangeWrite) != 0)
        {
            _writeBehind = false;
            _nextWriteBehind = long.MaxValue;
            return;
        }

        _cachedFrom = _writebackFrom;
        _writebackFrom = _size;
        _nextWriteBehind = _size + WriteBehindStretch;
    }

    private void Open(int extraFlags)
    {
        var fd = NativeIo.Open(Path, OpenFlags | (_splice ? 0 : NativeIo.OAppend) | extraFlags, CreateMode);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot open {Path}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }

        _file = new SafeFileHandle(fd, ownsHandle: true);
        _fd = fd;
        _reportedWriteError = false;
    }

    private void SetAppend()
    {
        var flags = NativeIo.Fcntl(_fd, NativeIo.FGetFl, 0);
        if (flags >= 0)
        {
            NativeIo.Fcntl(_fd, NativeIo.FSetFl, flags | NativeIo.OAppend);
        }
    }

    private void CloseFile()
    {
        _file?.Dispose();
        _file = null;
        _fd = -1;
    }

    /// <summary>A rotation failure, once per opened file, in the main log (where a daemonized supervisord's operator looks).</summary>
    private void ReportWriteError(string text)
    {
        if (!_reportedWriteError)
        {
            _reportedWriteError = true;
            _mainLog.Error($"{Describe()}: {text}");
        }
    }
}
