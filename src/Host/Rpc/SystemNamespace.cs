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
    public string MethodHelp([RpcParam("The name of the method.")] string name) =>
        registry.TryGet(name, out var method) ? method.Help : throw new RpcFaultException(FaultCode.SignatureUnsupported);

    [RpcMethod(Help = "Return an array describing the method signature in the form [rtype, ptype, ptype...] where rtype is the return data type of the method, and ptypes are the parameter data types that the method accepts in method argument order.")]
    [return: RpcReturn("result", "The result.")]
    public string[] MethodSignature([RpcParam("The name of the method.")] string name) =>
        registry.TryGet(name, out var method) ? [.. method.Signature] : throw new RpcFaultException(FaultCode.SignatureUnsupported);

    [RpcMethod(Help = "Process an array of calls, and return an array of results. Calls should be structs of the form {'methodName': string, 'params': array}. Each result will either be a single-item array containing the result value, or a struct of the form {'faultCode': int, 'faultString': string}. This is useful when you need to make lots of small calls without lots of round trips.")]
    [return: RpcReturn("result", "An array of results, one per call.")]
    public async Task<object?[]> Multicall([RpcParam("An array of call requests")] object?[] calls, CancellationToken cancellationToken)
    {
        // Over HTTP the answer is streamed and bounded instead (Http/ResponseSender); this is the in-process path.
        var results = new object?[calls.Length];
        for (var i = 0; i < calls.Length; i++)
        {
            results[i] = (await dispatcher().CallMulticallEntryAsync(calls[i], cancellationToken).ConfigureAwait(false)).MulticallEntry();
        }

        return results;
    }
}
