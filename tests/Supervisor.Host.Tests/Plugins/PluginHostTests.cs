using System.Runtime.CompilerServices;
using Supervisor.Abstractions;
using Supervisor.Host.Plugins;
using Supervisor.Host.Rpc;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Plugins;

/// <summary>The plugin host in-process: metadata-only discovery, Python-style specs, collectible contexts.</summary>
public sealed class PluginHostTests
{
    [Theory]
    [InlineData("supervisor.rpcinterface:make_main_rpcinterface", true)]
    [InlineData("My.Package:MakeAnotherRpcInterface", true)]
    [InlineData("nocolon", false)]
    [InlineData("a:b:c", false)]
    [InlineData(":make", false)]
    [InlineData("Type:", false)]
    [InlineData("Type Name:make", false)]
    public void ParsesFactorySpecs(string text, bool valid)
    {
        Assert.Equal(valid, FactorySpec.TryParse(text, out _));
    }

    [Fact]
    public void TheCatalogFindsTypesWithoutLoadingAndIgnoringCase()
    {
        using var dir = new TempDirectory();
        TestPlugins.Install(dir.File("plugins"), "JsonNew", "Throwing");
        File.WriteAllText(dir.File("plugins/not-a-plugin.dll"), "garbage");
        var catalog = new PluginCatalog([dir.File("plugins")]);
        var found = catalog.Find("testplugins.jsonnew.factory");
        Assert.NotNull(found);
        Assert.Equal("TestPlugins.JsonNew.Factory", found.Value.TypeName);
        Assert.EndsWith("JsonNew.dll", found.Value.AssemblyPath);
        Assert.Null(catalog.Find("TestPlugins.JsonOld.Factory"));
        Assert.DoesNotContain(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == "JsonNew");
    }

    [Fact]
    public void UnloadedPluginContextsAreCollected()
    {
        using var dir = new TempDirectory();
        TestPlugins.Install(dir.File("plugins"), "Throwing");
        var references = LoadAndUnload(dir.File("plugins"));
        for (var i = 0; i < 10 && references.Any(r => r.IsAlive); i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.All(references, r => Assert.False(r.IsAlive));
    }

    [Fact]
    public void UnloadDisposesNamespacesAndSurvivesOneThatThrows()
    {
        using var dir = new TempDirectory();
        TestPlugins.Install(dir.File("plugins"), "Throwing");
        var log = new RecordingLog();
        LoadAndUnload(dir.File("plugins"), log);
        Assert.Contains(log.Lines, l => l.Level == Supervisor.Abstractions.MainLogLevel.Error && l.Message.StartsWith("RPC interface 'throwing' failed to dispose", StringComparison.Ordinal) && l.Message.Contains("dispose failed", StringComparison.Ordinal));
    }

    [Fact]
    public void AfterAHotReloadTheOldVersionIsDisposedAndItsContextCollected()
    {
        using var dir = new TempDirectory();
        TestPlugins.Install(dir.File("plugins"), "Updatable");
        var log = new RecordingLog();
        using var host = new PluginHost(new PluginCatalog([dir.File("plugins")]), new NullSupervisord(), new EmptyServices(), log);
        var (registry, released) = LoadAndHotReload(host, log, dir.File("plugins"));

        Assert.True(registry.TryGet("updatable.onlyInTheSecondBuild", out _));
        Assert.NotEmpty(released);
        for (var i = 0; i < 10 && released.Any(r => r.IsAlive); i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.All(released, r => Assert.False(r.IsAlive));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (RpcRegistry Registry, List<WeakReference> Released) LoadAndHotReload(PluginHost host, RecordingLog log, string folder)
    {
        var section = new RpcInterfaceSection("rpcinterface:updatable", "TestPlugins.Updatable.Factory:Make", new Dictionary<string, string>());
        var plugin = host.Create(section.Section, section.Factory, section.Keys);
        var registry = new RpcRegistry([(plugin.Name, plugin.Target)], r => new SystemNamespace(r, () => null!), new HashSet<string> { plugin.Name });
        using var hotReload = new PluginHotReload(host, registry, log, [(section, plugin)]);
        var released = new List<WeakReference>();
        hotReload.Released += released.AddRange;

        TestPlugins.InstallAs(folder, "UpdatableSecond", "Updatable");
        Assert.True(hotReload.Reload(hotReload.Folders[0]));
        return (registry, released);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IReadOnlyList<WeakReference> LoadAndUnload(string folder, RecordingLog? log = null)
    {
        var host = new PluginHost(new PluginCatalog([folder]), new NullSupervisord(), new EmptyServices(), log ?? new RecordingLog());
        var plugin = host.Create("rpcinterface:throwing", "TestPlugins.Throwing.Factory:make", new Dictionary<string, string>());
        Assert.Equal("throwing", plugin.Name);
        Assert.Equal("TestPlugins.Throwing.Namespace", plugin.Target.GetType().FullName);
        return host.Unload();
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }

    private sealed class NullSupervisord : ISupervisord
    {
        public string SupervisorVersion => "4.2.5";

        public string ApiVersion => "3.0";

        public string Identifier => "test";

        public int Pid => 1;

        public SupervisorState State => SupervisorState.Running;

        public IMainLog MainLog { get; } = new RecordingLog();

        public ISupervisorConfig Config => throw new NotSupportedException();

        public IProcessTable Processes => throw new NotSupportedException();

        public IEventBus Events => throw new NotSupportedException();

        public void RequestShutdown()
        {
        }

        public void RequestRestart()
        {
        }
    }
}
