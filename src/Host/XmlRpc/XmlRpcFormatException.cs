namespace Supervisor.Host.XmlRpc;

/// <summary>
/// A body that is not a readable XML-RPC document: malformed or truncated XML, a DTD, invalid
/// UTF-8, a value that cannot be decoded, a missing method name, or a limit exceeded.
/// The HTTP layer answers it with 400, as the reference does.
/// </summary>
internal sealed class XmlRpcFormatException : Exception
{
    public XmlRpcFormatException(string message)
        : base(message)
    {
    }

    public XmlRpcFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
