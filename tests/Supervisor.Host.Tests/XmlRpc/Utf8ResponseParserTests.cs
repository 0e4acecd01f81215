using System.Buffers;
using System.Text;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Host.Tests.XmlRpc;

/// <summary>
/// The response reader's fast path must decode the documents it takes exactly as the general
/// UTF-8 reader (and so System.Xml) does, and leave every other document, including every
/// malformed one, to that reader.
/// </summary>
public class Utf8ResponseParserTests
{
    private const string Head = "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n";
    private const string Tail = "</param>\n</params>\n</methodResponse>\n";

    public static TheoryData<string> Taken() => new()
    {
        "<value><int>7</int></value>",
        "<value><int>-2147483648</int></value>",
        "<value><int>2147483648</int></value>",
        "<value><int>-9999999999</int></value>",
        "<value><int>123456789012345678</int></value>",
        "<value><int>1234567890123456789012</int></value>",
        "<value><int>007</int></value>",
        "<value><int>-0</int></value>",
        "<value><int> 7 </int></value>",
        "<value><int>+7</int></value>",
        "<value><int>&#55;</int></value>",
        "<value><i4>1024</i4></value>",
        "<value><i4>1025</i4></value>",
        "<value><i8>5000000000</i8></value>",
        "<value><boolean>1</boolean></value>",
        "<value><boolean>false</boolean></value>",
        "<value><double>-2.25e3</double></value>",
        "<value><double>inf</double></value>",
        "<value><dateTime.iso8601>20240131T23:59:58</dateTime.iso8601></value>",
        "<value><base64>QU!J D</base64></value>",
        "<value><base64/></value>",
        "<value><nil/></value>",
        "<value><nil></nil></value>",
        "<value>untyped</value>",
        "<value>untyped &amp; &#233;</value>",
        "<value/>",
        "<value></value>",
        "<value>   </value>",
        "<value>\n  <int>3</int>\n</value>",
        "<value><value><int>3</int></value></value>",
        "<value><string/></value>",
        "<value><string></string></value>",
        "<value><string>  two  spaces  </string></value>",
        "<value><string>a &amp; b &lt;c&gt; &quot;q&quot; &apos;s&apos; &#233;&#x4e2d;&#x1F600;</string></value>",
        "<value><string>line\r\nends\rnormalised&#13;kept</string></value>",
        "<value><string>caf\u00e9 \u4e2d\U0001F600</string></value>",
        "<value><string>a string longer than thirty-two bytes, not cached</string></value>",
        "<value><string>&gt;</string></value>",
        "<value><array/></value>",
        "<value><array></array></value>",
        "<value><array>\n</array></value>",
        "<value><array><data/></array></value>",
        "<value><array><data></data></array></value>",
        "<value><array><data>\n<value><int>1</int></value>\n<int>2</int>\n<value><array><data/></array></value>\n</data></array></value>",
        "<value><struct/></value>",
        "<value><struct></struct></value>",
        "<value><struct>\n<member>\n<name>a</name>\n<value><int>1</int></value>\n</member>\n<member><name>a</name><value>again</value></member>\n</struct></value>",
        "<value><struct><member><name/><value>1</value></member><member><name></name><value>2</value></member></struct></value>",
        "<value><struct><member><name>a &amp; b</name><int>1</int></member><member><name>caf\u00e9</name><value/></member></struct></value>",
        "<struct><member><name>a</name><value><int>1</int></value></member></struct>",
        "<int>5</int>",
    };

    [Theory]
    [MemberData(nameof(Taken))]
    public void TakesPlainDocumentsAndReadsThemAsTheGeneralReaderDoes(string param)
    {
        var body = Encoding.UTF8.GetBytes(Head + param + Tail);

        Assert.True(Utf8ResponseParser.TryRead(body, XmlRpcLimits.Default, out var fast));
        Assert.Equal(General(body).Value, fast);
        Assert.Equal(Framework(body).Value, fast);
    }

