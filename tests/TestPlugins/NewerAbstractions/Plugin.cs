using Supervisor.Abstractions;

namespace TestPlugins.NewerAbstractions;

public static class Factory
{
    public static Namespace Make(ISupervisord supervisord) => new();
}

public sealed class Namespace
{
    [RpcMethod(Help = "Never served: the host refuses this plugin.")]
    public bool Hello() => true;
}
