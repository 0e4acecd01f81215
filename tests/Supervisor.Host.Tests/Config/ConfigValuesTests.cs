using Supervisor.Host.Config;

using Supervisor.Abstractions;

namespace Supervisor.Host.Tests.Config;

public sealed class ConfigValuesTests
{
    private static readonly Dictionary<string, string> Environment = new() { ["HOME"] = "/home/someone" };

    [Theory]
    [InlineData("true", true)]
    [InlineData("YES", true)]
    [InlineData("On", true)]
    [InlineData("1", true)]
    [InlineData("false", false)]
    [InlineData("no", false)]
    [InlineData("OFF", false)]
    [InlineData("0", false)]
    public void BooleanAcceptsTheReferenceWords(string text, bool expected)
    {
        Assert.Equal(expected, ConfigValues.Boolean(text).Value);
    }

    [Fact]
    public void BooleanRejectsOtherWords()
    {
        Assert.Equal("not a valid boolean value: 'maybe'", ConfigValues.Boolean("maybe").Error);
    }

    [Theory]
    [InlineData("1_000", 1000)]
    [InlineData(" 42 ", 42)]
    [InlineData("+5", 5)]
    [InlineData("-0", 0)]
    [InlineData("-12", -12)]
    [InlineData("007", 7)]
    [InlineData("٣", 3)]
    public void IntegerFollowsPythonInt(string text, long expected)
    {
        Assert.Equal(expected, ConfigValues.Integer(text).Value);
    }

    [Theory]
    [InlineData("_1")]
    [InlineData("1__0")]
    [InlineData("1_")]
    [InlineData("0x10")]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1.5")]
    public void IntegerRejectsWhatPythonIntRejects(string text)
    {
        Assert.Equal($"invalid literal for int() with base 10: '{text}'", ConfigValues.Integer(text).Error);
    }

    [Theory]
    [InlineData("1kb", 1024)]
    [InlineData("50MB", 52428800)]
    [InlineData("1024", 1024)]
    [InlineData("5 GB", 5368709120)]
    [InlineData("1_0kb", 10240)]
    public void ByteSizeAcceptsKbMbGbSuffixes(string text, long expected)
    {
        Assert.Equal(expected, ConfigValues.ByteSize(text).Value);
    }

    [Theory]
    [InlineData("10xb", "invalid literal for int() with base 10: '10xb'")]
    [InlineData("K", "invalid literal for int() with base 10: 'k'")]
    [InlineData("kb", "invalid literal for int() with base 10: ''")]
    [InlineData("1TB", "invalid literal for int() with base 10: '1tb'")]
    public void ByteSizeErrorShowsTheLowerCasedText(string text, string error)
    {
        Assert.Equal(error, ConfigValues.ByteSize(text).Error);
    }

    [Theory]
    [InlineData("022", 18)]
    [InlineData("22", 18)]
    [InlineData("0o22", 18)]
    [InlineData("0o_2", 2)]
    [InlineData("-7", -7)]
    public void OctalFollowsPythonIntBase8(string text, int expected)
    {
        Assert.Equal(expected, ConfigValues.Octal(text).Value);
    }

    [Theory]
    [InlineData("9")]
    [InlineData("x")]
    public void OctalRejectsNonOctalText(string text)
    {
        Assert.Equal($"{text} can not be converted to an octal type", ConfigValues.Octal(text).Error);
    }

    [Theory]
    [InlineData("TERM", 15)]
    [InlineData("sigusr1", 10)]
    [InlineData("0", 0)]
    [InlineData("SIG_DFL", 0)]
    [InlineData("64", 64)]
    [InlineData(" 15 ", 15)]
    [InlineData("rtmin", 34)]
    [InlineData("HUP", 1)]
    public void SignalAcceptsNamesAndNumbers(string text, int expected)
    {
        Assert.Equal(expected, ConfigValues.SignalNumber(text).Value);
    }

    [Fact]
    public void SignalRejectsUnknownNamesAndNumbers()
    {
        Assert.Equal("value 'foo' is not a valid signal name", ConfigValues.SignalNumber("foo").Error);
        Assert.Equal("value '33' is not a valid signal number", ConfigValues.SignalNumber("33").Error);
    }

    [Fact]
    public void ExitCodesAreAListOfIntegersUpTo255()
    {
        Assert.Equal([0, 2], ConfigValues.ExitCodes("0, 2").Value!);
        Assert.Empty(ConfigValues.ExitCodes(string.Empty).Value!);
        Assert.Equal("not a valid list of exit codes: '256'", ConfigValues.ExitCodes("256").Error);
        Assert.Equal("not a valid list of exit codes: '0,'", ConfigValues.ExitCodes("0,").Error);
    }

    [Fact]
    public void AutoRestartHasThreeValues()
    {
        Assert.Equal(AutoRestart.Always, ConfigValues.AutoRestartValue("TRUE").Value);
        Assert.Equal(AutoRestart.Never, ConfigValues.AutoRestartValue("off").Value);
        Assert.Equal(AutoRestart.Unexpected, ConfigValues.AutoRestartValue("Unexpected").Value);
        Assert.Equal("invalid 'autorestart' value 'maybe'", ConfigValues.AutoRestartValue("MAYBE").Error);
    }

