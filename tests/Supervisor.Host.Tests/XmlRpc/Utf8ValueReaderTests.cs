using System.Buffers;
using System.Text;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Host.Tests.XmlRpc;

/// <summary>
/// The response reader's own UTF-8 parser must read documents exactly as the System.Xml-based
/// request reader does, and reject what it rejects.
/// </summary>
public class Utf8ValueReaderTests
{
    public static TheoryData<string> SameAsXmlReader() => new()
    {
        "<value><int> 7 </int></value>",
        "<value><i8>5000000000</i8></value>",
        "<value><boolean>true</boolean></value>",
        "<value>untyped</value>",
        "<value/>",
        "<value>   </value>",
        "<value><string>  two  spaces  </string></value>",
        "<value><string>a &amp; b &lt;c&gt; &quot;q&quot; &apos;s&apos; &#233;&#x4e2d;&#x1F600;</string></value>",
        "<value><string><![CDATA[<raw> & ]]>tail</string></value>",
        "<value><string>pre<!-- a comment -->post<?pi data?>end</string></value>",
        "<value><string>line\r\nends\rnormalised&#13;kept</string></value>",
        "<value><string><![CDATA[cdata\r\nline]]></string></value>",
        "<value><string>caf\u00e9 \u4e2d\U0001F600</string></value>",
        "<value>\n  <int>3</int>\n</value>",
        "<value><double>-2.25e3</double></value>",
        "<value><dateTime.iso8601>2024-01-31T23:59:58Z</dateTime.iso8601></value>",
        "<value><base64>QU!J D</base64></value>",
        "<value><nil/></value>",
        "<value><ex:nil xmlns:ex='urn:x'/></value>",
        "<value><ex:i8 xmlns:ex=\"urn:x\">5</ex:i8></value>",
        "<value><unknowntype>whatever<child>skipped</child>after</unknowntype></value>",
        "<value><array><data>\n<value><int>1</int></value>\n<value><array><data/></array></value>\n</data></array></value>",
        "<value><array/></value>",
        "<value><struct>\n<member>\n<name>a</name>\n<value><int>1</int></value>\n</member>\n<member><value>swapped</value><name>b</name></member>\n<junk/></struct></value>",
        "<struct><member><name>a</name><value><int>1</int></value></member></struct>",
        "<value attr = 'x' other=\"y\" ><string >spaced tags</string ></value >",
    };

    [Theory]
    [MemberData(nameof(SameAsXmlReader))]
    public void ReadsValuesAsTheXmlReaderDoes(string param)
    {
        var body = Encoding.UTF8.GetBytes($"<?xml version='1.0'?>\n<!-- before -->\n<methodResponse>\n<params>\n<param>{param}</param>\n</params>\n</methodResponse>\n<!-- after -->\n");

        var fast = XmlRpcResponseReader.Read(body);
        var framework = XmlReaderValueReader.Read(new ReadOnlySequence<byte>(body), null, XmlRpcResponseReader.ReadDocument);

        Assert.Equal(framework.Value, fast.Value);
    }

