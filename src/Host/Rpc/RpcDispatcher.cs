using Supervisor.Abstractions;

namespace Supervisor.Host.Rpc;

/// <summary>The outcome of one call: a value, or a fault code and string.</summary>
internal readonly record struct RpcOutcome(object? Value, int FaultCode, string? FaultString)
{
    public bool IsFault => FaultString is not null;

    public static RpcOutcome Success(object? value) => new(value, 0, null);

    public static RpcOutcome Fault(int code, string faultString) => new(null, code, faultString);

    public static RpcOutcome Fault(FaultCode code, string? detail = null) =>
        Fault((int)code, detail is null ? FaultCodes.WireName((int)code) : FaultCodes.WireName((int)code) + ": " + detail);

    /// <summary>
    /// This outcome as one entry of a <c>system.multicall</c> answer: a success wrapped in a one-element
    /// array (as Supervisor's API documentation says), a fault as its <c>faultCode</c>/<c>faultString</c> struct.
    /// </summary>
    public object MulticallEntry() => IsFault
        ? new Dictionary<string, object?> { ["faultCode"] = FaultCode, ["faultString"] = FaultString }
        : new object?[] { Value };
}

/// <summary>
/// Calls a wire name and turns every way a call can end into an <see cref="RpcOutcome"/>: a plugin's
/// fault passes through, a binding mismatch is INCORRECT_PARAMETERS, anything else FAILED. Nothing a
/// plugin throws escapes to the HTTP layer.
/// </summary>
internal sealed class RpcDispatcher(RpcRegistry registry, IMainLog log)
{
    public const string MulticallName = RpcRegistry.SystemNamespaceName + ".multicall";

    public RpcRegistry Registry => registry;

    public async ValueTask<RpcOutcome> CallAsync(string methodName, object?[] parameters, CancellationToken cancellationToken)
    {
        RpcMethod method;
        do
        {
            if (!registry.TryGet(methodName, out method))
            {
                return RpcOutcome.Fault(FaultCode.UnknownMethod);
            }
        }
        while (method.Lease?.TryEnter() == false); // a hot reload retired this version meanwhile: take the new one

        try
        {
            TraceCalled(methodName);
            var outcome = await InvokeAsync(method, parameters, cancellationToken).ConfigureAwait(false);
            TraceReturned(methodName, outcome);
            return outcome;
        }
        finally
        {
            method.Lease?.Exit();
        }
    }

    /// <summary>
    /// Calls one entry of a <c>system.multicall</c>: a struct naming <c>methodName</c> and <c>params</c>.
    /// A malformed entry, or a nested multicall, is that entry's fault.
    /// </summary>
    public ValueTask<RpcOutcome> CallMulticallEntryAsync(object? entry, CancellationToken cancellationToken)
    {
        if (entry is not Dictionary<string, object?> request)
        {
            return ValueTask.FromResult(RpcOutcome.Fault(FaultCode.IncorrectParameters, "a multicall entry must be a struct"));
        }

        if (!request.TryGetValue("methodName", out var nameValue) || nameValue is not string methodName)
        {
            return ValueTask.FromResult(RpcOutcome.Fault(FaultCode.IncorrectParameters, "No methodName"));
        }

        if (methodName == MulticallName)
        {
            return ValueTask.FromResult(RpcOutcome.Fault(FaultCode.IncorrectParameters, "Recursive system.multicall forbidden"));
        }

        object?[] parameters;
        if (!request.TryGetValue("params", out var parametersValue))
        {
            parameters = [];
        }
        else if (parametersValue is object?[] array)
        {
            parameters = array;
        }
        else
        {
            return ValueTask.FromResult(RpcOutcome.Fault(FaultCode.IncorrectParameters, "params must be an array"));
        }

        return CallAsync(methodName, parameters, cancellationToken);
    }

    /// <summary>The trace line the reference writes for a call (only at <c>loglevel = blather</c>).</summary>
    public void TraceCalled(string methodName)
    {
        if (log.IsEnabled(MainLogLevel.Trace))
        {
            log.Write(MainLogLevel.Trace, $"XML-RPC method called: {methodName}()");
        }
    }

    /// <summary>The trace line for how a call ended.</summary>
    public void TraceReturned(string methodName, in RpcOutcome outcome)
    {
        if (log.IsEnabled(MainLogLevel.Trace))
        {
            log.Write(MainLogLevel.Trace, outcome.IsFault
                ? $"XML-RPC method {methodName}() returned fault: [{outcome.FaultCode}] {outcome.FaultString}"
                : $"XML-RPC method {methodName}() returned successfully");
        }
    }

    private async ValueTask<RpcOutcome> InvokeAsync(RpcMethod method, object?[] parameters, CancellationToken cancellationToken)
    {
        try
        {
            return RpcOutcome.Success(await method.InvokeAsync(parameters, cancellationToken).ConfigureAwait(false));
        }
        catch (RpcFaultException fault)
        {
            return RpcOutcome.Fault(fault.Code, fault.FaultString);
        }
        catch (ParameterMismatchException mismatch)
        {
            return RpcOutcome.Fault(FaultCode.IncorrectParameters, mismatch.Message.Length == 0 ? null : mismatch.Message);
        }
        catch (Exception e)
        {
            // The reference answers HTTP 500 here; a fault is what clients can handle (README, "Differences from Supervisor").
            log.Write(MainLogLevel.Critical, $"XML-RPC method {method.Name}() raised an unexpected exception: {e}");
            return RpcOutcome.Fault(FaultCode.Failed, $"{e.GetType().Name}: {e.Message}");
        }
    }
}
