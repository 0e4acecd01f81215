using Supervisor.Host.Processes.Spawning;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Processes;

/// <summary>
/// The reference's <c>Subprocess.get_execv_args</c> and <c>ServerOptions.check_execv_args</c>: splitting, the PATH
/// search and the reference's spawnerr texts.
/// </summary>
public sealed class CommandResolverTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];
    private static readonly Dictionary<string, string> DaemonPath = new() { ["PATH"] = "/usr/bin:/bin" };

    [Fact]
    public void AnUnclosedQuoteIsAParseErrorWithThePythonReprOfTheCommand()
    {
        var single = CommandResolver.Resolve("echo 'abc", NoEnvironment, DaemonPath);
        Assert.Equal("can't parse command \"echo 'abc\": No closing quotation", single.Error);
        Assert.Equal(CommandProblem.NotExecutable, single.Problem);
        Assert.Null(single.Command);

        var both = CommandResolver.Resolve("echo \"it's", NoEnvironment, DaemonPath);
        Assert.Equal("can't parse command 'echo \"it\\'s': No closing quotation", both.Error);

        var escape = CommandResolver.Resolve("echo abc\\", NoEnvironment, DaemonPath);
        Assert.Equal("can't parse command 'echo abc\\\\': No escaped character", escape.Error);
        Assert.Equal(CommandProblem.NotExecutable, escape.Problem);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \t\n ")]
    public void NoWordsIsAnEmptyCommand(string command)
    {
        var resolution = CommandResolver.Resolve(command, NoEnvironment, DaemonPath);
        Assert.Equal("command is empty", resolution.Error);
        Assert.Equal(CommandProblem.NotExecutable, resolution.Problem);
    }

    [Fact]
    public void WordsAreSplitAsPythonShlexSplitDoes()
    {
        var resolution = CommandResolver.Resolve("/bin/echo a\\ b \"x\\\"y\" 'p\\q' \"d\\q\" '' \"\" $HOME *.txt a'b'c #x", NoEnvironment, DaemonPath);
        Assert.Equal(CommandProblem.None, resolution.Problem);
        Assert.Equal("/bin/echo", resolution.Command!.Path);
        Assert.Equal(["/bin/echo", "a b", "x\"y", "p\\q", "d\\q", "", "", "$HOME", "*.txt", "abc", "#x"], resolution.Command.Argv);
    }

    [Fact]
    public void AMissingProgramIsNoFileWithThePathAsGivenOrTheBareWord()
    {
        var withSlash = CommandResolver.Resolve("/nonexistent/prog -x", NoEnvironment, DaemonPath);
        Assert.Equal("can't find command '/nonexistent/prog'", withSlash.Error);
        Assert.Equal(CommandProblem.NoFile, withSlash.Problem);

        var bare = CommandResolver.Resolve("no-such-program-here", NoEnvironment, DaemonPath);
        Assert.Equal("can't find command 'no-such-program-here'", bare.Error);
        Assert.Equal(CommandProblem.NoFile, bare.Problem);
    }

    [Fact]
    public void ADirectoryAndAFileWithoutExecuteBitsAreNotExecutable()
    {
        using var dir = new TempDirectory();
        var directory = CommandResolver.Resolve(dir.Path, NoEnvironment, DaemonPath);
        Assert.Equal($"command at '{dir.Path}' is a directory", directory.Error);
        Assert.Equal(CommandProblem.NotExecutable, directory.Problem);

        var script = dir.Write("script", "#!/bin/sh\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var plain = CommandResolver.Resolve(script + " arg", NoEnvironment, DaemonPath);
        Assert.Equal($"command at '{script}' is not executable", plain.Error);
        Assert.Equal(CommandProblem.NotExecutable, plain.Problem);

        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherExecute);
        var anyBit = CommandResolver.Resolve(script, NoEnvironment, DaemonPath);
        if (Environment.UserName == "root")
        {
            // access(X_OK) succeeds for root when any execute bit is set.
            Assert.Equal(CommandProblem.None, anyBit.Problem);
        }
        else
        {
            Assert.Equal($"no permission to run command '{script}'", anyBit.Error);
            Assert.Equal(CommandProblem.NotExecutable, anyBit.Problem);
        }
    }

    [Fact]
    public void TheProgramsPathWinsThenTheDaemonsThenTheFixedList()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        var inFirst = first.Write("tool", "#!/bin/sh\n");
        var inSecond = second.Write("tool", "#!/bin/sh\n");
        File.SetUnixFileMode(inFirst, (UnixFileMode)Convert.ToInt32("755", 8));
        File.SetUnixFileMode(inSecond, (UnixFileMode)Convert.ToInt32("755", 8));

        var program = new Dictionary<string, string> { ["PATH"] = $"/nonexistent:{second.Path}:{first.Path}" };
        var daemon = new Dictionary<string, string> { ["PATH"] = first.Path };
        Assert.Equal(inSecond, CommandResolver.Resolve("tool -v", program, daemon).Command!.Path);
        Assert.Equal(["tool", "-v"], CommandResolver.Resolve("tool -v", program, daemon).Command!.Argv);
        Assert.Equal(inFirst, CommandResolver.Resolve("tool", NoEnvironment, daemon).Command!.Path);

        // Neither sets PATH (or the daemon's is empty): /bin, /usr/bin, /usr/local/bin.
        Assert.Equal("/bin/sh", CommandResolver.Resolve("sh", NoEnvironment, NoEnvironment).Command!.Path);
        Assert.Equal("/bin/sh", CommandResolver.Resolve("sh", NoEnvironment, new Dictionary<string, string> { ["PATH"] = "" }).Command!.Path);
        Assert.Equal("can't find command 'tool'", CommandResolver.Resolve("tool", NoEnvironment, NoEnvironment).Error);

        // A program PATH that is set but empty searches the current directory only ("" joined with the word).
        Assert.Equal("can't find command 'tool'", CommandResolver.Resolve("tool", new Dictionary<string, string> { ["PATH"] = "" }, daemon).Error);
    }

    [Fact]
    public void TheFirstPathEntryThatExistsWinsEvenWhenItIsNotExecutable()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        var notExecutable = first.Write("tool", "#!/bin/sh\n");
        File.SetUnixFileMode(notExecutable, UnixFileMode.UserRead);
        File.SetUnixFileMode(second.Write("tool", "#!/bin/sh\n"), (UnixFileMode)Convert.ToInt32("755", 8));

        var program = new Dictionary<string, string> { ["PATH"] = $"{first.Path}:{second.Path}" };
        var resolution = CommandResolver.Resolve("tool", program, DaemonPath);
        Assert.Equal($"command at '{notExecutable}' is not executable", resolution.Error);
    }
}
