using System.Text;
using Supervisor.Abstractions;

namespace Supervisor;

/// <summary>Talking to processes and listeners: sendProcessStdin, sendRemoteCommEvent.</summary>
public sealed partial class SupervisorNamespace
{
    [RpcMethod(NonBlocking = true, Help = """
        Write a string to a process's stdin, encoded as UTF-8; the call does not wait for the child
        to read it. INCORRECT_PARAMETERS when chars is not a string; BAD_NAME; NOT_RUNNING when there
        is no child or it is being stopped; NO_FILE when the child has closed its stdin; FAILED, with
        nothing written, when the child has not read enough of its earlier input: at most 16 MiB may
        wait for it (the text says how much is pending).
        """)]
    [return: RpcReturn("result", "Always return True unless error")]
    public async Task<bool> SendProcessStdin(
        [RpcParam("The process name to send to (or 'group:name')", Type = "string")] object name,
        [RpcParam("The character data to send to the process", Type = "string")] object chars,
        CancellationToken cancellationToken = default)
    {
        Gate();
        var bytes = chars switch
        {
            string text => Encoding.UTF8.GetBytes(text),
            byte[] raw => raw,
            _ => throw PythonArguments.Fault(FaultCode.IncorrectParameters, chars),
        };
        var (process, given) = ResolveProcess(name);
        await EngineFaults.Named(Processes.WriteStdinAsync(process.Group, process.Name, bytes, cancellationToken), given)
            .ConfigureAwait(false);
        return true;
    }

    [RpcMethod(NonBlocking = true, Help = """
        Publish a REMOTE_COMMUNICATION event, whose body is "type:<type>", a newline and the data, to
        the event listeners that subscribe to it. Works even while the daemon shuts down.
        """)]
    [return: RpcReturn("result", "Always return True unless error")]
    public bool SendRemoteCommEvent(
        [RpcParam("String for the \"type\" key in the event header", Type = "string")] object type,
        [RpcParam("Data for the event body", Type = "string")] object data)
    {
        supervisord.Events.Publish(new SupervisorEvent("REMOTE_COMMUNICATION", $"type:{PythonText.Str(type)}\n{PythonText.Str(data)}"));
        return true;
    }
}
