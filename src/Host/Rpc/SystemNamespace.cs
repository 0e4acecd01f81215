using Supervisor.Abstractions;

namespace Supervisor.Host.Rpc;

/// <summary>
/// The built-in <c>system</c> namespace: introspection generated from the registry, and multicall.
/// It is declared with the same attributes as any plugin.
/// </summary>
internal sealed class SystemNamespace(RpcRegistry registry, Func<RpcDispatcher> dispatcher)
{
    [RpcMethod(Help = "Return an array listing the available method names")]
    [return: RpcReturn("result", "An array of method names available (strings).")]
    public string[] ListMethods() => [.. registry.MethodNames];

    [RpcMethod(Help = "Return a string showing the method's documentation")]
    [return: RpcReturn("result", "The documentation for the method name.")]
    public string MethodHelp([RpcParam("The name of the method.", Type = "string")] object name) =>
        Find(name)?.Help ?? throw new RpcFaultException(FaultCode.SignatureUnsupported);

    [RpcMethod(Help = "Return an array describing the method signature in the form [rtype, ptype, ptype...] where rtype is the return data type of the method, and ptypes are the parameter data types that the method accepts in method argument order.")]
    [return: RpcReturn("result", "The result.")]
    public string[] MethodSignature([RpcParam("The name of the method.", Type = "string")] object name) =>
        Find(name) is { } method ? [.. method.Signature] : throw new RpcFaultException(FaultCode.SignatureUnsupported);

    [RpcMethod(Help = "Process an array of calls, and return an array of results. Calls should be structs of the form {'methodName': string, 'params': array}. Each result will either be a single-item array containing the result value, or a struct of the form {'faultCode': int, 'faultString': string}. This is useful when you need to make lots of small calls without lots of round trips.")]
    [return: RpcReturn("result", "An array of results, one per call.")]
    public async Task<object?[]> Multicall([RpcParam("An array of call requests", Type = "array")] object calls, CancellationToken cancellationToken)
    {
        // The reference copies the array with calls[:]: other values are its TypeError (INCORRECT_PARAMETERS),
        // a string copies and then fails (HTTP 500 there, the reason here).
        var requests = calls as object?[] ?? throw (calls is string or byte[]
            ? new RpcFaultException(FaultCode.IncorrectParameters, "calls: expected array, got string")
            : new RpcFaultException(FaultCode.IncorrectParameters));

        // Over HTTP an array of calls is streamed and bounded instead (Http/ResponseSender); this is the in-process path.
        var results = new object?[requests.Length];
        for (var i = 0; i < requests.Length; i++)
        {
            results[i] = (await dispatcher().CallMulticallEntryAsync(requests[i], cancellationToken).ConfigureAwait(false)).MulticallEntry();
        }

        return results;
    }

    /// <summary>
    /// The method a name designates. The reference compares the name with each method's, so a value that is no
    /// string names none (SIGNATURE_UNSUPPORTED) rather than being refused.
    /// </summary>
    private RpcMethod? Find(object? name)
    {
        var text = name switch
        {
            string s => s,
            byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes),
            _ => null,
        };
        return text is not null && registry.TryGet(text, out var method) ? method : null;
    }
}
