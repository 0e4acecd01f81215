using System.Buffers;

namespace Supervisor.Host.XmlRpc;

/// <summary>
/// Client side (tests, the future CLI): decodes a <c>methodResponse</c> body into a value or a
/// fault, with the same value model and limits as <see cref="XmlRpcRequestReader"/>, through the
/// faster <see cref="Utf8ValueReader"/> (a server's answer, not a stranger's request), and first
/// through <see cref="Utf8ResponseParser"/>, which reads the usual successful response faster still.
/// </summary>
internal static class XmlRpcResponseReader
{
    /// <exception cref="XmlRpcFormatException">The body is not a readable response.</exception>
    public static XmlRpcResponse Read(ReadOnlyMemory<byte> body, XmlRpcLimits? limits = null) =>
        Read(new ReadOnlySequence<byte>(body), limits);

    /// <exception cref="XmlRpcFormatException">The body is not a readable response.</exception>
    public static XmlRpcResponse Read(in ReadOnlySequence<byte> body, XmlRpcLimits? limits = null)
    {
        var document = Utf8ValueReader.Document(body);
        if (Utf8ResponseParser.TryRead(document, limits ?? XmlRpcLimits.Default, out var value))
        {
            return XmlRpcResponse.Success(value);
        }

        return Utf8ValueReader.Read(document, limits, ReadDocument);
    }

    /// <summary>Reads a response document with any value reader (tests compare the two).</summary>
    internal static XmlRpcResponse ReadDocument(XmlRpcValueReader reader)
    {
        XmlRpcResponse? response = null;

        reader.MoveToRoot();
        if (reader.Enter())
        {
            while (reader.NextChild())
            {
                switch (reader.LocalName)
                {
                    case "params" when response is null:
                        var values = XmlRpcRequestReader.ReadParams(reader);
                        if (values.Length != 1)
                        {
                            throw new XmlRpcFormatException($"response holds {values.Length} values instead of 1");
                        }

                        response = XmlRpcResponse.Success(values[0]);
                        break;
                    case "fault" when response is null:
                        response = XmlRpcResponse.Failure(ReadFault(reader));
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }

        reader.ReadToEnd();
        return response ?? throw new XmlRpcFormatException("response holds neither <params> nor <fault>");
    }

    private static XmlRpcFault ReadFault(XmlRpcValueReader reader)
    {
        if (!reader.Enter() || !reader.NextChild())
        {
            throw new XmlRpcFormatException("<fault> without a value");
        }

        var value = reader.ReadTyped();
        while (reader.NextChild())
        {
            reader.Skip();
        }

        if (value is not Dictionary<string, object?> members
            || !members.TryGetValue("faultCode", out var code)
            || !members.TryGetValue("faultString", out var text))
        {
            throw new XmlRpcFormatException("<fault> is not a struct of faultCode and faultString");
        }

        return code switch
        {
            int number when text is string message => new XmlRpcFault(number, message),
            _ => throw new XmlRpcFormatException("<fault> has a faultCode that is not an int or a faultString that is not a string"),
        };
    }
}
