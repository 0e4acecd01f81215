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
    /// <exception cref="RpcDeclarationException">Namespaces declare methods that cannot be exposed: every one of them, with its namespace.</exception>
    public RpcRegistry(IEnumerable<(string Name, object Target)> namespaces, Func<RpcRegistry, object> systemNamespace)
    {
        var methods = new Dictionary<string, RpcMethod>(StringComparer.Ordinal);
        var problems = new List<RpcDeclarationProblem>();
        foreach (var (name, target) in namespaces)
        {
            if (name == SystemNamespaceName)
            {
                problems.Add(new(name, $"the namespace name '{SystemNamespaceName}' is reserved for the built-in introspection methods"));
                continue;
            }

            try
            {
                NamespaceThreads? threads = null;
                Add(methods, name, target, () => threads ??= new NamespaceThreads(name));
            }
            catch (RpcDeclarationException e)
            {
                problems.AddRange(e.Message.Split('\n').Select(text => new RpcDeclarationProblem(name, text)));
            }
        }

        if (problems.Count > 0)
        {
            throw new RpcDeclarationException(problems);
        }

        // The introspection methods are the host's own and never block.
        Add(methods, SystemNamespaceName, systemNamespace(this), threads: null);
        _methods = methods.ToFrozenDictionary(StringComparer.Ordinal);
        MethodNames = [.. _methods.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>Every wire name, sorted ordinally (the order of <c>system.listMethods</c>).</summary>
    public IReadOnlyList<string> MethodNames { get; }

    /// <summary>How many wire names a namespace has (aliases included); 0 for one that exposes nothing.</summary>
    public int CountIn(string namespaceName) =>
        MethodNames.Count(n => n.Length > namespaceName.Length && n[namespaceName.Length] == '.' && n.StartsWith(namespaceName, StringComparison.Ordinal));

    public bool TryGet(string name, out RpcMethod method) => _methods.TryGetValue(name, out method!);

    private static void Add(Dictionary<string, RpcMethod> methods, string namespaceName, object target, Func<TaskScheduler>? threads)
    {
        foreach (var method in RpcMethodBuilder.Build(namespaceName, target, threads))
        {
            methods[method.Name] = method;
        }
    }
}
