using Supervisor.Abstractions;

namespace Supervisor.Host.Plugins;

/// <summary>
/// The services a plugin can ask for, in a Microsoft.Extensions.DependencyInjection container: by a
/// factory parameter of a registered type (<see cref="FactoryInvoker"/>), or in a plugin class's
/// constructor through <c>ActivatorUtilities</c> with the <see cref="IServiceProvider"/> a factory receives.
/// One container per daemon generation; every service is the generation's own instance, so disposing
/// the container disposes none of them.
/// <para>The container is built on the first request: loading it and building it cost tens of
/// milliseconds of start-up (tests/Supervisor.Benchmarks/README.md, "Plugin services"), which a daemon
/// whose factories take only <see cref="ISupervisord"/> and settings (the built-in namespace's) never pays.</para>
/// </summary>
internal sealed class HostServices(
    ISupervisord supervisord,
    IMainLog mainLog,
    IEventBus events,
    IProcessTable processes,
    ISupervisorConfig config,
    IWebPages webPages,
    TimeProvider clock,
    ILoggerFactory loggers) : IServiceProvider, IAsyncDisposable
{
    private readonly Lock _lock = new();
    private ServiceProvider? _container;

    /// <summary>True once a plugin has asked for a service (the container exists).</summary>
    public bool IsBuilt => _container is not null;

    public object? GetService(Type serviceType) => Container().GetService(serviceType);

    public ValueTask DisposeAsync() => _container?.DisposeAsync() ?? ValueTask.CompletedTask;

    private ServiceProvider Container()
    {
        lock (_lock)
        {
            return _container ??= new ServiceCollection()
                .AddSingleton(supervisord)
                .AddSingleton(mainLog)
                .AddSingleton(events)
                .AddSingleton(processes)
                .AddSingleton(config)
                .AddSingleton(webPages)
                .AddSingleton(clock)
                .AddSingleton(loggers)
                .AddSingleton(typeof(ILogger<>), typeof(Logger<>))
                .BuildServiceProvider();
        }
    }
}
