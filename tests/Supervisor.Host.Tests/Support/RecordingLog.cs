using Supervisor.Abstractions;

namespace Supervisor.Host.Tests.Support;

/// <summary>A main log that keeps its lines in memory, for tests of components that log.</summary>
internal sealed class RecordingLog(LogLevel level = LogLevel.Blather) : IMainLog
{
    private readonly List<(LogLevel Level, string Message)> _lines = [];

    public string? FilePath => null;

    public LogLevel Level => level;

    public IReadOnlyList<(LogLevel Level, string Message)> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public bool IsEnabled(LogLevel candidate) => candidate >= level;

    public void Write(LogLevel candidate, string message)
    {
        if (IsEnabled(candidate))
        {
            lock (_lines)
            {
                _lines.Add((candidate, message));
            }
        }
    }

    public void Clear() => throw new RpcFaultException(FaultCode.NoFile);
}
