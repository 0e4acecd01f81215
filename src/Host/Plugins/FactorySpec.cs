namespace Supervisor.Host.Plugins;

/// <summary>
/// A parsed <c>supervisor.rpcinterface_factory</c> value: <c>Type.Full.Name:method</c>. The reference's
/// <c>module.path:callable</c> form is the same text, so <c>supervisor.rpcinterface:make_main_rpcinterface</c>
/// names the type <c>Supervisor.RpcInterface</c> and its method <c>MakeMainRpcInterface</c>: type names
/// match ignoring case, method names ignoring case and underscores.
/// </summary>
internal sealed record FactorySpec(string TypeName, string MethodName)
{
    public const string Key = "supervisor.rpcinterface_factory";

    public static bool TryParse(string text, out FactorySpec spec)
    {
        spec = new FactorySpec("", "");
        var colon = text.IndexOf(':');
        if (colon <= 0 || colon == text.Length - 1 || text.IndexOf(':', colon + 1) >= 0)
        {
            return false;
        }

        var typeName = text[..colon].Trim();
        var methodName = text[(colon + 1)..].Trim();
        if (typeName.Length == 0 || methodName.Length == 0 || typeName.Any(char.IsWhiteSpace) || methodName.Any(char.IsWhiteSpace))
        {
            return false;
        }

        spec = new FactorySpec(typeName, methodName);
        return true;
    }

    public override string ToString() => TypeName + ":" + MethodName;
}
