using System.Buffers;

namespace Supervisor.Host.XmlRpc;

/// <summary>
/// Server side: decodes a <c>methodCall</c> body into an <see cref="XmlRpcRequest"/>, streaming
/// (no DOM), with the reference's leniency (<c>supervisor/xmlrpc.py</c>, <c>supervisor_xmlrpc_handler.continue_request</c>, over Python's <c>xmlrpc.client.loads</c>): the root element's name is not
/// checked, an absent <c>&lt;params&gt;</c> means no parameters, a <c>&lt;param&gt;</c> may hold a
/// typed element without <c>&lt;value&gt;</c>, unknown elements read as their text.
/// </summary>
internal static class XmlRpcRequestReader
{
    /// <exception cref="XmlRpcFormatException">The body is not a readable call.</exception>
    public static XmlRpcRequest Read(ReadOnlyMemory<byte> body, XmlRpcLimits? limits = null) =>
        Read(new ReadOnlySequence<byte>(body), limits);

    /// <exception cref="XmlRpcFormatException">The body is not a readable call.</exception>
    public static XmlRpcRequest Read(in ReadOnlySequence<byte> body, XmlRpcLimits? limits = null) =>
        XmlReaderValueReader.Read(body, limits, ReadCall);

    private static XmlRpcRequest ReadCall(XmlRpcValueReader reader)
    {
        string? methodName = null;
        object?[]? parameters = null;

        reader.MoveToRoot();
        if (reader.Enter())
        {
            while (reader.NextChild())
            {
                switch (reader.LocalName)
                {
                    case "methodName" when methodName is null:
                        methodName = reader.ReadText() ?? string.Empty;
                        break;
                    case "params" when parameters is null:
                        parameters = ReadParams(reader);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }

        reader.ReadToEnd();

        if (string.IsNullOrEmpty(methodName))
        {
            throw new XmlRpcFormatException("no method name");
        }

        return new XmlRpcRequest(methodName, parameters ?? []);
    }

    /// <summary>Reads a <c>&lt;params&gt;</c> element: one value per child.</summary>
    internal static object?[] ReadParams(XmlRpcValueReader reader)
    {
        if (!reader.Enter())
        {
            return [];
        }

        var values = new List<object?>();
        while (reader.NextChild())
        {
            if (reader.LocalName != "param")
            {
                values.Add(reader.ReadTyped());
                continue;
            }

            // <param> yields its first child element: normally <value>, but the reference also
            // takes a bare <struct> or other typed element.
            if (!reader.Enter() || !reader.NextChild())
            {
                throw new XmlRpcFormatException("<param> without a value");
            }

            values.Add(reader.ReadTyped());
            while (reader.NextChild())
            {
                reader.Skip();
            }
        }

        return values.ToArray();
    }
}
