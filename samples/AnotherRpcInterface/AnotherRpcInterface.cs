using Supervisor.Abstractions;

namespace My;

/// <summary>What <c>another.describeDaemon</c> returns: a typed struct with exact wire keys.</summary>
public sealed record DaemonSummary(
    [property: RpcMember("identifier")] string Identifier,
    [property: RpcMember("pid")] int Pid,
    [property: RpcMember("statename")] string StateName,
    [property: RpcMember("supervisor_version")] string SupervisorVersion,
    [property: RpcMember("process_count")] int ProcessCount,
    [property: RpcMember("retries")] int Retries);

/// <summary>What <c>another.attempt</c> returns.</summary>
public sealed record AttemptResult(
    [property: RpcMember("attempts")] int Attempts,
    [property: RpcMember("succeeded")] bool Succeeded);

/// <summary>
/// The <c>another</c> namespace: a small plugin showing configuration reaching the plugin, use of the
/// <see cref="ISupervisord"/> facade, an async method, a typed struct result, a plugin-defined fault,
/// and events: it keeps the latest process state changes it observed in-process and publishes an
/// event type of its own that <c>[eventlistener:x]</c> pools can subscribe to.
/// </summary>
public sealed class AnotherRpcInterface : IDisposable
{
    /// <summary>This plugin's own fault code, outside Supervisor's table.</summary>
    public const int RetriesExhausted = 1001;

    /// <summary>The event type this plugin publishes (registered by the factory).</summary>
    public const string NoteEvent = "ANOTHER_NOTE";

    private const int KeptStateChanges = 20;

    private readonly ISupervisord _supervisord;
    private readonly int _retries;
    private readonly Queue<string> _stateChanges = new();
    private readonly IDisposable _subscription;

    public AnotherRpcInterface(ISupervisord supervisord, int retries)
    {
        _supervisord = supervisord;
        _retries = retries;

        // Called on the bus's delivery thread, in order, once each change is visible through the facade.
        _subscription = supervisord.Events.Subscribe("PROCESS_STATE", e =>
        {
            lock (_stateChanges)
            {
                _stateChanges.Enqueue($"{e.Type} {e.Payload}");
                if (_stateChanges.Count > KeptStateChanges)
                {
                    _stateChanges.Dequeue();
                }
            }
        });
    }

    /// <summary>The model of the plugin's web page (<c>Pages/summary.html</c>): the daemon's summary and the changes seen.</summary>
    public object SummaryModel()
    {
        var summary = DescribeDaemon();
        return new
        {
            summary.Identifier,
            summary.Pid,
            Statename = summary.StateName,
            summary.SupervisorVersion,
            summary.Retries,
            Changes = RecentStateChanges(),
        };
    }

    /// <summary>Stops observing when the daemon restarts and unloads the plugin.</summary>
    public void Dispose() => _subscription.Dispose();

    [RpcMethod(Help = "Return the latest process state changes this plugin observed (at most 20, oldest first), as 'PROCESS_STATE_X payload' lines.")]
    [return: RpcReturn("changes", "event type and payload of each change")]
    public string[] RecentStateChanges()
    {
        lock (_stateChanges)
        {
            return [.. _stateChanges];
        }
    }

    [RpcMethod(Help = "Publish an ANOTHER_NOTE event with the text as its payload, to plugins and to every [eventlistener:x] pool subscribed to ANOTHER_NOTE (or EVENT).")]
    [return: RpcReturn("result", "always true")]
    public bool PublishNote([RpcParam("the event's payload")] string text)
    {
        _supervisord.Events.Publish(new SupervisorEvent(NoteEvent, text));
        return true;
    }

    [RpcMethod(Help = "Return the retries setting this namespace was configured with.")]
    [return: RpcReturn("retries", "the [rpcinterface:another] retries value (0 when not set)")]
    public int GetRetries() => _retries;

    [RpcMethod(Help = "Describe the daemon this plugin runs in, read through the ISupervisord facade.")]
    [return: RpcReturn("summary", "identifier, pid, statename, supervisor_version, process_count, retries")]
    public DaemonSummary DescribeDaemon() => new(
        _supervisord.Identifier,
        _supervisord.Pid,
        SupervisorStates.WireName(_supervisord.State),
        _supervisord.SupervisorVersion,
        _supervisord.Processes.AllProcesses.Count,
        _retries);

    [RpcMethod(Help = """
        Run an operation that fails the given number of times before it succeeds, retrying it up to
        the configured number of retries. Fails with RETRIES_EXHAUSTED (code 1001) when the failures
        outnumber the retries.
        """)]
    [return: RpcReturn("result", "attempts made and whether the operation succeeded")]
    public AttemptResult Attempt([RpcParam("how many times the operation fails before it succeeds")] int failures)
    {
        if (failures < 0)
        {
            throw new RpcFaultException(FaultCode.BadArguments, "failures must be 0 or more");
        }

        var attemptsAllowed = _retries + 1;
        if (failures >= attemptsAllowed)
        {
            throw new RpcFaultException(RetriesExhausted, "RETRIES_EXHAUSTED", $"gave up after {attemptsAllowed} attempts");
        }

        return new AttemptResult(failures + 1, true);
    }

    [RpcMethod(Help = "Wait without blocking the daemon, then return the text; other calls are served meanwhile.")]
    [return: RpcReturn("text", "the text, unchanged")]
    public async Task<string> EchoLater(
        [RpcParam("the text to return")] string text,
        [RpcParam("how long to wait first, in milliseconds (at most 10000)")] int milliseconds = 100,
        CancellationToken cancellationToken = default)
    {
        if (milliseconds is < 0 or > 10_000)
        {
            throw new RpcFaultException(FaultCode.BadArguments, "milliseconds must be between 0 and 10000");
        }

        await Task.Delay(milliseconds, cancellationToken);
        return text;
    }

    [RpcMethod(Help = "Write a message to supervisord's main log at INFO, prefixed with this namespace's name.")]
    [return: RpcReturn("result", "always true")]
    public bool Log([RpcParam("the message to write")] string message)
    {
        _supervisord.MainLog.Write(MainLogLevel.Info, "another: " + message);
        return true;
    }
}
