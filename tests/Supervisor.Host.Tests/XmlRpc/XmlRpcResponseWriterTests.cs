using System.Buffers;
using System.Collections.ObjectModel;
using System.Text;
using Supervisor.Abstractions;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Host.Tests.XmlRpc;

public class XmlRpcResponseWriterTests
{
    private enum Colour
    {
        Red = 1,
        Blue = 20,
    }

    [Fact]
    public void WritesSimpleResponseInTheReferenceLayout() =>
        Assert.Equal(
            "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><int>7889</int></value>\n</param>\n</params>\n</methodResponse>\n",
            Wire.Response(7889));

    [Fact]
    public void WritesFaultInTheReferenceLayout() =>
        Assert.Equal(
            "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n"
            + "<member>\n<name>faultCode</name>\n<value><int>10</int></value>\n</member>\n"
            + "<member>\n<name>faultString</name>\n<value><string>BAD_NAME: foo</string></value>\n</member>\n"
            + "</struct></value>\n</fault>\n</methodResponse>\n",
            Wire.Fault(10, "BAD_NAME: foo"));

    [Fact]
    public void WritesStructsAndArraysInTheReferenceLayout()
    {
        var value = new Dictionary<string, object?>
        {
            ["name"] = "cat",
            ["list"] = new object?[] { 1, true, string.Empty },
            ["empty"] = Array.Empty<object?>(),
        };

        Assert.Equal(
            "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><struct>\n"
            + "<member>\n<name>name</name>\n<value><string>cat</string></value>\n</member>\n"
            + "<member>\n<name>list</name>\n<value><array><data>\n<value><int>1</int></value>\n<value><boolean>1</boolean></value>\n<value><string></string></value>\n</data></array></value>\n</member>\n"
            + "<member>\n<name>empty</name>\n<value><array><data>\n</data></array></value>\n</member>\n"
            + "</struct></value>\n</param>\n</params>\n</methodResponse>\n",
            Wire.Response(value));
    }

    [Fact]
    public void WritesScalarsAsPythonDoes()
    {
        Assert.Contains("<value><boolean>0</boolean></value>\n", Wire.Response(false));
        Assert.Contains("<value><nil/></value></param>", Wire.Response(null));
        Assert.Contains("<value><double>1.5</double></value>\n", Wire.Response(1.5));
        Assert.Contains("<value><dateTime.iso8601>20240131T23:59:58</dateTime.iso8601></value>\n", Wire.Response(new DateTime(2024, 1, 31, 23, 59, 58)));
        Assert.Contains("<value><base64>\nQUJD\n</base64></value>\n", Wire.Response("ABC"u8.ToArray()));
        Assert.Contains("<value><base64>\n</base64></value>\n", Wire.Response(Array.Empty<byte>()));
    }

    [Fact]
    public void WritesBase64In76CharacterLinesLikePythonEncodebytes()
    {
        var bytes = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        var expected = Convert.ToBase64String(bytes);
        Assert.Contains($"<base64>\n{expected[..76]}\n{expected[76..]}\n</base64>", Wire.Response(bytes));
    }

    [Theory]
    [InlineData(0L, "<int>0</int>")]
    [InlineData(2147483647L, "<int>2147483647</int>")]
    [InlineData(-2147483648L, "<int>-2147483648</int>")]
    [InlineData(2147483648L, "<i8>2147483648</i8>")]
    [InlineData(-2147483649L, "<i8>-2147483649</i8>")]
    [InlineData(5000000000L, "<i8>5000000000</i8>")]
    [InlineData(long.MaxValue, "<i8>9223372036854775807</i8>")]
    public void WritesLongAsIntWhenItFitsElseI8(long number, string expected) =>
        Assert.Contains($"<value>{expected}</value>", Wire.Response(number));

    [Fact]
    public void WritesOtherIntegerTypesAndEnumsAsNumbers()
    {
        Assert.Contains("<int>7</int>", Wire.Response((short)7));
        Assert.Contains("<int>255</int>", Wire.Response((byte)255));
        Assert.Contains("<int>-8</int>", Wire.Response((sbyte)-8));
        Assert.Contains("<int>65535</int>", Wire.Response((ushort)65535));
        Assert.Contains("<i8>4294967295</i8>", Wire.Response(uint.MaxValue));
        Assert.Contains("<int>9</int>", Wire.Response(9UL));
        Assert.Contains("<int>20</int>", Wire.Response(Colour.Blue));
        Assert.Throws<NotSupportedException>(() => Wire.Response(ulong.MaxValue));
    }

