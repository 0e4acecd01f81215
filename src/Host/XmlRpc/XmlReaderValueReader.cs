using System.Buffers;
using System.Text;
using System.Xml;

namespace Supervisor.Host.XmlRpc;

/// <summary>
/// Walks the document with System.Xml's forward-only <see cref="XmlReader"/>: DTDs prohibited,
/// nothing resolved, characters XML forbids rejected. Used for requests, which come from the network.
/// </summary>
internal sealed class XmlReaderValueReader : XmlRpcValueReader
{
    // Bytes are UTF-8 whatever the XML declaration says; invalid bytes are an error. The
    // preamble makes StreamReader skip a UTF-8 byte order mark.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true);

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = false,
        CheckCharacters = true,
        MaxCharactersFromEntities = 1024,
        CloseInput = true,
    };

    private readonly XmlReader _reader;

    private XmlReaderValueReader(XmlReader reader, XmlRpcLimits? limits)
        : base(limits)
    {
        _reader = reader;
    }

    public override string LocalName => _reader.LocalName;

    public override string Name => _reader.Name;

    /// <summary>
    /// Runs <paramref name="read"/> over <paramref name="body"/> and turns every way a body can
    /// be unreadable into an <see cref="XmlRpcFormatException"/>.
    /// </summary>
    public static T Read<T>(in ReadOnlySequence<byte> body, XmlRpcLimits? limits, Func<XmlRpcValueReader, T> read)
    {
        try
        {
            var bufferSize = (int)Math.Clamp(body.Length, 128, 16 * 1024);
            var text = new StreamReader(new ReadOnlySequenceStream(body), StrictUtf8, detectEncodingFromByteOrderMarks: false, bufferSize);
            using var reader = new XmlReaderValueReader(XmlReader.Create(text, Settings), limits);
            return read(reader);
        }
        catch (XmlException e)
        {
            throw new XmlRpcFormatException($"malformed XML: {e.Message}", e);
        }
        catch (DecoderFallbackException e)
        {
            throw new XmlRpcFormatException("body is not valid UTF-8", e);
        }
    }

    public override void Dispose()
    {
        _reader.Dispose();
        base.Dispose();
    }

    public override void MoveToRoot()
    {
        if (_reader.MoveToContent() != XmlNodeType.Element)
        {
            throw new XmlRpcFormatException("body holds no XML element");
        }

        CountElement(_reader.Depth + 1);
    }

    public override void ReadToEnd()
    {
        while (Next())
        {
        }
    }

    public override bool Enter()
    {
        var empty = _reader.IsEmptyElement;
        Next();
        return !empty;
    }

    public override bool NextChild()
    {
        while (true)
        {
            switch (_reader.NodeType)
            {
                case XmlNodeType.Element:
                    return true;
                case XmlNodeType.EndElement:
                    Next();
                    return false;
                case XmlNodeType.None:
                    throw new XmlRpcFormatException("truncated XML");
                default:
                    Next();
                    break;
            }
        }
    }

    protected override string? CollectText()
    {
        string? first = null;
        StringBuilder? more = null;
        while (true)
        {
            switch (_reader.NodeType)
            {
                case XmlNodeType.Text:
                case XmlNodeType.CDATA:
                case XmlNodeType.Whitespace:
                case XmlNodeType.SignificantWhitespace:
                    var piece = _reader.Value;
                    if (first is null)
                    {
                        first = piece;
                    }
                    else
                    {
                        more ??= new StringBuilder(first);
                        more.Append(piece);
                    }

                    var length = more?.Length ?? first.Length;
                    if (length > Limits.MaxStringLength)
                    {
                        throw new XmlRpcFormatException($"text longer than {Limits.MaxStringLength} characters");
                    }

                    Next();
                    break;
                default:
                    return more?.ToString() ?? first;
            }
        }
    }

    private bool Next()
    {
        if (!_reader.Read())
        {
            return false;
        }

        if (_reader.NodeType == XmlNodeType.Element)
        {
            CountElement(_reader.Depth + 1);
        }

        return true;
    }
}
