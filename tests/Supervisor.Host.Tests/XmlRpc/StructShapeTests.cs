using Supervisor.Abstractions;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Host.Tests.XmlRpc;

public class StructShapeTests
{
    public enum State
    {
        Stopped = 0,
        Running = 20,
    }

    [Fact]
    public void KeysAreRpcMemberNamesElseCamelCase()
    {
        var shape = StructShape.For(typeof(ProcessInfo));

        Assert.Equal(["name", "stdout_logfile", "exitstatus", "state", "pid", "startedAt", "spawnError"], shape.Members.Select(m => m.Key));
    }

    [Fact]
    public void KeysLowerALeadingAcronymAsAWhole()
    {
        var shape = StructShape.For(typeof(Acronyms));

        Assert.Equal(["urlPath", "pid", "aB1", "x"], shape.Members.Select(m => m.Key));
    }

    [Theory]
    [InlineData("ExitStatus", "exitStatus")]
    [InlineData("URLPath", "urlPath")]
    [InlineData("PID", "pid")]
    [InlineData("AB1", "aB1")]
    [InlineData("ABc", "aBc")]
    [InlineData("AB C", "ab C")]
    [InlineData("X", "x")]
    [InlineData("x", "x")]
    [InlineData("", "")]
    public void StructKeysFollowSystemTextJsonCamelCase(string name, string expected)
    {
        Assert.Equal(expected, StructKeys.FromName(name));
        Assert.Equal(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name), StructKeys.FromName(name));
    }

    [Fact]
    public void WritesRecordAsStructInPropertyOrder()
    {
        var info = new ProcessInfo("cat", "/tmp/cat.log", 0, State.Running, 5_000_000_000L, new DateTime(2024, 1, 2, 3, 4, 5), null);

        Assert.Equal(
            "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><struct>\n"
            + "<member>\n<name>name</name>\n<value><string>cat</string></value>\n</member>\n"
            + "<member>\n<name>stdout_logfile</name>\n<value><string>/tmp/cat.log</string></value>\n</member>\n"
            + "<member>\n<name>exitstatus</name>\n<value><int>0</int></value>\n</member>\n"
            + "<member>\n<name>state</name>\n<value><int>20</int></value>\n</member>\n"
            + "<member>\n<name>pid</name>\n<value><i8>5000000000</i8></value>\n</member>\n"
            + "<member>\n<name>startedAt</name>\n<value><dateTime.iso8601>20240102T03:04:05</dateTime.iso8601></value>\n</member>\n"
            + "<member>\n<name>spawnError</name>\n<value><nil/></value></member>\n"
            + "</struct></value>\n</param>\n</params>\n</methodResponse>\n",
            Wire.Response(info));
    }

    [Fact]
    public void IsBuiltOncePerType() => Assert.Same(StructShape.For(typeof(ProcessInfo)), StructShape.For(typeof(ProcessInfo)));

    [Fact]
    public void TakesOnlyPublicReadableInstanceProperties()
    {
        var shape = StructShape.For(typeof(Mixed));
        Assert.Equal(["visible", "readOnly"], shape.Members.Select(m => m.Key));
    }

    [Fact]
    public void PutsBasePropertiesFirstAndLetsOverridesReplaceThem()
    {
        var shape = StructShape.For(typeof(Derived));
        Assert.Equal(["id", "label", "extra"], shape.Members.Select(m => m.Key));
        Assert.Contains("<name>label</name>\n<value><string>derived</string></value>", Wire.Response(new Derived()));
    }

    [Fact]
    public void WritesNestedRecordsListsAndNullableValues()
    {
        var group = new Group("web", [new Member("a", 1), new Member("b", null)]);
        var text = Wire.Response(group);

        Assert.Contains("<member>\n<name>members</name>\n<value><array><data>\n<value><struct>\n<member>\n<name>name</name>\n<value><string>a</string></value>\n</member>\n<member>\n<name>weight</name>\n<value><int>1</int></value>\n</member>\n</struct></value>\n", text);
        Assert.Contains("<name>weight</name>\n<value><nil/></value></member>", text);
    }

    [Fact]
    public void WritesAnonymousTypes() =>
        Assert.Contains("<name>faultCode</name>\n<value><int>1</int></value>", Wire.Response(new { faultCode = 1 }));

    [Fact]
    public void GetterReadsTheBoxedValue()
    {
        var member = StructShape.For(typeof(Member)).Members.Single(m => m.Key == "weight");
        Assert.Equal(7, member.GetValue(new Member("x", 7)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WritesRecordClassesAndStructsAndEnumsOfEveryWidthAsTheirNumbers(bool asStruct)
    {
        var text = asStruct
            ? Wire.Response(new Widths(Small.Minus, Unsigned.Big, true, 2.5, 7))
            : Wire.Response(new WidthsClass(Small.Minus, Unsigned.Big, true, 2.5, 7));

        Assert.Contains("<name>small</name>\n<value><int>-3</int></value>", text);
        Assert.Contains("<name>unsigned</name>\n<value><i8>4000000000</i8></value>", text);
        Assert.Contains("<name>flag</name>\n<value><boolean>1</boolean></value>", text);
        Assert.Contains("<name>ratio</name>\n<value><double>2.5</double></value>", text);
        Assert.Equal(Unsigned.Big, StructShape.For(typeof(Widths)).Members.Single(m => m.Key == "unsigned").GetValue(new Widths(Small.Minus, Unsigned.Big, false, 0, 0)));
    }

    [Fact]
    public void RejectsDuplicateKeys() =>
        Assert.Throws<NotSupportedException>(() => StructShape.For(typeof(Clash)));

    public sealed record ProcessInfo(
        string Name,
        [property: RpcMember("stdout_logfile")] string StdoutLogfile,
        [property: RpcMember("exitstatus")] int ExitStatus,
        State State,
        long Pid,
        DateTime StartedAt,
        string? SpawnError);

    public sealed record Member(string Name, int? Weight);

    public enum Small : sbyte
    {
        Minus = -3,
    }

    public enum Unsigned : uint
    {
        Big = 4_000_000_000,
    }

    public sealed record WidthsClass(Small Small, Unsigned Unsigned, bool Flag, double Ratio, long Count);

    public readonly record struct Widths(Small Small, Unsigned Unsigned, bool Flag, double Ratio, long Count);

    public sealed record Group(string Name, IReadOnlyList<Member> Members);

    public sealed class Mixed
    {
        public static int Static => 1;

        public string Visible { get; set; } = "v";

        public int ReadOnly => 2;

        public string WriteOnly
        {
            set => _ = value;
        }

        public int this[int index] => index;

        internal int Internal => 3;

        private int Private => 4;

        public int UsePrivate() => Private;
    }

    public class Base
    {
        public int Id => 1;

        public virtual string Label => "base";
    }

    public sealed class Derived : Base
    {
        public override string Label => "derived";

        public bool Extra => true;
    }

    public sealed class Clash
    {
        [RpcMember("same")]
        public int A => 1;

        [RpcMember("same")]
        public int B => 2;
    }
}

public sealed record Acronyms(string URLPath, int PID, int AB1, int X);