    [Theory]
    [InlineData(0.0, "0.0")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(1.0, "1.0")]
    [InlineData(-1.5, "-1.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(1.0 / 3, "0.3333333333333333")]
    [InlineData(123.456, "123.456")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1.5e-7, "1.5e-07")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(1e100, "1e+100")]
    [InlineData(-2.5e-300, "-2.5e-300")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(double.MaxValue, "1.7976931348623157e+308")]
    [InlineData(100.0, "100.0")]
    [InlineData(12345678901234567.0, "1.2345678901234568e+16")]
    [InlineData(9007199254740992.0, "9007199254740992.0")]
    [InlineData(3.14159, "3.14159")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    [InlineData(double.NaN, "nan")]
    public void WritesDoubleAsPythonRepr(double number, string expected) =>
        Assert.Contains($"<value><double>{expected}</double></value>", Wire.Response(number));

    [Fact]
    public void WritesAFrozenResultAsTheValueItHoldsEncodedOnlyTheFirstTime()
    {
        var points = new List<object?> { 1, "two" };
        var frozen = new FrozenResult<List<object?>>(points);
        var expected = Wire.Response(points);

        Assert.Equal(expected, Wire.Response(frozen));

        // Changing the value afterwards breaks the contract; it shows that the bytes are reused.
        points.Add(3);
        Assert.Equal(expected, Wire.Response(frozen));
        Assert.Equal(Wire.Response(points), Wire.Response(new FrozenResult<List<object?>>(points)));

        // Nested (as system.multicall nests results): the same markup inside the array.
        Assert.Equal(Wire.Response(new object?[] { new object?[] { 1, "two" } }), Wire.Response(new object?[] { frozen }));
    }

    [Fact]
    public void WritesAFrozenResultThatContainsItselfFailsAtTheDepthLimit()
    {
        var items = new object?[1];
        var frozen = new FrozenResult<object?[]>(items);
        items[0] = frozen;

        var error = Assert.Throws<NotSupportedException>(() => Wire.Response(frozen));
        Assert.Contains("nested deeper than", error.Message);
    }

    [Fact]
    public void WritesAFrozenResultThatCannotBeEncodedFailsEveryTime()
    {
        var frozen = new FrozenResult<ulong>(ulong.MaxValue);
        Assert.Throws<NotSupportedException>(() => Wire.Response(frozen));
        Assert.Throws<NotSupportedException>(() => Wire.Response(frozen));
    }

    [Fact]
    public void WritesFloatAndDecimalAsDouble()
    {
        Assert.Contains("<double>0.5</double>", Wire.Response(0.5f));
        Assert.Contains("<double>2.25</double>", Wire.Response(2.25m));
    }

    [Fact]
    public void WritesDateTimeOffsetInUtc() =>
        Assert.Contains(
            "<dateTime.iso8601>20240131T21:00:00</dateTime.iso8601>",
            Wire.Response(new DateTimeOffset(2024, 1, 31, 23, 0, 0, TimeSpan.FromHours(2))));

    [Fact]
    public void WritesByteMemoryAsBase64()
    {
        Assert.Contains("<base64>\nQUJD\n</base64>", Wire.Response(new ReadOnlyMemory<byte>("xABCx"u8.ToArray(), 1, 3)));
        Assert.Contains("<base64>\nQUJD\n</base64>", Wire.Response(new ArraySegment<byte>("xABCx"u8.ToArray(), 1, 3)));
    }

    [Fact]
    public void EscapesOnlyAmpersandAndAngleBracketsAndWritesNonAsciiRaw()
    {
        var bytes = Wire.ResponseBytes("a&b<c>d \"q\" 's' caf\u00e9 \u4e2d \U0001F600");
        var text = Encoding.UTF8.GetString(bytes);

        Assert.Contains("<string>a&amp;b&lt;c&gt;d \"q\" 's' caf\u00e9 \u4e2d \U0001F600</string>", text);
        Assert.DoesNotContain("&#", text);
        Assert.True(bytes.AsSpan().IndexOf("caf\u00e9"u8) >= 0, "é is written as raw UTF-8");
    }

    [Theory]
    [InlineData("\u001b[31mred\u001b[0m", "\uFFFD[31mred\uFFFD[0m")]
    [InlineData("nul\u0000here", "nul\uFFFDhere")]
    [InlineData("tab\tLF\nCR\rkept", "tab\tLF\nCR\rkept")]
    [InlineData("lone {D800} high", "lone \uFFFD high")]
    [InlineData("lone {DC00} low", "lone \uFFFD low")]
    [InlineData("reversed {DC00}{D800} pair", "reversed \uFFFD\uFFFD pair")]
    [InlineData("high at end {D83D}", "high at end \uFFFD")]
    [InlineData("pair {D83D}{DE00} kept", "pair \U0001F600 kept")]
    [InlineData("non-characters \uFFFE\uFFFF", "non-characters \uFFFD\uFFFD")]
    [InlineData("high before special {D83D}<", "high before special \uFFFD<")]
    public void ReplacesCharactersXmlForbidsSoTheOutputIsWellFormed(string input, string expected)
    {
        var bytes = Wire.ResponseBytes(Wire.Chars(input));

        Wire.AssertWellFormed(bytes);
        var read = Assert.Single(Wire.StringsIn(bytes));

        // XML parsers normalise a raw CR to LF; the writer itself keeps it.
        Assert.Equal(expected.Replace("\r", "\n"), read);
    }

    [Fact]
    public void ReplacesForbiddenCharactersInStructKeysAndFaultStrings()
    {
        var response = Wire.ResponseBytes(new Dictionary<string, object?> { ["k\u0001\uD800"] = "v" });
        Wire.AssertWellFormed(response);
        Assert.Contains("<name>k\uFFFD\uFFFD</name>", Encoding.UTF8.GetString(response));

        var fault = Wire.Fault(30, "FAILED: \u001b bad \uDFFF");
        Wire.AssertWellFormed(Encoding.UTF8.GetBytes(fault));
        Assert.Contains("<string>FAILED: \uFFFD bad \uFFFD</string>", fault);
    }

    [Fact]
    public void WritesLongStringsAcrossChunksWithoutSplittingSurrogatePairs()
    {
        foreach (var padding in new[] { 2047, 2048, 4095, 4096, 10_000 })
        {
            var text = new string('a', padding) + "\U0001F600" + new string('b', 5000) + "&" + new string('\u00e9', 3000);
            var bytes = Wire.ResponseBytes(text);

            Wire.AssertWellFormed(bytes);
            Assert.Equal(text, Assert.Single(Wire.StringsIn(bytes)));
        }
    }

    [Fact]
    public void WritesIntoABufferWriterThatGivesOnlyWhatItIsAskedFor()
    {
        var value = new Dictionary<string, object?> { ["text"] = new string('x', 9000) + "\U0001F600", ["n"] = 5_000_000_000L, ["d"] = 1e-7 };
        var expected = Wire.ResponseBytes(value);

        var tight = new TightBufferWriter();
        XmlRpcResponseWriter.WriteResponse(tight, value);

        Assert.Equal(expected, tight.Written.ToArray());
    }

    [Fact]
    public void WritesDictionaryInInsertionOrder()
    {
        var value = new Dictionary<string, int> { ["zeta"] = 1, ["alpha"] = 2, ["mid"] = 3 };
        var text = Wire.Response(value);
        Assert.True(text.IndexOf("zeta", StringComparison.Ordinal) < text.IndexOf("alpha", StringComparison.Ordinal));
        Assert.True(text.IndexOf("alpha", StringComparison.Ordinal) < text.IndexOf("mid", StringComparison.Ordinal));
    }

    [Fact]
    public void WritesReadOnlyDictionariesAsStructs()
    {
        IReadOnlyDictionary<string, string> readOnly = new ReadOnlyDictionary<string, string>(new Dictionary<string, string> { ["a"] = "b" });
        Assert.Contains("<name>a</name>\n<value><string>b</string></value>", Wire.Response(readOnly));

        var custom = new PairsOnly();
        Assert.Contains("<member>\n<name>only</name>\n<value><int>1</int></value>\n</member>", Wire.Response(custom));
    }

    [Fact]
    public void RejectsDictionaryWithNonStringKeys() =>
        Assert.Throws<NotSupportedException>(() => Wire.Response(new Dictionary<int, string> { [1] = "a" }));

    [Fact]
    public void WritesEnumerablesAsArrays()
    {
        Assert.Contains("<array><data>\n<value><int>1</int></value>\n<value><int>2</int></value>\n</data></array>", Wire.Response(new[] { 1, 2 }));
        Assert.Contains("<array><data>\n<value><string>a</string></value>\n</data></array>", Wire.Response(new List<string> { "a" }));
        Assert.Contains("<array><data>\n<value><int>3</int></value>\n</data></array>", Wire.Response(Enumerable.Range(3, 1)));
    }

    [Fact]
    public void RejectsFrameworkTypesWithoutAnXmlRpcForm()
    {
        Assert.Throws<NotSupportedException>(() => Wire.Response(TimeSpan.FromSeconds(1)));
        Assert.Throws<NotSupportedException>(() => Wire.Response(new Version(1, 2)));
    }

    [Fact]
    public void RejectsCycles()
    {
        var list = new List<object?>();
        list.Add(list);
        Assert.Throws<NotSupportedException>(() => Wire.Response(list));
    }

    private sealed class PairsOnly : IEnumerable<KeyValuePair<string, int>>
    {
        public IEnumerator<KeyValuePair<string, int>> GetEnumerator()
        {
            yield return new KeyValuePair<string, int>("only", 1);
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>Hands out exactly the size asked for, to exercise every span boundary.</summary>
    private sealed class TightBufferWriter : IBufferWriter<byte>
    {
        private readonly ArrayBufferWriter<byte> _written = new();
        private byte[] _current = [];

        public ReadOnlySpan<byte> Written => _written.WrittenSpan;

        public void Advance(int count) => _written.Write(_current.AsSpan(0, count));

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            _current = new byte[Math.Max(sizeHint, 1)];
            return _current;
        }

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }
}
