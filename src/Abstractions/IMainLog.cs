namespace Supervisor.Abstractions;

/// <summary>
/// Log levels of Supervisor's main log, with the reference's numeric values. Named apart from
/// <c>Microsoft.Extensions.Logging.LogLevel</c> so a plugin can use both namespaces; a plugin that logs
/// through <c>ILogger&lt;T&gt;</c> reaches the same main log.
/// </summary>
public enum MainLogLevel
{
    /// <summary>CRIT</summary>
    Critical = 50,

    /// <summary>ERRO</summary>
    Error = 40,

    /// <summary>WARN</summary>
    Warn = 30,

    /// <summary>INFO</summary>
    Info = 20,

    /// <summary>DEBG</summary>
    Debug = 10,

    /// <summary>TRAC</summary>
    Trace = 5,

    /// <summary>BLAT</summary>
    Blather = 3,
}

/// <summary>The daemon's main log (<c>[supervisord] logfile</c>).</summary>
public interface IMainLog
{
    /// <summary>The absolute path of the log file, or null when the daemon logs to no file.</summary>
    string? FilePath { get; }

    /// <summary>The configured level; messages below it are dropped.</summary>
    MainLogLevel Level { get; }

    /// <summary>True when a message at <paramref name="level"/> would be written.</summary>
    bool IsEnabled(MainLogLevel level);

    /// <summary>Writes one message in the reference's line format (<c>2026-11-21 06:04:01,123 INFO text</c>).</summary>
    void Write(MainLogLevel level, string message);

    /// <summary>
    /// Deletes the current log file and reopens it empty (rotated backups are kept). As the reference's
    /// <c>clearLog</c>, <c>reopening log file</c> is logged in between: it goes to the removed file and the
    /// console, so the new file starts empty.
    /// </summary>
    /// <exception cref="RpcFaultException">NO_FILE when there is no log file; FAILED when it cannot be removed.</exception>
    void Clear();
}

/// <summary>Shorthands for <see cref="IMainLog.Write"/>.</summary>
public static class MainLogExtensions
{
    /// <summary>Writes at CRIT.</summary>
    public static void Critical(this IMainLog log, string message) => log.Write(MainLogLevel.Critical, message);

    /// <summary>Writes at ERRO.</summary>
    public static void Error(this IMainLog log, string message) => log.Write(MainLogLevel.Error, message);

    /// <summary>Writes at WARN.</summary>
    public static void Warn(this IMainLog log, string message) => log.Write(MainLogLevel.Warn, message);

    /// <summary>Writes at INFO.</summary>
    public static void Info(this IMainLog log, string message) => log.Write(MainLogLevel.Info, message);

    /// <summary>Writes at DEBG.</summary>
    public static void Debug(this IMainLog log, string message) => log.Write(MainLogLevel.Debug, message);
}
