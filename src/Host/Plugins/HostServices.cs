using Supervisor.Abstractions;

namespace Supervisor.Host.Plugins;

/// <summary>
/// The services a plugin can ask for, in a Microsoft.Extensions.DependencyInjection container: by a
/// factory parameter of a registered type (<see cref="FactoryInvoker"/>), or in a plugin class's
/// constructor through <c>ActivatorUtilities</c> with the <see cref="IServiceProvider"/> a factory receives.
/// One container per daemon generation; every service is the generation's own instance, so disposing
/// the container disposes none of them.
/// </summary>
internal static class HostServices
{
    public static ServiceProvider Build(
        ISupervisord supervisord,
        IMainLog mainLog,
        IEventBus events,
        IProcessTable processes,
        ISupervisorConfig config,
        TimeProvider clock,
        ILoggerFactory loggers) =>
        new ServiceCollection()
            .AddSingleton(supervisord)
            .AddSingleton(mainLog)
            .AddSingleton(events)
            .AddSingleton(processes)
            .AddSingleton(config)
            .AddSingleton(clock)
            .AddSingleton(loggers)
            .AddSingleton(typeof(ILogger<>), typeof(Logger<>))
            .BuildServiceProvider();
}
