using Supervisor.Abstractions;

namespace My;

/// <summary>
/// The factory module of Supervisor's example (http://supervisord.org/xmlrpc.html, "Configuring XML-RPC
/// Interface Factories"). In Python it is <c>my.package:make_another_rpcinterface</c>; here the type
/// <c>My.Package</c> holds <c>MakeAnotherRpcInterface</c>, so the documented config line works unchanged:
/// <code>
/// [rpcinterface:another]
/// supervisor.rpcinterface_factory = my.package:make_another_rpcinterface
/// retries = 1
/// </code>
/// </summary>
public static class Package
{
    /// <summary>
    /// Python's <c>make_another_rpcinterface(supervisord, **config)</c>: <paramref name="retries"/> comes from
    /// the section's <c>retries</c> key, converted to int, 0 when absent; any other key is a start-up error.
    /// </summary>
    public static AnotherRpcInterface MakeAnotherRpcInterface(ISupervisord supervisord, int retries = 0)
    {
        if (retries < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(retries), retries, "retries must be 0 or more");
        }

        // Like a Supervisor plugin calling supervisor.events.register at import: pools are checked after
        // every factory ran, so an [eventlistener:x] section may name ANOTHER_NOTE in events=.
        supervisord.Events.RegisterEventType(AnotherRpcInterface.NoteEvent);
        return new AnotherRpcInterface(supervisord, retries);
    }
}
