using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;
using Microsoft.Win32.SafeHandles;
using Supervisor.Abstractions;
using Supervisor.Host.Config;
using Supervisor.Host.Logging;
using Supervisor.Host.Platform;

namespace Supervisor.Host.Processes.Output;

/// <summary>A child's output channel.</summary>
internal enum OutputChannel
{
    Stdout,
    Stderr,
}

/// <summary>
/// Sees each piece of output after it was logged (ANSI escapes already stripped when <c>strip_ansi</c>;
/// in capture mode, each piece the token scan logs), or, on a <see cref="ChildOutputOptions.ProtocolChannel"/>,
/// each raw chunk as read. The span is only valid during the call: copy what you keep. The I/O thread
/// calls it, so it must not block.
/// </summary>
internal delegate void ChunkObserver(ReadOnlySpan<byte> chunk);

/// <summary>How one channel of one process is logged (<c>stdout_logfile</c>, <c>stdout_logfile_maxbytes</c>, …).</summary>
/// <param name="LogFile">The file, or null for <c>NONE</c> (no file; DEBG copy, syslog and events still apply).</param>
/// <param name="MaxBytes">Rotate when the file reaches this size; 0 = never.</param>
/// <param name="Backups">Rotated copies kept (<c>f.1</c> … <c>f.N</c>); 0 truncates the file instead.</param>
/// <param name="OnChunk">Optional observer of every logged chunk (see <see cref="ChunkObserver"/>).</param>
internal sealed record ChildOutputOptions(
    string ProcessName,
    OutputChannel Channel,
    string? LogFile,
    long MaxBytes,
    int Backups,
    bool Syslog,
    bool StripAnsi,
    ChunkObserver? OnChunk = null)
{
    /// <summary>The process's group name, for event payloads (<c>groupname:</c>).</summary>
    public string GroupName { get; init; } = "";

    /// <summary>The child's pid, for event payloads (<c>pid:</c>); a log lives for one spawn.</summary>
    public int Pid { get; init; }

    /// <summary><c>*_events_enabled</c>: publish <c>PROCESS_LOG_STDOUT</c>/<c>_STDERR</c> for every logged piece.</summary>
    public bool EventsEnabled { get; init; }

    /// <summary><c>*_capture_maxbytes</c>: &gt; 0 turns capture mode (<c>PROCESS_COMMUNICATION_*</c>) on with a buffer of this size.</summary>
    public long CaptureMaxBytes { get; init; }

    /// <summary>
    /// An event listener's stdout (the reference's <c>PEventListenerDispatcher</c>): each chunk goes to the
    /// file (stripped when <c>strip_ansi</c>), its DEBG copy is Python's repr of the raw bytes, and
    /// <see cref="OnChunk"/> sees the raw chunk. No capture mode, no <c>PROCESS_LOG</c> events, no syslog.
    /// </summary>
    public bool ProtocolChannel { get; init; }

    /// <summary>Where events go (<c>EngineServices.Publish</c>); called on the I/O thread, so it must not block. Null publishes nothing.</summary>
    public Action<SupervisorEvent>? Publish { get; init; }
}

