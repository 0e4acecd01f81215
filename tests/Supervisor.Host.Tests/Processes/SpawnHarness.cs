using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Supervisor.Host.Platform;
using Supervisor.Host.Processes.Spawning;

namespace Supervisor.Host.Tests.Processes;

/// <summary>What a finished child left: its output and its exit.</summary>
internal sealed record FinishedChild(int Pid, string Stdout, string Stderr, ChildExit Exit);

/// <summary>Spawns real children through <see cref="ChildSpawner"/> and collects them through one shared <see cref="ChildReaper"/>.</summary>
internal static class SpawnHarness
{
    public static readonly string[] PlainEnvironment = ["PATH=/usr/bin:/bin"];

    private static readonly ConcurrentDictionary<int, TaskCompletionSource<ChildExit>> Exits = new();
    private static readonly ConcurrentQueue<ChildExit> OrphanExits = new();
    private static readonly ChildReaper Reaper = new(exit =>
    {
        if (!exit.Known)
        {
            OrphanExits.Enqueue(exit);
            return;
        }

        Exits.GetOrAdd(exit.Pid, _ => NewCompletion()).TrySetResult(exit);
    });

    public static IEnumerable<ChildExit> Orphans => OrphanExits;

    public static SpawnRequest Shell(string script, IReadOnlyList<string>? environment = null) =>
        Command("/bin/sh", ["/bin/sh", "-c", script], environment);

    public static SpawnRequest Command(string path, IReadOnlyList<string> argv, IReadOnlyList<string>? environment = null) =>
        new(new ResolvedCommand(path, argv), environment ?? PlainEnvironment, null, null, null, null, null, false);

    /// <summary>Spawns, tracks at once, and hands back the child (the caller disposes it) with its exit to come.</summary>
    public static (SpawnedChild Child, Task<ChildExit> Exit) Start(SpawnRequest request)
    {
        var result = ChildSpawner.Spawn(request, "test");
        Assert.Null(result.Error);
        var child = result.Child!;
        var exit = Exits.GetOrAdd(child.Pid, _ => NewCompletion()).Task;
        Reaper.Track(child.Pid);
        return (child, exit);
    }

    public static async Task<FinishedChild> RunAsync(SpawnRequest request)
    {
        var (child, exitTask) = Start(request);
        using (child)
        {
            var stdout = ReadToEndAsync(child.Stdout);
            var stderr = child.Stderr is null ? Task.FromResult(string.Empty) : ReadToEndAsync(child.Stderr);
            var exit = await exitTask.WaitAsync(TimeSpan.FromSeconds(10));
            return new FinishedChild(child.Pid, await stdout, await stderr, exit);
        }
    }

    /// <summary>Reads a non-blocking pipe end until EOF (every writer closed it).</summary>
    public static async Task<string> ReadToEndAsync(SafeFileHandle handle)
    {
        var collected = new List<byte>();
        var buffer = new byte[4096];
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var count = ReadSome(handle, buffer, out var errno);
            if (count > 0)
            {
                collected.AddRange(buffer.AsSpan(0, count).ToArray());
            }
            else if (count == 0)
            {
                return Encoding.UTF8.GetString([.. collected]);
            }
            else if (errno == 11)
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "pipe never reached EOF");
                await Task.Delay(2);
            }
            else
            {
                throw new IOException($"read failed: errno {errno}");
            }
        }
    }

    /// <summary>Reads one line (without its newline) from a non-blocking pipe end.</summary>
    public static async Task<string> ReadLineAsync(SafeFileHandle handle)
    {
        var collected = new List<byte>();
        var one = new byte[1];
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var count = ReadSome(handle, one, out var errno);
            if (count == 1)
            {
                if (one[0] == (byte)'\n')
                {
                    return Encoding.UTF8.GetString([.. collected]);
                }

                collected.Add(one[0]);
            }
            else if (count == 0)
            {
                return Encoding.UTF8.GetString([.. collected]);
            }
            else
            {
                Assert.Equal(11, errno);
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "no line arrived");
                await Task.Delay(2);
            }
        }
    }

    /// <summary>Polls <paramref name="condition"/> until true or the timeout; returns its last value.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, int timeoutMs = 5000)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.ElapsedMilliseconds > timeoutMs)
            {
                return false;
            }

            await Task.Delay(5);
        }

        return true;
    }

    /// <summary>A line of /proc/&lt;pid&gt;/status, e.g. "SigIgn" gives "0000000000000000".</summary>
    public static string StatusField(int pid, string field) => StatusField($"/proc/{pid}/status", field);

    public static string StatusField(string statusPath, string field)
    {
        foreach (var line in File.ReadAllLines(statusPath))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return line[(field.Length + 1)..].Trim();
            }
        }

        throw new InvalidOperationException($"no {field} in {statusPath}");
    }

    private static unsafe int ReadSome(SafeFileHandle handle, byte[] buffer, out int errno)
    {
        fixed (byte* p = buffer)
        {
            var count = (int)NativeIo.Read((int)handle.DangerousGetHandle(), p, buffer.Length);
            errno = count < 0 ? Marshal.GetLastPInvokeError() : 0;
            return count;
        }
    }

    private static TaskCompletionSource<ChildExit> NewCompletion() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