    [Fact]
    public void TakesWhatTheWriterWrites()
    {
        var processes = Enumerable.Range(0, 50).Select(i => new Dictionary<string, object?>
        {
            ["name"] = $"worker_{i}",
            ["state"] = i % 2 == 0 ? 20 : 1000 + i,
            ["pid"] = 10_000 + i,
            ["start"] = 1_700_000_000L + i,
            ["big"] = 5_000_000_000L * (i - 25),
            ["running"] = i % 3 == 0,
            ["load"] = i / 3.0,
            ["when"] = new DateTime(2024, 1, 31, 23, 59, i),
            ["bytes"] = new byte[] { 1, 2, (byte)i },
            ["nothing"] = null,
            ["text"] = i % 5 == 0 ? "a & b <c> \r\n d" : string.Empty,
            // Key order and names change half way: the last struct's keys are only a guess.
            [i < 25 ? "tail" : "other"] = new object?[] { i, "x", new Dictionary<string, object?>() },
        }).ToArray();
        var body = Wire.ResponseBytes(processes);

        Assert.True(Utf8ResponseParser.TryRead(body, XmlRpcLimits.Default, out var fast));
        Assert.Equal(General(body).Value, fast);
        Assert.Equal(Framework(body).Value, fast);
    }

    public static TheoryData<string> Declined() => new()
    {
        "<value a='1'><int>1</int></value>",
        "<value><int >1</int></value>",
        "<value><int>1</int ></value>",
        "<value><int>1</i4></value>",
        "<value><i4>1</int></value>",
        "<value><int>1</int></valu></value>",
        "<value><int/></value>",
        "<value><int></int></value>",
        "<value><int>abc</int></value>",
        "<value><int>1<!-- c --></int></value>",
        "<value><string><![CDATA[x]]></string></value>",
        "<value><string>a<b/>c</string></value>",
        "<value><string>a & b</string></value>",
        "<value><string>&bogus;</string></value>",
        "<value>text<int>1</int></value>",
        "<value><int>1</int>text</value>",
        "<value><int>1</int><int>2</int></value>",
        "<value><ex:i8 xmlns:ex='urn:x'>5</ex:i8></value>",
        "<value><unknowntype>whatever</unknowntype></value>",
        "<value><boolean>maybe</boolean></value>",
        "<value><double>x</double></value>",
        "<value><dateTime.iso8601>yesterday</dateTime.iso8601></value>",
        "<value><nil>x</nil></value>",
        "<value><array><value>1</value></array></value>",
        "<value><array><data><value>1</value></data><junk/></array></value>",
        "<value><struct><member><value>swapped</value><name>b</name></member></struct></value>",
        "<value><struct><member><name>a</name></member></struct></value>",
        "<value><struct><member><name>a</name><value>1</value><value>2</value></member></struct></value>",
        "<value><struct><junk/></struct></value>",
        "<value><struct><member/></struct></value>",
        "<value><struct><member><name>a</name><value>1</value></member></struct>",
        "<value><int>1</int></value></param><param><value><int>2</int></value>",
    };

    [Theory]
    [MemberData(nameof(Declined))]
    public void DeclinesOtherDocumentsWhichReadAsBefore(string param)
    {
        var body = Encoding.UTF8.GetBytes(Head + param + Tail);

        Assert.False(Utf8ResponseParser.TryRead(body, XmlRpcLimits.Default, out _));
        AssertSameOutcome(body, XmlRpcLimits.Default);
    }

    [Theory]
    [InlineData("<!-- first -->" + Head + "<value>1</value>" + Tail)]
    [InlineData(Head + "<value>1</value>" + Tail + "<!-- last -->")]
    [InlineData(Head + "<value>1</value>" + Tail + "junk")]
    [InlineData("<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>2</int></value></member>"
        + "<member><name>faultString</name><value><string>no</string></value></member></struct></value></fault></methodResponse>")]
    [InlineData("<methodResponse><params/></methodResponse>")]
    [InlineData("<methodResponse><params><param><value>1</value></param><param><value>2</value></param></params></methodResponse>")]
    [InlineData("<other><params><param><value>1</value></param></params></other>")]
    public void DeclinesOtherDocumentShapes(string xml)
    {
        var body = Encoding.UTF8.GetBytes(xml);

        Assert.False(Utf8ResponseParser.TryRead(body, XmlRpcLimits.Default, out _));
        AssertSameOutcome(body, XmlRpcLimits.Default);
    }

