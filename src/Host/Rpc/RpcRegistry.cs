using System.Collections.Frozen;

namespace Supervisor.Host.Rpc;

/// <summary>
/// The table of every callable wire name, frozen once the namespaces are registered. A hot-reloadable
/// namespace can be swapped for a new version as a whole (<see cref="Replace"/>): a new frozen table is
/// published at once, so a call sees either the old version or the new one, never a mix.
/// The <c>system</c> namespace is always present and cannot be replaced by a plugin.
/// </summary>
internal sealed class RpcRegistry
{
    public const string SystemNamespaceName = "system";

    private readonly Lock _replacing = new();
    private readonly Dictionary<string, NamespaceThreads> _threads = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NamespaceLease> _leases = new(StringComparer.Ordinal);
    private volatile Table _table;

    /// <param name="namespaces">Namespace name and namespace object, in configuration order.</param>
    /// <param name="reloadable">Namespaces that may be replaced later (their calls in flight are counted).</param>
    /// <exception cref="RpcDeclarationException">Namespaces declare methods that cannot be exposed: every one of them, with its namespace.</exception>
    public RpcRegistry(IEnumerable<(string Name, object Target)> namespaces, Func<RpcRegistry, object> systemNamespace, IReadOnlySet<string>? reloadable = null)
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
                if (Add(methods, name, target, reloadable?.Contains(name) == true) is { } lease)
                {
                    _leases[name] = lease;
                }
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
        foreach (var method in RpcMethodBuilder.Build(SystemNamespaceName, systemNamespace(this)))
        {
            methods[method.Name] = method;
        }

        _table = new Table(methods);
    }

    /// <summary>Every wire name, sorted ordinally (the order of <c>system.listMethods</c>).</summary>
    public IReadOnlyList<string> MethodNames => _table.Names;

    /// <summary>How many wire names a namespace has (aliases included); 0 for one that exposes nothing.</summary>
    public int CountIn(string namespaceName) =>
        MethodNames.Count(n => n.Length > namespaceName.Length && n[namespaceName.Length] == '.' && n.StartsWith(namespaceName, StringComparison.Ordinal));

    public bool TryGet(string name, out RpcMethod method) => _table.Methods.TryGetValue(name, out method!);

    /// <summary>
    /// Swaps in new versions of hot-reloadable namespaces, all at once. Returns the old versions' leases,
    /// for the caller to retire (the old objects are released once their calls in flight end).
    /// </summary>
    /// <exception cref="RpcDeclarationException">A new version declares a method that cannot be exposed; nothing is replaced.</exception>
    public IReadOnlyList<NamespaceLease> Replace(IReadOnlyList<(string Name, object Target)> namespaces)
    {
        lock (_replacing)
        {
            var replaced = namespaces.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
            var fresh = new Dictionary<string, RpcMethod>(StringComparer.Ordinal);
            var old = replaced.Where(_leases.ContainsKey).Select(n => _leases[n]).ToList();
            var leases = namespaces.Select(n => (n.Name, Lease: Add(fresh, n.Name, n.Target, reloadable: true)!)).ToList();

            var methods = new Dictionary<string, RpcMethod>(
                _table.Methods.Where(m => !replaced.Contains(m.Key[..Math.Max(0, m.Key.LastIndexOf('.'))])),
                StringComparer.Ordinal);
            foreach (var (key, method) in fresh)
            {
                methods[key] = method;
            }

            _table = new Table(methods);
            foreach (var (name, lease) in leases)
            {
                _leases[name] = lease;
            }

            return old;
        }
    }

    /// <summary>Adds a namespace's methods to <paramref name="methods"/>; returns the lease they share (null unless reloadable).</summary>
    /// <exception cref="RpcDeclarationException">A method cannot be exposed.</exception>
    private NamespaceLease? Add(Dictionary<string, RpcMethod> methods, string namespaceName, object target, bool reloadable)
    {
        // One set of threads per namespace name, kept across versions: a new version's calls run where the old one's did.
        var lease = reloadable ? new NamespaceLease() : null;
        foreach (var method in RpcMethodBuilder.Build(namespaceName, target, Threads, lease))
        {
            methods[method.Name] = method;
        }

        return lease;

        TaskScheduler Threads()
        {
            lock (_threads)
            {
                return _threads.TryGetValue(namespaceName, out var threads) ? threads : _threads[namespaceName] = new NamespaceThreads(namespaceName);
            }
        }
    }

    /// <summary>One published version of the table: the methods and their sorted names, swapped together.</summary>
    private sealed class Table(Dictionary<string, RpcMethod> methods)
    {
        public FrozenDictionary<string, RpcMethod> Methods { get; } = methods.ToFrozenDictionary(StringComparer.Ordinal);

        public IReadOnlyList<string> Names { get; } = [.. methods.Keys.Order(StringComparer.Ordinal)];
    }
}
