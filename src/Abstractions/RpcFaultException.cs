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
