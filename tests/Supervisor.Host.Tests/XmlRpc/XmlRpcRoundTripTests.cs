using System.Buffers;
using System.Text;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Host.Tests.XmlRpc;

public class XmlRpcRoundTripTests
{
    public static TheoryData<object?> Values() => new()
    {
        0,
        -1,
        int.MaxValue,
        int.MinValue,
        5_000_000_000L,
        long.MinValue,
        true,
        false,
        string.Empty,
        "plain",
        "  spaces kept \t\n",
        "a&b<c>d]]>e",
        "caf\u00e9 \u4e2d\u6587 \U0001F600",
        0.0,
        1.5,
        -1e-7,
        1e300,
        double.MaxValue,
        double.Epsilon,
        new DateTime(1999, 12, 31, 23, 59, 59),
        new DateTime(1, 1, 1, 0, 0, 0),
        new byte[] { 0, 1, 2, 253, 254, 255 },
        Enumerable.Range(0, 300).Select(i => (byte)i).ToArray(),
        Array.Empty<byte>(),
        null,
        Array.Empty<object?>(),
        new object?[] { 1, "two", null, new object?[] { 3.5, false } },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void ResponseRoundTrips(object? value) => Assert.Equal(value, Wire.RoundTrip(value));

    [Theory]
    [MemberData(nameof(Values))]
    public void RequestRoundTrips(object? value)
    {
        var request = XmlRpcRequestReader.Read(XmlRpcRequestWriter.ToArray("ns.method", value, "second"));

        Assert.Equal("ns.method", request.MethodName);
        Assert.Equal([value, "second"], request.Params);
    }

    [Fact]
    public void StructRoundTripsInOrder()
    {
        var value = new Dictionary<string, object?>
        {
            ["name"] = "cat",
            ["pid"] = 42,
            ["nested"] = new Dictionary<string, object?> { ["ok"] = true, ["list"] = new object?[] { "x" } },
            ["empty"] = new Dictionary<string, object?>(),
        };

        var read = Assert.IsType<Dictionary<string, object?>>(Wire.RoundTrip(value));
        Assert.Equal(value.Keys, read.Keys);
        Assert.Equal("cat", read["name"]);
        Assert.Equal(42, read["pid"]);
        var nested = Assert.IsType<Dictionary<string, object?>>(read["nested"]);
        Assert.Equal(true, nested["ok"]);
        Assert.Equal(["x"], Assert.IsType<object?[]>(nested["list"]));
        Assert.Empty(Assert.IsType<Dictionary<string, object?>>(read["empty"]));
    }

    [Fact]
    public void NaNRoundTrips() => Assert.True(double.IsNaN(Assert.IsType<double>(Wire.RoundTrip(double.NaN))));

    [Fact]
    public void InfinityRoundTrips() => Assert.Equal(double.NegativeInfinity, Wire.RoundTrip(double.NegativeInfinity));

    [Fact]
    public void FaultRoundTrips()
    {
        var output = new ArrayBufferWriter<byte>();
        XmlRpcResponseWriter.WriteFault(output, 70, "NOT_RUNNING: cat & <dog>");

        var response = XmlRpcResponseReader.Read(output.WrittenMemory);

        Assert.True(response.IsFault);
        Assert.Null(response.Value);
        Assert.Equal(new XmlRpcFault(70, "NOT_RUNNING: cat & <dog>"), response.Fault);
    }

    [Fact]
    public void RequestWithoutParametersRoundTrips()
    {
        var bytes = XmlRpcRequestWriter.ToArray("supervisor.getState");

        Assert.Equal(
            "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.getState</methodName>\n<params>\n</params>\n</methodCall>\n",
            Encoding.UTF8.GetString(bytes));
        var request = XmlRpcRequestReader.Read(bytes);
        Assert.Equal("supervisor.getState", request.MethodName);
        Assert.Empty(request.Params);
    }

    [Fact]
    public void ResponseReaderRejectsResponsesWithoutExactlyOneValue()
    {
        Assert.Throws<XmlRpcFormatException>(() => XmlRpcResponseReader.Read("<methodResponse><params/></methodResponse>"u8.ToArray()));
        Assert.Throws<XmlRpcFormatException>(() => XmlRpcResponseReader.Read("<methodResponse/>"u8.ToArray()));
        Assert.Throws<XmlRpcFormatException>(() => XmlRpcResponseReader.Read(
            "<methodResponse><fault><value><struct></struct></value></fault></methodResponse>"u8.ToArray()));
        Assert.Throws<XmlRpcFormatException>(() => XmlRpcResponseReader.Read(
            "<methodResponse><params><param><value>1</value></param><param><value>2</value></param></params></methodResponse>"u8.ToArray()));
    }

    [Fact]
    public void ForbiddenCharactersComeBackAsReplacementCharacters() =>
        Assert.Equal("a\uFFFDb\uFFFDc", Wire.RoundTrip("a\u0007b\uD800c"));
}
