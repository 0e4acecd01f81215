using Supervisor.Abstractions;
using Supervisor.Host.Rpc;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Host.Web;

/// <summary>One process as the status page shows it, read from a <c>getProcessInfo</c> struct.</summary>
internal sealed record ProcessView(string Group, string Name, string StateName, string Description)
{
    /// <summary><c>group:name</c>, as the reference's <c>make_namespec</c> writes it (the name alone when they are equal).</summary>
    public string Namespec => Group == Name ? Name : Group + ":" + Name;
}

/// <summary>
/// The web interface is a client of the <c>supervisor</c> namespace, as the reference's pages are
/// (<c>supervisor/web.py</c> calls <c>SupervisorNamespaceRPCInterface</c>): descriptions, faults and their texts
/// are the API's own, whichever plugin serves it. Calls go through the dispatcher in-process, without XML.
/// </summary>
internal sealed class WebRpc(Task<RpcDispatcher> ready)
{
    public ValueTask<RpcOutcome> CallAsync(string method, object?[] parameters, CancellationToken cancellationToken) =>
        ready.Result.CallAsync(method, parameters, cancellationToken);

    /// <summary>Every process, sorted by group then process name (the reference's status page order).</summary>
    public async Task<(IReadOnlyList<ProcessView> Processes, string? Fault)> AllProcessesAsync(CancellationToken cancellationToken)
    {
        var outcome = await CallAsync("supervisor.getAllProcessInfo", [], cancellationToken);
        if (outcome.IsFault)
        {
            return ([], outcome.FaultString);
        }

        var list = new List<ProcessView>();
        if (Unfrozen(outcome.Value) is System.Collections.IEnumerable items)
        {
            foreach (var item in items)
            {
                if (item is not null)
                {
                    list.Add(Read(item));
                }
            }
        }

        list.Sort(static (a, b) =>
        {
            var byGroup = string.CompareOrdinal(a.Group, b.Group);
            return byGroup != 0 ? byGroup : string.CompareOrdinal(a.Name, b.Name);
        });
        return (list, null);
    }

    /// <summary>One process, or null when the API does not know it.</summary>
    public async Task<ProcessView?> ProcessAsync(string namespec, CancellationToken cancellationToken)
    {
        var outcome = await CallAsync("supervisor.getProcessInfo", [namespec], cancellationToken);
        return outcome.IsFault || Unfrozen(outcome.Value) is not { } value ? null : Read(value);
    }

    /// <summary>The value itself of a <see cref="FrozenResult"/> (an answer kept encoded for the wire).</summary>
    public static object? Unfrozen(object? value) => value is FrozenResult frozen ? frozen.UntypedValue : value;

    /// <summary>
    /// The struct's members, whether the namespace answered a record (read through its encoding's
    /// <see cref="StructShape"/>, as the codec would write it) or a dictionary.
    /// </summary>
    private static ProcessView Read(object info)
    {
        if (info is IReadOnlyDictionary<string, object?> map)
        {
            return new ProcessView(Text(map.GetValueOrDefault("group")), Text(map.GetValueOrDefault("name")), Text(map.GetValueOrDefault("statename")), Text(map.GetValueOrDefault("description")));
        }

        string group = "", name = "", state = "", description = "";
        foreach (var member in StructShape.For(info.GetType()).Members)
        {
            switch (member.Key)
            {
                case "group": group = Text(member.GetValue(info)); break;
                case "name": name = Text(member.GetValue(info)); break;
                case "statename": state = Text(member.GetValue(info)); break;
                case "description": description = Text(member.GetValue(info)); break;
            }
        }

        return new ProcessView(group, name, state, description);
    }

    private static string Text(object? value) => value?.ToString() ?? "";
}
