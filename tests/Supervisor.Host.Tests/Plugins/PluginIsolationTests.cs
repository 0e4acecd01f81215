using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Plugins;

/// <summary>Real plugin assemblies loaded by the real daemon, each in its own load context.</summary>
public sealed class PluginIsolationTests
{
    private const string PluginSections = RunningDaemon.StandardSections + """
        [supervisord]
        plugins = {dir}/plugins

        [rpcinterface:jsonold]
        supervisor.rpcinterface_factory = TestPlugins.JsonOld.Factory:make

        [rpcinterface:jsonnew]
        supervisor.rpcinterface_factory = TestPlugins.JsonNew.Factory:make

        [rpcinterface:throwing]
        supervisor.rpcinterface_factory = testplugins.throwing.factory:make

        [rpcinterface:own]
        supervisor.rpcinterface_factory = TestPlugins.OwnAbstractions.Factory:Make
        colour = blue
        """;

    private static Task<RunningDaemon> StartAsync() =>
        RunningDaemon.StartAsync(PluginSections, dir => TestPlugins.Install(dir.File("plugins"), "JsonOld", "JsonNew", "Throwing", "OwnAbstractions"));

    [Fact]
    public async Task TwoPluginsUseTwoVersionsOfOneLibrary()
    {
        await using var daemon = await StartAsync();
        Assert.Equal("12.0.0.0", await daemon.Unix.ValueAsync("jsonold.jsonVersion"));
        Assert.Equal("13.0.0.0", await daemon.Unix.ValueAsync("jsonnew.jsonVersion"));
        Assert.Equal("{\"a\":1}", await daemon.Tcp.ValueAsync("jsonnew.serialize", new Dictionary<string, object?> { ["a"] = 1 }));
    }

    [Fact]
    public async Task AThrowingPluginGivesFaultsAndTheDaemonKeepsServing()
    {
        await using var daemon = await StartAsync();
        var boom = await daemon.Unix.FaultAsync("throwing.boom");
        Assert.Equal((30, "FAILED: InvalidOperationException: kaboom"), (boom.Code, boom.String));
        Assert.Equal(30, (await daemon.Unix.FaultAsync("throwing.boomLater")).Code);
        Assert.Equal(30, (await daemon.Unix.FaultAsync("throwing.nullDeref")).Code);
        var custom = await daemon.Unix.FaultAsync("throwing.customFault");
        Assert.Equal((4242, "TEAPOT: short and stout"), (custom.Code, custom.String));
        var unencodable = await daemon.Unix.FaultAsync("throwing.unencodable");
        Assert.Equal(30, unencodable.Code);
        var cycle = await daemon.Unix.FaultAsync("throwing.frozenCycle");
        Assert.Equal(30, cycle.Code);
        Assert.Contains("nested deeper than", cycle.String);
        Assert.Equal("RUNNING", ((Dictionary<string, object?>)(await daemon.Unix.ValueAsync("supervisor.getState"))!)["statename"]);
        Assert.Contains("CRIT XML-RPC method throwing.boom() raised an unexpected exception", await File.ReadAllTextAsync(daemon.LogPath));
    }

    [Fact]
    public async Task AResultThatFailsWhileBeingWrittenIsAFailedFaultNotAnHttpError()
    {
        // Found by the fuzz harness (tests/Supervisor.Fuzz): only the codec's own exceptions became a fault,
        // so a plugin's getter or lazy sequence throwing anything else while the answer was written was a 500.
        await using var daemon = await StartAsync();
        var getter = await daemon.Unix.FaultAsync("throwing.brokenGetter");
        Assert.Equal((30, "FAILED: result cannot be encoded: Object reference not set to an instance of an object."), (getter.Code, getter.String));
        var lazy = await daemon.Tcp.FaultAsync("throwing.lazyFailure");
        Assert.Equal((30, "FAILED: result cannot be encoded: The given key 'two' was not present in the dictionary."), (lazy.Code, lazy.String));
        Assert.Equal("RUNNING", ((Dictionary<string, object?>)(await daemon.Unix.ValueAsync("supervisor.getState"))!)["statename"]);
        Assert.Contains("CRIT XML-RPC result could not be encoded: System.Collections.Generic.KeyNotFoundException", await File.ReadAllTextAsync(daemon.LogPath));
    }

    [Fact]
    public async Task ControlCharactersInResultsStillGiveWellFormedXml()
    {
        await using var daemon = await StartAsync();
        var text = (string)(await daemon.Unix.ValueAsync("throwing.controlCharacters"))!;
        Assert.StartsWith("bell\uFFFD escape\uFFFD[31m nul\uFFFD lone\uFFFD ok", text);
    }

    [Fact]
    public async Task APluginShippingItsOwnAbstractionsStillSharesTheHostTypes()
    {
        await using var daemon = await StartAsync();
        Assert.True(File.Exists(daemon.Directory.File("plugins/OwnAbstractions/Supervisor.Abstractions.dll")));
        Assert.Equal("test-daemon", await daemon.Unix.ValueAsync("own.identifier"));
        var settings = (Dictionary<string, object?>)(await daemon.Unix.ValueAsync("own.settings"))!;
        Assert.Equal("blue", settings["colour"]);
    }

    [PythonFact]
    public async Task PluginMethodsAreListedWithHelpFromAttributes()
    {
        await using var daemon = await StartAsync();
        var names = await PythonClient.ValueAsync(daemon.UnixUrl, "proxy.system.listMethods()");
        var list = names.EnumerateArray().Select(n => n.GetString()).ToList();
        Assert.Contains("jsonold.jsonVersion", list);
        Assert.Contains("throwing.boomLater", list);
        Assert.Equal(
            "The Newtonsoft.Json version this plugin runs with.\n\n@return string result",
            (await PythonClient.ValueAsync(daemon.UnixUrl, "proxy.system.methodHelp('jsonold.jsonVersion')")).GetString());
    }
}
