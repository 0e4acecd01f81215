using Supervisor.Abstractions;
using Supervisor.Host.Facade;
using Supervisor.Host.Logging;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Logging;

public sealed class MainLogTests
{
    [Fact]
    public void LinesHaveTheReferenceFormat()
    {
        var time = new DateTimeOffset(2026, 11, 21, 6, 4, 1, 123, TimeSpan.Zero);
        Assert.Equal("2026-11-21 06:04:01,123 INFO spawned: 'x' with pid 5\n", MainLog.Format(time, MainLogLevel.Info, "spawned: 'x' with pid 5"));
        Assert.Equal("2026-11-21 06:04:01,123 CRIT c\n", MainLog.Format(time, MainLogLevel.Critical, "c"));
        Assert.Equal(["CRIT", "ERRO", "WARN", "INFO", "DEBG", "TRAC", "BLAT"], Enum.GetValues<MainLogLevel>().OrderDescending().Select(MainLog.LevelName));
    }

    [Fact]
    public void MessagesBelowTheLevelAreDropped()
    {
        using var dir = new TempDirectory();
        using (var log = new MainLog(dir.File("main.log"), MainLogLevel.Warn, 0, 0, null, TimeProvider.System))
        {
            log.Write(MainLogLevel.Info, "quiet");
            log.Write(MainLogLevel.Error, "loud");
        }

        var text = File.ReadAllText(dir.File("main.log"));
        Assert.DoesNotContain("quiet", text);
        Assert.Contains("ERRO loud", text);
    }

    [Fact]
    public void RotatesAtMaxBytesKeepingNumberedBackups()
    {
        using var dir = new TempDirectory();
        var path = dir.File("main.log");
        using (var log = new MainLog(path, MainLogLevel.Info, maxBytes: 200, backups: 2, null, TimeProvider.System))
        {
            for (var i = 0; i < 20; i++)
            {
                log.Write(MainLogLevel.Info, $"message number {i:00} padded to be long enough");
            }
        }

        Assert.True(File.Exists(path + ".1"));
        Assert.True(File.Exists(path + ".2"));
        Assert.False(File.Exists(path + ".3"));

        // Rotation follows the write that reached maxbytes: a backup exceeds it by at most one line,
        // and the newest lines are in the current file or, right after a rotation, in .1.
        var lineLength = MainLog.Format(DateTimeOffset.Now, MainLogLevel.Info, "message number 19 padded to be long enough").Length;
        Assert.All(new[] { path + ".1", path + ".2" }, p => Assert.InRange(new FileInfo(p).Length, 200, 200 + lineLength));
        Assert.True(new FileInfo(path).Length < 200);
        Assert.Contains("message number 19", File.ReadAllText(path) + File.ReadAllText(path + ".1"));
    }

    [Fact]
    public void WithNoBackupsRotationTruncates()
    {
        using var dir = new TempDirectory();
        var path = dir.File("main.log");
        using (var log = new MainLog(path, MainLogLevel.Info, maxBytes: 100, backups: 0, null, TimeProvider.System))
        {
            for (var i = 0; i < 10; i++)
            {
                log.Write(MainLogLevel.Info, $"line {i} with some padding text");
            }
        }

        // Every time the file reached 100 bytes it was emptied (the reference truncates; nothing is kept).
        Assert.False(File.Exists(path + ".1"));
        Assert.True(new FileInfo(path).Length < 100);
        Assert.DoesNotContain("line 0", File.ReadAllText(path));
    }

    [Fact]
    public void ClearRemovesTheFileContentAndKeepsLogging()
    {
        using var dir = new TempDirectory();
        var path = dir.File("main.log");
        using var log = new MainLog(path, MainLogLevel.Info, 0, 0, null, TimeProvider.System);
        log.Write(MainLogLevel.Info, "before");
        log.Clear();
        log.Write(MainLogLevel.Info, "after");
        var text = File.ReadAllText(path);
        Assert.DoesNotContain("before", text);
        Assert.Contains("after", text);
    }

    [Fact]
    public void ClearSaysSoOnTheConsoleAndTheNewFileStartsEmpty()
    {
        // 4.2.5 logs "reopening log file" between removing the file and reopening it: readLog(0, 0) is empty.
        using var dir = new TempDirectory();
        var path = dir.File("main.log");
        using var echo = new StringWriter();
        using var log = new MainLog(path, MainLogLevel.Info, 0, 0, echo, TimeProvider.System);
        using var old = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        log.Write(MainLogLevel.Info, "before");
        log.Clear();
        Assert.Equal("", File.ReadAllText(path));
        Assert.EndsWith(" INFO reopening log file\n", echo.ToString());
        Assert.EndsWith(" INFO reopening log file\n", new StreamReader(old).ReadToEnd());

        using var quiet = new MainLog(dir.File("quiet.log"), MainLogLevel.Warn, 0, 0, echo, TimeProvider.System);
        quiet.Clear();
        Assert.Single(echo.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.EndsWith("reopening log file", StringComparison.Ordinal));
    }

    [Fact]
    public void ClearWithoutAFileIsNoFile()
    {
        using var log = new MainLog(null, MainLogLevel.Info, 0, 0, null, TimeProvider.System);
        Assert.Equal(ClearOutcome.NoFile, log.Clear());

        // Plugins see the reference's fault: NO_FILE (20).
        var fault = Assert.Throws<RpcFaultException>(new MainLogFacade(log).Clear);
        Assert.Equal(20, fault.Code);
    }

    [Fact]
    public void EchoesToStdoutWhenAsked()
    {
        var echo = new StringWriter();
        using var log = new MainLog(null, MainLogLevel.Info, 0, 0, echo, TimeProvider.System);
        log.Write(MainLogLevel.Info, "visible");
        Assert.EndsWith(" INFO visible\n", echo.ToString());
    }
}
