using System.Net.Sockets;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Plugins;

/// <summary>A plugin that cannot be made stops start-up: exit 2, and stderr names the section, the key and the cause.</summary>
public sealed class PluginStartupErrorTests
{
    private const string Base = """
        [unix_http_server]
        file = {sock}

        [supervisord]
        logfile = {dir}/supervisord.log
        pidfile = {dir}/supervisord.pid
        plugins = {dir}/plugins

        """;

    private static async Task<(int ExitCode, string Stderr, string Log)> RunAsync(string sections)
    {
        using var dir = new TempDirectory();
        TestPlugins.Install(dir.File("plugins"), "FailingFactory", "JsonNew", "Mistakes", "NoDynamicLoading", "NewerAbstractions");
        var config = dir.Write("supervisord.conf", RunningDaemon.Expand(Base + sections, dir.Path, dir.File("s.sock"), 0));
        var (exitCode, _, stderr) = await DaemonProcess.RunToExitAsync("-n", "-c", config);
        var log = File.Exists(dir.File("supervisord.log")) ? await File.ReadAllTextAsync(dir.File("supervisord.log")) : "";
        return (exitCode, stderr, log);
    }

    [Fact]
    public async Task AFactoryThatThrowsNamesTheSectionAndTheCause()
    {
        var (exitCode, stderr, log) = await RunAsync("""
            [rpcinterface:failing]
            supervisor.rpcinterface_factory = TestPlugins.FailingFactory.Factory:Make
            endpoint = db.example
            """);
        Assert.Equal(2, exitCode);
        Assert.Contains("Error: [rpcinterface:failing] supervisor.rpcinterface_factory: the factory TestPlugins.FailingFactory.Factory.Make failed: InvalidOperationException: cannot reach db.example", stderr);
        Assert.Contains("For help, use ", stderr);
        Assert.Contains("WARN [rpcinterface:failing]", log);
    }

    [Fact]
    public async Task ASocketInUseIsReportedRatherThanAFactoryFailure()
    {
        // The reference opens its servers before it makes any rpcinterface; ours opens them alongside,
        // and reports the same error first. The other daemon's socket file is left alone.
        using var dir = new TempDirectory();
        TestPlugins.Install(dir.File("plugins"), "FailingFactory");
        using var other = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        other.Bind(new UnixDomainSocketEndPoint(dir.File("s.sock")));
        other.Listen();
        var sections = Base + """
            [rpcinterface:failing]
            supervisor.rpcinterface_factory = TestPlugins.FailingFactory.Factory:Make
            """;
        var config = dir.Write("supervisord.conf", RunningDaemon.Expand(sections, dir.Path, dir.File("s.sock"), 0));

        var (exitCode, _, stderr) = await DaemonProcess.RunToExitAsync("-n", "-c", config);

        Assert.Equal(2, exitCode);
        Assert.Contains("Error: Another program is already listening", stderr);
        Assert.DoesNotContain("cannot reach", stderr);
        Assert.True(File.Exists(dir.File("s.sock")));
    }

    [Fact]
    public async Task AnUnknownKeyIsNamed()
    {
        var (exitCode, stderr, _) = await RunAsync("""
            [rpcinterface:failing]
            supervisor.rpcinterface_factory = TestPlugins.FailingFactory.Factory:Make
            colour = blue
            """);
        Assert.Equal(2, exitCode);
        Assert.Contains("Error: [rpcinterface:failing] colour: unexpected key: the factory TestPlugins.FailingFactory.Factory.Make has no parameter named 'colour'", stderr);
    }

    [Fact]
    public async Task AValueThatDoesNotConvertIsNamed()
    {
        var (exitCode, stderr, _) = await RunAsync("""
            [rpcinterface:another]
            supervisor.rpcinterface_factory = my.package:make_another_rpcinterface
            retries = many
            """);
        Assert.Equal(2, exitCode);
        Assert.Contains("Error: [rpcinterface:another] retries: invalid literal for int() with base 10: 'many'", stderr);
    }

    [Fact]
    public async Task AMissingTypeIsNamed()
    {
        var (exitCode, stderr, _) = await RunAsync("""
            [rpcinterface:nosuch]
            supervisor.rpcinterface_factory = No.Such.Type:make
            """);
        Assert.Equal(2, exitCode);
        Assert.Contains("Error: [rpcinterface:nosuch] supervisor.rpcinterface_factory: No.Such.Type:make cannot be resolved within [rpcinterface:nosuch]: no plugin assembly defines a public type 'No.Such.Type'", stderr);
    }

    [Fact]
    public async Task AMissingMethodIsNamed()
    {
        var (exitCode, stderr, _) = await RunAsync("""
            [rpcinterface:json]
            supervisor.rpcinterface_factory = TestPlugins.JsonNew.Factory:make_it
            """);
        Assert.Equal(2, exitCode);
        Assert.Contains("TestPlugins.JsonNew.Factory has no public static method 'make_it'", stderr);
    }

    [Fact]
    public async Task AMissingFactoryKeyIsNamed()
    {
        var (exitCode, stderr, _) = await RunAsync("""
            [rpcinterface:bare]
            retries = 1
            """);
        Assert.Equal(2, exitCode);
        Assert.Contains("section [rpcinterface:bare] does not specify a supervisor.rpcinterface_factory", stderr);
    }

    [Fact]
    public async Task TheBuiltInFactoryAcceptsNoKeys()
    {
        var (exitCode, stderr, _) = await RunAsync("""
            [rpcinterface:supervisor]
            supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
            extra = 1
            """);
        Assert.Equal(2, exitCode);
        Assert.Contains("Error: [rpcinterface:supervisor] extra: unexpected key", stderr);
    }

