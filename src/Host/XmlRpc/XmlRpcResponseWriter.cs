using System.Buffers;

namespace Supervisor.Host.XmlRpc;

/// <summary>
/// Server side: writes a <c>methodResponse</c> (one value, or a fault) as UTF-8 into a buffer, in
/// the reference's exact layout (Python's <c>xmlrpc.client.dumps</c> with <c>methodresponse=True</c>). The HTTP layer then sends the buffer with
/// its Content-Length. Every document is well-formed XML 1.0 (see <see cref="XmlRpcText"/>).
/// </summary>
internal static class XmlRpcResponseWriter
{
    /// <summary>What comes before the value of a successful response.</summary>
    public static ReadOnlySpan<byte> ResponseStart => "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n"u8;

    /// <summary>What comes after the value of a successful response.</summary>
    public static ReadOnlySpan<byte> ResponseEnd => "</param>\n</params>\n</methodResponse>\n"u8;

    /// <summary>Writes a successful response carrying <paramref name="value"/>.</summary>
    /// <exception cref="NotSupportedException">
    /// The value cannot be encoded. The output then holds a partial document: reset it and write a fault.
    /// </exception>
    public static void WriteResponse(IBufferWriter<byte> output, object? value)
    {
        var writer = new XmlRpcValueWriter(output);
        writer.WriteRaw(ResponseStart);
        writer.WriteValue(value);
        writer.WriteRaw(ResponseEnd);
        writer.Flush();
    }

    /// <summary>Writes a fault response: a struct of <c>faultCode</c> and <c>faultString</c>.</summary>
    public static void WriteFault(IBufferWriter<byte> output, int code, string faultString)
    {
        var writer = new XmlRpcValueWriter(output);
        writer.WriteRaw("<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n"u8);
        writer.WriteInt(code);
        writer.WriteRaw("</member>\n<member>\n<name>faultString</name>\n"u8);
        writer.WriteString(faultString);
        writer.WriteRaw("</member>\n</struct></value>\n</fault>\n</methodResponse>\n"u8);
        writer.Flush();
    }

    /// <inheritdoc cref="WriteFault(IBufferWriter{byte}, int, string)"/>
    public static void WriteFault(IBufferWriter<byte> output, XmlRpcFault fault) => WriteFault(output, fault.Code, fault.String);
}
