namespace Supervisor.Host.Plugins;

/// <summary>
/// The services a plugin factory can ask for by parameter type (<see cref="FactoryInvoker"/>): a fixed
/// set of instances, and the provider itself. A dependency-injection container would add nothing but
/// start-up time (loading it and its event source cost about 20 ms).
/// </summary>
internal sealed class HostServices : IServiceProvider
{
    private readonly Dictionary<Type, object> _services = [];

    public HostServices Add<T>(T instance)
        where T : class
    {
        _services[typeof(T)] = instance;
        return this;
    }

    public object? GetService(Type serviceType) =>
        serviceType == typeof(IServiceProvider) ? this : _services.GetValueOrDefault(serviceType);
}
