using System.Buffers;

namespace Supervisor.Host.XmlRpc;

/// <summary>
/// Client side (tests, the future CLI): writes a <c>methodCall</c> in the layout of Python's
/// <c>xmlrpc.client.dumps</c>, with the same value rules as <see cref="XmlRpcResponseWriter"/>.
/// </summary>
internal static class XmlRpcRequestWriter
{
    /// <exception cref="NotSupportedException">A parameter cannot be encoded.</exception>
    public static void Write(IBufferWriter<byte> output, string methodName, params ReadOnlySpan<object?> parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(methodName);

        var writer = new XmlRpcValueWriter(output);
        writer.WriteRaw("<?xml version='1.0'?>\n<methodCall>\n<methodName>"u8);
        writer.WriteText(methodName);
        writer.WriteRaw("</methodName>\n<params>\n"u8);
        foreach (var parameter in parameters)
        {
            writer.WriteRaw("<param>\n"u8);
            writer.WriteValue(parameter);
            writer.WriteRaw("</param>\n"u8);
        }

        writer.WriteRaw("</params>\n</methodCall>\n"u8);
        writer.Flush();
    }

    /// <summary>The call as a new byte array.</summary>
    /// <exception cref="NotSupportedException">A parameter cannot be encoded.</exception>
    public static byte[] ToArray(string methodName, params ReadOnlySpan<object?> parameters)
    {
        var output = new ArrayBufferWriter<byte>();
        Write(output, methodName, parameters);
        return output.WrittenSpan.ToArray();
    }
}
