using System.Text.RegularExpressions;
using Supervisor.Abstractions;
using Supervisor.Host.Processes.Output;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Processes;

/// <summary>childlogdir: AUTO names like tempfile.mkstemp, cleanup of one identifier's files only.</summary>
public sealed class ChildLogDirectoryTests
{
    [Fact]
    public void AutoLogNamesFollowTheReferencePatternAndAreCreatedEmptyAndPrivate()
    {
        using var dir = new TempDirectory();
        var first = ChildLogDirectory.AutoLogName(dir.Path, "b_03", OutputChannel.Stdout, "myid");
        var second = ChildLogDirectory.AutoLogName(dir.Path, "b_03", OutputChannel.Stderr, "myid");
        Assert.Equal(dir.Path, Path.GetDirectoryName(first));
        Assert.Matches(new Regex(@"^b_03-stdout---myid-[a-z0-9_]{8}\.log$"), Path.GetFileName(first));
        Assert.Matches(new Regex(@"^b_03-stderr---myid-[a-z0-9_]{8}\.log$"), Path.GetFileName(second));
        Assert.Equal(0, new FileInfo(first).Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(first));
    }

    [Fact]
    public void AutoLogNamesAreNewEachTime()
    {
        using var dir = new TempDirectory();
        var names = Enumerable.Range(0, 50).Select(_ => ChildLogDirectory.AutoLogName(dir.Path, "x", OutputChannel.Stdout, "id")).ToHashSet();
        Assert.Equal(50, names.Count);
    }

    [Fact]
    public void AutoLogNameInAMissingDirectoryIsAnIOException()
    {
        using var dir = new TempDirectory();
        Assert.Throws<IOException>(() => ChildLogDirectory.AutoLogName(dir.File("nope"), "x", OutputChannel.Stdout, "id"));
    }

    [Fact]
    public void CleanOldDeletesThisIdentifiersLogsAndRotationsOnly()
    {
        using var dir = new TempDirectory();
        string[] doomed =
        [
            "web-stdout---myid-n1a14i6x.log",
            "web-stdout---myid-n1a14i6x.log.1",
            "web-stdout---myid-n1a14i6x.log.10",
            "a-b-stderr---myid-abcdefgh.log",
            "x---myid-y.logtrailing",
        ];
        string[] kept =
        [
            "web-stdout---other-n1a14i6x.log",
            "web-stdout---myid2-n1a14i6x.log",
            "---myid-abc.log",
            "web-stdout---myid-.log",
            "main.log",
            "web.log",
        ];
        foreach (var name in doomed.Concat(kept))
        {
            dir.Write(name, "x");
        }

        var log = new RecordingLog();
        ChildLogDirectory.CleanOld(dir.Path, "myid", log);
        Assert.Equal(kept.Order(StringComparer.Ordinal), Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Empty(log.Lines);
    }

    [Fact]
    public void CleanOldWarnsAboutWhatItCannotRemove()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("d-stdout---myid-abcdefgh.log"));
        var log = new RecordingLog();
        ChildLogDirectory.CleanOld(dir.Path, "myid", log);
        Assert.Equal((MainLogLevel.Warn, $"Failed to clean up '{dir.Path}/d-stdout---myid-abcdefgh.log'"), Assert.Single(log.Lines));
    }

    [Fact]
    public void CleanOldOfAMissingDirectoryWarns()
    {
        using var dir = new TempDirectory();
        var log = new RecordingLog();
        ChildLogDirectory.CleanOld(dir.File("missing"), "myid", log);
        Assert.Equal((MainLogLevel.Warn, "Could not clear childlog dir"), Assert.Single(log.Lines));
    }
}
