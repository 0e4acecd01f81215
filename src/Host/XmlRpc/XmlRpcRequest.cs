namespace Supervisor.Host.XmlRpc;

/// <summary>
/// A decoded call: the method name exactly as sent (never empty) and its parameters, decoded to
/// the CLR values listed in this folder's README.
/// </summary>
internal sealed record XmlRpcRequest(string MethodName, object?[] Params);
