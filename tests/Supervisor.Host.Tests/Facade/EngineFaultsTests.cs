using Supervisor.Abstractions;
using Supervisor.Host.Facade;
using Supervisor.Host.Processes;

namespace Supervisor.Host.Tests.Facade;

/// <summary>
/// The engine speaks <see cref="EngineError"/>; the facade alone turns it into the reference's fault codes and
/// texts (Supervisor's supervisor/rpcinterface.py). Each row is the fault 4.2.5 sends for that refusal.
/// </summary>
public sealed class EngineFaultsTests
{
    public static TheoryData<string, string?, string?, string?, int, string> Rows => new()
    {
        { nameof(EngineError.NoSuchProcess), "web", "w1", null, 10, "BAD_NAME: web:w1" },
        { nameof(EngineError.NoSuchProcess), "web", "web", null, 10, "BAD_NAME: web" },
        { nameof(EngineError.NoSuchGroup), "web", null, null, 10, "BAD_NAME: web" },
        { nameof(EngineError.NoSuchConfiguredGroup), "web", null, null, 10, "BAD_NAME: web" },
        { nameof(EngineError.CommandNotFound), "web", "web", "no such file", 20, "NO_FILE: no such file" },
        { nameof(EngineError.CommandNotExecutable), "web", "web", "command at '/etc' is a directory", 21, "NOT_EXECUTABLE: command at '/etc' is a directory" },
        { nameof(EngineError.AlreadyStarted), "g", "p", null, 60, "ALREADY_STARTED: g:p" },
        { nameof(EngineError.UnknownState), "web", "web", null, 30, "FAILED: web is in an unknown process state" },
        { nameof(EngineError.SpawnFailed), "g", "p", null, 50, "SPAWN_ERROR: g:p" },
        { nameof(EngineError.ExitedWhileStarting), "g", "p", null, 40, "ABNORMAL_TERMINATION: g:p" },
        { nameof(EngineError.NotRunning), "g", "p", null, 70, "NOT_RUNNING: g:p" },
        { nameof(EngineError.SignalFailed), "g", "p", "[Errno 1] Operation not permitted", 30, "FAILED: [Errno 1] Operation not permitted" },
        { nameof(EngineError.StdinClosed), "g", "p", null, 20, "NO_FILE: g:p" },
        { nameof(EngineError.StdinFull), "g", "p", "16 bytes pending", 30, "FAILED: stdin buffer of g:p is full: 16 bytes pending" },
        { nameof(EngineError.LogsNotCleared), "g", "p", null, 30, "FAILED: g:p" },
        { nameof(EngineError.ConfigurationRefused), null, null, "could not parse", 92, "CANT_REREAD: could not parse" },
        { nameof(EngineError.AlreadyActive), "web", null, null, 90, "ALREADY_ADDED: web" },
        { nameof(EngineError.AlreadyActive), "web", "web", null, 90, "ALREADY_ADDED: web:web" },
        { nameof(EngineError.StillRunning), "web", null, null, 91, "STILL_RUNNING: web" },
        { nameof(EngineError.InvalidProgramOptions), "web", "x", "command is required", 2, "INCORRECT_PARAMETERS: command is required" },
        { nameof(EngineError.ShuttingDown), null, null, null, 6, "SHUTDOWN_STATE" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void EachRefusalBecomesTheReferenceFault(string error, string? group, string? process, string? detail, int code, string text)
    {
        var fault = EngineFaults.ToFault(new EngineException(Enum.Parse<EngineError>(error), group, process, detail));
        Assert.Equal(code, fault.Code);
        Assert.Equal(text, fault.FaultString);
    }

    [Fact]
    public void EveryEngineErrorHasARowOfItsOwn()
    {
        // A new refusal must be given its fault deliberately, not fall through to a generic FAILED.
        var covered = Rows.Select(row => Enum.Parse<EngineError>((string)row[0])).ToHashSet();
        Assert.All(Enum.GetValues<EngineError>(), e => Assert.Contains(e, covered));
    }

    [Fact]
    public void AFaultAboutAProcessCanBeRenamedAsTheCallerSpelledIt()
    {
        var fault = Assert.IsType<ProcessFaultException>(EngineFaults.ToFault(new EngineException(EngineError.StdinFull, "web", "web", "9 bytes pending")));
        Assert.Equal("FAILED: stdin buffer of web is full: 9 bytes pending", fault.FaultString);
        Assert.Equal("FAILED: stdin buffer of web:web is full: 9 bytes pending", fault.Naming("web:web").FaultString);
        Assert.Equal(("web", "web"), (fault.Group, fault.Process));
    }

    [Fact]
    public async Task TranslatedTurnsAFailedTaskIntoItsFaultAndPassesOtherErrorsThrough()
    {
        var refused = await Assert.ThrowsAsync<ProcessFaultException>(() => EngineFaults.Translated(Task.FromException<int>(new EngineException(EngineError.NotRunning, "a", "b"))));
        Assert.Equal("NOT_RUNNING: a:b", refused.FaultString);
        Assert.Equal(7, await EngineFaults.Translated(Task.FromResult(7)));
        await Assert.ThrowsAsync<IOException>(() => EngineFaults.Translated(Task.FromException(new IOException("disk"))));
    }
}
