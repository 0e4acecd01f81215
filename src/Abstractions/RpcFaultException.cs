namespace Supervisor.Abstractions;

/// <summary>
/// Thrown by a plugin method to answer with an XML-RPC fault. The faultString is
/// <c>NAME</c> or <c>NAME: detail</c>, where NAME comes from Supervisor's table
/// (<see cref="FaultCodes.WireName"/>) or, for a plugin's own code, from <see cref="FaultName"/>.
/// </summary>
public class RpcFaultException : Exception
{
    /// <summary>A fault from Supervisor's table.</summary>
    public RpcFaultException(FaultCode code, string? detail = null)
        : this((int)code, FaultCodes.WireName((int)code), detail)
    {
    }

    /// <summary>
    /// A plugin-defined fault. <paramref name="faultName"/> replaces the <c>UNKNOWN</c> that Supervisor
    /// shows for codes outside its table (a difference from the reference, which cannot name them).
    /// </summary>
    public RpcFaultException(int code, string faultName, string? detail = null)
        : base(Format(faultName, detail))
    {
        Code = code;
        FaultName = faultName;
        Detail = detail;
    }

    /// <summary>The faultCode.</summary>
    public int Code { get; }

    /// <summary>The name part of the faultString.</summary>
    public string FaultName { get; }

    /// <summary>The text after <c>": "</c>, or null.</summary>
    public string? Detail { get; }

    /// <summary>The faultString as sent.</summary>
    public string FaultString => Message;

    private static string Format(string name, string? detail) => detail is null ? name : name + ": " + detail;
}

/// <summary>
/// A fault about one process or group, as <see cref="IProcessTable"/> reports it: the fault string names
/// it (<c>NOT_RUNNING: web:web</c>, <c>FAILED: web is in an unknown process state</c>). Supervisor shows a
/// name the way the caller spelled it; <see cref="Naming"/> makes the same fault with another spelling,
/// so a plugin does not need to know how the text is worded.
/// </summary>
public sealed class ProcessFaultException : RpcFaultException
{
    /// <summary>A fault whose text is <paramref name="before"/>, the name as <paramref name="shown"/>, then <paramref name="after"/>.</summary>
    /// <param name="code">The fault code.</param>
    /// <param name="group">The group concerned.</param>
    /// <param name="process">The process concerned within the group, or null when the fault is about the group.</param>
    /// <param name="shown">How the text names it.</param>
    /// <param name="before">Text before the name.</param>
    /// <param name="after">Text after the name.</param>
    public ProcessFaultException(FaultCode code, string group, string? process, string shown, string before = "", string after = "")
        : base(code, before + shown + after)
    {
        Group = group;
        Process = process;
        Shown = shown;
        Before = before;
        After = after;
    }

    /// <summary>The group concerned.</summary>
    public string Group { get; }

    /// <summary>The process concerned within <see cref="Group"/>, or null when the fault is about the group.</summary>
    public string? Process { get; }

    /// <summary>How the fault's text names the process or group.</summary>
    public string Shown { get; }

    /// <summary>The text before the name.</summary>
    public string Before { get; }

    /// <summary>The text after the name.</summary>
    public string After { get; }

    /// <summary>The same fault, naming the process or group as <paramref name="spelling"/>.</summary>
    public ProcessFaultException Naming(string spelling) =>
        new((FaultCode)Code, Group, Process, spelling, Before, After);
}
