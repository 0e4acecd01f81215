namespace Supervisor.Host.Rpc;

/// <summary>
/// The calls in flight on one version of a hot-reloadable namespace. When a new version replaces it, it is
/// retired: no call enters any more (the dispatcher looks the name up again and gets the new version),
/// and the release (disposing the old object, unloading its plugin) runs once the last call in flight has
/// ended, or at once when there is none.
/// </summary>
internal sealed class NamespaceLease
{
    private const int Live = 0;
    private const int Retired = 1;
    private const int Released = 2;

    private int _calls;
    private int _state;
    private Action? _release;

    /// <summary>True when a call may run on this version (pair it with <see cref="Exit"/>); false once it is retired.</summary>
    public bool TryEnter()
    {
        Interlocked.Increment(ref _calls);
        if (Volatile.Read(ref _state) == Live)
        {
            return true;
        }

        Exit();
        return false;
    }

    public void Exit()
    {
        if (Interlocked.Decrement(ref _calls) == 0 && Volatile.Read(ref _state) == Retired)
        {
            ReleaseOnce();
        }
    }

    /// <summary>No call enters from now on; <paramref name="release"/> runs once the calls in flight have ended.</summary>
    public void Retire(Action release)
    {
        _release = release;

        // A full fence between publishing the state and reading the count, as TryEnter has the other way round.
        Interlocked.Exchange(ref _state, Retired);
        if (Volatile.Read(ref _calls) == 0)
        {
            ReleaseOnce();
        }
    }

    private void ReleaseOnce()
    {
        if (Interlocked.CompareExchange(ref _state, Released, Retired) == Retired)
        {
            _release?.Invoke();
        }
    }
}
