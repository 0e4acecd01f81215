using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Supervisor.Abstractions;
using Supervisor.Host.Logging;

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
/// <c>toggle_capturemode</c>): finds capture tokens (capture mode on), strips ANSI (optional), hands the
/// bytes to the channel's <see cref="ChildLogFile"/>, sends lines to syslog, copies them to the main log
/// at DEBG, publishes <c>PROCESS_LOG_*</c> and <c>PROCESS_COMMUNICATION_*</c> events. The capture state is
/// the I/O thread's alone, so events of one channel are published in the order of its chunks; the file
/// takes care of its own locking (the process loop may reopen or clear it).
/// </summary>
internal sealed class ChildOutputLog : IDisposable
{
    private readonly ChildOutputOptions _options;
    private readonly IMainLog _mainLog;
    private readonly string _debugPrefix;

    // Null unless PROCESS_LOG events are published: the hot path then builds no payload.
    private readonly Action<SupervisorEvent>? _publishLog;
    private readonly string _logEventType;
    private readonly string _logEventHeader;
    private readonly CaptureState? _capture;
    private long _bytesLogged;
    private int _clearCaptureRequested;

    /// <exception cref="IOException">The log file cannot be opened.</exception>
    public ChildOutputLog(ChildOutputOptions options, IMainLog mainLog)
    {
        _options = options;
        _mainLog = mainLog;
        var channel = ChannelName(options.Channel);
        _debugPrefix = $"{PythonText.Repr(options.ProcessName)} {channel} output:\n";
        var path = options.LogFile is null ? null : System.IO.Path.GetFullPath(options.LogFile);

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
        var splice = path is not null && !options.StripAnsi && !options.Syslog && options.OnChunk is null && !mainLog.IsEnabled(MainLogLevel.Debug)
            && !options.EventsEnabled && options.CaptureMaxBytes <= 0 && !protocol;
        File = path is null ? null : new ChildLogFile(path, options, splice, mainLog);
    }

    /// <summary>The log file's absolute path, or null when the channel has no file.</summary>
    public string? Path => File?.Path;

    /// <summary>The channel's log file, or null when it has none.</summary>
    public ChildLogFile? File { get; }

    public ChildOutputOptions Options => _options;

    /// <summary>True while chunks can go pipe → file by <see cref="TrySplice"/>.</summary>
    internal bool SplicesToFile => File is { SplicesToFile: true };

    /// <summary>Bytes handed to this log so far (after strip_ansi, captured ones included), for statistics and benchmarks.</summary>
    public long BytesLogged => Interlocked.Read(ref _bytesLogged);

    /// <summary>True between a BEGIN token and its END token (capture mode on).</summary>
    internal bool Capturing => _capture is { Capturing: true };

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
    /// The reference's <c>POutputDispatcher.record_output</c> (<c>supervisor/dispatchers.py</c>) with capture
    /// mode on: append to the pending bytes, then repeatedly look for the current mode's token. Data not
    /// longer than the token waits for more; a found token logs what precedes it and flips the mode;
    /// otherwise everything is logged except a tail that could start the token.
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
                File?.Append(data);

                if (_options.Syslog)
                {
                    SendToSyslog(data);
                }
            }

            string? text = null;
            if (_mainLog.IsEnabled(MainLogLevel.Debug))
            {
                text = DecodeText(data);
                _mainLog.Write(MainLogLevel.Debug, _debugPrefix + text);
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
        if (_mainLog.IsEnabled(MainLogLevel.Debug))
        {
            _mainLog.Write(MainLogLevel.Debug, _debugPrefix + OutputText.BytesRepr(chunk));
        }

        byte[]? rented = null;
        try
        {
            var data = chunk;
            if (File is not null)
            {
                if (_options.StripAnsi && chunk.Contains((byte)0x1b))
                {
                    rented = ArrayPool<byte>.Shared.Rent(chunk.Length);
                    data = rented.AsSpan(0, OutputText.StripAnsi(chunk, rented));
                }

                File.Append(data);
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

    /// <summary>
    /// Moves a chunk pipe → file (<see cref="ChildLogFile.TrySplice"/>) and counts it: the bytes moved, 0 at
    /// EOF, -2 when this chunk must take the read path.
    /// </summary>
    internal int TrySplice(int pipeFd, int max)
    {
        var moved = File?.TrySplice(pipeFd, max) ?? -2;
        if (moved > 0)
        {
            Interlocked.Add(ref _bytesLogged, moved);
        }

        return moved;
    }

    /// <summary>SIGUSR2: the file is closed and opened again by name, so an external tool can move it away.</summary>
    /// <exception cref="IOException">The file cannot be reopened.</exception>
    public void Reopen() => File?.Reopen();

    /// <summary>clearProcessLogs: the file is emptied (rotated copies stay) and the capture buffer too.</summary>
    /// <exception cref="IOException">The file cannot be removed or recreated.</exception>
    public void Clear()
    {
        // removelogs also empties the capture buffer; the I/O thread owns it, so it does it before its next chunk.
        if (_capture is not null)
        {
            Volatile.Write(ref _clearCaptureRequested, 1);
        }

        File?.Clear();
    }

    /// <summary>Closes the file (see <see cref="ChildLogFile.Dispose"/> for output still held).</summary>
    public void Dispose() => File?.Dispose();

    /// <summary>The text of the DEBG copy and of event payloads: the bytes as UTF-8, or Python's <c>Undecodable: b'...'</c>.</summary>
    internal static string DecodeText(ReadOnlySpan<byte> data) =>
        Utf8.IsValid(data) ? Encoding.UTF8.GetString(data) : "Undecodable: " + OutputText.BytesRepr(data);

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
