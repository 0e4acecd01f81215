using Supervisor.Abstractions;
using Supervisor.Host.Processes;

namespace Supervisor.Host.Tests.Architecture;

/// <summary>
/// The daemon's layers, read from the compiled assembly (<see cref="TypeDependencies"/>): each folder of
/// src/Host is a layer, and a layer uses only the layers below it:
/// <code>
///   (root: Program, Supervisord, Generation: wiring everything together)
///   Web                   the web interface: endpoints for Http's router, a client of the dispatcher
///   Http
///   Rpc, Plugins          the dispatcher and the plugin host; plugins see only Abstractions
///   XmlRpc                the codec
///   Facade                Abstractions' interfaces over the daemon; the only place faults are made
///   Processes             the engine
///   Events               (a pool's events= names are checked against the known types here)
///   Config
///   Logging
///   Platform              system calls
/// </code>
/// Abstractions (the SDK) may be used from every layer, but its fault types only at the Facade and above.
/// </summary>
public sealed class LayeringTests
{
    // Top to bottom; layers of one rank may not use each other either.
    private static readonly Dictionary<string, int> Rank = new()
    {
        ["(root)"] = 0,
        ["Web"] = 1,
        ["Http"] = 2,
        ["Rpc"] = 3,
        ["Plugins"] = 3,
        ["XmlRpc"] = 4,
        ["Facade"] = 5,
        ["Processes"] = 6,
        ["Events"] = 7,
        ["Config"] = 8,
        ["Logging"] = 9,
        ["Platform"] = 10,
    };

    private static readonly Type[] FaultTypes = [typeof(RpcFaultException), typeof(ProcessFaultException), typeof(FaultCode), typeof(FaultCodes)];

    private static string? LayerOf(Type type)
    {
        var ns = type.Namespace ?? "";
        if (ns == "Supervisor.Host")
        {
            return "(root)";
        }

        if (!ns.StartsWith("Supervisor.Host.", StringComparison.Ordinal))
        {
            return null;
        }

        var layer = ns["Supervisor.Host.".Length..].Split('.')[0];
        Assert.True(Rank.ContainsKey(layer), $"{type.FullName}: the folder {layer} has no place in the layering; add it to {nameof(LayeringTests)}");
        return layer;
    }

    private static List<(Type User, Type Used)> Edges() => [.. TypeDependencies.Of(typeof(ProcessEngine).Assembly)];

    [Fact]
    public void NoLayerUsesALayerAboveItOrBesideIt()
    {
        var violations = Edges()
            .Select(e => (e.User, e.Used, From: LayerOf(e.User), To: LayerOf(e.Used)))
            .Where(e => e.From is not null && e.To is not null && e.From != e.To && Rank[e.To] <= Rank[e.From])
            .Select(e => $"{e.From} -> {e.To}: {e.User.FullName} uses {e.Used.FullName}")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(violations.Count == 0, "layering violations:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void TheCodecUsesNeitherRpcNorTheEngine()
    {
        var violations = Edges()
            .Where(e => LayerOf(e.User) == "XmlRpc" && LayerOf(e.Used) is "Rpc" or "Plugins" or "Facade" or "Processes")
            .Select(e => $"{e.User.FullName} uses {e.Used.FullName}")
            .Distinct()
            .ToList();
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void BelowTheFacadeNothingMakesOrCatchesFaults()
    {
        var violations = Edges()
            .Where(e => LayerOf(e.User) is { } layer && Rank[layer] > Rank["Facade"] && FaultTypes.Contains(e.Used))
            .Select(e => $"{e.User.FullName} uses {e.Used.Name}")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(violations.Count == 0, "fault types below the facade:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void TheEngineUsesNeitherHttpNorRpc()
    {
        var violations = Edges()
            .Where(e => LayerOf(e.User) == "Processes" && LayerOf(e.Used) is "Http" or "Rpc" or "XmlRpc" or "Plugins" or "Facade" or "(root)")
            .Select(e => $"{e.User.FullName} uses {e.Used.FullName}")
            .Distinct()
            .ToList();
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void TheBuiltInNamespaceSeesOnlyTheSdk()
    {
        // plugins/SupervisorRpc is a plugin like any other: beside the framework, it references only the SDK.
        var dll = Path.Combine(Path.GetDirectoryName(Support.TestPaths.SupervisordDll)!, "plugins", "SupervisorRpc", "SupervisorRpc.dll");
        using var stream = File.OpenRead(dll);
        using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
        var metadata = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        var references = metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name)).ToList();
        Assert.Contains("Supervisor.Abstractions", references);
        Assert.All(references, name => Assert.True(name is "Supervisor.Abstractions" or "netstandard" || name.StartsWith("System", StringComparison.Ordinal), $"SupervisorRpc references {name}"));
    }
}
