using System.Globalization;
using System.Text;

namespace Supervisor.Ctl.XmlRpc;

/// <summary>
/// Writes a <c>methodCall</c> document for the values the client sends: strings, integers, booleans,
/// doubles, nil, arrays (<see cref="IReadOnlyList{T}"/>), structs (<see cref="IReadOnlyDictionary{TKey,TValue}"/>),
/// <see cref="Base64Value"/> and <see cref="DateTimeValue"/>. Hand-written so the client needs neither reflection nor System.Xml.
/// </summary>
internal static class XmlRpcWriter
{
    public static byte[] MethodCall(string method, IReadOnlyList<object?> parameters)
    {
        var xml = new StringBuilder(128 + (parameters.Count * 48));
        xml.Append("<?xml version=\"1.0\"?>\n<methodCall>\n<methodName>");
        AppendEscaped(xml, method);
        xml.Append("</methodName>\n<params>\n");
        foreach (var parameter in parameters)
        {
            xml.Append("<param>\n");
            AppendValue(xml, parameter);
            xml.Append("</param>\n");
        }

        xml.Append("</params>\n</methodCall>\n");
        return Encoding.UTF8.GetBytes(xml.ToString());
    }

    private static void AppendValue(StringBuilder xml, object? value)
    {
        xml.Append("<value>");
        switch (value)
        {
            case null:
                xml.Append("<nil/>");
                break;
            case string text:
                xml.Append("<string>");
                AppendEscaped(xml, text);
                xml.Append("</string>");
                break;
            case bool flag:
                xml.Append("<boolean>").Append(flag ? '1' : '0').Append("</boolean>");
                break;
            case int or long:
                var number = Convert.ToInt64(value, CultureInfo.InvariantCulture);
                // Beyond 32 bits only <i8> can carry it; the daemon reads both.
                var tag = number is >= int.MinValue and <= int.MaxValue ? "int" : "i8";
                xml.Append('<').Append(tag).Append('>').Append(number.ToString(CultureInfo.InvariantCulture)).Append("</").Append(tag).Append('>');
                break;
            case double real:
                xml.Append("<double>").Append(real.ToString("R", CultureInfo.InvariantCulture)).Append("</double>");
                break;
            case Base64Value bytes:
                xml.Append("<base64>").Append(Convert.ToBase64String(bytes.Bytes)).Append("</base64>");
                break;
            case DateTimeValue stamp:
                xml.Append("<dateTime.iso8601>");
                AppendEscaped(xml, stamp.Text);
                xml.Append("</dateTime.iso8601>");
                break;
            case IReadOnlyDictionary<string, object?> members:
                xml.Append("<struct>\n");
                foreach (var (name, member) in members)
                {
                    xml.Append("<member>\n<name>");
                    AppendEscaped(xml, name);
                    xml.Append("</name>\n");
                    AppendValue(xml, member);
                    xml.Append("</member>\n");
                }

                xml.Append("</struct>");
                break;
            case IReadOnlyList<object?> items:
                xml.Append("<array><data>\n");
                foreach (var item in items)
                {
                    AppendValue(xml, item);
                }

                xml.Append("</data></array>");
                break;
            default:
                throw new ArgumentException($"cannot send a {value.GetType().Name} over XML-RPC", nameof(value));
        }

        xml.Append("</value>\n");
    }

    private static void AppendEscaped(StringBuilder xml, string text)
    {
        foreach (var c in text)
        {
            _ = c switch
            {
                '&' => xml.Append("&amp;"),
                '<' => xml.Append("&lt;"),
                '>' => xml.Append("&gt;"),
                _ => xml.Append(c),
            };
        }
    }
}
