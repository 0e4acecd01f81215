namespace Supervisor.Host.Rpc;

/// <summary>
/// One callable wire name (<c>supervisor.getState</c>), built once at registration: its help
/// text and signature for the <c>system</c> namespace, and compiled delegates that bind and call.
/// An alias is a separate <see cref="RpcMethod"/> sharing the same delegates. The call delegate is
/// compiled on the first call: most of a namespace's methods are never called by a given daemon, and
/// compiling them all held up its start.
/// </summary>
internal sealed class RpcMethod
{
    private readonly Func<object?, object?>[] _converters;
    private readonly object?[] _defaults;
    private readonly Lazy<Func<object?[], CancellationToken, ValueTask<object?>>> _invoke;

    public RpcMethod(
        string name,
        string help,
        IReadOnlyList<string> signature,
        int requiredParameters,
        Func<object?, object?>[] converters,
        object?[] defaults,
        Lazy<Func<object?[], CancellationToken, ValueTask<object?>>> invoke,
        TaskScheduler? threads = null,
        NamespaceLease? lease = null)
    {
        Lease = lease;
        Name = name;
        Help = help;
        Signature = signature;
        RequiredParameters = requiredParameters;
        _converters = converters;
        _defaults = defaults;
        _invoke = invoke;
        Threads = threads;
    }

    /// <summary>Where the method runs: its namespace's own threads, or null for the caller's thread (<c>NonBlocking</c>).</summary>
    public TaskScheduler? Threads { get; }

    /// <summary>The calls in flight on this version of a hot-reloadable namespace; null for one that is never replaced.</summary>
    public NamespaceLease? Lease { get; }

    /// <summary>The full wire name, <c>namespace.method</c>.</summary>
    public string Name { get; }

    /// <summary>The docstring-shaped help text returned by <c>system.methodHelp</c>.</summary>
    public string Help { get; }

    /// <summary><c>[returnType, paramType...]</c> as returned by <c>system.methodSignature</c>.</summary>
    public IReadOnlyList<string> Signature { get; }

    /// <summary>Parameters a caller must send; the rest have defaults.</summary>
    public int RequiredParameters { get; }

    /// <summary>Parameters a caller may send.</summary>
    public int MaxParameters => _converters.Length;

    /// <summary>Binds the wire values to the method's parameters and calls it.</summary>
    /// <exception cref="ParameterMismatchException">A count or type mismatch (INCORRECT_PARAMETERS).</exception>
    public ValueTask<object?> InvokeAsync(object?[] wireParameters, CancellationToken cancellationToken)
    {
        if (wireParameters.Length < RequiredParameters || wireParameters.Length > _converters.Length)
        {
            throw new ParameterMismatchException("");
        }

        var arguments = new object?[_converters.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            if (i < wireParameters.Length)
            {
                try
                {
                    arguments[i] = _converters[i](wireParameters[i]);
                }
                catch (OverflowException)
                {
                    throw new ParameterMismatchException($"parameter {i + 1}: value out of range");
                }
                catch (ParameterMismatchException e)
                {
                    throw new ParameterMismatchException($"parameter {i + 1}: {e.Message}");
                }
            }
            else
            {
                arguments[i] = _defaults[i];
            }
        }

        if (Threads is null)
        {
            return _invoke.Value(arguments, cancellationToken);
        }

        var invoke = _invoke;
        return new ValueTask<object?>(Task.Factory.StartNew(
            () => invoke.Value(arguments, cancellationToken).AsTask(),
            CancellationToken.None,
            TaskCreationOptions.DenyChildAttach,
            Threads).Unwrap());
    }
}
