using System.Text;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Host.Tests.XmlRpc;

public class XmlRpcRequestReaderTests
{
    [Fact]
    public void ReadsMethodNameAndParameters()
    {
        var request = Wire.ReadCall(
            "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.startProcess</methodName>\n<params>\n"
            + "<param>\n<value><string>web:web_00</string></value>\n</param>\n"
            + "<param>\n<value><boolean>1</boolean></value>\n</param>\n"
            + "</params>\n</methodCall>\n");

        Assert.Equal("supervisor.startProcess", request.MethodName);
        Assert.Equal(["web:web_00", true], request.Params);
    }

    [Theory]
    [InlineData("<value><int>7</int></value>", 7)]
    [InlineData("<value><i4>-7</i4></value>", -7)]
    [InlineData("<value><int> 7 </int></value>", 7)]
    [InlineData("<value><int>\n+42\t</int></value>", 42)]
    [InlineData("<value><int>2147483647</int></value>", int.MaxValue)]
    [InlineData("<value><int>-2147483648</int></value>", int.MinValue)]
    public void ReadsInt(string markup, int expected) => Assert.Equal(expected, Wire.ReadParam(markup));

    [Theory]
    [InlineData("<value><int>99999999999</int></value>", 99999999999L)]
    [InlineData("<value><int>2147483648</int></value>", 2147483648L)]
    [InlineData("<value><i4>-2147483649</i4></value>", -2147483649L)]
    public void KeepsIntBeyond32BitsAsLongSoTheBinderCanFaultIt(string markup, long expected) => Assert.Equal(expected, Wire.ReadParam(markup));

    [Fact]
    public void KeepsIntBeyond64BitsAsItsDigits() =>
        Assert.Equal("123456789012345678901234567890", Wire.ReadParam("<value><int> 123456789012345678901234567890 </int></value>"));

    [Theory]
    [InlineData("<value><int>seven</int></value>")]
    [InlineData("<value><int>1.5</int></value>")]
    [InlineData("<value><int></int></value>")]
    [InlineData("<value><int/></value>")]
    public void RejectsBadInt(string markup) => Assert.Throws<XmlRpcFormatException>(() => Wire.ReadParam(markup));

    [Fact]
    public void ReadsI8AsLong() => Assert.Equal(5_000_000_000L, Wire.ReadParam("<value><i8>5000000000</i8></value>"));

    [Fact]
    public void ReadsI8WithExtensionPrefix() =>
        Assert.Equal(5L, Wire.ReadParam("<value><ex:i8 xmlns:ex='http://ws.apache.org/xmlrpc/namespaces/extensions'>5</ex:i8></value>"));

