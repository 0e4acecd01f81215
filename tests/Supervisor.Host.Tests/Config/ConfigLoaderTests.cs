using Supervisor.Host.Config;

using Supervisor.Abstractions;

namespace Supervisor.Host.Tests.Config;

public sealed class ConfigLoaderTests : IDisposable
{
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["HOME"] = "/root",
        ["TMPDIR"] = "/tmp",
        ["SITE"] = "example",
    };

    private readonly TempConfigDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private ConfigLoadResult Load(string text, CommandLineOptions? overrides = null)
    {
        var path = _directory.Write("supervisord.conf", text);
        return ConfigLoader.Load(path, overrides, Environment, hostNodeName: "node1", workingDirectory: "/work/dir");
    }

    private SupervisordConfig LoadOk(string text, CommandLineOptions? overrides = null)
    {
        var result = Load(text, overrides);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Empty(result.Errors);
        return result.Config!;
    }

    private List<string> Errors(string text, CommandLineOptions? overrides = null)
    {
        var result = Load(text, overrides);
        Assert.Null(result.Config);
        return result.Errors.Select(e => e.ToString()).ToList();
    }

    [Fact]
    public void EmptySupervisordSectionGivesTheReferenceDefaults()
    {
        var config = LoadOk("[supervisord]\n");
        var options = config.Supervisord;
        Assert.Equal("/work/dir/supervisord.log", options.Logfile);
        Assert.Equal("/work/dir/supervisord.pid", options.Pidfile);
        Assert.Equal(50 * 1024 * 1024, options.LogfileMaxbytes);
        Assert.Equal(10, options.LogfileBackups);
        Assert.Equal(MainLogLevel.Info, options.Loglevel);
        Assert.Equal(18, options.Umask);
        Assert.False(options.Nodaemon);
        Assert.False(options.Silent);
        Assert.Equal(1024, options.Minfds);
        Assert.Equal(200, options.Minprocs);
        Assert.False(options.Nocleanup);
        Assert.Equal("/tmp", options.Childlogdir);
        Assert.Null(options.User);
        Assert.Null(options.Directory);
        Assert.False(options.StripAnsi);
        Assert.Empty(options.Environment);
        Assert.Equal("supervisor", options.Identifier);
        Assert.Null(options.Plugins);
        Assert.Empty(config.UnixServers);
        Assert.Empty(config.InetServers);
        Assert.Empty(config.RpcInterfaces);
        Assert.Equal(System.IO.Path.Combine(_directory.Path, "supervisord.conf"), config.ConfigFile);
        Assert.Equal(_directory.Path, config.Here);
    }

    [Fact]
    public void EveryKeyIsReadAndTyped()
    {
        Directory.CreateDirectory(_directory.Path + "/plugins");
        var config = LoadOk(
            """
            [supervisord]
            Logfile = %(here)s/main.log
            logfile_maxbytes = 1KB
            logfile_backups = 3
            loglevel = DEBUG
            pidfile = /tmp/sd.pid
            umask = 077
            nodaemon = true
            silent = yes
            minfds = 2048
            minprocs = 1_000
            nocleanup = on
            childlogdir = /tmp
            user = root
            directory = /tmp
            strip_ansi = 1
            environment = A="x,y",B=%(ENV_SITE)s
            identifier = %(ENV_SITE)s-sup
            plugins = plugins
            """);
        var options = config.Supervisord;
        Assert.Equal(_directory.Path + "/main.log", options.Logfile);
        Assert.Equal(1024, options.LogfileMaxbytes);
        Assert.Equal(3, options.LogfileBackups);
        Assert.Equal(MainLogLevel.Debug, options.Loglevel);
        Assert.Equal("/tmp/sd.pid", options.Pidfile);
        Assert.Equal(63, options.Umask);
        Assert.True(options.Nodaemon);
        Assert.True(options.Silent);
        Assert.Equal(2048, options.Minfds);
        Assert.Equal(1000, options.Minprocs);
        Assert.True(options.Nocleanup);
        Assert.Equal("/tmp", options.Childlogdir);
        Assert.Equal("root", options.User);
        Assert.Equal(0, options.Uid);
        Assert.Equal(0, options.Gid);
        Assert.Equal("/tmp", options.Directory);
        Assert.True(options.StripAnsi);
        Assert.Equal(["A", "B"], options.Environment.Keys);
        Assert.Equal("x,y", options.Environment["A"]);
        Assert.Equal("example", options.Environment["B"]);
        Assert.Equal("example-sup", options.Identifier);
        Assert.Equal(_directory.Path + "/plugins", options.Plugins);
    }

    [Fact]
    public void PluginsFolderMayBeAbsoluteOrUseHere()
    {
        Directory.CreateDirectory(_directory.Path + "/p");
        Assert.Equal(_directory.Path + "/p", LoadOk($"[supervisord]\nplugins={_directory.Path}/p/\n").Supervisord.Plugins);
        Assert.Equal(_directory.Path + "/p", LoadOk("[supervisord]\nplugins=%(here)s/p\n").Supervisord.Plugins);
    }

    [Fact]
    public void APluginsFolderThatDoesNotExistIsAnErrorNamingTheKey()
    {
        // Once silently ignored: every plugin in it was then "not found", with no word about the typo.
        var error = Assert.Single(Errors("[supervisord]\nplugins=%(here)s/plugin\n"));
        Assert.Equal($"[supervisord] plugins: {_directory.Path}/plugin is not an existing directory", error);
    }

    [Fact]
    public void SyslogLogfileIsKeptAsAKeyword()
    {
        Assert.Equal("syslog", LoadOk("[supervisord]\nlogfile=syslog\n").Supervisord.Logfile);
    }

    [Fact]
    public void DefaultSectionSuppliesSupervisordKeys()
    {
        Assert.Equal("fromdefault", LoadOk("[DEFAULT]\nidentifier=fromdefault\n[supervisord]\n").Supervisord.Identifier);
    }

    [Fact]
    public void AllErrorsAreReportedTogetherInReferenceOrder()
    {
        var errors = Errors(
            """
            [supervisord]
            loglevel = foo
            minfds = abc
            nodaemon = maybe
            [inet_http_server]
            port = abc
            [unix_http_server]
            chmod = 999
            """);
        Assert.Equal(
            [
                "[supervisord] minfds: invalid literal for int() with base 10: 'abc'",
                "[supervisord] loglevel: bad logging level name 'foo'",
                "[supervisord] nodaemon: not a valid boolean value: 'maybe'",
                "[inet_http_server] port: not a valid port number: 'abc' ",
                "[unix_http_server] file: section [unix_http_server] has no file value",
                "[unix_http_server] chmod: Invalid chmod value 999",
            ],
            errors);
    }

    [Theory]
    [InlineData("directory=/nonexist", "[supervisord] directory: /nonexist is not an existing directory")]
    [InlineData("childlogdir=/nonexist", "[supervisord] childlogdir: /nonexist is not an existing directory")]
    [InlineData("logfile=/nonexist/x.log", "[supervisord] logfile: The directory named as part of the path /nonexist/x.log does not exist")]
    [InlineData("pidfile=/nonexist/x.pid", "[supervisord] pidfile: The directory named as part of the path /nonexist/x.pid does not exist")]
    [InlineData("umask=8", "[supervisord] umask: 8 can not be converted to an octal type")]
    [InlineData("logfile_maxbytes=10xb", "[supervisord] logfile_maxbytes: invalid literal for int() with base 10: '10xb'")]
    [InlineData("logfile_backups=x", "[supervisord] logfile_backups: invalid literal for int() with base 10: 'x'")]
    [InlineData("minprocs=x", "[supervisord] minprocs: invalid literal for int() with base 10: 'x'")]
    [InlineData("silent=x", "[supervisord] silent: not a valid boolean value: 'x'")]
    [InlineData("nocleanup=x", "[supervisord] nocleanup: not a valid boolean value: 'x'")]
    [InlineData("strip_ansi=x", "[supervisord] strip_ansi: not a valid boolean value: 'x'")]
    [InlineData("user=nosuchuser_xyz", "[supervisord] user: Invalid user name nosuchuser_xyz")]
    [InlineData("environment=A=foo@bar", "[supervisord] environment: Unexpected end of key/value pairs in value 'A=foo@bar'")]
    public void EachSupervisordKeyReportsItsTypeError(string line, string expected)
    {
        Assert.Equal([expected], Errors("[supervisord]\n" + line + "\n"));
    }

    [Fact]
    public void UnknownExpansionNameNamesTheSectionAndKey()
    {
        var errors = Load("[supervisord]\nlogfile=%(nope)s/x\n").Errors;
        var error = Assert.Single(errors);
        Assert.Equal("supervisord", error.Section);
        Assert.Equal("logfile", error.Key);
        Assert.Equal(
            "Format string '%(nope)s/x' for 'supervisord.logfile' contains names ('nope') which cannot be expanded. Available names: ENV_HOME, ENV_SITE, ENV_TMPDIR, here",
            error.Message);
    }

    [Fact]
    public void SupervisordEnvironmentIsExpandedTwice()
    {
        var config = LoadOk("[supervisord]\nenvironment=PCT=\"%%%%\",H=%(here)s\n");
        Assert.Equal("%", config.Supervisord.Environment["PCT"]);
        Assert.Equal(_directory.Path, config.Supervisord.Environment["H"]);
    }

    [Fact]
    public void SupervisordEnvironmentFirstPassDoesNotKnowHostNodeName()
    {
        var error = Assert.Single(Load("[supervisord]\nenvironment=N=%(host_node_name)s\n").Errors);
        Assert.StartsWith("Format string 'N=%(host_node_name)s' for 'supervisord.environment' contains names ('host_node_name')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SupervisordEnvironmentKeysBecomeEnvNamesForLaterSections()
    {
        var config = LoadOk(
            "[supervisord]\nenvironment=TOKEN=abc,SITE=override\n" +
            "[rpcinterface:x]\nsupervisor.rpcinterface_factory = m:f\ntoken=%(ENV_TOKEN)s\nsite=%(ENV_SITE)s\n");
        Assert.Equal("abc", config.RpcInterfaces[0].Values["token"]);
        Assert.Equal("override", config.RpcInterfaces[0].Values["site"]);
        Assert.Equal("abc", config.EnvironmentNames["ENV_TOKEN"]);
    }

    [Fact]
    public void MissingSupervisordSectionIsAnError()
    {
        Assert.Equal([".ini file does not include supervisord section"], Errors("[inet_http_server]\nport=9001\n"));
    }

    [Fact]
    public void MissingFileCannotBeFound()
    {
        var missing = System.IO.Path.Combine(_directory.Path, "nope.conf");
        var result = ConfigLoader.Load(missing, null, Environment);
        Assert.Equal($"could not find config file {missing}", Assert.Single(result.Errors).Message);
    }

    [Fact]
    public void DirectoryCannotBeRead()
    {
        var result = ConfigLoader.Load(_directory.Path, null, Environment);
        Assert.Equal($"could not read config file {_directory.Path}", Assert.Single(result.Errors).Message);
    }

    [Fact]
    public void ParseErrorNamesTheFileAsGiven()
    {
        _directory.Write("bad.conf", "[supervisord]\ngarbage line here\n");
        var relative = System.IO.Path.GetRelativePath(Directory.GetCurrentDirectory(), System.IO.Path.Combine(_directory.Path, "bad.conf"));
        var result = ConfigLoader.Load(relative, null, Environment);
        Assert.Equal(
            $"Source contains parsing errors: '{relative}'\n\t[line  2]: 'garbage line here\\n'",
            Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void InetServersReadHostPortAndCredentials()
    {
        var config = LoadOk(
            "[supervisord]\n[inet_http_server]\nport=*:9001\nusername=user\npassword={SHA}abc\n" +
            "[inet_http_server:second]\nport=LocalHost:9002\n");
        Assert.Equal(
            [
                new InetHttpServerConfig("inet_http_server", null, string.Empty, 9001, "user", "{SHA}abc"),
                new InetHttpServerConfig("inet_http_server:second", "second", "localhost", 9002, null, null),
            ],
            config.InetServers);
    }

    [Fact]
    public void InetServerNeedsAPort()
    {
        Assert.Equal(["[inet_http_server] port: section [inet_http_server] has no port value"], Errors("[supervisord]\n[inet_http_server]\n"));
    }

    [Fact]
    public void UnixServerDefaultsAndPathResolution()
    {
        var config = LoadOk("[supervisord]\n[unix_http_server]\nfile = %(here)s/../sock/./s.sock \n");
        var server = Assert.Single(config.UnixServers);
        var parent = System.IO.Path.GetDirectoryName(_directory.Path)!;
        Assert.Equal(new UnixHttpServerConfig("unix_http_server", null, parent + "/sock/s.sock", Convert.ToInt32("700", 8), -1, -1, null, null), server);
    }

    [Fact]
    public void UnixServerRelativeFileIsAgainstTheWorkingDirectory()
    {
        Assert.Equal("/work/dir/run/s.sock", LoadOk("[supervisord]\n[unix_http_server]\nfile=run/s.sock\n").UnixServers[0].File);
    }

    [Fact]
    public void UnixServerChmodAndChown()
    {
        var server = LoadOk("[supervisord]\n[unix_http_server]\nfile=/tmp/s.sock\nchmod=0777\nchown=root:root\n").UnixServers[0];
        Assert.Equal(Convert.ToInt32("777", 8), server.Chmod);
        Assert.Equal((0, 0), (server.ChownUid, server.ChownGid));
        Assert.Equal(
            ["[unix_http_server] chown: Invalid sockchown value nosuchuser_xyz"],
            Errors("[supervisord]\n[unix_http_server]\nfile=/tmp/s.sock\nchown=nosuchuser_xyz\n"));
    }

    [Fact]
    public void UnixServerOtherKeysDoNotKnowHere()
    {
        var error = Assert.Single(Load("[supervisord]\n[unix_http_server]\nfile=/tmp/s\nusername=%(here)s\npassword=p\n").Errors);
        Assert.Equal("unix_http_server", error.Section);
        Assert.Equal("username", error.Key);
        Assert.Contains("for 'unix_http_server.username' contains names ('here')", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("username=u")]
    [InlineData("password=p")]
    public void CredentialsNeedBothUsernameAndPassword(string line)
    {
        var error = Assert.Single(Load("[supervisord]\n[inet_http_server]\nport=9001\n" + line + "\n").Errors);
        Assert.Equal(
            "Section [inet_http_server] contains incomplete authentication: If a username or a password is specified, both the username and password must be specified",
            error.Message);
    }

    [Fact]
    public void RpcInterfaceKeepsExtraKeysInOrderWithDefaults()
    {
        var config = LoadOk(
            "[DEFAULT]\nshared=d\n[supervisord]\n" +
            "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n" +
            "[rpcinterface:another]\nRetries = 5\nsupervisor.rpcinterface_factory = %(ENV_SITE)s.mod:make\nhome=%(ENV_HOME)s/x\n");
        Assert.Equal(["supervisor", "another"], config.RpcInterfaces.Select(r => r.Name));
        var another = config.RpcInterfaces[1];
        Assert.Equal("rpcinterface:another", another.Section);
        Assert.Equal("example.mod:make", another.FactorySpec);
        Assert.Equal(["retries", "home", "shared"], another.Values.Keys);
        Assert.Equal("5", another.Values["retries"]);
        Assert.Equal("/root/x", another.Values["home"]);
        Assert.Equal("d", another.Values["shared"]);
        Assert.Equal(System.IO.Path.Combine(_directory.Path, "supervisord.conf"), another.File);
    }

    [Fact]
    public void RpcInterfaceWithoutFactoryIsAnError()
    {
        Assert.Equal(
            ["[rpcinterface:x] supervisor.rpcinterface_factory: section [rpcinterface:x] does not specify a supervisor.rpcinterface_factory"],
            Errors("[supervisord]\n[rpcinterface:x]\nfoo=bar\n"));
    }

    [Fact]
    public void RpcInterfaceValuesDoNotKnowHereWithoutInclude()
    {
        var error = Assert.Single(Load("[supervisord]\n[rpcinterface:x]\nsupervisor.rpcinterface_factory=m:f\npath=%(here)s/x\n").Errors);
        Assert.Equal(
            "Format string '%(here)s/x' for 'rpcinterface:x.path' contains names ('here') which cannot be expanded. Available names: ENV_HOME, ENV_SITE, ENV_TMPDIR",
            error.Message);
    }

    [Fact]
    public void CommandLineOverridesTheFile()
    {
        var overrides = new CommandLineOptions
        {
            Nodaemon = true,
            Identifier = "cli",
            Loglevel = MainLogLevel.Trace,
            Logfile = "cli.log",
            Minfds = 5,
            Umask = 0,
        };
        var options = LoadOk("[supervisord]\nnodaemon=false\nidentifier=file\nloglevel=error\nlogfile=/tmp/file.log\nminfds=7\n", overrides).Supervisord;
        Assert.True(options.Nodaemon);
        Assert.Equal("cli", options.Identifier);
        Assert.Equal(MainLogLevel.Trace, options.Loglevel);
        Assert.Equal("/work/dir/cli.log", options.Logfile);
        Assert.Equal(5, options.Minfds);
        Assert.Equal(0, options.Umask);
    }

    [Fact]
    public void FileValuesAreValidatedEvenWhenTheCommandLineOverridesThem()
    {
        Assert.Equal(
            ["[supervisord] loglevel: bad logging level name 'foo'"],
            Errors("[supervisord]\nloglevel=foo\n", new CommandLineOptions { Loglevel = MainLogLevel.Info }));
    }

    [Fact]
    public void InvalidCommandLineUserHasNoSection()
    {
        var error = Assert.Single(Load("[supervisord]\nuser=root\n", new CommandLineOptions { User = "nosuchuser_xyz" }).Errors);
        Assert.Equal(new ConfigError(null, null, "Invalid user name nosuchuser_xyz"), error);
    }

    [Fact]
    public void DocumentKeepsUnknownSections()
    {
        var config = LoadOk("[supervisord]\n[program:web]\ncommand=/bin/cat\n[Program:x]\nfoo=bar\n");
        Assert.Equal("/bin/cat", config.Document.Get("program:web", "command"));
        Assert.NotNull(config.Document.Find("Program:x"));
        Assert.Equal("node1", config.HostNodeName);
    }

    [Fact]
    public void LoadForCommandLineUsesTheConfigurationOption()
    {
        var path = _directory.Write("cli.conf", "[supervisord]\nidentifier=file\n");
        var parsed = CommandLine.Parse(["-c", path, "-i", "cli", "-n"]);
        var result = ConfigLoader.LoadForCommandLine(parsed.Options, "/usr/bin/supervisord", Environment);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal("cli", result.Config!.Supervisord.Identifier);
        Assert.True(result.Config.Supervisord.Nodaemon);
        Assert.Equal(path, result.Config.ConfigFile);
    }
}
