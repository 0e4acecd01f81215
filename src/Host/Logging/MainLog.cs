using System.Globalization;
using System.Text;
using Supervisor.Abstractions;

namespace Supervisor.Host.Logging;

/// <summary>
/// The daemon's main log: one line per message in the reference's format
/// (<c>2026-11-21 06:04:01,123 INFO spawned: 'x' with pid 5</c>), size-based rotation with numbered
/// backups, optional copy to stdout (<c>nodaemon</c> without <c>silent</c>). Writes are serialized by a
/// lock and flushed per line so a reader (readLog, tail) always sees whole lines. <c>logfile = syslog</c>
/// sends the lines to the system logger instead of a file.
/// <para>Plugins (and the rest of the daemon) see it through <c>Facade/MainLogFacade</c>, the
/// <see cref="IMainLog"/> that turns a failed <see cref="Clear"/> into the reference's faults.</para>
/// </summary>
internal sealed class MainLog : IDisposable
{
    private readonly Lock _lock = new();
    private readonly long _maxBytes;
    private readonly int _backups;
    private readonly TextWriter? _echo;
    private readonly TimeProvider _clock;
    private readonly bool _syslog;
    private FileStream? _file;
    private bool _failing;

    public MainLog(string? filePath, MainLogLevel level, long maxBytes, int backups, TextWriter? echo, TimeProvider clock)
    {
        _syslog = filePath == Syslog.LogfileKeyword;
        FilePath = filePath is null || _syslog ? null : Path.GetFullPath(filePath);
        Level = level;
        _maxBytes = maxBytes;
        _backups = backups;
        _echo = echo;
        _clock = clock;
        if (FilePath is not null)
        {
            _file = Open(FilePath);
        }
    }

    public string? FilePath { get; }

    public MainLogLevel Level { get; }

    public bool IsEnabled(MainLogLevel level) => level >= Level;

    public void Write(MainLogLevel level, string message)
    {
        if (!IsEnabled(level))
        {
            return;
        }

        var line = Format(_clock.GetLocalNow(), level, message);
        lock (_lock)
        {
            if (_file is not null)
            {
                try
                {
                    _file.Write(Encoding.UTF8.GetBytes(line));
                    _file.Flush();
                    _failing = false;

                    // As the reference's handler: rotate after the write once the file has reached maxbytes,
                    // so a file may exceed it by one message (supervisor/loggers.py, RotatingFileHandler.emit
                    // then doRollover).
                    if (_maxBytes > 0 && _file.Length >= _maxBytes)
                    {
                        Rotate();
                    }
                }
                catch (IOException e)
                {
                    // A full disk must not take the daemon down with it: every thread logs, and an
                    // exception here would escape from wherever the message came from. Say it once on
                    // stderr (all that is left), with the message, and keep trying the file.
                    if (!_failing)
                    {
                        _failing = true;
                        Console.Error.Write($"supervisord: cannot write to {FilePath}: {e.Message}; lost: {line}");
                    }
                }
            }

            if (_syslog)
            {
                Syslog.Write(line);
            }

            _echo?.Write(line);
            _echo?.Flush();
        }
    }

    /// <summary>
    /// Deletes the current log file and reopens it empty (rotated backups are kept). As the reference's
    /// <c>clearLog</c> (<c>supervisor/rpcinterface.py</c>), <c>reopening log file</c> is logged in between: it
    /// goes to the removed file and the console, so the new file starts empty.
    /// </summary>
    public ClearOutcome Clear()
    {
        if (FilePath is null)
        {
            return ClearOutcome.NoFile;
        }

        lock (_lock)
        {
            if (!File.Exists(FilePath))
            {
                return ClearOutcome.NoFile;
            }

            try
            {
                File.Delete(FilePath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return ClearOutcome.Failed;
            }

            // The reference's clearLog (rpcinterface.py) logs this after removing the file and before its
            // handler reopens it: the line goes to the removed file (and the console), the new file starts empty.
            if (IsEnabled(MainLogLevel.Info))
            {
                var line = Format(_clock.GetLocalNow(), MainLogLevel.Info, "reopening log file");
                try
                {
                    _file?.Write(Encoding.UTF8.GetBytes(line));
                }
                catch (IOException)
                {
                    // Lost with the removed file anyway.
                }

                _echo?.Write(line);
                _echo?.Flush();
            }

            _file?.Dispose();
            _file = null;
            try
            {
                _file = Open(FilePath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Without a file the lines still reach the console; SIGUSR2 (Reopen) tries again.
                return ClearOutcome.Failed;
            }
        }

        return ClearOutcome.Cleared;
    }

    /// <summary>Closes and reopens the file (SIGUSR2), so an external rotation tool can move it away.</summary>
    public void Reopen()
    {
        if (FilePath is null)
        {
            return;
        }

        lock (_lock)
        {
            _file?.Dispose();
            _file = Open(FilePath);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _file?.Dispose();
            _file = null;
        }
    }

    /// <summary>The reference's line: local time with milliseconds after a comma, a 4-letter level, the message.</summary>
    internal static string Format(DateTimeOffset time, MainLogLevel level, string message) =>
        string.Create(CultureInfo.InvariantCulture, $"{time:yyyy-MM-dd HH:mm:ss},{time.Millisecond:000} {LevelName(level)} {message}\n");

    internal static string LevelName(MainLogLevel level) => level switch
    {
        MainLogLevel.Critical => "CRIT",
        MainLogLevel.Error => "ERRO",
        MainLogLevel.Warn => "WARN",
        MainLogLevel.Info => "INFO",
        MainLogLevel.Debug => "DEBG",
        MainLogLevel.Trace => "TRAC",
        _ => "BLAT",
    };

    private static FileStream Open(string path) =>
        new(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);

    /// <summary>log → log.1 → log.2 … up to <c>backups</c>; with no backups the file is just truncated.</summary>
    private void Rotate()
    {
        var path = FilePath!;
        _file!.Dispose();
        _file = null;
        try
        {
            if (_backups > 0)
            {
                // Delete, then rename (as the reference does): renaming over an existing file makes ext4
                // flush the renamed file to disk on every rotation (measured: a third of the throughput).
                for (var i = _backups - 1; i >= 1; i--)
                {
                    var from = $"{path}.{i}";
                    if (File.Exists(from))
                    {
                        File.Delete($"{path}.{i + 1}");
                        File.Move(from, $"{path}.{i + 1}");
                    }
                }

                File.Delete(path + ".1");
                File.Move(path, path + ".1");
            }
            else
            {
                File.Delete(path);
            }
        }
        catch (IOException)
        {
            // A rotation that fails must not lose the message: keep appending to the current file.
        }

        _file = Open(path);
    }
}

/// <summary>What <see cref="MainLog.Clear"/> did.</summary>
internal enum ClearOutcome
{
    /// <summary>The file was removed and a new one opened.</summary>
    Cleared,

    /// <summary>There is no log file (syslog, none configured, or it was removed from outside).</summary>
    NoFile,

    /// <summary>The file could not be removed, or the new one not opened.</summary>
    Failed,
}
