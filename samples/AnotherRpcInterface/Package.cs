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
    /// <param name="pages">The daemon's web interface, given by the host: the plugin adds its page there.</param>
    public static AnotherRpcInterface MakeAnotherRpcInterface(ISupervisord supervisord, int retries = 0, IWebPages? pages = null)
    {
        if (retries < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(retries), retries, "retries must be 0 or more");
        }

        // Like a Supervisor plugin calling supervisor.events.register at import: pools are checked after
        // every factory ran, so an [eventlistener:x] section may name ANOTHER_NOTE in events=.
        supervisord.Events.RegisterEventType(AnotherRpcInterface.NoteEvent);
        var plugin = new AnotherRpcInterface(supervisord, retries);

        // A page of its own at /plugin/another/summary, inside the interface's layout and behind its authentication:
        // a Scriban template embedded in this assembly, and a model made by this plugin's code for each request.
        pages?.Add(new WebPage("another", "summary", "Another: summary", SummaryTemplate(), (_, _) => Task.FromResult(plugin.SummaryModel())));
        return plugin;
    }

    private static string SummaryTemplate()
    {
        using var stream = typeof(Package).Assembly.GetManifestResourceStream("summary.html")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
