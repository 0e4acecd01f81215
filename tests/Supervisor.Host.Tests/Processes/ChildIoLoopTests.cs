using System.Diagnostics;
using System.Text;
using Supervisor.Abstractions;
using Supervisor.Host.Platform;
using Supervisor.Host.Processes.Output;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Processes;

/// <summary>The epoll thread with real pipes: output to logs, fairness, drain without EOF, non-blocking stdin.</summary>
public sealed class ChildIoLoopTests
{
    private static ChildOutputLog FileLog(string path, OutputChannel channel = OutputChannel.Stdout, IMainLog? main = null) =>
        new(new ChildOutputOptions("cat", channel, path, 0, 0, Syslog: false, StripAnsi: false), main ?? new RecordingLog(MainLogLevel.Info));

    private static long SizeOf(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    [Fact]
    public void OutputOfBothChannelsReachesTheirLogsAndEofClosesTheChannel()
    {
        using var dir = new TempDirectory();
        var main = new RecordingLog(MainLogLevel.Debug);
        using var loop = new ChildIoLoop(main);
        using var stdout = new TestPipe();
        using var stderr = new TestPipe();
        using var outLog = FileLog(dir.File("out.log"), OutputChannel.Stdout, main);
        using var errLog = FileLog(dir.File("err.log"), OutputChannel.Stderr, main);
        loop.Attach(null, stdout.Read, stderr.Read, outLog, errLog, "cat");

        TestPipe.WriteAll(stdout.Write, "to stdout\n"u8);
        TestPipe.WriteAll(stderr.Write, "to stderr\n"u8);
        stdout.Write.Dispose();
        stderr.Write.Dispose();

        Eventually.True(() => main.Lines.Count(l => l.Message.Contains("closed, stopped monitoring")) == 2, "both EOFs");
        Assert.Equal("to stdout\n", File.ReadAllText(dir.File("out.log")));
        Assert.Equal("to stderr\n", File.ReadAllText(dir.File("err.log")));
        Assert.Contains((MainLogLevel.Debug, "'cat' stdout output:\nto stdout\n"), main.Lines);
        Assert.Contains((MainLogLevel.Debug, "'cat' stderr output:\nto stderr\n"), main.Lines);
    }

    [Fact]
    public void StdoutAndStderrSharingOneFileBothAppend()
    {
        using var dir = new TempDirectory();
        using var loop = new ChildIoLoop(new RecordingLog(MainLogLevel.Info));
        using var stdout = new TestPipe();
        using var stderr = new TestPipe();
        var path = dir.File("both.log");
        using var outLog = FileLog(path, OutputChannel.Stdout);
        using var errLog = FileLog(path, OutputChannel.Stderr);
        Assert.True(outLog.SplicesToFile);
        var pipes = loop.Attach(null, stdout.Read, stderr.Read, outLog, errLog, "cat");
        for (var i = 0; i < 50; i++)
        {
            TestPipe.WriteAll(stdout.Write, "out-line\n"u8);
            Eventually.True(() => SizeOf(path) == (i * 18) + 9, "stdout line");
            TestPipe.WriteAll(stderr.Write, "err-line\n"u8);
            Eventually.True(() => SizeOf(path) == (i * 18) + 18, "stderr line");
        }

        Assert.Equal(string.Concat(Enumerable.Repeat("out-line\nerr-line\n", 50)), File.ReadAllText(path));
        using var drained = new ManualResetEventSlim();
        pipes.DrainAndClose(drained.Set);
        Assert.True(drained.Wait(TimeSpan.FromSeconds(5)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void APipeFoundFullGrowsAndAQuietOneKeepsTheDefaultSize(bool stripAnsi)
    {
        const int getPipeSize = 1032;
        using var dir = new TempDirectory();
        using var loop = new ChildIoLoop(new RecordingLog(MainLogLevel.Info));
        using var fast = new TestPipe();
        using var quiet = new TestPipe();
        var fastPath = dir.File("fast.log");
        var quietPath = dir.File("quiet.log");
        using var fastLog = new ChildOutputLog(new ChildOutputOptions("fast", OutputChannel.Stdout, fastPath, 0, 0, Syslog: false, stripAnsi), new RecordingLog(MainLogLevel.Info));
        using var quietLog = new ChildOutputLog(new ChildOutputOptions("fast", OutputChannel.Stderr, quietPath, 0, 0, Syslog: false, stripAnsi), new RecordingLog(MainLogLevel.Info));
        Assert.Equal(!stripAnsi, fastLog.SplicesToFile);
        Assert.Equal(ChildIoLoop.DefaultPipeCapacity, NativeIo.Fcntl(Fd(fast.Write), getPipeSize, 0));

        // A full pipe before the loop first looks: its first chunk is the whole default capacity.
        var chunk = new byte[ChildIoLoop.DefaultPipeCapacity];
        chunk.AsSpan().Fill((byte)'x');
        TestPipe.WriteAll(fast.Write, chunk);
        TestPipe.WriteAll(quiet.Write, "a line\n"u8);
        var pipes = loop.Attach(null, fast.Read, quiet.Read, fastLog, quietLog, "fast");
        Eventually.True(() => SizeOf(fastPath) == chunk.Length && SizeOf(quietPath) == 7, "both chunks logged");

        Assert.Equal(ChildIoLoop.FastPipeCapacity, NativeIo.Fcntl(Fd(fast.Write), getPipeSize, 0));
        Assert.Equal(ChildIoLoop.DefaultPipeCapacity, NativeIo.Fcntl(Fd(quiet.Write), getPipeSize, 0));

        // The grown pipe takes a megabyte without its writer blocking, and all of it reaches the log.
        var megabyte = new byte[ChildIoLoop.FastPipeCapacity];
        megabyte.AsSpan().Fill((byte)'y');
        TestPipe.WriteAll(fast.Write, megabyte);
        Eventually.True(() => SizeOf(fastPath) == chunk.Length + megabyte.Length, "the megabyte logged");
        using var drained = new ManualResetEventSlim();
        pipes.DrainAndClose(drained.Set);
        Assert.True(drained.Wait(TimeSpan.FromSeconds(5)));
    }

    private static int Fd(Microsoft.Win32.SafeHandles.SafeFileHandle handle) => (int)handle.DangerousGetHandle();

    /// <summary>The bytes in a log and its backups; -1 while a rotation renames a file between listing and reading it.</summary>
    private static long BytesOnDisk(string directory)
    {
        try
        {
            return Directory.GetFiles(directory).Sum(file => new FileInfo(file).Length);
        }
        catch (FileNotFoundException)
        {
            return -1;
        }
    }

    [Fact]
    public void ManyMegabytesThroughRotationArriveInOrder()
    {
        using var dir = new TempDirectory();
        using var loop = new ChildIoLoop(new RecordingLog(MainLogLevel.Info));
        using var stdout = new TestPipe();
        var path = dir.File("out.log");
        using var log = new ChildOutputLog(new ChildOutputOptions("big", OutputChannel.Stdout, path, 1024 * 1024, 50, false, false), new RecordingLog(MainLogLevel.Info));
        Assert.True(log.SplicesToFile);
        var pipes = loop.Attach(null, stdout.Read, null, log, null, "big");
        var input = new byte[20 * 1024 * 1024];
        new Random(11).NextBytes(input);
        TestPipe.WriteAll(stdout.Write, input);
        stdout.Write.Dispose();
        Eventually.True(() => BytesOnDisk(dir.Path) == input.Length, "all bytes on disk");
        using var joined = new MemoryStream();
        var backups = Directory.GetFiles(dir.Path).Length - 1;
        for (var i = backups; i >= 1; i--)
        {
            joined.Write(File.ReadAllBytes($"{path}.{i}"));
        }

        joined.Write(File.ReadAllBytes(path));
        Assert.True(input.AsSpan().SequenceEqual(joined.ToArray()));
        using var drained = new ManualResetEventSlim();
        pipes.DrainAndClose(drained.Set);
        Assert.True(drained.Wait(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void SplicedOutputIsWrittenBehindSoItDoesNotStayInThePageCache()
    {
        using var dir = new TempDirectory();
        using var loop = new ChildIoLoop(new RecordingLog(MainLogLevel.Info));
        using var stdout = new TestPipe();
        var path = dir.File("fast.log");
        using var log = FileLog(path);
        Assert.True(log.SplicesToFile);
        loop.Attach(null, stdout.Read, null, log, null, "fast");
        const long stretch = ChildLogFile.WriteBehindStretch;
        var chunk = new byte[64 * 1024];
        new Random(5).NextBytes(chunk);

        // One stretch through the pipe, made clean on disk; the next stretch's advice may then drop it.
        for (long written = 0; written < stretch; written += chunk.Length)
        {
            TestPipe.WriteAll(stdout.Write, chunk);
        }

        Eventually.True(() => SizeOf(path) == stretch, "the first stretch in the file");
        using (var flush = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            flush.Flush(flushToDisk: true);
        }

        for (long written = 0; written < stretch; written += chunk.Length)
        {
            TestPipe.WriteAll(stdout.Write, chunk);
        }

        Eventually.True(() => SizeOf(path) == 2 * stretch, "the second stretch in the file");
        Eventually.True(() => PageCache.ResidentPages(path, 0, stretch) == 0, "the first stretch dropped from the page cache");
    }

    [Fact]
    public void ALogFileThatIsAPipeWorksLikeDevStdoutUnderDocker()
    {
        using var loop = new ChildIoLoop(new RecordingLog(MainLogLevel.Info));
        using var source = new TestPipe();
        using var target = new TestPipe();
        using var log = FileLog($"/proc/self/fd/{target.Write.DangerousGetHandle()}");
        var pipes = loop.Attach(null, source.Read, null, log, null, "cat");
        TestPipe.WriteAll(source.Write, "through a pipe\n"u8);
        var buffer = new byte[64];
        var n = TestPipe.ReadSome(target.Read, buffer);
        Assert.Equal("through a pipe\n", Encoding.ASCII.GetString(buffer, 0, n));
        using var drained = new ManualResetEventSlim();
        pipes.DrainAndClose(drained.Set);
        Assert.True(drained.Wait(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void AFastWriterDoesNotStallAnotherChannel()
    {
        using var dir = new TempDirectory();
        using var loop = new ChildIoLoop(new RecordingLog(MainLogLevel.Info));
        using var fast = new TestPipe();
        using var slow = new TestPipe();
        using var fastLog = new ChildOutputLog(new ChildOutputOptions("fast", OutputChannel.Stdout, dir.File("fast.log"), 8 * 1024 * 1024, 1, false, false), new RecordingLog(MainLogLevel.Info));
        using var slowLog = FileLog(dir.File("slow.log"));
        var fastPipes = loop.Attach(null, fast.Read, null, fastLog, null, "fast");
        loop.Attach(null, slow.Read, null, slowLog, null, "slow");

        using var stop = new CancellationTokenSource();
        long fastBytes = 0;
        var writer = new Thread(() =>
        {
            var block = new byte[64 * 1024];
            block.AsSpan().Fill((byte)'y');
            while (!stop.IsCancellationRequested && TestPipe.WriteAll(fast.Write, block))
            {
                Interlocked.Add(ref fastBytes, block.Length);
            }
        });
        writer.Start();
        try
        {
            Eventually.True(() => Interlocked.Read(ref fastBytes) > 4 * 1024 * 1024, "the fast writer to get going");
            var worst = TimeSpan.Zero;
            for (var i = 1; i <= 20; i++)
            {
                var watch = Stopwatch.StartNew();
                TestPipe.WriteAll(slow.Write, "ping\n"u8);
                Eventually.True(() => SizeOf(dir.File("slow.log")) == i * 5, $"ping {i}", timeoutMs: 2000);
                worst = watch.Elapsed > worst ? watch.Elapsed : worst;
            }

            Assert.True(worst < TimeSpan.FromMilliseconds(500), $"slowest ping took {worst}");
            Assert.True(Interlocked.Read(ref fastBytes) > 8 * 1024 * 1024);
        }
        finally
        {
            stop.Cancel();
            using var drained = new ManualResetEventSlim();
            fastPipes.DrainAndClose(drained.Set);
            Assert.True(drained.Wait(TimeSpan.FromSeconds(5)));
            writer.Join();
        }
    }

    [Fact]
    public void DrainAndCloseDoesNotWaitForAWriterThatKeepsThePipeOpen()
    {
        using var dir = new TempDirectory();
        using var loop = new ChildIoLoop(new RecordingLog(MainLogLevel.Info));
        using var stdout = new TestPipe();
        using var stdin = new TestPipe();
        using var log = FileLog(dir.File("out.log"));
        var pipes = loop.Attach(stdin.Write, stdout.Read, null, log, null, "cat");

        // Whether the loop or the drain reads it, the tail is logged before onDrained runs.
        TestPipe.WriteAll(stdout.Write, "last words\n"u8);
        using var drained = new ManualResetEventSlim();
        var drainThread = 0;
        pipes.DrainAndClose(() =>
        {
            drainThread = Environment.CurrentManagedThreadId;
            drained.Set();
        });

        Assert.True(drained.Wait(TimeSpan.FromSeconds(5)), "drain did not finish while the writer kept the pipe open");
        Assert.NotEqual(Environment.CurrentManagedThreadId, drainThread);
        Assert.Equal("last words\n", File.ReadAllText(dir.File("out.log")));
        Assert.False(pipes.StdinOpen);
        Assert.Equal(StdinWriteResult.Closed, pipes.WriteStdin("late"u8.ToArray()));
        Assert.Equal(0, loop.AttachedCount);

        // Our ends are closed: the "grandchild" now gets EPIPE, and the stdin reader sees EOF.
        Assert.False(TestPipe.WriteAll(stdout.Write, "more"u8));
        Assert.Equal(0, TestPipe.ReadSome(stdin.Read, new byte[16]));

        using var again = new ManualResetEventSlim();
        pipes.DrainAndClose(again.Set);
        Assert.True(again.Wait(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void DrainAndCloseWithAWriterThatNeverStopsFinishes()
    {
        using var dir = new TempDirectory();
        using var loop = new ChildIoLoop(new RecordingLog(MainLogLevel.Info));
        using var stdout = new TestPipe();
        using var log = FileLog(dir.File("out.log"));
        var pipes = loop.Attach(null, stdout.Read, null, log, null, "yes");
        var writer = new Thread(() =>
        {
            var block = new byte[4096];
            while (TestPipe.WriteAll(stdout.Write, block))
            {
            }
        });
        writer.Start();
        Eventually.True(() => SizeOf(dir.File("out.log")) > 1024 * 1024, "some output");
        using var drained = new ManualResetEventSlim();
        pipes.DrainAndClose(drained.Set);
        Assert.True(drained.Wait(TimeSpan.FromSeconds(5)), "drain kept reading a writer that never stops");
        Assert.True(writer.Join(TimeSpan.FromSeconds(5)), "the writer did not get EPIPE");
    }

    [Fact]
    public void StdinToASlowReaderNeverBlocksAndArrivesIntact()
    {
        using var loop = new ChildIoLoop(new RecordingLog(MainLogLevel.Info));
        using var stdout = new TestPipe();
        using var stdin = new TestPipe();
        var pipes = loop.Attach(stdin.Write, stdout.Read, null, null, null, "cat");

        var payload = new byte[8 * 1024 * 1024];
        new Random(3).NextBytes(payload);
        var watch = Stopwatch.StartNew();
        for (var offset = 0; offset < payload.Length; offset += 1024 * 1024)
        {
            Assert.Equal(StdinWriteResult.Accepted, pipes.WriteStdin(payload.AsMemory(offset, 1024 * 1024)));
        }

        // Nobody reads yet and the pipe holds 64 KiB: the 8 MiB were buffered, not waited for.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"WriteStdin took {watch.Elapsed}");
        Assert.True(pipes.StdinOpen);

        using var received = new MemoryStream();
        var buffer = new byte[4096];
        var reads = 0;
        while (received.Length < payload.Length)
        {
            var n = TestPipe.ReadSome(stdin.Read, buffer);
            Assert.NotEqual(0, n);
            received.Write(buffer, 0, n);
            if (++reads % 256 == 0)
            {
                Thread.Sleep(1);
            }
        }

        Assert.True(payload.AsSpan().SequenceEqual(received.ToArray()));
        Assert.True(pipes.StdinOpen);
    }

    [Fact]
    public void StdinBeyondTheLimitIsRefusedWholeAndTheBufferIsLetGoOnceRead()
    {
        using var loop = new ChildIoLoop(new RecordingLog(MainLogLevel.Info));
        using var stdout = new TestPipe();
        using var stdin = new TestPipe();
        var pipes = loop.Attach(stdin.Write, stdout.Read, null, null, null, "cat");
        const int limit = 1024 * 1024;
        byte[] Filled(char letter, int count) => Enumerable.Repeat((byte)letter, count).ToArray();

        Assert.Equal(StdinWriteResult.Accepted, pipes.WriteStdin(Filled('a', limit / 2), limit, out _));
        Assert.Equal(StdinWriteResult.Accepted, pipes.WriteStdin(Filled('b', limit / 4), limit, out _));
        var waiting = pipes.StdinPending;
        Assert.Equal(StdinWriteResult.Full, pipes.WriteStdin(Filled('c', limit / 2), limit, out var pending));
        Assert.Equal(waiting, pending);
        Assert.Equal(waiting, pipes.StdinPending);
        Assert.InRange(pipes.StdinBufferCapacity, waiting, limit);
        Assert.True(pipes.StdinOpen);

        // The reader gets a's then b's, then what follows once there is room again: no c at all.
        Assert.Equal(StdinWriteResult.Accepted, pipes.WriteStdin(Filled('d', limit / 8), limit, out _));
        var expected = Filled('a', limit / 2).Concat(Filled('b', limit / 4)).Concat(Filled('d', limit / 8)).ToArray();
        using var received = new MemoryStream();
        var buffer = new byte[65536];
        while (received.Length < expected.Length)
        {
            var n = TestPipe.ReadSome(stdin.Read, buffer.AsSpan(0, (int)Math.Min(buffer.Length, expected.Length - received.Length)));
            Assert.NotEqual(0, n);
            received.Write(buffer, 0, n);
        }

        Assert.True(expected.AsSpan().SequenceEqual(received.ToArray()));

        // Emptied, the buffer lets its array go: no high-water mark stays allocated.
        Eventually.True(() => pipes.StdinPending == 0 && pipes.StdinBufferCapacity == 0, "the buffer to be released");
        Assert.Equal(StdinWriteResult.Accepted, pipes.WriteStdin(Filled('e', limit), limit, out _));
    }

    [Fact]
    public void StdinToAClosedPipeIsClosed()
    {
        using var loop = new ChildIoLoop(new RecordingLog(MainLogLevel.Info));
        using var stdout = new TestPipe();
        using var stdin = new TestPipe();
        var pipes = loop.Attach(stdin.Write, stdout.Read, null, null, null, "cat");
        Assert.Equal(StdinWriteResult.Accepted, pipes.WriteStdin("hello"u8.ToArray()));
        stdin.Read.Dispose();
        Assert.Equal(StdinWriteResult.Closed, pipes.WriteStdin("again"u8.ToArray()));
        Assert.False(pipes.StdinOpen);
        Assert.Equal(StdinWriteResult.Closed, pipes.WriteStdin("and again"u8.ToArray()));
    }

    [Fact]
    public void BufferedStdinIsDroppedWhenTheReaderGoesAway()
    {
        using var loop = new ChildIoLoop(new RecordingLog(MainLogLevel.Info));
        using var stdout = new TestPipe();
        using var stdin = new TestPipe();
        var pipes = loop.Attach(stdin.Write, stdout.Read, null, null, null, "cat");
        Assert.Equal(StdinWriteResult.Accepted, pipes.WriteStdin(new byte[1024 * 1024]));
        Assert.True(pipes.StdinOpen);
        stdin.Read.Dispose();
        Eventually.True(() => !pipes.StdinOpen, "the loop to see EPIPE on the buffered data");
        Assert.Equal(StdinWriteResult.Closed, pipes.WriteStdin("x"u8.ToArray()));
    }

    [Fact]
    public void NoStdinIsClosed()
    {
        using var loop = new ChildIoLoop(new RecordingLog(MainLogLevel.Info));
        using var stdout = new TestPipe();
        var pipes = loop.Attach(null, stdout.Read, null, null, null, "cat");
        Assert.False(pipes.StdinOpen);
        Assert.Equal(StdinWriteResult.Closed, pipes.WriteStdin("x"u8.ToArray()));
    }

    [Fact]
    public void TwoThousandChildrenAttachedAtOnceAreAllReadAndAllDrain()
    {
        const int children = 2000;
        using var loop = new ChildIoLoop(new RecordingLog(MainLogLevel.Info));
        var pipes = new List<TestPipe>(children);
        var attached = new List<ChildPipes>(children);
        var received = new int[children];
        var logs = new List<ChildOutputLog>(children);
        try
        {
            for (var i = 0; i < children; i++)
            {
                var index = i;
                var pipe = new TestPipe();
                pipes.Add(pipe);
                var log = new ChildOutputLog(
                    new ChildOutputOptions($"p{i}", OutputChannel.Stdout, null, 0, 0, false, false, chunk => Interlocked.Add(ref received[index], chunk.Length)),
                    new RecordingLog(MainLogLevel.Info));
                logs.Add(log);
                attached.Add(loop.Attach(null, pipe.Read, null, log, null, $"p{i}"));
            }

            Assert.Equal(children, loop.AttachedCount);
            for (var i = 0; i < children; i++)
            {
                TestPipe.WriteAll(pipes[i].Write, Encoding.ASCII.GetBytes($"child {i}\n"));
            }

            Eventually.True(() => Enumerable.Range(0, children).All(i => Volatile.Read(ref received[i]) == $"child {i}\n".Length), "every child's output");

            using var all = new CountdownEvent(children);
            foreach (var child in attached)
            {
                child.DrainAndClose(() => all.Signal());
            }

            Assert.True(all.Wait(TimeSpan.FromSeconds(10)));
            Assert.Equal(0, loop.AttachedCount);
        }
        finally
        {
            foreach (var log in logs)
            {
                log.Dispose();
            }

            foreach (var pipe in pipes)
            {
                pipe.Dispose();
            }
        }
    }

    [Fact]
    public void DisposingTheLoopClosesWhatIsStillAttached()
    {
        using var stdout = new TestPipe();
        var loop = new ChildIoLoop(new RecordingLog(MainLogLevel.Info));
        var pipes = loop.Attach(null, stdout.Read, null, null, null, "cat");
        loop.Dispose();
        Assert.False(TestPipe.WriteAll(stdout.Write, "x"u8));
        using var drained = new ManualResetEventSlim();
        pipes.DrainAndClose(drained.Set);
        Assert.True(drained.IsSet);
    }
}
