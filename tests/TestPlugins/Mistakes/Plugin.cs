using Supervisor.Abstractions;

namespace TestPlugins.Mistakes;

public static class Factory
{
    public static BadShapes MakeBadShapes(ISupervisord supervisord) => new();

    public static Forgotten MakeForgotten(ISupervisord supervisord) => new();
}

/// <summary>Four methods, four different mistakes, one good method.</summary>
public sealed class BadShapes
{
    [RpcMethod]
    public void ReturnsNothing()
    {
    }

    [RpcMethod]
    public bool TakesARef(ref int count) => count > 0;

    [RpcMethod]
    public TimeSpan Uptime() => TimeSpan.Zero;

    [RpcMethod]
    public bool TakesAVersion(Version version) => version.Major > 0;

    [RpcMethod(Help = "Fine.")]
    public bool Fine() => true;
}

/// <summary>The author forgot [RpcMethod]: public methods, none exposed.</summary>
public sealed class Forgotten
{
    public string Hello() => "hello";
}
