using Supervisor.Host.Tests.Support;
using static Supervisor.Host.Tests.SupervisorNamespace.FakeProcessTable;

namespace Supervisor.Host.Tests.SupervisorNamespace;

/// <summary>
/// readProcess*Log and tailProcess*Log on a 20-byte file: each slice is what the reference's <c>readFile</c>
/// and <c>tailFile</c> (<c>supervisor/options.py</c>) answer for the same numbers.
/// </summary>
public sealed class LogMethodTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeDaemon _daemon = new();
    private readonly string _out;

    public LogMethodTests()
    {
        _out = _dir.Write("out.log", "0123456789abcdefghij");
        _daemon.Table.Add("web", Process("web") with { StdoutLogfile = _out, StderrLogfile = _dir.File("missing.log") })
            .Add("quiet", Process("quiet"));
    }

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(19, 100, "0123456789abcdefghij", false)]
    [InlineData(5, 5, "fghij", true)]
    [InlineData(0, 0, "", true)]
    [InlineData(20, 100, "", false)]
    [InlineData(25, 100, "", false)]
    [InlineData(0, 20, "0123456789abcdefghij", false)]
    [InlineData(0, 3, "hij", true)]
    [InlineData(-5, 3, "hij", true)]
    [InlineData(-50, 100, "0123456789abcdefghij", false)]
    [InlineData(5, -3, "", true)]
    public async Task TailReturnsTheLastBytesTheSizeAndTheOverflowFlag(int offset, int length, string data, bool overflow)
    {
        var result = (object[])(await _daemon.Value("tailProcessStdoutLog", "web", offset, length))!;
        Assert.Equal(data, result[0]);
        Assert.Equal(20L, Convert.ToInt64(result[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(overflow, result[2]);
        Assert.Equal(result, (object[])(await _daemon.Value("tailProcessLog", "web", offset, length))!);
    }

    [Fact]
    public async Task TailOfAMissingOrAbsentLogIsEmpty()
    {
        Assert.Equal(["", 0L, false], (object[])(await _daemon.Value("tailProcessStderrLog", "web", 0, 100))!);
        Assert.Equal(["", 0L, false], (object[])(await _daemon.Value("tailProcessStdoutLog", "quiet", 0, 100))!);
        Assert.Equal((10, "BAD_NAME: web:*"), await _daemon.Fault("tailProcessStdoutLog", "web:*", 0, 100));
    }

    [Theory]
    [InlineData(0, 0, "0123456789abcdefghij")]
    [InlineData(0, 5, "01234")]
    [InlineData(18, 5, "ij")]
    [InlineData(25, 5, "")]
    [InlineData(-5, 0, "fghij")]
    [InlineData(-25, 0, "0123456789abcdefghij")]
    public async Task ReadFollowsTheOffsetRules(int offset, int length, string data)
    {
        Assert.Equal(data, await _daemon.Value("readProcessStdoutLog", "web", offset, length));
        Assert.Equal(data, await _daemon.Value("readProcessLog", "web", offset, length));
    }

    [Theory]
    [InlineData(-5, 3)]
    [InlineData(5, -3)]
    [InlineData(0, -1)]
    public async Task BadWindowsAreBadArguments(int offset, int length)
    {
        Assert.Equal((3, "BAD_ARGUMENTS"), await _daemon.Fault("readProcessStdoutLog", "web", offset, length));
    }

    [Fact]
    public async Task NumbersAreReadAsPythonsIntOnceTheFileIsFound()
    {
        // int(): strings in Python's integer syntax, booleans, doubles truncated.
        Assert.Equal("56789", await _daemon.Value("readProcessStdoutLog", "web", " 5 ", "5"));
        Assert.Equal("1", await _daemon.Value("readProcessStdoutLog", "web", true, 1.9));
        Assert.Equal("0123456789", await _daemon.Value("readProcessStdoutLog", "web", 0, "1_0"));

        // What int() refuses with a TypeError is a bare INCORRECT_PARAMETERS; with a ValueError (HTTP 500 in the
        // reference) the reason is given.
        Assert.Equal((2, "INCORRECT_PARAMETERS"), await _daemon.Fault("readProcessStdoutLog", "web", new object[] { 1 }, 0));
        Assert.Equal((2, "INCORRECT_PARAMETERS: offset: invalid literal for int() with base 10: 'abc'"), await _daemon.Fault("readProcessStdoutLog", "web", "abc", 0));
        Assert.Equal((2, "INCORRECT_PARAMETERS: length: 99999999999999999999 is out of range"), await _daemon.Fault("readProcessStdoutLog", "web", 0, "99999999999999999999"));
        Assert.Equal((2, "INCORRECT_PARAMETERS: offset: cannot convert float NaN to integer"), await _daemon.Fault("readProcessStdoutLog", "web", double.NaN, 0));

        // The reference looks at the numbers only once it has a file (a missing one tails as empty).
        Assert.Equal((20, "NO_FILE"), await _daemon.Fault("readProcessStdoutLog", "quiet", "abc", 0));
        Assert.Equal(["", 0L, false], (object[])(await _daemon.Value("tailProcessStdoutLog", "quiet", "abc", new object[] { 1 }))!);

        // Python's integers do not wrap: offset + length beyond 64 bits is simply past the end.
        Assert.Equal(["", 20L, false], (object[])(await _daemon.Value("tailProcessStdoutLog", "web", long.MaxValue - 1, long.MaxValue - 1))!);
    }

    [Fact]
    public async Task MissingLogsAreNoFileAndTheFileCheckComesFirst()
    {
        Assert.Equal((20, "NO_FILE"), await _daemon.Fault("readProcessStdoutLog", "quiet", 0, 0));
        Assert.Equal((20, "NO_FILE: " + _dir.File("missing.log")), await _daemon.Fault("readProcessStderrLog", "web", -5, 3));
        Assert.Equal((10, "BAD_NAME: web:"), await _daemon.Fault("readProcessStdoutLog", "web:", 0, 0));
    }

    [Fact]
    public async Task BytesThatAreNotUtf8ComeBackAsReplacementCharacters()
    {
        await File.WriteAllBytesAsync(_out, [(byte)'h', 0xC3, 0xA9, 0xFF, (byte)'!']);
        Assert.Equal("h\uFFFD", await _daemon.Value("readProcessStdoutLog", "web", 0, 2));
        Assert.Equal("hé\uFFFD!", await _daemon.Value("readProcessStdoutLog", "web", 0, 0));
        Assert.Equal("\uFFFD!", ((object[])(await _daemon.Value("tailProcessStdoutLog", "web", 0, 2))!)[0]);
    }
}
