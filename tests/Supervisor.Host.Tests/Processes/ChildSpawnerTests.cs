using System.Runtime.InteropServices;
using Supervisor.Host.Platform;
using Supervisor.Host.Processes.Spawning;
using Supervisor.Host.Tests.Support;
using static Supervisor.Host.Tests.Processes.SpawnHarness;

namespace Supervisor.Host.Tests.Processes;

/// <summary>Real children started by <see cref="ChildSpawner"/>: what they inherit, and the reference's set-up failure texts.</summary>
public sealed class ChildSpawnerTests
{
    [Fact]
    public async Task TheChildLeadsItsOwnProcessGroupInOurSessionWithOnlyThreeFdsDefaultSignalsAndAnEmptyMask()
    {
        var (child, exit) = Start(Command("/bin/sleep", ["sleep", "30"]));
        using (child)
        {
            try
            {
                // posix_spawn returns only once the child has exec'd, so /proc shows sleep itself.
                var stat = ProcTree.Read(child.Pid)!.Value;
                var ours = ProcTree.Read(Environment.ProcessId)!.Value;
                Assert.Equal(child.Pid, stat.ProcessGroup);
                Assert.Equal(SessionOf(Environment.ProcessId), SessionOf(child.Pid));
                Assert.NotEqual(ours.ProcessGroup, stat.ProcessGroup);

                // Right after exec the dynamic loader briefly holds fd 3 (ld.so.cache, then each library it
                // maps), so wait for sleep to settle; a descriptor we leaked would never go away.
                Assert.Equal(["0", "1", "2"], await SettledFdsAsync(child.Pid));

                // The test host (.NET) ignores SIGPIPE; the child must not inherit that.
                Assert.NotEqual("0000000000000000", StatusField(Environment.ProcessId, "SigIgn"));
                Assert.Equal("0000000000000000", StatusField(child.Pid, "SigIgn"));
                Assert.Equal("0000000000000000", StatusField(child.Pid, "SigBlk"));

                // fd 0/1/2 are the other ends of the parent's pipes; stderr has its own pipe.
                Assert.Equal(LinkOf($"/proc/self/fd/{child.Stdin!.DangerousGetHandle()}"), LinkOf($"/proc/{child.Pid}/fd/0"));
                Assert.Equal(LinkOf($"/proc/self/fd/{child.Stdout.DangerousGetHandle()}"), LinkOf($"/proc/{child.Pid}/fd/1"));
                Assert.Equal(LinkOf($"/proc/self/fd/{child.Stderr!.DangerousGetHandle()}"), LinkOf($"/proc/{child.Pid}/fd/2"));
            }
            finally
            {
                NativeProcesses.Kill(child.Pid, 9);
            }

            Assert.Equal("terminated by SIGKILL", WaitStatuses.Describe((await exit.WaitAsync(TimeSpan.FromSeconds(10))).WaitStatus));
        }
    }

