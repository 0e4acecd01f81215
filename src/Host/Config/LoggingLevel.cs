namespace Supervisor.Host.Config;

/// <summary>Supervisor's log levels and their numbers (<c>supervisor/loggers.py</c>).</summary>
internal enum LoggingLevel
{
    Blather = 3,
    Trace = 5,
    Debug = 10,
    Info = 20,
    Warn = 30,
    Error = 40,
    Critical = 50,
}
