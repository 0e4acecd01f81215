using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Supervisor.Abstractions;

namespace TestPlugins.Injected;

public sealed class CounterOptions
{
    public string Greeting { get; set; } = "hello";

    public int MaxCount { get; set; } = 10;
}

public static class Factory
{
    /// <summary>Options bound from the section, the rest from the host's container.</summary>
    public static Namespace Make(ISupervisord supervisord, IConfiguration section, ILogger<Namespace> logger, TimeProvider clock, IServiceProvider services)
    {
        var options = section.Get<CounterOptions>() ?? new CounterOptions();
        logger.LogInformation("made with greeting {Greeting} at {Year}", options.Greeting, clock.GetUtcNow().Year > 2000 ? "now" : "then");
        return ActivatorUtilities.CreateInstance<Namespace>(services, options);
    }
}

/// <summary>Its constructor takes services from the container and the bound options from the factory.</summary>
public sealed class Namespace(CounterOptions options, ILogger<Namespace> logger, IProcessTable processes, IEventBus events)
{
    private int _count;

    [RpcMethod(Help = "The bound options and which services arrived.")]
    public Dictionary<string, object?> Describe() => new()
    {
        ["greeting"] = options.Greeting,
        ["maxCount"] = options.MaxCount,
        ["processes"] = processes is not null,
        ["events"] = events is not null,
    };

    [RpcMethod(Help = "Counts up to maxCount, logging each step at Debug and the overflow at Warning.")]
    public int Increment()
    {
        _count++;
        logger.LogDebug("count is {Count}", _count);
        if (_count > options.MaxCount)
        {
            logger.LogWarning("count {Count} passed the maximum {Max}", _count, options.MaxCount);
        }

        return _count;
    }

    [RpcMethod(Help = "Logs one line at each of Microsoft's levels.")]
    public bool LogEveryLevel()
    {
        logger.LogCritical("level critical");
        logger.LogError(new InvalidOperationException("broken"), "level error");
        logger.LogWarning("level warning");
        logger.LogInformation("level information");
        logger.LogDebug("level debug");
        logger.LogTrace("level trace");
        return true;
    }
}
