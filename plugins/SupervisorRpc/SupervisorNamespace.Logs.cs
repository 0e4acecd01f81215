using Supervisor.Abstractions;

namespace Supervisor;

/// <summary>Process logs: read, tail and clear.</summary>
public sealed partial class SupervisorNamespace
{
    [RpcMethod(NonBlocking = true, Aliases = ["readProcessLog"], Help = """
        Read length bytes from a process's stdout log, starting at offset.

        The offset and length rules are readLog's: a negative offset with length 0 reads the last
        -offset bytes. NO_FILE when the process logs no stdout (without text) or its file does not
        exist (with the path). readProcessLog is the deprecated name of this method.
        """)]
    [return: RpcReturn("result", "Bytes of log")]
    public string ReadProcessStdoutLog(
        [RpcParam("the name of the process (or 'group:name')", Type = "string")] object name,
        [RpcParam("offset to start reading from.", Type = "int")] object offset,
        [RpcParam("number of bytes to read from the log.", Type = "int")] object length)
    {
        Gate();
        return ReadProcessLog(ResolveProcess(name).Process.StdoutLogfile, offset, length);
    }

    [RpcMethod(NonBlocking = true, Help = """
        Read length bytes from a process's stderr log, starting at offset; as readProcessStdoutLog.
        A process with redirect_stderr has no stderr log (NO_FILE).
        """)]
    [return: RpcReturn("result", "Bytes of log")]
    public string ReadProcessStderrLog(
        [RpcParam("the name of the process (or 'group:name')", Type = "string")] object name,
        [RpcParam("offset to start reading from.", Type = "int")] object offset,
        [RpcParam("number of bytes to read from the log.", Type = "int")] object length)
    {
        Gate();
        return ReadProcessLog(ResolveProcess(name).Process.StderrLogfile, offset, length);
    }

    [RpcMethod(NonBlocking = true, Aliases = ["tailProcessLog"], Help = """
        Tail a process's stdout log: a cheaper way to follow it than readProcessStdoutLog.

        Asks for up to length bytes from offset. When the log is longer than offset + length,
        overflow is true and the bytes returned are the last length bytes of the log. The offset
        returned is always the log's current size, the offset to ask for next. A log that does
        not exist gives ["", 0, false]. tailProcessLog is the deprecated name of this method.
        """)]
    [return: RpcReturn("result", "[string bytes, int offset, bool overflow]", Type = "array")]
    public object[] TailProcessStdoutLog(
        [RpcParam("the name of the process (or 'group:name')", Type = "string")] object name,
        [RpcParam("offset to start reading from", Type = "int")] object offset,
        [RpcParam("maximum number of bytes to return", Type = "int")] object length)
    {
        Gate();
        return LogTail.Tail(ResolveProcess(name).Process.StdoutLogfile, offset, length);
    }

    [RpcMethod(NonBlocking = true, Help = "Tail a process's stderr log; as tailProcessStdoutLog.")]
    [return: RpcReturn("result", "[string bytes, int offset, bool overflow]", Type = "array")]
    public object[] TailProcessStderrLog(
        [RpcParam("the name of the process (or 'group:name')", Type = "string")] object name,
        [RpcParam("offset to start reading from", Type = "int")] object offset,
        [RpcParam("maximum number of bytes to return", Type = "int")] object length)
    {
        Gate();
        return LogTail.Tail(ResolveProcess(name).Process.StderrLogfile, offset, length);
    }

    [RpcMethod(NonBlocking = true, Aliases = ["clearProcessLog"], Help = """
        Empty a process's stdout and stderr logs: the current files are removed and reopened empty
        (rotated backups stay). A process without a child keeps its files. FAILED on an I/O error.
        clearProcessLog is the deprecated name of this method.
        """)]
    [return: RpcReturn("result", "Always True unless error")]
    public async Task<bool> ClearProcessLogs(
        [RpcParam("The name of the process (or 'group:name')", Type = "string")] object name,
        CancellationToken cancellationToken = default)
    {
        Gate();
        var (process, given) = ResolveProcess(name);
        await ClearLogsAsync(process, given, cancellationToken).ConfigureAwait(false);
        return true;
    }

    [RpcMethod(NonBlocking = true, Help = """
        Empty the logs of every active process, one after the other in priority order, and report
        each as a status struct (name, group, status, description).
        """)]
    [return: RpcReturn("result", "An array of process status info structs")]
    public async Task<List<ProcessResult>> ClearAllProcessLogs(CancellationToken cancellationToken = default)
    {
        Gate();
        return await BulkOperation.RunInTurnAsync(
            InPriorityOrder(),
            p =>
            {
                Gate();
                return ClearLogsAsync(p, NameSpec.Display(p.Group, p.Name), cancellationToken);
            }).ConfigureAwait(false);
    }

    /// <summary>The reference checks the file before it converts the numbers (<c>int()</c>, see <see cref="PythonArguments.Int"/>).</summary>
    private static string ReadProcessLog(string path, object offset, object length)
    {
        if (path.Length == 0)
        {
            throw new RpcFaultException(FaultCode.NoFile);
        }

        if (!Path.Exists(path))
        {
            throw new RpcFaultException(FaultCode.NoFile, path);
        }

        return LogFileReader.Read(path, PythonArguments.Int(offset, "offset"), PythonArguments.Int(length, "length"));
    }

    /// <summary>The reference reports any failure to clear as <c>FAILED: name</c>.</summary>
    private Task ClearLogsAsync(ProcessInfo process, string given, CancellationToken cancellationToken) =>
        EngineFaults.Named(Processes.ClearLogsAsync(process.Group, process.Name, cancellationToken), given);
}
