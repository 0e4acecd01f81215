using System.Text;
using Supervisor.Abstractions;
using Supervisor.Host.Processes.Output;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Processes;

/// <summary>One channel's sink: raw bytes to the file, the reference's rotation, strip_ansi, syslog-free DEBG copy.</summary>
public sealed class ChildOutputLogTests
{
    private static ChildOutputLog LogFor(string? file, long maxBytes = 0, int backups = 0, bool stripAnsi = false, IMainLog? mainLog = null, ChunkObserver? onChunk = null, OutputChannel channel = OutputChannel.Stdout) =>
        new(new ChildOutputOptions("cat", channel, file, maxBytes, backups, Syslog: false, stripAnsi, onChunk), mainLog ?? new RecordingLog(MainLogLevel.Info));

    private static byte[] NumberedLines(int count) =>
        Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(1, count).Select(i => $"line {i}\n")));

    [SmallFilesystemFact]
    public void OutputHeldOnAFullDiskIsWrittenOnRetryAndItsArrayLetGo()
    {
        using var small = new SmallFilesystem();
        var main = new RecordingLog(MainLogLevel.Info);
        var path = small.File("out.log");
        using var log = LogFor(path, mainLog: main);
        small.Fill();
        var text = NumberedLines(2000);
        log.Write(text.AsSpan(0, 5000));
        log.Write(text.AsSpan(5000));
        Assert.True(log.File!.Holding);
        Assert.Equal(text.Length - new FileInfo(path).Length, log.File!.HeldLength);
        Assert.True(log.File!.RetryHeld(), "written to a full disk");

        small.Free();
        Assert.False(log.File!.RetryHeld());
        Assert.False(log.File!.Holding);
        Assert.Equal(0, log.File!.HeldCapacity);
        Assert.Equal(text, File.ReadAllBytes(path));
        Assert.Equal([MainLogLevel.Error, MainLogLevel.Info], main.Lines.Select(l => l.Level));
        Assert.EndsWith("writable again, " + text.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + " held bytes written", main.Lines[1].Message, StringComparison.Ordinal);

        // Normal again: straight to the file, no message.
        log.Write("more\n"u8);
        Assert.Equal(text.Length + 5, new FileInfo(path).Length);
        Assert.Equal(2, main.Lines.Count);
    }

    [SmallFilesystemFact]
    public void ClearingOrClosingALogThatHoldsOutputSaysWhatWasNotWritten()
    {
        using var small = new SmallFilesystem();
        var main = new RecordingLog(MainLogLevel.Info);
        var path = small.File("out.log");
        var log = LogFor(path, mainLog: main);
        small.Fill();
        log.Write(NumberedLines(10));
        log.Clear();
        Assert.False(log.File!.Holding);
        Assert.EndsWith(": cleared while its output was held; 71 bytes of output not written", main.Lines[^1].Message, StringComparison.Ordinal);
        Assert.Equal(MainLogLevel.Info, main.Lines[^1].Level);

        // Not retried by an I/O loop: closing it loses what it holds, and says so.
        log.Write(NumberedLines(3));
        log.Dispose();
        Assert.Equal((MainLogLevel.Error, $"log file {path} of cat (stdout): closed while its output was held; 21 bytes of output not written"), main.Lines[^1]);
    }

    [Fact]
    public void RotationThroughManyBackupsLosesNoByte()
    {
        using var dir = new TempDirectory();
        var path = dir.File("out.log");
        const long maxBytes = 64 * 1024;
        var input = new byte[3 * 1024 * 1024];
        new Random(42).NextBytes(input);
        using (var log = LogFor(path, maxBytes, backups: 100))
        {
            var random = new Random(7);
            var offset = 0;
            while (offset < input.Length)
            {
                var size = Math.Min(random.Next(1, 20_000), input.Length - offset);
                log.Write(input.AsSpan(offset, size));
                offset += size;
            }
        }

        var backups = Directory.GetFiles(dir.Path).Length - 1;
        Assert.InRange(backups, 40, 48);
        using var joined = new MemoryStream();
        for (var i = backups; i >= 1; i--)
        {
            var part = File.ReadAllBytes($"{path}.{i}");

            // A file passes maxbytes by less than one chunk, then rotates.
            Assert.InRange(part.Length, maxBytes, maxBytes + 20_000);
            joined.Write(part);
        }

        joined.Write(File.ReadAllBytes(path));
        Assert.True(input.AsSpan().SequenceEqual(joined.ToArray()));
    }

    [Fact]
    public void RotationKeepsAtMostBackupsCopiesWithTheOldestHighest()
    {
        using var dir = new TempDirectory();
        var path = dir.File("out.log");
        using (var log = LogFor(path, maxBytes: 10, backups: 2))
        {
            foreach (var chunk in new[] { "first-----", "second----", "third-----", "fourth" })
            {
                log.Write(Encoding.ASCII.GetBytes(chunk));
            }
        }

        Assert.Equal("second----", File.ReadAllText(path + ".2"));
        Assert.Equal("third-----", File.ReadAllText(path + ".1"));
        Assert.Equal("fourth", File.ReadAllText(path));
        Assert.False(File.Exists(path + ".3"));
    }

    [Fact]
    public void RotationHappensAfterTheWriteThatReachesMaxBytes()
    {
        using var dir = new TempDirectory();
        var path = dir.File("out.log");
        using var log = LogFor(path, maxBytes: 1024, backups: 1);
        log.Write(new byte[1000]);
        Assert.Equal(1000, new FileInfo(path).Length);
        log.Write(new byte[80]);

        // The reference's 1 KB limit gave 1080-byte files: the chunk that crosses the limit stays whole.
        Assert.Equal(1080, new FileInfo(path + ".1").Length);
        Assert.Equal(0, new FileInfo(path).Length);
    }

    [Fact]
    public void BackupsZeroTruncatesTheFileWhenItReachesMaxBytes()
    {
        using var dir = new TempDirectory();
        var path = dir.File("out.log");
        using var log = LogFor(path, maxBytes: 100, backups: 0);
        log.Write(new byte[60]);
        log.Write(new byte[60]);
        Assert.Equal(0, new FileInfo(path).Length);
        log.Write("kept"u8);
        Assert.Equal("kept", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void MaxBytesZeroNeverRotates()
    {
        using var dir = new TempDirectory();
        var path = dir.File("out.log");
        using var log = LogFor(path, maxBytes: 0, backups: 5);
        for (var i = 0; i < 100; i++)
        {
            log.Write(new byte[10_000]);
        }

        Assert.Equal(1_000_000, new FileInfo(path).Length);
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void AnExistingFileIsAppendedToAndCountsTowardsMaxBytes()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("out.log", new string('x', 90));
        using var log = LogFor(path, maxBytes: 100, backups: 1);
        log.Write(new byte[5]);
        Assert.Equal(95, new FileInfo(path).Length);
        log.Write(new byte[5]);
        Assert.Equal(100, new FileInfo(path + ".1").Length);
    }

    [Fact]
    public void StripAnsiRemovesEscapeSequencesBeforeEverySink()
    {
        using var dir = new TempDirectory();
        var path = dir.File("out.log");
        var main = new RecordingLog(MainLogLevel.Debug);
        var observed = new List<string>();
        using var log = LogFor(path, stripAnsi: true, mainLog: main, onChunk: chunk => observed.Add(Encoding.UTF8.GetString(chunk)));
        log.Write("\e[31mred\e[0m plain \e[1;32;40mbold\e[K!\n"u8);
        Assert.Equal("red plain bold!\n", File.ReadAllText(path));
        Assert.Equal(["red plain bold!\n"], observed);
        Assert.Equal("'cat' stdout output:\nred plain bold!\n", main.Lines.Single().Message);
    }

    [Theory]
    [InlineData("no escapes", "no escapes")]
    [InlineData("\e[2Jcleared", "cleared")]
    [InlineData("a\e[10;20Hb\e[sc\e[ud", "abcd")]
    [InlineData("open \e[31 never terminated", "open inated")]
    [InlineData("cut \e[31", "cut ")]
    [InlineData("lone \e escape", "lone \e escape")]
    [InlineData("\e[x\e[mtail", "tail")]
    public void StripAnsiMatchesTheReference(string input, string expected)
    {
        var source = Encoding.UTF8.GetBytes(input);
        var destination = new byte[source.Length];
        var n = OutputText.StripAnsi(source, destination);
        Assert.Equal(expected, Encoding.UTF8.GetString(destination, 0, n));
    }

    [Fact]
    public void TheMainLogGetsADebugCopyWhenItsLevelIsDebug()
    {
        var main = new RecordingLog(MainLogLevel.Debug);
        using var log = LogFor(null, mainLog: main, channel: OutputChannel.Stderr);
        log.Write("héllo\nworld\n"u8);
        var line = Assert.Single(main.Lines);
        Assert.Equal(MainLogLevel.Debug, line.Level);
        Assert.Equal("'cat' stderr output:\nhéllo\nworld\n", line.Message);
    }

    [Fact]
    public void UndecodableOutputIsShownAsPythonBytes()
    {
        var main = new RecordingLog(MainLogLevel.Debug);
        using var log = LogFor(null, mainLog: main);
        log.Write([0xff, (byte)'a', (byte)'\'', (byte)'\n', 0x00, 0x7f, (byte)'\\']);
        Assert.Equal("'cat' stdout output:\nUndecodable: b\"\\xffa'\\n\\x00\\x7f\\\\\"", main.Lines.Single().Message);
        Assert.Equal("b'it\\'s \"q\"'", OutputText.BytesRepr("it's \"q\""u8));
    }

    [Fact]
    public void NoDebugCopyAboveDebugLevel()
    {
        using var dir = new TempDirectory();
        var main = new RecordingLog(MainLogLevel.Info);
        using var log = LogFor(dir.File("out.log"), mainLog: main);
        log.Write("quiet\n"u8);
        Assert.Empty(main.Lines);
        Assert.Equal("quiet\n", File.ReadAllText(dir.File("out.log")));
    }

    [Fact]
    public void ReopenAfterAnExternalRenameWritesToANewFile()
    {
        using var dir = new TempDirectory();
        var path = dir.File("out.log");
        using var log = LogFor(path, maxBytes: 100, backups: 1);
        log.Write(new byte[90]);
        File.Move(path, path + ".moved");
        log.Write("a"u8);
        log.Reopen();
        log.Write("b"u8);
        Assert.Equal(91, new FileInfo(path + ".moved").Length);
        Assert.Equal("b", File.ReadAllText(path));

        // The size restarts from the new file: 1 + 98 stays under 100.
        log.Write(new byte[98]);
        Assert.Equal(99, new FileInfo(path).Length);
        Assert.False(File.Exists(path + ".1"));
    }

    [Fact]
    public void ClearEmptiesTheCurrentFileAndKeepsBackups()
    {
        using var dir = new TempDirectory();
        var path = dir.File("out.log");
        using var log = LogFor(path, maxBytes: 10, backups: 2);
        log.Write("0123456789"u8);
        log.Write("abc"u8);
        log.Clear();
        Assert.True(File.Exists(path));
        Assert.Equal(0, new FileInfo(path).Length);
        Assert.Equal("0123456789", File.ReadAllText(path + ".1"));
        log.Write("after"u8);
        Assert.Equal("after", File.ReadAllText(path));
    }

    [Fact]
    public void ClearWhenTheFileWasRemovedRecreatesIt()
    {
        using var dir = new TempDirectory();
        var path = dir.File("out.log");
        using var log = LogFor(path);
        File.Delete(path);
        log.Clear();
        log.Write("x"u8);
        Assert.Equal("x", File.ReadAllText(path));
    }

    [Fact]
    public void AnUnopenableFileIsAnIOException()
    {
        using var dir = new TempDirectory();
        Assert.Throws<IOException>(() => LogFor(dir.File("missing/out.log")));
    }

    [Fact]
    public void AFastLogDropsWhatWasWrittenBackFromThePageCache()
    {
        using var dir = new TempDirectory();
        var path = dir.File("out.log");
        const int stretch = (int)ChildLogFile.WriteBehindStretch;
        var chunk = new byte[64 * 1024];
        new Random(3).NextBytes(chunk);
        using var log = LogFor(path);

        // One stretch, made clean on disk; the next stretch's advice may then drop it.
        for (var written = 0; written < stretch; written += chunk.Length)
        {
            log.Write(chunk);
        }

        using (var flush = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            flush.Flush(flushToDisk: true);
        }

        Assert.Equal(stretch / Environment.SystemPageSize, PageCache.ResidentPages(path, 0, stretch));
        for (var written = 0; written < stretch; written += chunk.Length)
        {
            log.Write(chunk);
        }

        Assert.Equal(0, PageCache.ResidentPages(path, 0, stretch));

        // The newest stretch stays cached (tail -f reads it), and nothing was lost.
        Assert.True(PageCache.ResidentPages(path, stretch, stretch) > 0);
        Assert.Equal(2L * stretch, new FileInfo(path).Length);
    }
}
