using System.Globalization;

namespace Supervisor.Host.Rpc;

/// <summary>
/// The threads one plugin namespace's methods run on (all but those declared
/// <see cref="Supervisor.Abstractions.RpcMethodAttribute.NonBlocking"/>). A method that sleeps, waits on a
/// lock or does slow synchronous I/O then holds one of its own namespace's threads, never one of the
/// thread pool's, which serve every connection, the built-in namespace and the other plugins: before,
/// sixteen 15-second calls starved the pool and held <c>supervisor.getState</c> for up to 12 s.
/// <para>A thread is started whenever a call would otherwise wait for one, up to
/// <see cref="MaxThreads"/>; past that, calls to this namespace wait their turn (only this namespace's
/// callers feel it). A thread with nothing to do for <see cref="IdleTimeout"/> ends. As the methods' task
/// scheduler, it also runs their continuations (an <c>await</c> without <c>ConfigureAwait(false)</c> comes
/// back here), so an async method that blocks after its first await is contained too.</para>
/// </summary>
internal sealed class NamespaceThreads(string namespaceName) : TaskScheduler
{
    public const int MaxThreads = 64;
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(30);

    private readonly object _gate = new();
    private readonly Queue<Task> _queue = new();
    private readonly ThreadLocal<bool> _isOwnThread = new();
    private int _threads;
    private int _waiting;

    /// <summary>Threads alive now (for tests and diagnostics).</summary>
    public int ThreadCount => Volatile.Read(ref _threads);

    public override int MaximumConcurrencyLevel => MaxThreads;

    protected override void QueueTask(Task task)
    {
        var start = false;
        lock (_gate)
        {
            _queue.Enqueue(task);

            // Every queued call needs a waiting thread of its own, or it could sit behind one that blocks.
            if (_queue.Count > _waiting && _threads < MaxThreads)
            {
                _threads++;
                start = true;
            }
            else
            {
                Monitor.Pulse(_gate);
            }
        }

        if (start)
        {
            var thread = new Thread(Work)
            {
                IsBackground = true,
                Name = string.Create(CultureInfo.InvariantCulture, $"rpc {namespaceName}"),
            };
            thread.Start();
        }
    }

    /// <summary>Continuations already on one of these threads may run where they are.</summary>
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        _isOwnThread.Value && !taskWasPreviouslyQueued && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks()
    {
        lock (_gate)
        {
            return [.. _queue];
        }
    }

    private void Work()
    {
        _isOwnThread.Value = true;
        while (true)
        {
            Task task;
            lock (_gate)
            {
                while (_queue.Count == 0)
                {
                    _waiting++;
                    var signalled = Monitor.Wait(_gate, IdleTimeout);
                    _waiting--;
                    if (!signalled && _queue.Count == 0)
                    {
                        _threads--;
                        return;
                    }
                }

                task = _queue.Dequeue();
            }

            TryExecuteTask(task);
        }
    }
}
