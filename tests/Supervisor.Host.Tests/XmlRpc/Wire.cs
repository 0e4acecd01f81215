using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Host.Tests.XmlRpc;

/// <summary>Small helpers to build bodies and read back what the writers produce.</summary>
internal static class Wire
{
    /// <summary>
    /// Replaces <c>{D800}</c>-style tokens with that UTF-16 code unit. Attribute arguments cannot
    /// carry lone surrogates (they are stored as UTF-8), so theory data spells them this way.
    /// </summary>
    public static string Chars(string text) =>
        Regex.Replace(text, "\\{([0-9A-F]{4})\\}", m => ((char)Convert.ToUInt16(m.Groups[1].Value, 16)).ToString());

    public static XmlRpcRequest ReadCall(string xml, XmlRpcLimits? limits = null) =>
        XmlRpcRequestReader.Read(Encoding.UTF8.GetBytes(xml), limits);

    /// <summary>A call with one parameter given as the markup inside <c>&lt;param&gt;</c>.</summary>
    public static object? ReadParam(string paramMarkup)
    {
        var request = ReadCall($"<?xml version='1.0'?><methodCall><methodName>x.y</methodName><params><param>{paramMarkup}</param></params></methodCall>");
        return Assert.Single(request.Params);
    }

    public static string Response(object? value)
    {
        var output = new ArrayBufferWriter<byte>();
        XmlRpcResponseWriter.WriteResponse(output, value);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    public static byte[] ResponseBytes(object? value)
    {
        var output = new ArrayBufferWriter<byte>();
        XmlRpcResponseWriter.WriteResponse(output, value);
        return output.WrittenSpan.ToArray();
    }

    public static string Fault(int code, string text)
    {
        var output = new ArrayBufferWriter<byte>();
        XmlRpcResponseWriter.WriteFault(output, code, text);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    /// <summary>The value carried by the response the writer produces for <paramref name="value"/>.</summary>
    public static object? RoundTrip(object? value)
    {
        var response = XmlRpcResponseReader.Read(ResponseBytes(value));
        Assert.False(response.IsFault);
        return response.Value;
    }

    /// <summary>Parses <paramref name="bytes"/> with a strict XmlReader: throws unless they are well-formed XML 1.0.</summary>
    public static void AssertWellFormed(ReadOnlySpan<byte> bytes)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, CheckCharacters = true };
        using var reader = XmlReader.Create(new MemoryStream(bytes.ToArray()), settings);
        while (reader.Read())
        {
        }
    }

    /// <summary>The text of every <c>&lt;string&gt;</c> element, as a strict XML parser reads it.</summary>
    public static List<string> StringsIn(ReadOnlySpan<byte> bytes)
    {
        var result = new List<string>();
        using var reader = XmlReader.Create(new MemoryStream(bytes.ToArray()));
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element && reader.Name == "string")
            {
                result.Add(reader.ReadElementContentAsString());
            }
        }

        return result;
    }

    /// <summary>A sequence of several segments, cut at the given offsets.</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] bytes, params int[] cuts)
    {
        Segment? first = null;
        Segment? last = null;
        var start = 0;
        foreach (var end in cuts.Append(bytes.Length))
        {
            var memory = bytes.AsMemory(start, end - start);
            if (first is null)
            {
                first = last = new Segment(memory, 0);
            }
            else
            {
                last = last!.Append(memory);
            }

            start = end;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
