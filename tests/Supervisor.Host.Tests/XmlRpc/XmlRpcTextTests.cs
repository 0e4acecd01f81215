using System.Text;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Host.Tests.XmlRpc;

public class XmlRpcTextTests
{
    [Fact]
    public void DecodeLenientReadsValidUtf8() =>
        Assert.Equal("caf\u00e9 \U0001F600", XmlRpcText.DecodeLenient(Encoding.UTF8.GetBytes("caf\u00e9 \U0001F600")));

    [Fact]
    public void DecodeLenientReplacesInvalidBytes() =>
        Assert.Equal("caf\uFFFD!", XmlRpcText.DecodeLenient([(byte)'c', (byte)'a', (byte)'f', 0xE9, (byte)'!']));

    [Fact]
    public void DecodeLenientReplacesACharacterCutAtEitherEnd()
    {
        var bytes = Encoding.UTF8.GetBytes("\u4e2dx\u6587");

        // A window starting inside the first character and ending inside the last.
        Assert.Equal("\uFFFD\uFFFDx\uFFFD", XmlRpcText.DecodeLenient(bytes.AsSpan(1, bytes.Length - 2)));
    }

    [Fact]
    public void DecodeLenientReplacesEncodedSurrogates() =>
        Assert.DoesNotContain(XmlRpcText.DecodeLenient([0xED, 0xA0, 0x80]), char.IsSurrogate);

    [Fact]
    public void LogBytesWithInvalidUtf8AndControlCharactersGiveAWellFormedResponse()
    {
        byte[] log = [.. "\u001b[31mred\u001b[0m "u8, 0xC3, 0x28, .. " ok\n"u8, 0xE4, 0xB8];
        var text = XmlRpcText.DecodeLenient(log);
        var response = Wire.ResponseBytes(text);

        Wire.AssertWellFormed(response);
        Assert.Equal("\uFFFD[31mred\uFFFD[0m \uFFFD( ok\n\uFFFD", Assert.Single(Wire.StringsIn(response)));
    }

    [Theory]
    [InlineData("plain text\t\r\n", true)]
    [InlineData("pair \U0001F600", true)]
    [InlineData("escape \u001b", false)]
    [InlineData("lone {D800}", false)]
    [InlineData("lone {DC00}", false)]
    [InlineData("\uFFFF", false)]
    public void IsXmlSafeTellsWhetherAnythingWouldBeReplaced(string text, bool safe) =>
        Assert.Equal(safe, XmlRpcText.IsXmlSafe(Wire.Chars(text)));
}
