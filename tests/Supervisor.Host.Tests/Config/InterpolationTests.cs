using Supervisor.Abstractions;
using Supervisor.Host.Config;

namespace Supervisor.Host.Tests.Config;

public sealed class InterpolationTests
{
    private static readonly Dictionary<string, object> Names = new()
    {
        ["here"] = "/etc/supervisor",
        ["program_name"] = "web",
        ["process_num"] = 3L,
        ["numprocs"] = 10,
        ["ENV_HOME"] = "/root",
    };

    private static string Expand(string value) => Interpolation.Expand(value, Names, "program:web.command").Value!;

    private static string Error(string value) => Interpolation.Expand(value, Names, "program:web.command").Error!;

    [Theory]
    [InlineData("%(here)s/x", "/etc/supervisor/x")]
    [InlineData("%(process_num)d", "3")]
    [InlineData("%(process_num)02d", "03")]
    [InlineData("%(numprocs)s", "10")]
    [InlineData("100%%", "100%")]
    [InlineData("%(program_name)r", "'web'")]
    [InlineData("%(program_name)5s|", "  web|")]
    [InlineData("%(program_name)-5s|", "web  |")]
    [InlineData("%(program_name).1s", "w")]
    [InlineData("%(process_num)+d", "+3")]
    [InlineData("%(process_num)5.3d|", "  003|")]
    [InlineData("%(process_num)#x", "0x3")]
    [InlineData("%(ENV_HOME)s/.cache", "/root/.cache")]
    [InlineData("no names", "no names")]
    public void ExpandsLikePythonPercentFormatting(string value, string expected)
    {
        Assert.Equal(expected, Expand(value));
    }

    [Fact]
    public void UnknownNameListsTheSortedAvailableNames()
    {
        Assert.Equal(
            "Format string '%(nope)s' for 'program:web.command' contains names ('nope') which cannot be expanded. Available names: ENV_HOME, here, numprocs, process_num, program_name",
            Error("%(nope)s"));
    }

    [Theory]
    [InlineData("echo 100%", "incomplete format")]
    [InlineData("%(here)", "incomplete format")]
    [InlineData("%(here", "incomplete format key")]
    [InlineData("%(program_name)d", "%d format: a real number is required, not str")]
    [InlineData("%(program_name)x", "%x format: an integer is required, not str")]
    [InlineData("%(here)q", "unsupported format character 'q' (0x71) at index 7")]
    [InlineData("%(here)é", "unsupported format character '?' (0xe9) at index 7")]
    [InlineData("%s %s", "not enough arguments for format string")]
    public void BadFormatsGiveThePythonReason(string value, string reason)
    {
        Assert.Equal($"Format string {PythonText.Repr(value)} for 'program:web.command' is badly formatted: {reason}", Error(value));
    }

    [Fact]
    public void SubstitutedTextIsNotRescanned()
    {
        var names = new Dictionary<string, object> { ["a"] = "%(b)s" };
        Assert.Equal("%(b)s", Interpolation.Expand("%(a)s", names, "x").Value);
    }

    [Fact]
    public void EnvironmentNamesArePrefixedAndKeepCase()
    {
        var names = Interpolation.EnvironmentNames(new Dictionary<string, string> { ["Path"] = "/bin" });
        Assert.Equal("/bin", names["ENV_Path"]);
    }

    [Fact]
    public void ValueWithQuoteIsReprWithDoubleQuotes()
    {
        Assert.StartsWith("Format string \"it's %(x)s\" for 'x'", Interpolation.Expand("it's %(x)s", Names, "x").Error, StringComparison.Ordinal);
    }
}
