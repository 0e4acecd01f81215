using Newtonsoft.Json;
using Supervisor.Abstractions;

namespace TestPlugins.JsonNew;

public static class Factory
{
    public static Namespace Make(ISupervisord supervisord) => new();
}

public sealed class Namespace
{
    [RpcMethod(Help = "The Newtonsoft.Json version this plugin runs with.")]
    public string JsonVersion() => typeof(JsonConvert).Assembly.GetName().Version!.ToString();

    [RpcMethod(Help = "Serializes a struct with this plugin's Newtonsoft.Json.")]
    public string Serialize(Dictionary<string, object?> value) => JsonConvert.SerializeObject(value);
}