    [Fact]
    public void LogLevelAcceptsTheSevenNamesButNotWarning()
    {
        Assert.Equal(MainLogLevel.Blather, ConfigValues.LogLevel("BLATHER").Value);
        Assert.Equal(MainLogLevel.Warn, ConfigValues.LogLevel("warn").Value);
        Assert.Equal("bad logging level name 'warning'", ConfigValues.LogLevel("warning").Error);
    }

    [Fact]
    public void ExistingDirectoryExpandsTildeAndChecks()
    {
        Assert.Equal("/tmp", ConfigValues.ExistingDirectory("/tmp", Environment).Value);
        Assert.Equal("/nonexist is not an existing directory", ConfigValues.ExistingDirectory("/nonexist", Environment).Error);
        var home = new Dictionary<string, string> { ["HOME"] = "/tmp" };
        Assert.Equal("/tmp", ConfigValues.ExistingDirectory("~", home).Value);
    }

    [Fact]
    public void DirpathChecksOnlyTheDirectoryPart()
    {
        Assert.Equal("supervisord.log", ConfigValues.ExistingDirpath("supervisord.log", Environment).Value);
        Assert.Equal("/tmp/x.log", ConfigValues.ExistingDirpath("/tmp/x.log", Environment).Value);
        Assert.Equal(
            "The directory named as part of the path /nonexist/x.log does not exist",
            ConfigValues.ExistingDirpath("/nonexist/x.log", Environment).Error);
    }

    [Fact]
    public void ExpandUserUsesHomeFromTheEnvironment()
    {
        Assert.Equal("/home/someone/x", ConfigValues.ExpandUser("~/x", Environment));
        Assert.Equal("/home/someone", ConfigValues.ExpandUser("~", Environment));
        Assert.Equal("/root/x", ConfigValues.ExpandUser("~root/x", Environment));
        Assert.Equal("~nosuchuser_xyz/x", ConfigValues.ExpandUser("~nosuchuser_xyz/x", Environment));
        Assert.Equal("a~b", ConfigValues.ExpandUser("a~b", Environment));
    }

    [Fact]
    public void UserIsANameOrAnExistingUid()
    {
        Assert.Equal(0, ConfigValues.UserId("root").Value);
        Assert.Equal(0, ConfigValues.UserId("0").Value);
        Assert.Equal("Invalid user name nosuchuser_xyz", ConfigValues.UserId("nosuchuser_xyz").Error);
        Assert.Equal("Invalid user id 4000000", ConfigValues.UserId("4000000").Error);
    }

    [Fact]
    public void UserAndGroupResolvesBoth()
    {
        Assert.Equal((0, -1), ConfigValues.UserAndGroup("root").Value);
        Assert.Equal((0, 0), ConfigValues.UserAndGroup("root:root").Value);
        Assert.Equal("Invalid user:group definition root:nosuchgroup_xyz", ConfigValues.UserAndGroup("root:nosuchgroup_xyz").Error);
    }

    [Theory]
    [InlineData("a b", "Invalid name: 'a b' because of character: ' '")]
    [InlineData("x:y", "Invalid name: 'x:y' because of character: ':'")]
    [InlineData("a/b", "Invalid name: 'a/b' because of character: '/'")]
    public void NameRejectsSpaceColonAndSlash(string text, string error)
    {
        Assert.Equal(error, ConfigValues.Name(text).Error);
    }

    [Fact]
    public void NameIsStripped()
    {
        Assert.Equal("ok", ConfigValues.Name(" ok ").Value);
        Assert.Equal("it's", ConfigValues.Name("it's").Value);
    }

    [Fact]
    public void ListOfStringsSplitsOnCommasAndStrips()
    {
        Assert.Equal(["a", "b", ""], ConfigValues.ListOfStrings("a, b ,"));
        Assert.Empty(ConfigValues.ListOfStrings(string.Empty));
    }

    [Theory]
    [InlineData("80", "", 80)]
    [InlineData(" 80 ", "", 80)]
    [InlineData("*:9001", "", 9001)]
    [InlineData(":9001", "", 9001)]
    [InlineData("127.0.0.1:9001", "127.0.0.1", 9001)]
    [InlineData("LocalHost:9001", "localhost", 9001)]
    public void InetPortAcceptsPortHostPortStarAndEmptyHost(string text, string host, int port)
    {
        Assert.Equal((host, port), ConfigValues.InetAddress(text).Value);
    }

    [Theory]
    [InlineData("abc", "not a valid port number: 'abc' ")]
    [InlineData("0", "not a valid port number: '0' ")]
    [InlineData("70000", "not a valid port number: '70000' ")]
    [InlineData("host:", "no port number specified in ''")]
    [InlineData("host:0", "0 is below lower bound (1)")]
    [InlineData("HOST:70000", "70000 is above upper bound (65535)")]
    [InlineData("h:x", "invalid literal for int() with base 10: 'x'")]
    public void InetPortErrorsAreTheReferences(string text, string error)
    {
        Assert.Equal(error, ConfigValues.InetAddress(text).Error);
    }
}
