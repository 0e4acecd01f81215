using Supervisor.Host.Config;

using Supervisor.Abstractions;

namespace Supervisor.Host.Tests.Config;

public sealed class CommandLineTests
{
    private static CommandLineOptions Parse(params string[] args)
    {
        var result = CommandLine.Parse(args);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Options;
    }

    private static List<string> Errors(params string[] args) =>
        CommandLine.Parse(args).Errors.Select(e => e.ToString()).ToList();

    [Fact]
    public void NoArgumentsSetNothing()
    {
        Assert.Equal(new CommandLineOptions(), Parse());
    }

    [Fact]
    public void ShortOptionsTakeTheirValueAttachedOrNext()
    {
        var options = Parse("-c", "/etc/s.conf", "-edebug", "-i", "id", "-a", "99", "-y", "1MB", "-z", "4", "-m", "077");
        Assert.Equal("/etc/s.conf", options.ConfigFile);
        Assert.Equal(MainLogLevel.Debug, options.Loglevel);
        Assert.Equal("id", options.Identifier);
        Assert.Equal(99, options.Minfds);
        Assert.Equal(1024 * 1024, options.LogfileMaxbytes);
        Assert.Equal(4, options.LogfileBackups);
        Assert.Equal(63, options.Umask);
    }

    [Fact]
    public void FlagsCanBeClustered()
    {
        var options = Parse("-nkts", "-c", "x.conf");
        Assert.True(options.Nodaemon);
        Assert.True(options.Nocleanup);
        Assert.True(options.StripAnsi);
        Assert.True(options.Silent);
        Assert.True(Parse("-ncx.conf").Nodaemon);
        Assert.Equal("x.conf", Parse("-ncx.conf").ConfigFile);
    }

    [Fact]
    public void LongOptionsAcceptEqualsOrNextArgumentAndUniquePrefixes()
    {
        var options = Parse("--configuration=/a.conf", "--loglevel", "warn", "--minp", "7", "--nod", "--user=root", "--strip", "--ident=x");
        Assert.Equal("/a.conf", options.ConfigFile);
        Assert.Equal(MainLogLevel.Warn, options.Loglevel);
        Assert.Equal(7, options.Minprocs);
        Assert.True(options.Nodaemon);
        Assert.Equal("root", options.User);
        Assert.True(options.StripAnsi);
        Assert.Equal("x", options.Identifier);
    }

    [Fact]
    public void PathOptionsAreChecked()
    {
        var options = Parse("-d", "/tmp", "-q", "/tmp", "-l", "/tmp/x.log", "-j", "rel.pid");
        Assert.Equal("/tmp", options.Directory);
        Assert.Equal("/tmp", options.Childlogdir);
        Assert.Equal("/tmp/x.log", options.Logfile);
        Assert.Equal("rel.pid", options.Pidfile);
    }

    [Fact]
    public void ProfileOptionsSplitCallers()
    {
        Assert.Equal(["cumulative"], Parse("--profile_options=Cumulative,callers").ProfileOptions!.SortOrders);
        Assert.True(Parse("--profile_options=calls,callers").ProfileOptions!.Callers);
    }

    [Theory]
    [InlineData("option -Z not recognized", "-Z")]
    [InlineData("option --bogus not recognized", "--bogus")]
    [InlineData("option --loglevel requires argument", "--loglevel")]
    [InlineData("option --log not a unique prefix", "--log")]
    [InlineData("option --nodaemon must not have an argument", "--nodaemon=1")]
    [InlineData("option -c requires argument", "-c")]
    [InlineData("option -: not recognized", "-:")]
    public void GetoptErrorsUseItsWording(string expected, string arg)
    {
        Assert.Equal([expected], Errors(arg));
    }

