using Supervisor.Abstractions;

namespace Supervisor;

/// <summary>
/// The factory of the built-in <c>supervisor</c> namespace. Its full name makes the stock config line
/// <c>supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface</c> resolve here
/// (type names match ignoring case, method names ignoring case and underscores).
/// </summary>
public static class RpcInterface
{
    /// <summary>Makes the namespace. Like the reference's, it accepts no configuration keys.</summary>
    public static SupervisorNamespace MakeMainRpcInterface(ISupervisord supervisord) => new(supervisord);
}
