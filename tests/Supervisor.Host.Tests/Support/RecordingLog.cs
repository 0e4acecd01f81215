using Supervisor.Abstractions;

namespace Supervisor.Host.Tests.Support;

/// <summary>A main log that keeps its lines in memory, for tests of components that log.</summary>
internal sealed class RecordingLog(MainLogLevel level = MainLogLevel.Blather) : IMainLog
{
    private readonly List<(MainLogLevel Level, string Message)> _lines = [];

    public string? FilePath => null;

    public MainLogLevel Level => level;

    public IReadOnlyList<(MainLogLevel Level, string Message)> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public bool IsEnabled(MainLogLevel candidate) => candidate >= level;

    public void Write(MainLogLevel candidate, string message)
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
