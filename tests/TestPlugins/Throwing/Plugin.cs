using Supervisor.Abstractions;

namespace TestPlugins.Throwing;

public static class Factory
{
    public static Namespace Make(ISupervisord supervisord) => new();
}

public sealed class Namespace : IDisposable
{
    /// <summary>Even its clean-up fails.</summary>
    public void Dispose() => throw new InvalidOperationException("dispose failed");

    [RpcMethod(Help = "Throws InvalidOperationException.")]
    public bool Boom() => throw new InvalidOperationException("kaboom");

    [RpcMethod(Help = "Throws from an async continuation.")]
    public async Task<int> BoomLater()
    {
        await Task.Yield();
        throw new TimeoutException("too late");
    }

    [RpcMethod(Help = "Dereferences null.")]
    public int NullDeref()
    {
        string? nothing = null;
        return nothing!.Length;
    }

    [RpcMethod(Help = "Throws a fault with a code of its own.")]
    public bool CustomFault() => throw new RpcFaultException(4242, "TEAPOT", "short and stout");

    [RpcMethod(Help = "Returns a value XML-RPC cannot carry.")]
    public object Unencodable() => new Action(() => { });

    [RpcMethod(Help = "Returns a frozen result that contains itself.")]
    public FrozenResult<object?[]> FrozenCycle()
    {
        var items = new object?[1];
        var frozen = new FrozenResult<object?[]>(items);
        items[0] = frozen;
        return frozen;
    }

    [RpcMethod(Help = "Returns a string with control characters and invalid surrogates.")]
    public string ControlCharacters() => "bell\u0007 escape\u001b[31m nul\u0000 lone\ud800 ok";

    [RpcMethod(Help = "Returns an object whose property throws while the result is being written.")]
    public Broken BrokenGetter() => new();

    [RpcMethod(Help = "Blocks its thread for the given milliseconds, then answers true.")]
    public bool Sleep(int milliseconds)
    {
        Thread.Sleep(milliseconds);
        return true;
    }

    [RpcMethod(Help = "Awaits once, then blocks its thread (an async method that is not really asynchronous).")]
    public async Task<bool> SleepAfterAwait(int milliseconds)
    {
        await Task.Yield();
        Thread.Sleep(milliseconds);
        return true;
    }

    [RpcMethod(Help = "Starts a thread of its own that throws; answers at once.")]
    public bool ThreadThrows()
    {
        new Thread(() => throw new InvalidOperationException("thrown on the plugin's own thread")).Start();
        return true;
    }

    [RpcMethod(Help = "Starts an async void method that throws after its first await; answers at once.")]
    public bool AsyncVoidThrows()
    {
        FireAndForget();
        return true;
    }

    [RpcMethod(Help = "Returns a lazy sequence that fails while the result is being written.")]
    public IEnumerable<int> LazyFailure()
    {
        var known = new Dictionary<string, int> { ["one"] = 1 };
        return new[] { "one", "two" }.Select(key => known[key]);
    }

    private static async void FireAndForget()
    {
        await Task.Delay(10);
        throw new InvalidOperationException("thrown by an async void method");
    }
}

/// <summary>A result whose second property dereferences null when the encoder reads it.</summary>
public sealed class Broken
{
    public int Fine => 1;

    public int Length => Missing!.Length;

    private string? Missing { get; }
}

/// <summary>A factory that takes its time (a plugin connecting somewhere at start-up).</summary>
public static class SlowFactory
{
    public static SlowNamespace Make(ISupervisord supervisord, int delay_ms)
    {
        Thread.Sleep(delay_ms);
        return new SlowNamespace();
    }
}

public sealed class SlowNamespace
{
    [RpcMethod(Help = "Answers true once made.")]
    public bool Ready() => true;
}
