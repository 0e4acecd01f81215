using System.Collections.Frozen;

namespace Supervisor.Host.Rpc;

/// <summary>
/// The table of every callable wire name, frozen once the namespaces are registered.
/// The <c>system</c> namespace is always present and cannot be replaced by a plugin.
/// </summary>
internal sealed class RpcRegistry
{
    public const string SystemNamespaceName = "system";

    private readonly FrozenDictionary<string, RpcMethod> _methods;

    /// <param name="namespaces">Namespace name and namespace object, in configuration order.</param>
    /// <exception cref="RpcDeclarationException">A namespace declares a method that cannot be exposed.</exception>
    public RpcRegistry(IEnumerable<(string Name, object Target)> namespaces, Func<RpcRegistry, object> systemNamespace)
    {
        var methods = new Dictionary<string, RpcMethod>(StringComparer.Ordinal);
        foreach (var (name, target) in namespaces)
        {
            if (name == SystemNamespaceName)
            {
                throw new RpcDeclarationException($"the namespace name '{SystemNamespaceName}' is reserved for the built-in introspection methods");
            }

            NamespaceThreads? threads = null;
            Add(methods, name, target, () => threads ??= new NamespaceThreads(name));
        }

        // The introspection methods are the host's own and never block.
        Add(methods, SystemNamespaceName, systemNamespace(this), threads: null);
        _methods = methods.ToFrozenDictionary(StringComparer.Ordinal);
        MethodNames = [.. _methods.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>Every wire name, sorted ordinally (the order of <c>system.listMethods</c>).</summary>
    public IReadOnlyList<string> MethodNames { get; }

    public bool TryGet(string name, out RpcMethod method) => _methods.TryGetValue(name, out method!);

    private static void Add(Dictionary<string, RpcMethod> methods, string namespaceName, object target, Func<TaskScheduler>? threads)
    {
        foreach (var method in RpcMethodBuilder.Build(namespaceName, target, threads))
        {
            methods[method.Name] = method;
        }
    }
}
