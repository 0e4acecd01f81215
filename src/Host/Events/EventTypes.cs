using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Supervisor.Host.Events;

/// <summary>
/// The event type hierarchy (<c>supervisor/events.py</c>: the class <c>EventTypes</c> names the types, the
/// event classes' inheritance gives each its parent): Supervisor 4.2.5's types, each with its parent, plus
/// the types plugins register (children of <c>EVENT</c>). Subscribing to a type subscribes to its
/// descendants. One registry per daemon generation: plugins register again when they are reloaded.
/// Thread-safe.
/// </summary>
internal sealed partial class EventTypes
{
    /// <summary>Every built-in type and its parent (null for the root).</summary>
    private static readonly Dictionary<string, string?> BuiltIn = new(StringComparer.Ordinal)
    {
        ["EVENT"] = null,
        ["PROCESS_STATE"] = "EVENT",
        ["PROCESS_STATE_STOPPED"] = "PROCESS_STATE",
        ["PROCESS_STATE_EXITED"] = "PROCESS_STATE",
        ["PROCESS_STATE_STARTING"] = "PROCESS_STATE",
        ["PROCESS_STATE_STOPPING"] = "PROCESS_STATE",
        ["PROCESS_STATE_BACKOFF"] = "PROCESS_STATE",
        ["PROCESS_STATE_FATAL"] = "PROCESS_STATE",
        ["PROCESS_STATE_RUNNING"] = "PROCESS_STATE",
        ["PROCESS_STATE_UNKNOWN"] = "PROCESS_STATE",
        ["PROCESS_COMMUNICATION"] = "EVENT",
        ["PROCESS_COMMUNICATION_STDOUT"] = "PROCESS_COMMUNICATION",
        ["PROCESS_COMMUNICATION_STDERR"] = "PROCESS_COMMUNICATION",
        ["PROCESS_LOG"] = "EVENT",
        ["PROCESS_LOG_STDOUT"] = "PROCESS_LOG",
        ["PROCESS_LOG_STDERR"] = "PROCESS_LOG",
        ["REMOTE_COMMUNICATION"] = "EVENT",
        ["SUPERVISOR_STATE_CHANGE"] = "EVENT",
        ["SUPERVISOR_STATE_CHANGE_RUNNING"] = "SUPERVISOR_STATE_CHANGE",
        ["SUPERVISOR_STATE_CHANGE_STOPPING"] = "SUPERVISOR_STATE_CHANGE",
        ["TICK"] = "EVENT",
        ["TICK_5"] = "TICK",
        ["TICK_60"] = "TICK",
        ["TICK_3600"] = "TICK",
        ["PROCESS_GROUP"] = "EVENT",
        ["PROCESS_GROUP_ADDED"] = "PROCESS_GROUP",
        ["PROCESS_GROUP_REMOVED"] = "PROCESS_GROUP",
    };

    /// <summary>Types that are only ever subscribed to, never emitted.</summary>
    private static readonly HashSet<string> Abstract = new(StringComparer.Ordinal)
    {
        "EVENT", "PROCESS_STATE", "PROCESS_COMMUNICATION", "PROCESS_LOG", "SUPERVISOR_STATE_CHANGE", "TICK", "PROCESS_GROUP",
    };

    private readonly ConcurrentDictionary<string, string?> _types = new(BuiltIn, StringComparer.Ordinal);

    /// <summary>The names of Supervisor 4.2.5's own types, abstract ones included.</summary>
    public static IReadOnlyCollection<string> BuiltInNames => BuiltIn.Keys;

    public bool IsKnown(string name) => _types.ContainsKey(name);

    /// <summary>True for a known type that can be published (not one of the abstract parents).</summary>
    public bool IsPublishable(string name) => _types.ContainsKey(name) && !Abstract.Contains(name);

    /// <summary>
    /// Adds a plugin's type, a child of <c>EVENT</c>. Registering the same name twice is harmless (a
    /// reloaded plugin registers again); a built-in name or one that is not UPPER_SNAKE_CASE is refused.
    /// </summary>
    /// <exception cref="ArgumentException">The name is built in or malformed.</exception>
    public void Register(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!TypeName().IsMatch(name))
        {
            throw new ArgumentException($"event type names are upper-case letters, digits and underscores, starting with a letter: '{name}'", nameof(name));
        }

        if (BuiltIn.ContainsKey(name))
        {
            throw new ArgumentException($"{name} is one of Supervisor's own event types", nameof(name));
        }

        _types.TryAdd(name, "EVENT");
    }

    /// <summary>True when an event of <paramref name="eventType"/> reaches a subscription to <paramref name="subscribedType"/>: the type itself or any ancestor.</summary>
    public bool Matches(string subscribedType, string eventType)
    {
        string? type = eventType;
        while (type is not null)
        {
            if (string.Equals(type, subscribedType, StringComparison.Ordinal))
            {
                return true;
            }

            // An unregistered type (published by a plugin to in-process subscribers only) sits under EVENT.
            type = _types.TryGetValue(type, out var parent) ? parent : "EVENT";
        }

        return false;
    }

    /// <summary>
    /// The reference's error for each <c>events=</c> name of a pool that is neither built in nor
    /// registered by a plugin, in configuration order.
    /// </summary>
    public List<string> UnknownInPools(IEnumerable<Config.ProcessGroupConfig> groups) =>
        [.. groups
            .Where(g => g.Pool is not null)
            .SelectMany(g => g.Pool!.Events.Where(e => !IsKnown(e)).Select(e => $"Unknown event type {e} in [eventlistener:{g.Name}] events"))];

    [GeneratedRegex("^[A-Z][A-Z0-9_]*$")]
    private static partial Regex TypeName();
}
