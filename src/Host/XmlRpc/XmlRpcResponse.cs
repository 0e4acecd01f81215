namespace Supervisor.Host.XmlRpc;

/// <summary>A fault as it travels: <c>faultCode</c> and <c>faultString</c>.</summary>
internal sealed record XmlRpcFault(int Code, string String);

/// <summary>
/// A decoded response: either a value (<see cref="Fault"/> is null) or a fault
/// (<see cref="Value"/> is null).
/// </summary>
internal sealed class XmlRpcResponse
{
    private XmlRpcResponse(object? value, XmlRpcFault? fault)
    {
        Value = value;
        Fault = fault;
    }

    /// <summary>The returned value; null for a fault or for <c>&lt;nil/&gt;</c>.</summary>
    public object? Value { get; }

    /// <summary>The fault, or null when the call succeeded.</summary>
    public XmlRpcFault? Fault { get; }

    /// <summary>True when the response is a fault.</summary>
    public bool IsFault => Fault is not null;

    public static XmlRpcResponse Success(object? value) => new(value, null);

    public static XmlRpcResponse Failure(XmlRpcFault fault) => new(null, fault);
}