    [Fact]
    public async Task ConfigErrorsAreAllReportedTogether()
    {
        var (exitCode, stderr, _) = await RunAsync("""
            [inet_http_server]
            port = notaport

            [rpcinterface:another]
            retries = 1
            """.Replace("{sock}", "x", StringComparison.Ordinal) + "\n[supervisord]\nloglevel = loud\n");
        Assert.Equal(2, exitCode);
        var errors = stderr.Split('\n').Where(l => l.StartsWith("Error: ", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count >= 3, stderr);
        Assert.Contains(errors, e => e.Contains("[inet_http_server] port", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("loud", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("[rpcinterface:another]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EveryProblemOfEveryPluginIsReportedInOneRun()
    {
        // Once one per start-up: the first bad method stopped it, and the author fixed them one run at a time.
        var (exitCode, stderr, log) = await RunAsync("""
            [rpcinterface:shapes]
            supervisor.rpcinterface_factory = TestPlugins.Mistakes.Factory:MakeBadShapes

            [rpcinterface:failing]
            supervisor.rpcinterface_factory = TestPlugins.FailingFactory.Factory:Make
            endpoint = db.example

            [rpcinterface:nodeps]
            supervisor.rpcinterface_factory = TestPlugins.NoDynamicLoading.Factory:Make
            """);
        Assert.Equal(2, exitCode);
        var errors = stderr.Split('\n').Where(l => l.StartsWith("Error: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Error: [rpcinterface:failing] supervisor.rpcinterface_factory: the factory TestPlugins.FailingFactory.Factory.Make failed", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Error: [rpcinterface:nodeps] supervisor.rpcinterface_factory: NoDynamicLoading needs Newtonsoft.Json 13.0.0.0, found neither in its folder", StringComparison.Ordinal) && e.Contains("<EnableDynamicLoading>true</EnableDynamicLoading>", StringComparison.Ordinal));
        foreach (var (method, cause) in new (string Method, string Cause)[] { ("ReturnsNothing", "it returns System.Void"), ("TakesARef", "parameter 'count' is by-reference"), ("Uptime", "its result type System.TimeSpan cannot be carried"), ("TakesAVersion", "parameter 'version' has type System.Version, which XML-RPC cannot carry") })
        {
            Assert.Contains($"Error: [rpcinterface:shapes] namespace 'shapes', method TestPlugins.Mistakes.BadShapes.{method}: {cause}", stderr);
            Assert.Contains($"WARN [rpcinterface:shapes] namespace 'shapes', method TestPlugins.Mistakes.BadShapes.{method}: {cause}", log);
        }

        Assert.Contains("For help, use supervisord -h", stderr);
    }

    [Fact]
    public async Task APluginBuiltWithoutEnableDynamicLoadingIsRefusedAtLoadTimeNotAtItsFirstCall()
    {
        var (exitCode, stderr, _) = await RunAsync("""
            [rpcinterface:nodeps]
            supervisor.rpcinterface_factory = TestPlugins.NoDynamicLoading.Factory:Make
            """);
        Assert.Equal(2, exitCode);
        Assert.Contains("NoDynamicLoading needs Newtonsoft.Json 13.0.0.0, found neither in its folder", stderr);
        Assert.DoesNotContain("FileNotFoundException", stderr);
    }

    [Fact]
    public async Task APluginsFolderThatDoesNotExistStopsStartUpNamingSectionAndKey()
    {
        using var dir = new TempDirectory();
        var config = dir.Write("supervisord.conf", RunningDaemon.Expand(Base.Replace("{dir}/plugins", "{dir}/plugin", StringComparison.Ordinal), dir.Path, dir.File("s.sock"), 0));
        var (exitCode, _, stderr) = await DaemonProcess.RunToExitAsync("-n", "-c", config);
        Assert.Equal(2, exitCode);
        Assert.Contains($"Error: [supervisord] plugins: {dir.Path}/plugin is not an existing directory", stderr);
    }

    [Fact]
    public async Task HelpAndErrorsNameTheCommandNotTheDll()
    {
        var (exitCode, stdout, _) = await DaemonProcess.RunToExitAsync("-h");
        Assert.Equal(0, exitCode);
        Assert.Contains("Usage: supervisord [options]", stdout);
        var (_, _, stderr) = await DaemonProcess.RunToExitAsync("-Z");
        Assert.Contains("For help, use supervisord -h", stderr);
        Assert.DoesNotContain(".dll", stderr);
    }

    [Fact]
    public async Task ANamespaceWithoutRpcMethodsIsAWarningInTheMainLog()
    {
        await using var daemon = await RunningDaemon.StartAsync(RunningDaemon.StandardSections + """
            [supervisord]
            plugins = {dir}/plugins

            [rpcinterface:forgotten]
            supervisor.rpcinterface_factory = TestPlugins.Mistakes.Factory:MakeForgotten
            """, dir => TestPlugins.Install(dir.File("plugins"), "Mistakes"));
        Assert.Contains("WARN [rpcinterface:forgotten] RPC interface 'forgotten' exposes no methods: TestPlugins.Mistakes.Forgotten has no public method marked [RpcMethod]", await File.ReadAllTextAsync(daemon.LogPath));
    }

    [Fact]
    public async Task APluginBuiltAgainstANewerAbstractionsIsRefusedSayingSo()
    {
        var (exitCode, stderr, _) = await RunAsync("""
            [rpcinterface:newer]
            supervisor.rpcinterface_factory = TestPlugins.NewerAbstractions.Factory:Make
            """);
        Assert.Equal(2, exitCode);
        Assert.Contains("Error: [rpcinterface:newer] supervisor.rpcinterface_factory: NewerAbstractions was built against Supervisor.Abstractions 99.0.0.0, but this host provides ", stderr);
        Assert.Contains("rebuild the plugin against the host's version", stderr);
    }
}
