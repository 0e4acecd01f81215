using System.Buffers;
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
/// Sees each chunk after it was logged (ANSI escapes already stripped when <c>strip_ansi</c>). The span
/// is only valid during the call: copy what you keep. This is the seam for <c>PROCESS_LOG_STDOUT/STDERR</c>
/// events (events issue); the I/O thread calls it, so it must not block.
/// </summary>
internal delegate void ChunkObserver(ReadOnlySpan<byte> chunk);

/// <summary>How one channel of one process is logged (<c>stdout_logfile</c>, <c>stdout_logfile_maxbytes</c>, …).</summary>
/// <param name="LogFile">The file, or null for <c>NONE</c> (no file; DEBG copy, syslog and events still apply).</param>
/// <param name="MaxBytes">Rotate when the file reaches this size; 0 = never.</param>
/// <param name="Backups">Rotated copies kept (<c>f.1</c> … <c>f.N</c>); 0 truncates the file instead.</param>
/// <param name="OnChunk">Optional observer of every logged chunk (PROCESS_LOG events seam).</param>
internal sealed record ChildOutputOptions(
    string ProcessName,
    OutputChannel Channel,
    string? LogFile,
    long MaxBytes,
    int Backups,
    bool Syslog,
    bool StripAnsi,
    ChunkObserver? OnChunk = null);

/// <summary>
/// One channel's sink, as the reference's <c>POutputDispatcher._log</c> plus its RotatingFileHandler:
/// strip ANSI (optional), append the raw bytes to the log file with one <c>write(2)</c>, rotate after
/// the write when the size reached <c>MaxBytes</c>, send lines to syslog, copy to the main log at DEBG.
/// The file size is tracked here (like Python's <c>tell()</c>) so no <c>fstat</c> runs per chunk.
/// <para>Thread-safe: the I/O thread writes while the process loop may <see cref="Reopen"/> (SIGUSR2)
/// or <see cref="Clear"/> (clearProcessLogs). Capture mode (<c>*_capture_maxbytes</c>, events issue)
/// belongs in <see cref="Write"/> before the strip: it diverts chunks from the file to a bounded buffer.</para>
/// </summary>
internal sealed unsafe class ChildOutputLog : IDisposable
{
    private const int OpenFlags = NativeIo.OWrOnly | NativeIo.OCreat | NativeIo.OCloExec;

    // Python's open() uses 0666 and lets the umask decide.
    private const int CreateMode = 0x1B6;

    private readonly ChildOutputOptions _options;
    private readonly IMainLog _mainLog;
    private readonly string _debugPrefix;
    private readonly Lock _lock = new();
    private bool _splice;
    private SafeFileHandle? _file;
    private int _fd = -1;
    private long _size;
    private bool _reportedWriteError;
    private long _bytesLogged;
    private bool _disposed;

    /// <exception cref="IOException">The log file cannot be opened.</exception>
    public ChildOutputLog(ChildOutputOptions options, IMainLog mainLog)
    {
        _options = options;
        _mainLog = mainLog;
        _debugPrefix = $"{PythonText.Repr(options.ProcessName)} {ChannelName(options.Channel)} output:\n";
        Path = options.LogFile is null ? null : System.IO.Path.GetFullPath(options.LogFile);

        // When the bytes only go to the file, the I/O loop moves them pipe → file inside the kernel
        // (splice) instead of copying them out and back in: about half the CPU per MiB. Anything that
        // needs the bytes in memory (strip_ansi, syslog, the DEBG copy, events) takes the read path.
        _splice = Path is not null && !options.StripAnsi && !options.Syslog && options.OnChunk is null && !mainLog.IsEnabled(LogLevel.Debug);
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

    /// <summary>Bytes handed to this log so far (after strip_ansi), for statistics and benchmarks.</summary>
    public long BytesLogged => Interlocked.Read(ref _bytesLogged);

    public static string ChannelName(OutputChannel channel) => channel == OutputChannel.Stdout ? "stdout" : "stderr";

    /// <summary>Logs one chunk as read from the pipe (handled as a unit, not split into lines).</summary>
    public void Write(ReadOnlySpan<byte> chunk)
    {
        if (chunk.IsEmpty)
        {
            return;
        }

        byte[]? rented = null;
        try
        {
            var data = chunk;

            // Most output has no ESC at all: then stripping would copy for nothing.
            if (_options.StripAnsi && chunk.Contains((byte)0x1b))
            {
                rented = ArrayPool<byte>.Shared.Rent(chunk.Length);
                data = rented.AsSpan(0, OutputText.StripAnsi(chunk, rented));
            }

            if (Path is not null)
            {
                WriteFile(data);
            }

            if (_options.Syslog)
            {
                SendToSyslog(data);
            }

            if (_mainLog.IsEnabled(LogLevel.Debug))
            {
                _mainLog.Write(LogLevel.Debug, _debugPrefix + DecodeForMainLog(data));
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

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            CloseFile();
        }
    }

    /// <summary>The DEBG copy's text: the chunk as UTF-8, or Python's <c>Undecodable: b'...'</c>.</summary>
    internal static string DecodeForMainLog(ReadOnlySpan<byte> data) =>
        Utf8.IsValid(data) ? Encoding.UTF8.GetString(data) : "Undecodable: " + OutputText.BytesRepr(data);

    private void WriteFile(ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            if (_fd < 0)
            {
                return;
            }

            if (_splice)
            {
                // No O_APPEND in splice mode: append by hand.
                var end = NativeIo.LSeek(_fd, 0, NativeIo.SeekEnd);
                _size = end < 0 ? _size : end;
            }

            fixed (byte* start = data)
            {
                var offset = 0;
                while (offset < data.Length)
                {
                    var n = NativeIo.Write(_fd, start + offset, data.Length - offset);
                    if (n < 0)
                    {
                        var errno = Marshal.GetLastPInvokeError();
                        if (errno == NativeIo.EINTR)
                        {
                            continue;
                        }

                        // The reference prints a traceback to stderr and drops the record; once is enough here.
                        ReportWriteError($"write failed: errno {errno}");
                        break;
                    }

                    offset += (int)n;
                }

                _size += offset;
            }

            if (_options.MaxBytes > 0 && _size >= _options.MaxBytes)
            {
                Rollover();
            }
        }
    }

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
            if (!_splice || _fd < 0)
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

    private void ReportWriteError(string text)
    {
        if (!_reportedWriteError)
        {
            _reportedWriteError = true;
            Console.Error.WriteLine($"supervisord: log file {Path} of {_options.ProcessName}: {text}");
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
}