    [Theory]
    [InlineData("1", true)]
    [InlineData("0", false)]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData(" 1 ", true)]
    public void ReadsBoolean(string text, bool expected) =>
        Assert.Equal(expected, Wire.ReadParam($"<value><boolean>{text}</boolean></value>"));

    [Theory]
    [InlineData("2")]
    [InlineData("yes")]
    [InlineData("")]
    public void RejectsBadBoolean(string text) =>
        Assert.Throws<XmlRpcFormatException>(() => Wire.ReadParam($"<value><boolean>{text}</boolean></value>"));

    [Theory]
    [InlineData("<value><string>hello</string></value>", "hello")]
    [InlineData("<value>untyped</value>", "untyped")]
    [InlineData("<value/>", "")]
    [InlineData("<value></value>", "")]
    [InlineData("<value><string/></value>", "")]
    [InlineData("<value><string>  two  spaces  </string></value>", "  two  spaces  ")]
    [InlineData("<value><string>   </string></value>", "   ")]
    [InlineData("<value>   </value>", "   ")]
    [InlineData("<value><string>a &amp; b &lt;c&gt; &#233;</string></value>", "a & b <c> é")]
    [InlineData("<value><string><![CDATA[<raw> & ]]>tail</string></value>", "<raw> & tail")]
    [InlineData("<value><string>caf\u00e9 \u4e2d\U0001F600</string></value>", "caf\u00e9 \u4e2d\U0001F600")]
    public void ReadsString(string markup, string expected) => Assert.Equal(expected, Wire.ReadParam(markup));

    [Fact]
    public void ReadsTypedValueIgnoringWhitespaceAround() =>
        Assert.Equal(3, Wire.ReadParam("<value>\n  <int>3</int>\n</value>"));

    [Theory]
    [InlineData("1.5", 1.5)]
    [InlineData(" -2.25e3 ", -2250.0)]
    [InlineData("10", 10.0)]
    [InlineData("inf", double.PositiveInfinity)]
    [InlineData("-inf", double.NegativeInfinity)]
    public void ReadsDouble(string text, double expected) =>
        Assert.Equal(expected, Wire.ReadParam($"<value><double>{text}</double></value>"));

    [Fact]
    public void RejectsBadDouble() =>
        Assert.Throws<XmlRpcFormatException>(() => Wire.ReadParam("<value><double>1,5</double></value>"));

    [Theory]
    [InlineData("20240131T23:59:58")]
    [InlineData("2024-01-31T23:59:58")]
    [InlineData("20240131T23:59:58Z")]
    [InlineData("2024-01-31T23:59:58Z")]
    public void ReadsDateTime(string text)
    {
        var value = Assert.IsType<DateTime>(Wire.ReadParam($"<value><dateTime.iso8601>{text}</dateTime.iso8601></value>"));
        Assert.Equal(new DateTime(2024, 1, 31, 23, 59, 58), value);
        Assert.Equal(DateTimeKind.Unspecified, value.Kind);
    }

    [Theory]
    [InlineData("2024-01-31 23:59:58")]
    [InlineData("20240131")]
    [InlineData("20241331T00:00:00")]
    public void RejectsBadDateTime(string text) =>
        Assert.Throws<XmlRpcFormatException>(() => Wire.ReadParam($"<value><dateTime.iso8601>{text}</dateTime.iso8601></value>"));

    [Theory]
    [InlineData("QUJD", "ABC")]
    [InlineData("QUI=", "AB")]
    [InlineData("QQ==", "A")]
    [InlineData("\nQUJD\nREVG\n", "ABCDEF")]
    [InlineData("QU!J D", "ABC")]
    [InlineData("!!!", "")]
    [InlineData("", "")]
    [InlineData("QQ==QUJD", "A")]
    public void ReadsBase64LikePython(string text, string expected)
    {
        var value = Assert.IsType<byte[]>(Wire.ReadParam($"<value><base64>{text}</base64></value>"));
        Assert.Equal(expected, Encoding.ASCII.GetString(value));
    }

    [Theory]
    [InlineData("QQ")]
    [InlineData("QUJDR")]
    public void RejectsBase64WithIncorrectPadding(string text) =>
        Assert.Throws<XmlRpcFormatException>(() => Wire.ReadParam($"<value><base64>{text}</base64></value>"));

    [Theory]
    [InlineData("<value><nil/></value>")]
    [InlineData("<value><nil></nil></value>")]
    [InlineData("<value><ex:nil xmlns:ex='urn:x'/></value>")]
    public void ReadsNilAsNull(string markup) => Assert.Null(Wire.ReadParam(markup));

    [Fact]
    public void ReadsUnknownElementAsItsText() =>
        Assert.Equal("whatever", Wire.ReadParam("<value><unknowntype>whatever</unknowntype></value>"));

    [Fact]
    public void ReadsArray()
    {
        var value = Wire.ReadParam(
            "<value><array><data>\n<value><int>1</int></value>\n<value><string>two</string></value>\n"
            + "<value><array><data></data></array></value>\n</data></array></value>");

        var items = Assert.IsType<object?[]>(value);
        Assert.Equal(1, items[0]);
        Assert.Equal("two", items[1]);
        Assert.Empty(Assert.IsType<object?[]>(items[2]));
    }

    [Theory]
    [InlineData("<value><array><data/></array></value>")]
    [InlineData("<value><array/></value>")]
    public void ReadsEmptyArray(string markup) => Assert.Empty(Assert.IsType<object?[]>(Wire.ReadParam(markup)));

    [Fact]
    public void ReadsStructWithOrdinalKeys()
    {
        var value = Wire.ReadParam(
            "<value><struct>\n<member>\n<name>name</name>\n<value><string>cat</string></value>\n</member>\n"
            + "<member><name>Name</name><value><int>2</int></value></member>\n"
            + "<member><name></name><value>empty key</value></member>\n"
            + "</struct></value>");

        var members = Assert.IsType<Dictionary<string, object?>>(value);
        Assert.Equal(["name", "Name", ""], members.Keys);
        Assert.Equal("cat", members["name"]);
        Assert.Equal(2, members["Name"]);
        Assert.Equal("empty key", members[""]);
    }

    [Fact]
    public void RejectsStructMemberWithoutValue() =>
        Assert.Throws<XmlRpcFormatException>(() => Wire.ReadParam("<value><struct><member><name>a</name></member></struct></value>"));

    [Fact]
    public void AcceptsParamStructWithoutValue()
    {
        var value = Wire.ReadParam("<struct><member><name>a</name><value><int>1</int></value></member></struct>");
        Assert.Equal(1, Assert.IsType<Dictionary<string, object?>>(value)["a"]);
    }

    [Fact]
    public void ReadsAbsentParamsAsNoParameters()
    {
        var request = Wire.ReadCall("<methodCall><methodName>supervisor.getState</methodName></methodCall>");
        Assert.Equal("supervisor.getState", request.MethodName);
        Assert.Empty(request.Params);
    }

    [Fact]
    public void ReadsEmptyParamsAsNoParameters() =>
        Assert.Empty(Wire.ReadCall("<methodCall><methodName>a.b</methodName><params/></methodCall>").Params);

    [Fact]
    public void AcceptsAnyRootElement() =>
        Assert.Equal("a.b", Wire.ReadCall("<anything><methodName>a.b</methodName></anything>").MethodName);

    [Theory]
    [InlineData("<methodCall><params/></methodCall>")]
    [InlineData("<methodCall><methodName></methodName></methodCall>")]
    [InlineData("<methodCall><methodName/></methodCall>")]
    [InlineData("<methodCall/>")]
    public void RejectsMissingOrEmptyMethodName(string xml)
    {
        var error = Assert.Throws<XmlRpcFormatException>(() => Wire.ReadCall(xml));
        Assert.Contains("method name", error.Message);
    }

    [Fact]
    public void RejectsParamWithoutValue() =>
        Assert.Throws<XmlRpcFormatException>(() => Wire.ReadCall("<methodCall><methodName>a.b</methodName><params><param/></params></methodCall>"));

    [Fact]
    public void RejectsDtd()
    {
        var xml = "<?xml version='1.0'?><!DOCTYPE methodCall [<!ENTITY a 'x'>]><methodCall><methodName>&a;</methodName></methodCall>";
        var error = Assert.Throws<XmlRpcFormatException>(() => Wire.ReadCall(xml));
        Assert.Contains("DTD", error.Message);
    }

    [Fact]
    public void RejectsBillionLaughs()
    {
        var xml = "<?xml version='1.0'?>\n<!DOCTYPE lolz [\n<!ENTITY lol 'lol'>\n"
            + string.Concat(Enumerable.Range(1, 9).Select(i =>
                $"<!ENTITY lol{i} '{string.Concat(Enumerable.Repeat($"&lol{(i == 1 ? string.Empty : (i - 1).ToString())};", 10))}'>\n"))
            + "]>\n<methodCall><methodName>a.b</methodName><params><param><value>&lol9;</value></param></params></methodCall>";

        Assert.Throws<XmlRpcFormatException>(() => Wire.ReadCall(xml));
    }

    [Fact]
    public void RejectsExternalEntity()
    {
        var xml = "<?xml version='1.0'?><!DOCTYPE m [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><methodCall><methodName>&x;</methodName></methodCall>";
        Assert.Throws<XmlRpcFormatException>(() => Wire.ReadCall(xml));
    }

    [Fact]
    public void RejectsUndefinedEntity() =>
        Assert.Throws<XmlRpcFormatException>(() => Wire.ReadCall("<methodCall><methodName>&nbsp;</methodName></methodCall>"));

    [Fact]
    public void RejectsNestingDeeperThanTheLimit()
    {
        static string Nested(int levels) =>
            string.Concat(Enumerable.Repeat("<value><array><data>", levels)) + "<value>x</value>"
            + string.Concat(Enumerable.Repeat("</data></array></value>", levels));

        var limits = new XmlRpcLimits { MaxDepth = 64 };

        // methodCall/params/param = 3, each level 3 more, the innermost value 1: 3 + 3 * 20 + 1 = 64.
        var within = $"<methodCall><methodName>a.b</methodName><params><param>{Nested(20)}</param></params></methodCall>";
        Assert.Single(Wire.ReadCall(within, limits).Params);

        var beyond = $"<methodCall><methodName>a.b</methodName><params><param>{Nested(21)}</param></params></methodCall>";
        var error = Assert.Throws<XmlRpcFormatException>(() => Wire.ReadCall(beyond, limits));
        Assert.Contains("deeper than 64", error.Message);
    }

    [Fact]
    public void RejectsDeepNestingInsideSkippedElements()
    {
        var xml = "<methodCall><methodName>a.b</methodName><junk>"
            + string.Concat(Enumerable.Repeat("<x>", 10_000)) + string.Concat(Enumerable.Repeat("</x>", 10_000))
            + "</junk></methodCall>";
        Assert.Throws<XmlRpcFormatException>(() => Wire.ReadCall(xml));
    }

    [Fact]
    public void RejectsMoreElementsThanTheLimit()
    {
        var values = string.Concat(Enumerable.Repeat("<value><int>1</int></value>", 100));
        var xml = $"<methodCall><methodName>a.b</methodName><params><param><value><array><data>{values}</data></array></value></param></params></methodCall>";

        Assert.Single(Wire.ReadCall(xml, new XmlRpcLimits { MaxElements = 300 }).Params);
        var error = Assert.Throws<XmlRpcFormatException>(() => Wire.ReadCall(xml, new XmlRpcLimits { MaxElements = 150 }));
        Assert.Contains("more than 150 elements", error.Message);
    }

    [Fact]
    public void RejectsStringLongerThanTheLimit()
    {
        var limits = new XmlRpcLimits { MaxStringLength = 10 };
        Assert.Equal("0123456789", Assert.Single(Wire.ReadCall(
            "<methodCall><methodName>a.b</methodName><params><param><value>0123456789</value></param></params></methodCall>", limits).Params));
        Assert.Throws<XmlRpcFormatException>(() => Wire.ReadCall(
            "<methodCall><methodName>a.b</methodName><params><param><value>0123456789A</value></param></params></methodCall>", limits));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not xml at all")]
    [InlineData("{\"json\": true}")]
    [InlineData("<methodCall><methodName>a.b</methodName></methodCall")]
    [InlineData("<methodCall><methodName>a.b</methodName></wrong>")]
    [InlineData("<methodCall><methodName>a.b</methodName></methodCall><second/>")]
    [InlineData("<methodCall><methodName a=1>a.b</methodName></methodCall>")]
    public void RejectsMalformedXml(string xml) => Assert.Throws<XmlRpcFormatException>(() => Wire.ReadCall(xml));

    [Fact]
    public void RejectsTruncatedXml()
    {
        var full = Encoding.UTF8.GetBytes(
            "<?xml version='1.0'?>\n<methodCall>\n<methodName>a.b</methodName>\n<params>\n<param>\n<value><string>x</string></value>\n</param>\n</params>\n</methodCall>\n");
        var end = Array.LastIndexOf(full, (byte)'<');
        for (var length = 0; length < end; length += 7)
        {
            Assert.Throws<XmlRpcFormatException>(() => XmlRpcRequestReader.Read(full.AsMemory(0, length)));
        }
    }

    [Theory]
    [InlineData(new byte[] { 0xE9 })]
    [InlineData(new byte[] { 0xC3 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xFF, 0xFE })]
    public void RejectsInvalidUtf8(byte[] bad)
    {
        var body = Encoding.UTF8.GetBytes("<methodCall><methodName>a.b</methodName><params><param><value>caf")
            .Concat(bad)
            .Concat(Encoding.UTF8.GetBytes("</value></param></params></methodCall>"))
            .ToArray();

        var error = Assert.Throws<XmlRpcFormatException>(() => XmlRpcRequestReader.Read(body));
        Assert.Contains("UTF-8", error.Message);
    }

    [Fact]
    public void RejectsUtf16Body()
    {
        var body = Encoding.Unicode.GetBytes("<methodCall><methodName>a.b</methodName></methodCall>");
        Assert.Throws<XmlRpcFormatException>(() => XmlRpcRequestReader.Read(body));
    }

    [Fact]
    public void ReadsUtf8WhateverTheDeclarationSays()
    {
        var body = Encoding.UTF8.GetBytes(
            "<?xml version='1.0' encoding='ISO-8859-1'?><methodCall><methodName>a.b</methodName><params><param><value>caf\u00e9</value></param></params></methodCall>");

        Assert.Equal("caf\u00e9", Assert.Single(XmlRpcRequestReader.Read(body).Params));
    }

    [Fact]
    public void ReadsUtf8WithByteOrderMark()
    {
        var body = new byte[] { 0xEF, 0xBB, 0xBF }
            .Concat(Encoding.UTF8.GetBytes("<?xml version='1.0'?><methodCall><methodName>a.b</methodName></methodCall>"))
            .ToArray();

        Assert.Equal("a.b", XmlRpcRequestReader.Read(body).MethodName);
    }

    [Theory]
    [InlineData("a\u0001b")]
    [InlineData("a&#1;b")]
    [InlineData("a&#x1b;b")]
    [InlineData("a&#xD800;b")]
    [InlineData("a&#xFFFE;b")]
    public void RejectsCharactersXmlForbids(string text) =>
        Assert.Throws<XmlRpcFormatException>(() => Wire.ReadParam($"<value><string>{text}</string></value>"));

    [Fact]
    public void ReadsSegmentedBodyCutInsideACharacter()
    {
        var bytes = Encoding.UTF8.GetBytes("<methodCall><methodName>a.b</methodName><params><param><value>\u4e2d\u6587</value></param></params></methodCall>");
        var firstCharacter = Array.IndexOf(bytes, (byte)0xE4);
        var body = Wire.Segmented(bytes, 5, firstCharacter + 1, firstCharacter + 4);

        var request = XmlRpcRequestReader.Read(body);
        Assert.Equal("\u4e2d\u6587", Assert.Single(request.Params));
    }

    [Fact]
    public void KeepsLastValueWhenStructKeysAreDuplicate()
    {
        var value = Wire.ReadParam("<value><struct><member><name>a</name><value>1</value></member><member><name>a</name><value>2</value></member></struct></value>");
        Assert.Equal("2", Assert.IsType<Dictionary<string, object?>>(value)["a"]);
    }
}