    [Fact]
    public async Task ADescriptorTheDaemonOpenedWithoutCloseOnExecDoesNotReachTheChild()
    {
        // A plugin's native code may open descriptors without O_CLOEXEC; dup() makes one such.
        var inheritable = Dup(0);
        Assert.True(inheritable > 2, $"dup failed: {Marshal.GetLastPInvokeError()}");
        try
        {
            var (child, exit) = Start(Command("/bin/sleep", ["sleep", "30"]));
            using (child)
            {
                try
                {
                    Assert.Equal(["0", "1", "2"], await SettledFdsAsync(child.Pid));
                }
                finally
                {
                    NativeProcesses.Kill(child.Pid, 9);
                }

                await exit.WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        finally
        {
            Close(inheritable);
        }
    }

    /// <summary>
    /// user= spawns from a throw-away thread that shares the daemon's descriptor table (not the lean
    /// spawner's): there the daemon marks its descriptors close-on-exec before the spawn.
    /// </summary>
    [RootFact]
    public async Task AsRootADescriptorOpenedWithoutCloseOnExecDoesNotReachAChildOfAnotherUser()
    {
        var inheritable = Dup(0);
        Assert.True(inheritable > 2, $"dup failed: {Marshal.GetLastPInvokeError()}");
        try
        {
            var (child, exit) = Start(Command("/bin/sleep", ["sleep", "30"]) with { Uid = 65534, Gid = 65534, UserName = "nobody" });
            using (child)
            {
                try
                {
                    Assert.Equal("65534", StatusField(child.Pid, "Uid").Split('\t')[0]);
                    Assert.Equal(["0", "1", "2"], await SettledFdsAsync(child.Pid));
                }
                finally
                {
                    NativeProcesses.Kill(child.Pid, 9);
                }

                await exit.WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        finally
        {
            Close(inheritable);
        }
    }

    [Fact]
    public async Task StdoutAndStderrArriveOnTheirPipesAndRedirectedStderrSharesStdout()
    {
        var separate = await RunAsync(Shell("echo out; echo err >&2; exit 3"));
        Assert.Equal("out\n", separate.Stdout);
        Assert.Equal("err\n", separate.Stderr);
        Assert.Equal("exit status 3", WaitStatuses.Describe(separate.Exit.WaitStatus));
        Assert.True(separate.Exit.Known);

        var (child, exit) = Start(Shell("echo out; echo err >&2") with { RedirectStderr = true });
        using (child)
        {
            Assert.Null(child.Stderr);
            Assert.Equal("out\nerr\n", await ReadToEndAsync(child.Stdout));
            Assert.Equal(0, WaitStatuses.ExitCode((await exit.WaitAsync(TimeSpan.FromSeconds(10))).WaitStatus));
        }
    }

    [Fact]
    public async Task StdinPipeReachesTheChild()
    {
        var (child, exit) = Start(Shell("read line; echo \"got $line\""));
        using (child)
        {
            var bytes = "hello\n"u8.ToArray();
            using (var stream = new FileStream(child.Stdin!, FileAccess.Write, 1))
            {
                stream.Write(bytes);
            }

            Assert.Equal("got hello\n", await ReadToEndAsync(child.Stdout));
            await exit.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task TheEnvironmentIsExactlyTheGivenList()
    {
        var finished = await RunAsync(Command("/usr/bin/env", ["env"], ["A=1", "B=two words", "EMPTY="]));
        Assert.Equal("A=1\nB=two words\nEMPTY=\n", finished.Stdout);
    }

    [Fact]
    public async Task Argv0IsTheWordAsWrittenAndArgumentsPassVerbatim()
    {
        var finished = await RunAsync(Command("/bin/sh", ["my-name", "-c", "tr '\\0' '|' < /proc/$$/cmdline", "a b", "$HOME"]));
        Assert.Equal("my-name|-c|tr '\\0' '|' < /proc/$$/cmdline|a b|$HOME|", finished.Stdout);
    }

    [Fact]
    public async Task DirectoryAndUmaskApplyToTheChildOnlyNotToTheDaemon()
    {
        using var dir = new TempDirectory();
        var daemonUmask = StatusField(Environment.ProcessId, "Umask");
        var daemonCwd = Environment.CurrentDirectory;

        var finished = await RunAsync(Shell("pwd; umask") with { Directory = dir.Path, Umask = Convert.ToInt32("027", 8) });

        Assert.Equal($"{dir.Path}\n0027\n", finished.Stdout);
        Assert.Equal(daemonUmask, StatusField(Environment.ProcessId, "Umask"));
        Assert.Equal(daemonCwd, Environment.CurrentDirectory);
        Assert.Equal(daemonCwd, LinkOf("/proc/self/cwd"));

        // The next spawn without either is back in the daemon's directory with the daemon's umask.
        var plain = await RunAsync(Shell("pwd; umask"));
        Assert.Equal($"{daemonCwd}\n{daemonUmask}\n", plain.Stdout);
    }

    [Fact]
    public async Task ChildrenAreSpawnedFromAThreadWhoseDescriptorTableHoldsNextToNothingAndStayTheDaemonsOwn()
    {
        // However many descriptors the daemon holds (here 300 more), the spawning thread's table, which each
        // spawn copies into the child, holds only fds 0-2, its socket and the runtime's code memfd (W^X).
        var extra = Enumerable.Range(0, 300).Select(_ => File.OpenHandle("/dev/null")).ToList();
        try
        {
            var finished = await RunAsync(Shell("echo $PPID"));
            Assert.Equal($"{Environment.ProcessId}\n", finished.Stdout);
            Assert.True(LeanSpawnThread.IsRunning);

            var spawner = Directory.GetDirectories("/proc/self/task")
                .Single(task => ThreadName(task) == "lean spawner");
            var table = Directory.GetFileSystemEntries(Path.Combine(spawner, "fd")).Select(fd => LinkOf(fd)!)
                .Where(link => !link.StartsWith("/memfd:doublemapper", StringComparison.Ordinal)).ToList();
            Assert.Equal(4, table.Count);
            Assert.Single(table, link => link.StartsWith("socket:", StringComparison.Ordinal));
            Assert.True(Directory.GetFileSystemEntries("/proc/self/fd").Length > 300);
        }
        finally
        {
            extra.ForEach(handle => handle.Dispose());
        }
    }

    [Fact]
    public async Task AChdirFailureIsReportedAsTheReferenceChildReportsIt()
    {
        var finished = await RunAsync(Shell("echo never") with { Directory = "/nonexistent/dir" });
        Assert.Equal(string.Empty, finished.Stdout);
        Assert.Equal("supervisor: couldn't chdir to /nonexistent/dir: ENOENT\nsupervisor: child process was not spawned\n", finished.Stderr);
        Assert.Equal("exit status 127", WaitStatuses.Describe(finished.Exit.WaitStatus));
    }

    [Fact]
    public async Task AnExecFailureIsReportedWithArgv0AndErrnoNameAndGoesToStdoutWhenRedirected()
    {
        var missing = await RunAsync(Command("/nonexistent/prog", ["prog", "x"]));
        Assert.Equal("supervisor: couldn't exec prog: ENOENT\nsupervisor: child process was not spawned\n", missing.Stderr);
        Assert.Equal(127, WaitStatuses.ExitCode(missing.Exit.WaitStatus));

        using var dir = new TempDirectory();
        var garbage = dir.Write("garbage", "\u0001\u0002 not a program");
        File.SetUnixFileMode(garbage, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var noexec = await RunAsync(Command(garbage, ["garbage"]) with { RedirectStderr = true });
        Assert.Equal("supervisor: couldn't exec garbage: ENOEXEC\nsupervisor: child process was not spawned\n", noexec.Stdout);
        Assert.Equal("exit status 127", WaitStatuses.Describe(noexec.Exit.WaitStatus));
    }

    [Fact]
    public async Task AUserSwitchRefusedToANonRootDaemonIsReportedAsTheReferenceChildReportsIt()
    {
        var finished = await RunAsync(Shell("echo never") with { Uid = 65534, Gid = 65534, UserName = "nobody", AssumeDaemonUid = 1000 });
        Assert.Equal("supervisor: couldn't setuid to 65534: Can't drop privilege as nonroot user\nsupervisor: child process was not spawned\n", finished.Stderr);
        Assert.Equal(127, WaitStatuses.ExitCode(finished.Exit.WaitStatus));

        // The daemon's own uid: nothing to switch, nothing refused.
        var same = await RunAsync(Shell("echo ran") with { Uid = 1000, AssumeDaemonUid = 1000 });
        Assert.Equal("ran\n", same.Stdout);
    }

    [RootFact]
    public async Task AsRootTheChildRunsAsTheUserWhileEveryDaemonThreadStaysRoot()
    {
        var dumpable = NativeProcesses.Prctl(NativeProcesses.PrGetDumpable, 0, 0, 0, 0);
        using var dir = new TempDirectory();
        File.SetUnixFileMode(dir.Path, (UnixFileMode)Convert.ToInt32("755", 8));

        var finished = await RunAsync(Shell("id -u; id -g; id -G; pwd") with
        {
            Uid = 65534,
            Gid = 65534,
            UserName = "nobody",
            Directory = dir.Path,
        });

        Assert.Equal($"65534\n65534\n65534\n{dir.Path}\n", finished.Stdout);
        Assert.Equal(string.Empty, finished.Stderr);
        Assert.Equal(0, NativeProcesses.Getuid());
        Assert.Equal(0, NativeProcesses.Geteuid());
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            var status = Path.Combine(task, "status");

            // A "spawn" thread is the short-lived one that switches only its own credentials around
            // posix_spawn: another test in this process may be spawning as another user right now.
            string[] ids;
            try
            {
                ids = StatusField(status, "Name") == "spawn" ? [] : [StatusField(status, "Uid"), StatusField(status, "Gid")];
            }
            catch (IOException)
            {
                continue; // the thread ended meanwhile
            }

            Assert.All(ids, id => Assert.Equal("0\t0\t0\t0", id));
        }

        Assert.Equal(dumpable, NativeProcesses.Prctl(NativeProcesses.PrGetDumpable, 0, 0, 0, 0));

        var asRoot = await RunAsync(Shell("id -u"));
        Assert.Equal("0\n", asRoot.Stdout);
    }

    [RootFact]
    public async Task AsRootADirectoryTheUserCannotEnterFailsTheChdirWithThatUsersRights()
    {
        using var dir = new TempDirectory();
        var locked = Path.Combine(dir.Path, "locked");
        Directory.CreateDirectory(locked);
        File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var finished = await RunAsync(Shell("echo never") with { Uid = 65534, Gid = 65534, UserName = "nobody", Directory = locked });
        Assert.Equal($"supervisor: couldn't chdir to {locked}: EACCES\nsupervisor: child process was not spawned\n", finished.Stderr);
        Assert.Equal(127, WaitStatuses.ExitCode(finished.Exit.WaitStatus));
    }

    private static int SessionOf(int pid)
    {
        var text = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(text[(text.LastIndexOf(')') + 2)..].Split(' ')[3], System.Globalization.CultureInfo.InvariantCulture);
    }

    [DllImport("libc", EntryPoint = "dup", SetLastError = true)]
    private static extern int Dup(int fd);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);

    /// <summary>A thread's name, or null when it ended while the threads were listed.</summary>
    private static string? ThreadName(string taskDirectory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(taskDirectory, "comm")).Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string? LinkOf(string path) => new FileInfo(path).LinkTarget;

    /// <summary>The child's open descriptors once the loader has let go of its own (at most 5 s).</summary>
    private static async Task<List<string>> SettledFdsAsync(int pid)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            var fds = Directory.GetFileSystemEntries($"/proc/{pid}/fd").Select(Path.GetFileName).Order().ToList();
            if (fds.Count <= 3 || DateTime.UtcNow > deadline)
            {
                return fds.Select(fd => fd!).ToList();
            }

            await Task.Delay(10);
        }
    }
}