    [Theory]
    [InlineData("invalid value for -e 'foo': bad logging level name 'foo'", "-e", "foo")]
    [InlineData("invalid value for --loglevel 'foo': bad logging level name 'foo'", "--loglevel=foo", null)]
    [InlineData("invalid value for -a 'x': invalid literal for int() with base 10: 'x'", "-a", "x")]
    [InlineData("invalid value for --minprocs 'x': invalid literal for int() with base 10: 'x'", "--minprocs", "x")]
    [InlineData("invalid value for -m '9': 9 can not be converted to an octal type", "-m", "9")]
    [InlineData("invalid value for -d '/nonexist': /nonexist is not an existing directory", "-d", "/nonexist")]
    [InlineData("invalid value for -q '/nonexist': /nonexist is not an existing directory", "-q", "/nonexist")]
    [InlineData("invalid value for -l '/nonexist/x': The directory named as part of the path /nonexist/x does not exist", "-l", "/nonexist/x")]
    [InlineData("invalid value for -y '1xb': invalid literal for int() with base 10: '1xb'", "-y", "1xb")]
    [InlineData("invalid value for -z 'x': invalid literal for int() with base 10: 'x'", "-z", "x")]
    public void BadValuesNameTheOptionAndTheReason(string expected, string option, string? value)
    {
        var args = value is null ? new[] { option } : new[] { option, value };
        Assert.Equal([expected], Errors(args));
    }

    [Fact]
    public void SameOptionTwiceConflicts()
    {
        Assert.Equal(["conflicting command line option '-c'"], Errors("-c", "a", "-c", "b"));
        Assert.Equal(["conflicting command line option '--configuration'"], Errors("-c", "a", "--conf", "b"));
        Assert.Equal(["conflicting command line option '-n'"], Errors("-n", "-n"));
    }

    [Fact]
    public void AllValueErrorsAreReported()
    {
        Assert.Equal(
            ["invalid value for -e 'foo': bad logging level name 'foo'", "invalid value for -a 'x': invalid literal for int() with base 10: 'x'"],
            Errors("-e", "foo", "-a", "x"));
    }

    [Fact]
    public void PositionalArgumentsAreNotSupported()
    {
        Assert.Equal(["positional arguments are not supported: ['foo']"], Errors("foo"));
        Assert.Equal(["positional arguments are not supported: ['foo', '-n']"], Errors("-k", "foo", "-n"));
        Assert.Equal(["positional arguments are not supported: ['-n']"], Errors("--", "-n"));
    }

    [Theory]
    [InlineData("-h")]
    [InlineData("-?")]
    [InlineData("--help")]
    [InlineData("--he")]
    public void HelpIsRecognised(string arg)
    {
        Assert.True(Parse(arg).ShowHelp);
    }

    [Fact]
    public void VersionIsRecognised()
    {
        Assert.True(Parse("-v").ShowVersion);
        Assert.True(Parse("--version").ShowVersion);
    }

    [Fact]
    public void DefaultSearchPathsFollowTheExecutablePrefix()
    {
        Assert.Equal(
            ["/opt/sv/etc/supervisord.conf", "/opt/sv/supervisord.conf", "supervisord.conf", "etc/supervisord.conf", "/etc/supervisord.conf", "/etc/supervisor/supervisord.conf"],
            ConfigFileLocator.DefaultSearchPaths("/opt/sv/bin/supervisord"));
        Assert.Equal("etc/supervisord.conf", ConfigFileLocator.DefaultSearchPaths("supervisord")[0]);
    }

    [Fact]
    public void FirstExistingCandidateWins()
    {
        Assert.Equal("b", ConfigFileLocator.Find(["a", "b", "c"], p => p != "a").Value);
    }

    [Fact]
    public void NoCandidateIsTheReferenceError()
    {
        Assert.Equal(
            "No config file found at default paths (a, b); use the -c option to specify a config file at a different path",
            ConfigFileLocator.Find(["a", "b"], _ => false).Error);
    }
}

public sealed class ConfigErrorFormatterTests
{
    [Fact]
    public void OneErrorLinePerErrorThenTheHelpLine()
    {
        var text = ConfigErrorFormatter.Format(
            [
                new ConfigError("inet_http_server", "port", "not a valid port number: 'abc' "),
                new ConfigError(null, null, "option -Z not recognized"),
            ],
            "/usr/bin/supervisord");
        Assert.Equal(
            "Error: [inet_http_server] port: not a valid port number: 'abc' \nError: option -Z not recognized\nFor help, use /usr/bin/supervisord -h\n",
            text);
    }

    [Fact]
    public void SectionWithoutKeyIsShownAlone()
    {
        Assert.Equal("[include] x", new ConfigError("include", null, "x").ToString());
    }
}
