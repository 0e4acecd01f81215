using Newtonsoft.Json;
using Supervisor.Abstractions;

namespace TestPlugins.NoDynamicLoading;

public static class Factory
{
    public static Namespace Make(ISupervisord supervisord) => new();
}

public sealed class Namespace
{
    [RpcMethod(Help = "Serializes a struct with Newtonsoft.Json, which is not in this plugin's folder.")]
    public string Serialize(Dictionary<string, object?> value) => JsonConvert.SerializeObject(value);
}
