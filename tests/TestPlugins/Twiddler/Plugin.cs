using System.Collections.Concurrent;
using Supervisor.Abstractions;

namespace TestPlugins.Twiddler;

public static class Factory
{
    public static Namespace Make(ISupervisord supervisord) => new(supervisord);
}

/// <summary>
/// A third-party namespace that changes a running group and watches state changes, using only
/// <see cref="ISupervisord"/>: the test of the facade's reach.
/// </summary>
public sealed class Namespace : IDisposable
{
    private readonly ISupervisord _supervisord;
    private readonly ConcurrentQueue<string> _observed = new();
    private readonly ConcurrentQueue<string> _output = new();
    private readonly IDisposable _subscription;
    private readonly IDisposable _logSubscription;
    private readonly IDisposable _commSubscription;

    public Namespace(ISupervisord supervisord)
    {
        _supervisord = supervisord;
        _subscription = supervisord.Events.Subscribe("PROCESS_STATE", e => _observed.Enqueue($"{e.Type} {e.Payload}"));
        _logSubscription = supervisord.Events.Subscribe("PROCESS_LOG", e => _output.Enqueue($"{e.Type} {e.Payload}"));
        _commSubscription = supervisord.Events.Subscribe("PROCESS_COMMUNICATION", e => _output.Enqueue($"{e.Type} {e.Payload}"));
    }

    public void Dispose()
    {
        _subscription.Dispose();
        _logSubscription.Dispose();
        _commSubscription.Dispose();
    }

    [RpcMethod(Help = "Adds a program to a running group, as if its options were a [program:x] section in it.")]
    public async Task<string[]> AddProgramToGroup(string group, string program, Dictionary<string, object?> options, CancellationToken cancellationToken)
    {
        var values = options.ToDictionary(pair => pair.Key, pair => Convert.ToString(pair.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
        var added = await _supervisord.Processes.AddProcessAsync(group, program, values, cancellationToken);
        return [.. added.Select(p => p.Name)];
    }

    [RpcMethod(Help = "Removes a stopped process from a running group.")]
    public async Task<bool> RemoveProcessFromGroup(string group, string name, CancellationToken cancellationToken)
    {
        await _supervisord.Processes.RemoveProcessAsync(group, name, cancellationToken);
        return true;
    }

    [RpcMethod(Help = "Every PROCESS_STATE event seen so far, as 'TYPE payload' lines, in delivery order.")]
    public string[] Observed() => [.. _observed];

    [RpcMethod(Help = "Every PROCESS_LOG and PROCESS_COMMUNICATION event seen so far, as 'TYPE payload' strings, in delivery order.")]
    public string[] ObservedOutput() => [.. _output];

    [RpcMethod(Help = "Writes count bytes ('p') to a process's stdin through IProcessTable, in one write.")]
    public async Task<bool> WriteStdin(string group, string name, int count, CancellationToken cancellationToken)
    {
        var data = new byte[count];
        data.AsSpan().Fill((byte)'p');
        await _supervisord.Processes.WriteStdinAsync(group, name, data, cancellationToken);
        return true;
    }

    [RpcMethod(Help = "The state name of a process, read from the facade's snapshot.")]
    public string StateOf(string group, string name) =>
        _supervisord.Processes.FindProcess(group, name)?.State.ToString() ?? "none";
}
