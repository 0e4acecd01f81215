using System.Text;
using Supervisor.Ctl.XmlRpc;

namespace Supervisor.Ctl.Tests;

/// <summary>The client's small XML-RPC reader, on answers written as Python's xmlrpc.client and our daemon write them.</summary>
public sealed class XmlRpcReaderTests
{
    private static object? Read(string xml) => XmlRpcReader.ReadResponse(Encoding.UTF8.GetBytes(xml));

    [Fact]
    public void ValuesOfEveryTypeDecodeAsPythonDecodesThem()
    {
        var value = Read("""
            <?xml version='1.0'?>
            <methodResponse><params><param><value><struct>
            <member><name>s</name><value>plain &lt;text&gt; &amp; &#233;&#x263A;</value></member>
            <member><name>i</name><value><int>-7</int></value></member>
            <member><name>big</name><value><i8>8589934592</i8></value></member>
            <member><name>b</name><value><boolean>1</boolean></value></member>
            <member><name>d</name><value><double>1.5</double></value></member>
            <member><name>e</name><value><string/></value></member>
            <member><name>n</name><value><nil/></value></member>
            <member><name>a</name><value><array><data><value><string>x</string></value><value><i4>2</i4></value></data></array></value></member>
            <member><name>crlf</name><value><string>a&#13;
            b</string></value></member>
            </struct></value></param></params></methodResponse>
            """);
        var map = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(value);
        Assert.Equal(["s", "i", "big", "b", "d", "e", "n", "a", "crlf"], map.Keys);
        Assert.Equal("plain <text> & é☺", map["s"]);
        Assert.Equal(-7L, map["i"]);
        Assert.Equal(8589934592L, map["big"]);
        Assert.Equal(true, map["b"]);
        Assert.Equal(1.5, map["d"]);
        Assert.Equal("", map["e"]);
        Assert.Null(map["n"]);
        Assert.Equal(new object?[] { "x", 2L }, Assert.IsAssignableFrom<IReadOnlyList<object?>>(map["a"]));
        Assert.Equal("a\r\nb", map["crlf"]);
    }

    [Fact]
    public void AFaultIsThrownWithItsCodeAndPythonText()
    {
        var fault = Assert.Throws<XmlRpcFault>(() => Read(
            "<?xml version='1.0'?><methodResponse><fault><value><struct><member><name>faultCode</name><value><int>10</int></value></member>" +
            "<member><name>faultString</name><value><string>BAD_NAME: it's</string></value></member></struct></value></fault></methodResponse>"));
        Assert.Equal(10, fault.Code);
        Assert.Equal("<Fault 10: \"BAD_NAME: it's\">", fault.Message);
    }

    [Fact]
    public void ADocumentTypeDeclarationIsRefused()
    {
        var error = Assert.Throws<PythonException>(() => Read("<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><methodResponse/>"));
        Assert.Equal("xml.parsers.expat.ExpatError", error.PythonClass);
    }

    [Fact]
    public void AWrittenCallReadsBack()
    {
        var body = Encoding.UTF8.GetString(XmlRpcWriter.MethodCall("ns.m", ["a<&>", 5L, true, new List<object?> { 1L }]));
        Assert.Contains("<methodName>ns.m</methodName>", body, StringComparison.Ordinal);
        Assert.Contains("<string>a&lt;&amp;&gt;</string>", body, StringComparison.Ordinal);
        Assert.Contains("<int>5</int>", body, StringComparison.Ordinal);
        Assert.Contains("<boolean>1</boolean>", body, StringComparison.Ordinal);
        Assert.Contains("<array><data>\n<value><int>1</int></value>\n</data></array>", body, StringComparison.Ordinal);
    }

    [Fact]
    public void StructsOfAListKeepTheirOwnValuesUnderNamesReadOnce()
    {
        var value = Read("""
            <?xml version='1.0'?>
            <methodResponse><params><param><value><array><data>
            <value><struct><member><name>name</name><value><string>a</string></value></member><member><name>pid</name><value><int>1</int></value></member></struct></value>
            <value><struct><member><name>name</name><value><string>b</string></value></member><member><name>p&#105;d</name><value><int>2</int></value></member></struct></value>
            <value><struct><member><name>pid</name><value><int>3</int></value></member><member><name>name</name><value>c &amp; d</value></member></struct></value>
            </data></array></value></param></params></methodResponse>
            """);
        var structs = Assert.IsAssignableFrom<IReadOnlyList<object?>>(value).Cast<IReadOnlyDictionary<string, object?>>().ToList();
        Assert.Equal(["name", "pid"], structs[0].Keys);
        Assert.Equal(["name", "pid"], structs[1].Keys);
        Assert.Equal(["pid", "name"], structs[2].Keys);
        Assert.Equal(["a", "b", "c & d"], structs.Select(s => s["name"]));
        Assert.Equal([1L, 2L, 3L], structs.Select(s => s["pid"]));
    }

    [Theory]
    [InlineData("<int>42</int>", 42L)]
    [InlineData("<int> -7\n</int>", -7L)]
    [InlineData("<i4>+5</i4>", 5L)]
    [InlineData("<i8>1<!-- a comment -->2</i8>", 12L)]
    [InlineData("<int>&#52;2</int>", 42L)]
    [InlineData("<int><![CDATA[42]]></int>", 42L)]
    public void IntegersReadAsPythonReadsThem(string element, long expected)
    {
        var value = Read($"<?xml version='1.0'?><methodResponse><params><param><value>{element}</value></param></params></methodResponse>");
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("<int>4 2</int>")]
    [InlineData("<int>0x10</int>")]
    [InlineData("<int></int>")]
    public void AnIntegerThatIsNoneIsMalformed(string element)
    {
        var error = Assert.Throws<PythonException>(() => Read($"<?xml version='1.0'?><methodResponse><params><param><value>{element}</value></param></params></methodResponse>"));
        Assert.Equal("xml.parsers.expat.ExpatError", error.PythonClass);
    }

    [Fact]
    public void TextWithUtf8ReferencesAndLineEndsDecodesWhole()
    {
        var value = Read("<?xml version='1.0'?><methodResponse><params><param><value><string>é\r\nx&lt;<![CDATA[<y>]]>z\rw</string></value></param></params></methodResponse>");
        Assert.Equal("é\nx<<y>z\nw", value);
    }
}
