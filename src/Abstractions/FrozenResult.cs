namespace Supervisor.Abstractions;

/// <summary>
/// A method result that will never change: the host encodes it the first time it is answered and
/// reuses those bytes every time the same instance is returned again. Return it from a method that
/// is called often and whose answer changes less often than it is asked for (a status list polled
/// by many clients), and keep the instance for as long as the answer stays the same.
/// </summary>
/// <remarks>
/// The value must not be changed after the instance is first returned: the bytes already sent are
/// what later callers get. <c>system.methodSignature</c> and the help text describe the wrapped type.
/// </remarks>
public abstract class FrozenResult
{
    private protected FrozenResult()
    {
    }

    /// <summary>The wrapped value, boxed (what the host encodes).</summary>
    public abstract object? UntypedValue { get; }
}

/// <summary>A <see cref="FrozenResult"/> holding a <typeparamref name="T"/>.</summary>
/// <typeparam name="T">The result type as the method would return it without the wrapper.</typeparam>
/// <example>
/// <code>
/// private FrozenResult&lt;List&lt;Item&gt;&gt;? _last;
/// private long _lastVersion;
///
/// [RpcMethod]
/// public FrozenResult&lt;List&lt;Item&gt;&gt; ListItems()
/// {
///     var version = _store.Version;
///     if (_last is null || _lastVersion != version)
///     {
///         (_last, _lastVersion) = (new FrozenResult&lt;List&lt;Item&gt;&gt;(_store.Items()), version);
///     }
///
///     return _last;
/// }
/// </code>
/// </example>
public sealed class FrozenResult<T>(T value) : FrozenResult
{
    /// <summary>The result.</summary>
    public T Value { get; } = value;

    /// <inheritdoc />
    public override object? UntypedValue => Value;
}