/// <summary>
/// One channel's sink, as the reference's <c>POutputDispatcher</c> (<c>record_output</c>, <c>_log</c>,
/// <c>toggle_capturemode</c>) plus its RotatingFileHandler: find capture tokens (capture mode on), strip
/// ANSI (optional), append the raw bytes to the log file with one <c>write(2)</c>, rotate after the write
/// when the size reached <c>MaxBytes</c>, send lines to syslog, copy to the main log at DEBG, publish
/// <c>PROCESS_LOG_*</c> and <c>PROCESS_COMMUNICATION_*</c> events. The file size is tracked here (like
/// Python's <c>tell()</c>) so no <c>fstat</c> runs per chunk.
/// <para>Thread-safe: the I/O thread writes while the process loop may <see cref="Reopen"/> (SIGUSR2)
/// or <see cref="Clear"/> (clearProcessLogs). The capture state is the I/O thread's alone, so events of
/// one channel are published in the order of its chunks.</para>
/// <para>A file that cannot be written (a full disk, most often) does not lose output or tear lines:
/// what a write did not take is held, in order, up to <see cref="HoldLimit"/>, and written before any
/// later output once writes succeed again (the next chunk tries, and <see cref="ChildIoLoop"/> retries
/// every second). The main log says so once when it starts (ERRO) and once when it is over (INFO).
/// Past the limit the newest output is dropped, cut at line ends so no line is torn (a single line
/// longer than the limit is the exception), and the count goes into the main log. The child is never
/// blocked: its pipe is drained whatever happens to the file.</para>
/// </summary>
internal sealed unsafe class ChildOutputLog : IDisposable
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
    private readonly string _debugPrefix;
    private readonly Lock _lock = new();

    // Null unless PROCESS_LOG events are published: the hot path then builds no payload.
    private readonly Action<SupervisorEvent>? _publishLog;
    private readonly string _logEventType;
    private readonly string _logEventHeader;
    private readonly CaptureState? _capture;
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
    private long _bytesLogged;
    private bool _disposed;
    private int _clearCaptureRequested;

    /// <exception cref="IOException">The log file cannot be opened.</exception>
    public ChildOutputLog(ChildOutputOptions options, IMainLog mainLog)
    {
        _options = options;
        _mainLog = mainLog;
        var channel = ChannelName(options.Channel);
        _debugPrefix = $"{PythonText.Repr(options.ProcessName)} {channel} output:\n";
        Path = options.LogFile is null ? null : System.IO.Path.GetFullPath(options.LogFile);

        // The reference's listener dispatcher has neither capture mode nor PROCESS_LOG events.
        var protocol = options.ProtocolChannel;
        _publishLog = options.EventsEnabled && !protocol ? options.Publish : null;
        _logEventType = "PROCESS_LOG_" + channel.ToUpperInvariant();
        _logEventHeader = $"processname:{options.ProcessName} groupname:{options.GroupName} pid:{options.Pid} channel:{channel}\n";
        if (options.CaptureMaxBytes > 0 && !protocol)
        {
            _capture = new CaptureState(
                options.CaptureMaxBytes,
                "PROCESS_COMMUNICATION_" + channel.ToUpperInvariant(),
                $"processname:{options.ProcessName} groupname:{options.GroupName} pid:{options.Pid}\n",
                $"{PythonText.Repr(options.ProcessName)} {channel} emitted a comm event");
        }

        // When the bytes only go to the file, the I/O loop moves them pipe → file inside the kernel
        // (splice) instead of copying them out and back in: about half the CPU per MiB. Anything that
        // needs the bytes in memory (strip_ansi, syslog, the DEBG copy, events, capture tokens, the
        // listener protocol) takes the read path.
        _splice = Path is not null && !options.StripAnsi && !options.Syslog && options.OnChunk is null && !mainLog.IsEnabled(LogLevel.Debug)
            && !options.EventsEnabled && options.CaptureMaxBytes <= 0 && !protocol;
        if (Path is not null)
        {
            OpenAppend();
        }
    }

    /// <summary>The log file's absolute path, or null when the channel has no file.</summary>
    public string? Path { get; }

    public ChildOutputOptions Options => _options;

    /// <summary>True while chunks can go pipe → file by <see cref="TrySplice"/> (the file is then opened without O_APPEND, which splice refuses).</summary>
    internal bool SplicesToFile => _splice;

    /// <summary>Bytes handed to this log so far (after strip_ansi, captured ones included), for statistics and benchmarks.</summary>
    public long BytesLogged => Interlocked.Read(ref _bytesLogged);

    /// <summary>True between a BEGIN token and its END token (capture mode on).</summary>
    internal bool Capturing => _capture is { Capturing: true };

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

    /// <summary>Output held back because it is not yet known whether it starts a token (lost at exit, as in the reference).</summary>
    internal int PendingLength => _capture?.PendingLength ?? 0;

    public static string ChannelName(OutputChannel channel) => channel == OutputChannel.Stdout ? "stdout" : "stderr";

    /// <summary>Handles one chunk as read from the pipe (as a unit, not split into lines).</summary>
    public void Write(ReadOnlySpan<byte> chunk)
    {
        if (chunk.IsEmpty)
        {
            return;
        }

        if (_options.ProtocolChannel)
        {
            WriteProtocol(chunk);
        }
        else if (_capture is null)
        {
            // record_output's shortcut: without capture mode, tokens are plain output.
            Log(chunk);
        }
        else
        {
            RecordOutput(chunk, _capture);
        }
    }

    /// <summary>
    /// record_output with capture mode on (events.md §5): append to the pending bytes, then repeatedly
    /// look for the current mode's token. Data not longer than the token waits for more; a found token
    /// logs what precedes it and flips the mode; otherwise everything is logged except a tail that could
    /// start the token.
    /// </summary>
    private void RecordOutput(ReadOnlySpan<byte> chunk, CaptureState capture)
    {
        if (Interlocked.Exchange(ref _clearCaptureRequested, 0) != 0)
        {
            capture.ClearBuffer();
        }

        byte[]? rented = null;
        try
        {
            var data = chunk;
            if (capture.PendingLength > 0)
            {
                var length = capture.PendingLength + chunk.Length;
                rented = ArrayPool<byte>.Shared.Rent(length);
                capture.Pending.CopyTo(rented);
                chunk.CopyTo(rented.AsSpan(capture.PendingLength));
                data = rented.AsSpan(0, length);
            }

            while (true)
            {
                var token = capture.Capturing ? EndToken : BeginToken;
                if (data.Length <= token.Length)
                {
                    capture.Keep(data);
                    return;
                }

                var at = data.IndexOf(token);
                if (at < 0)
                {
                    var tail = FindPrefixAtEnd(data, token);
                    Log(data[..^tail]);
                    capture.Keep(data[^tail..]);
                    return;
                }

                Log(data[..at]);
                ToggleCaptureMode(capture);
                data = data[(at + token.Length)..];
                if (data.IsEmpty)
                {
                    capture.Keep(data);
                    return;
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// toggle_capturemode: entering capture mode only redirects later pieces; leaving it publishes the
    /// captured bytes (whether or not <c>*_events_enabled</c>), says so at DEBG and empties the buffer.
    /// </summary>
    private void ToggleCaptureMode(CaptureState capture)
    {
        capture.Capturing = !capture.Capturing;
        if (capture.Capturing)
        {
            return;
        }

        _options.Publish?.Invoke(new SupervisorEvent(capture.EventType, capture.EventHeader + DecodeText(capture.Contents)));
        _mainLog.Debug(capture.EmittedMessage);
        capture.ClearBuffer();
    }

    /// <summary>
    /// _log: strip ANSI, then the file and syslog (or, in capture mode, the capture buffer instead), the
    /// DEBG copy, the PROCESS_LOG event and the observer.
    /// </summary>
    private void Log(ReadOnlySpan<byte> piece)
    {
        if (piece.IsEmpty)
        {
            return;
        }

        byte[]? rented = null;
        try
        {
            var data = piece;

            // Most output has no ESC at all: then stripping would copy for nothing.
            if (_options.StripAnsi && piece.Contains((byte)0x1b))
            {
                rented = ArrayPool<byte>.Shared.Rent(piece.Length);
                data = rented.AsSpan(0, OutputText.StripAnsi(piece, rented));
            }

            if (_capture is { Capturing: true } capture)
            {
                capture.Append(data);
            }
            else
            {
                if (Path is not null)
                {
                    WriteFile(data);
                }

                if (_options.Syslog)
                {
                    SendToSyslog(data);
                }
            }

            string? text = null;
            if (_mainLog.IsEnabled(LogLevel.Debug))
            {
                text = DecodeText(data);
                _mainLog.Write(LogLevel.Debug, _debugPrefix + text);
            }

            if (_publishLog is not null)
            {
                text ??= DecodeText(data);
                _publishLog(new SupervisorEvent(_logEventType, _logEventHeader + text));
            }

            _options.OnChunk?.Invoke(data);
            Interlocked.Add(ref _bytesLogged, data.Length);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// PEventListenerDispatcher.handle_read_event: the DEBG copy is <c>'%s' % data</c> of the raw bytes
    /// (Python's bytes repr), the file gets the chunk (stripped when asked), then the observer parses
    /// the protocol from the raw chunk.
    /// </summary>
    private void WriteProtocol(ReadOnlySpan<byte> chunk)
    {
        if (_mainLog.IsEnabled(LogLevel.Debug))
        {
            _mainLog.Write(LogLevel.Debug, _debugPrefix + OutputText.BytesRepr(chunk));
        }

        byte[]? rented = null;
        try
        {
            var data = chunk;
            if (Path is not null)
            {
                if (_options.StripAnsi && chunk.Contains((byte)0x1b))
                {
                    rented = ArrayPool<byte>.Shared.Rent(chunk.Length);
                    data = rented.AsSpan(0, OutputText.StripAnsi(chunk, rented));
                }

                WriteFile(data);
            }

            Interlocked.Add(ref _bytesLogged, data.Length);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        _options.OnChunk?.Invoke(chunk);
    }

    /// <summary>asynchat's find_prefix_at_end: the length of the longest proper prefix of <paramref name="token"/> that ends <paramref name="data"/>.</summary>
    internal static int FindPrefixAtEnd(ReadOnlySpan<byte> data, ReadOnlySpan<byte> token)
    {
        for (var length = token.Length - 1; length > 0; length--)
        {
            if (data.EndsWith(token[..length]))
            {
                return length;
            }
        }

        return 0;
    }

    /// <summary>The BEGIN token of capture mode (ProcessCommunicationEvent.BEGIN_TOKEN).</summary>
    internal static ReadOnlySpan<byte> BeginToken => "<!--XSUPERVISOR:BEGIN-->"u8;

    /// <summary>The END token of capture mode (ProcessCommunicationEvent.END_TOKEN).</summary>
    internal static ReadOnlySpan<byte> EndToken => "<!--XSUPERVISOR:END-->"u8;

    /// <summary>SIGUSR2: closes the file and opens it again by name, so an external tool can move it away.</summary>
    /// <exception cref="IOException">The file cannot be reopened.</exception>
    public void Reopen()
    {
        if (Path is null)
        {
            return;
        }

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
        // removelogs also empties the capture buffer; the I/O thread owns it, so it does it before its next chunk.
        if (_capture is not null)
        {
            Volatile.Write(ref _clearCaptureRequested, 1);
        }

        if (Path is null)
        {
            return;
        }

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
    internal void TakeOver(ChildOutputLog orphan)
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

    /// <summary>The text of the DEBG copy and of event payloads: the bytes as UTF-8, or Python's <c>Undecodable: b'...'</c>.</summary>
    internal static string DecodeText(ReadOnlySpan<byte> data) =>
        Utf8.IsValid(data) ? Encoding.UTF8.GetString(data) : "Undecodable: " + OutputText.BytesRepr(data);

    private void WriteFile(ReadOnlySpan<byte> data)
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
                why == "cleared" ? LogLevel.Info : LogLevel.Error,
                string.Create(CultureInfo.InvariantCulture, $"{Describe()}: {why} while its output was held; {lost} bytes of output not written"));
        }

        ResetHeld();
        _holding = false;
        _dropping = false;
        _skipping = false;
    }

    private string Describe() => $"log file {Path} of {_options.ProcessName} ({ChannelName(_options.Channel)})";

    private static string ErrorText(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";

    /// <summary>
    /// Moves up to <paramref name="max"/> bytes from <paramref name="pipeFd"/> to the end of the file
    /// with one splice(2), then rotates like <see cref="Write"/>. Returns the bytes moved, 0 at EOF, or
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
            while (true)
            {
                var n = NativeIo.Splice(pipeFd, null, _fd, null, (nuint)max, NativeIo.SpliceFMove | NativeIo.SpliceFNonBlock);
                if (n > 0)
                {
                    Interlocked.Add(ref _bytesLogged, n);
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
        var path = Path!;
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
    /// pages stayed at ~1.2 ms of CPU per MiB. So every <see cref="WriteBehindStretch"/> bytes one
    /// posix_fadvise(DONTNEED) over what may still be cached starts writeback of the newest stretch
    /// (asynchronously: nothing here waits for the disk) and drops the pages already written back, i.e.
    /// the stretch handed over last time. Pages still dirty are simply skipped (the kernel's own
    /// writeback and reclaim take care of them). A file that cannot be advised (a pipe, a tty) stops it.
    /// </summary>
    private void WriteBehind()
    {
        if (!_writeBehind)
        {
            _nextWriteBehind = long.MaxValue;
            return;
        }

        if (NativeIo.PosixFadvise(_fd, _cachedFrom, _size - _cachedFrom, NativeIo.PosixFadvDontNeed) != 0)
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
        var fd = NativeIo.Open(Path!, OpenFlags | (_splice ? 0 : NativeIo.OAppend) | extraFlags, CreateMode);
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

    /// <summary>SyslogHandler.emit: one message per line, <c>&lt;name&gt; &lt;line&gt;</c>, trailing newlines dropped.</summary>
    private void SendToSyslog(ReadOnlySpan<byte> data)
    {
        // The reference fails on undecodable bytes (traceback on stderr, nothing logged); replacement characters lose less.
        var text = Encoding.UTF8.GetString(data).TrimEnd('\n');
        var builder = new StringBuilder(text.Length + 32);
        foreach (var line in text.Split('\n'))
        {
            if (builder.Length > 0)
            {
                builder.Append('\n');
            }

            builder.Append(_options.ProcessName).Append(' ').Append(line);
        }

        Syslog.Write(builder.ToString());
    }

    /// <summary>
    /// Capture mode of one channel: the mode, the pending bytes that may start a token (at most a token's
    /// length, so a small fixed array), and the capture buffer bounded like the reference's BoundIO.
    /// Used on the I/O thread only.
    /// </summary>
    private sealed class CaptureState(long maxBytes, string eventType, string eventHeader, string emittedMessage)
    {
        private byte[] _pending = new byte[24];
        private byte[] _buffer = [];
        private int _length;

        public string EventType { get; } = eventType;

        public string EventHeader { get; } = eventHeader;

        public string EmittedMessage { get; } = emittedMessage;

        public bool Capturing { get; set; }

        public int PendingLength { get; private set; }

        public ReadOnlySpan<byte> Pending => _pending.AsSpan(0, PendingLength);

        public ReadOnlySpan<byte> Contents => _buffer.AsSpan(0, _length);

        /// <summary>Makes <paramref name="data"/> (possibly a view of the old pending bytes' copy) the pending bytes.</summary>
        public void Keep(ReadOnlySpan<byte> data)
        {
            if (data.Length > _pending.Length)
            {
                _pending = new byte[data.Length];
            }

            data.CopyTo(_pending);
            PendingLength = data.Length;
        }

        /// <summary>
        /// BoundIO.write: a write that would take the buffer past maxbytes first drops as many bytes from
        /// its front as it adds (all of them if it adds more), so one large write may still exceed maxbytes.
        /// </summary>
        public void Append(ReadOnlySpan<byte> data)
        {
            if (_length + (long)data.Length > maxBytes)
            {
                var drop = Math.Min(data.Length, _length);
                _buffer.AsSpan(drop, _length - drop).CopyTo(_buffer);
                _length -= drop;
            }

            if (_length + data.Length > _buffer.Length)
            {
                var capacity = Math.Max(_length + data.Length, (int)Math.Min(maxBytes, Math.Max(256L, _buffer.Length * 2L)));
                Array.Resize(ref _buffer, capacity);
            }

            data.CopyTo(_buffer.AsSpan(_length));
            _length += data.Length;
        }

        public void ClearBuffer()
        {
            _length = 0;

            // A comm event is usually small: do not keep a large buffer for the process's lifetime.
            if (_buffer.Length > 64 * 1024)
            {
                _buffer = [];
            }
        }
    }
}
