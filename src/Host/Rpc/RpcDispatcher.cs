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
}

/// <summary>
/// Calls a wire name and turns every way a call can end into an <see cref="RpcOutcome"/>: a plugin's
/// fault passes through, a binding mismatch is INCORRECT_PARAMETERS, anything else FAILED. Nothing a
/// plugin throws escapes to the HTTP layer.
/// </summary>
internal sealed class RpcDispatcher(RpcRegistry registry, IMainLog log)
{
    public RpcRegistry Registry => registry;

    public async ValueTask<RpcOutcome> CallAsync(string methodName, object?[] parameters, CancellationToken cancellationToken)
    {
        if (!registry.TryGet(methodName, out var method))
        {
            return RpcOutcome.Fault(FaultCode.UnknownMethod);
        }

        var trace = log.IsEnabled(LogLevel.Trace);
        if (trace)
        {
            log.Write(LogLevel.Trace, $"XML-RPC method called: {methodName}()");
        }

        var outcome = await InvokeAsync(method, parameters, cancellationToken).ConfigureAwait(false);
        if (trace)
        {
            log.Write(LogLevel.Trace, outcome.IsFault
                ? $"XML-RPC method {methodName}() returned fault: [{outcome.FaultCode}] {outcome.FaultString}"
                : $"XML-RPC method {methodName}() returned successfully");
        }

        return outcome;
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
            // The reference answers HTTP 500 here; a fault is what clients can handle (xmlrpc-api.md §0.2).
            log.Write(LogLevel.Critical, $"XML-RPC method {method.Name}() raised an unexpected exception: {e}");
            return RpcOutcome.Fault(FaultCode.Failed, $"{e.GetType().Name}: {e.Message}");
        }
    }
}
