using Supervisor.Abstractions;

namespace TestPlugins.OwnAbstractions;

public static class Factory
{
    public static Namespace Make(ISupervisord supervisord, IReadOnlyDictionary<string, string> settings) => new(supervisord, settings);
}

public sealed class Namespace(ISupervisord supervisord, IReadOnlyDictionary<string, string> settings)
{
    [RpcMethod(Help = "The daemon identifier, read through the facade.")]
    public string Identifier() => supervisord.Identifier;

    [RpcMethod(Help = "Every key of this plugin's section.")]
    public Dictionary<string, string> Settings() => settings.ToDictionary();
}