    [Fact]
    public void DeclinesWhatExceedsTheLimitsForTheGeneralReaderToReport()
    {
        var nested = Wire.ResponseBytes(new object?[] { new object?[] { new object?[] { 1 } } });
        var shallow = new XmlRpcLimits { MaxDepth = 8 };
        Assert.False(Utf8ResponseParser.TryRead(nested, shallow, out _));
        Assert.Contains("deeper than 8", Assert.Throws<XmlRpcFormatException>(() => XmlRpcResponseReader.Read(nested, shallow)).Message);

        var many = Wire.ResponseBytes(Enumerable.Range(0, 100).ToArray());
        var few = new XmlRpcLimits { MaxElements = 100 };
        Assert.False(Utf8ResponseParser.TryRead(many, few, out _));
        Assert.Contains("more than 100", Assert.Throws<XmlRpcFormatException>(() => XmlRpcResponseReader.Read(many, few)).Message);

        var longText = Wire.ResponseBytes(new string('x', 11));
        var short10 = new XmlRpcLimits { MaxStringLength = 10 };
        Assert.False(Utf8ResponseParser.TryRead(longText, short10, out _));
        Assert.Throws<XmlRpcFormatException>(() => XmlRpcResponseReader.Read(longText, short10));

        // Eleven bytes but ten characters: within the limit, which the general reader decides.
        var accented = Wire.ResponseBytes("caf\u00e9567890");
        Assert.Equal("caf\u00e9567890", XmlRpcResponseReader.Read(accented, short10).Value);
        var longInt = Wire.ResponseBytes(1_700_000_000);
        Assert.Throws<XmlRpcFormatException>(() => XmlRpcResponseReader.Read(longInt, new XmlRpcLimits { MaxStringLength = 9 }));
    }

    [Fact]
    public void CountsDepthAndElementsAsTheGeneralReaderDoes()
    {
        var body = Wire.ResponseBytes(new object?[]
        {
            new Dictionary<string, object?> { ["a"] = new object?[] { 1, null, Array.Empty<object?>() }, ["b"] = new Dictionary<string, object?>() },
            "x",
        });

        for (var depth = 1; depth <= 14; depth++)
        {
            AssertSameOutcome(body, new XmlRpcLimits { MaxDepth = depth });
        }

        for (var elements = 1; elements <= 40; elements++)
        {
            AssertSameOutcome(body, new XmlRpcLimits { MaxElements = elements });
        }

        for (var length = 0; length <= 3; length++)
        {
            AssertSameOutcome(body, new XmlRpcLimits { MaxStringLength = length });
        }
    }

    /// <summary>Every one-byte change of a plain document: the fast path with its fallback reads it as the general reader alone does.</summary>
    [Fact]
    public void ReadsEveryMutationAsTheGeneralReaderDoes()
    {
        var plain = Wire.ResponseBytes(new object?[]
        {
            new Dictionary<string, object?> { ["a"] = 1, ["bc"] = "x&y", ["d"] = new object?[] { 2.5, true, null } },
            new Dictionary<string, object?> { ["a"] = -7, ["bc"] = string.Empty, ["d"] = Array.Empty<object?>() },
            5_000_000_000L,
        });
        var replacements = "<>/&; a1-\r\n=!?x".Select(c => (byte)c).ToArray();

        for (var at = 0; at < plain.Length; at++)
        {
            foreach (var replacement in replacements)
            {
                var changed = (byte[])plain.Clone();
                changed[at] = replacement;
                AssertSameOutcome(changed, XmlRpcLimits.Default);
            }

            AssertSameOutcome([.. plain.Take(at), .. plain.Skip(at + 1)], XmlRpcLimits.Default);
            AssertSameOutcome(plain[..at], XmlRpcLimits.Default);
        }
    }

    private static void AssertSameOutcome(byte[] body, XmlRpcLimits limits)
    {
        XmlRpcResponse? expected = null;
        XmlRpcFormatException? expectedError = null;
        try
        {
            expected = Utf8ValueReader.Read(Utf8ValueReader.Document(new ReadOnlySequence<byte>(body)), limits, XmlRpcResponseReader.ReadDocument);
        }
        catch (XmlRpcFormatException e)
        {
            expectedError = e;
        }

        if (expectedError is not null)
        {
            var error = Assert.Throws<XmlRpcFormatException>(() => XmlRpcResponseReader.Read(body, limits));
            Assert.Equal(expectedError.Message, error.Message);
            return;
        }

        var actual = XmlRpcResponseReader.Read(body, limits);
        Assert.Equal(expected!.Value, actual.Value);
        Assert.Equal(expected.Fault, actual.Fault);
    }

    private static XmlRpcResponse General(byte[] body) =>
        Utf8ValueReader.Read(Utf8ValueReader.Document(new ReadOnlySequence<byte>(body)), null, XmlRpcResponseReader.ReadDocument);

    private static XmlRpcResponse Framework(byte[] body) =>
        XmlReaderValueReader.Read(new ReadOnlySequence<byte>(body), null, XmlRpcResponseReader.ReadDocument);
}