    public static TheoryData<string> Malformed() => new()
    {
        string.Empty,
        "   ",
        "not xml",
        "text before<methodResponse/>",
        "<methodResponse><params><param><value>1</value></param></params></methodResponse><second/>",
        "<methodResponse><params><param><value>1</value></param></params></methodResponse>trailing",
        "<methodResponse><params><param><value>1</value></param></params></wrong>",
        "<methodResponse><params><param><value>1</value></param></params></methodResponse",
        "<methodResponse><params><param><value a=1>1</value></param></params></methodResponse>",
        "<methodResponse><params><param><value a='<'>1</value></param></params></methodResponse>",
        "<methodResponse><params><param><value a='1'b='2'>1</value></param></params></methodResponse>",
        "<methodResponse><params><param><value>&nbsp;</value></param></params></methodResponse>",
        "<methodResponse><params><param><value>a & b</value></param></params></methodResponse>",
        "<methodResponse><params><param><value>&#1;</value></param></params></methodResponse>",
        "<methodResponse><params><param><value>&#xD800;</value></param></params></methodResponse>",
        "<methodResponse><params><param><value>&#xFFFE;</value></param></params></methodResponse>",
        "<methodResponse><params><param><value>raw \u0001 control</value></param></params></methodResponse>",
        "<methodResponse><params><param><value>raw \uFFFF</value></param></params></methodResponse>",
        "<methodResponse><params><param><value><1/></value></param></params></methodResponse>",
        "<!DOCTYPE m [<!ENTITY a 'x'>]><methodResponse><params><param><value>&a;</value></param></params></methodResponse>",
        "<methodResponse><params><param><value><![CDATA[open</value></param></params></methodResponse>",
        "<methodResponse><params><param><value><!-- open </value></param></params></methodResponse>",
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void RejectsMalformedDocumentsAsTheXmlReaderDoes(string xml)
    {
        var body = Encoding.UTF8.GetBytes(xml);

        Assert.Throws<XmlRpcFormatException>(() => XmlReaderValueReader.Read(new ReadOnlySequence<byte>(body), null, XmlRpcResponseReader.ReadDocument));
        Assert.Throws<XmlRpcFormatException>(() => XmlRpcResponseReader.Read(body));
    }

    [Fact]
    public void RejectsEveryTruncation()
    {
        var full = Wire.ResponseBytes(new Dictionary<string, object?> { ["a"] = new object?[] { 1, "x&y", 2.5 }, ["b"] = true });
        var lastTag = Array.LastIndexOf(full, (byte)'<');
        for (var length = 0; length <= lastTag; length++)
        {
            Assert.Throws<XmlRpcFormatException>(() => XmlRpcResponseReader.Read(full.AsMemory(0, length)));
        }
    }

    [Theory]
    [InlineData(new byte[] { 0xE9 })]
    [InlineData(new byte[] { 0xC3 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    public void RejectsInvalidUtf8(byte[] bad)
    {
        var body = "<methodResponse><params><param><value>caf"u8.ToArray().Concat(bad).Concat("</value></param></params></methodResponse>"u8.ToArray()).ToArray();
        var error = Assert.Throws<XmlRpcFormatException>(() => XmlRpcResponseReader.Read(body));
        Assert.Contains("UTF-8", error.Message);
    }

    [Fact]
    public void RejectsBillionLaughs()
    {
        var xml = "<?xml version='1.0'?>\n<!DOCTYPE lolz [\n<!ENTITY lol 'lol'>\n<!ENTITY lol1 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>\n]>\n"
            + "<methodResponse><params><param><value>&lol1;</value></param></params></methodResponse>";
        var error = Assert.Throws<XmlRpcFormatException>(() => XmlRpcResponseReader.Read(Encoding.UTF8.GetBytes(xml)));
        Assert.Contains("DTD", error.Message);
    }

    [Fact]
    public void EnforcesTheLimits()
    {
        var nested = Wire.ResponseBytes(new object?[] { new object?[] { new object?[] { 1 } } });
        Assert.NotNull(XmlRpcResponseReader.Read(nested).Value);
        var error = Assert.Throws<XmlRpcFormatException>(() => XmlRpcResponseReader.Read(nested, new XmlRpcLimits { MaxDepth = 8 }));
        Assert.Contains("deeper than 8", error.Message);

        var many = Wire.ResponseBytes(Enumerable.Range(0, 100).ToArray());
        Assert.Throws<XmlRpcFormatException>(() => XmlRpcResponseReader.Read(many, new XmlRpcLimits { MaxElements = 100 }));

        var longText = Wire.ResponseBytes(new string('x', 11));
        Assert.Throws<XmlRpcFormatException>(() => XmlRpcResponseReader.Read(longText, new XmlRpcLimits { MaxStringLength = 10 }));
    }

    [Fact]
    public void ReadsSegmentedBodiesAndAByteOrderMark()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Wire.ResponseBytes("\u4e2d\u6587")).ToArray();
        var inside = Array.IndexOf(bytes, (byte)0xE4) + 1;

        Assert.Equal("\u4e2d\u6587", XmlRpcResponseReader.Read(Wire.Segmented(bytes, 7, inside)).Value);
    }

    [Fact]
    public void ReusesRecentShortTextsWithoutMixingThemUp()
    {
        // Many distinct short texts compete for the reader's small cache of recent ones.
        var values = Enumerable.Range(0, 3000)
            .Select(i => (object?)(i % 3 == 0 ? $"k{i}" : i % 3 == 1 ? "RUNNING" : $"caf\u00e9{i % 7}"))
            .Append("line\r\nend")
            .Append("line\nend")
            .ToArray();

        var read = Assert.IsType<object?[]>(Wire.RoundTrip(values));

        Assert.Equal(values.Take(3000), read.Take(3000));
        Assert.Equal("line\nend", read[3000]);
        Assert.Equal("line\nend", read[3001]);
    }
}
