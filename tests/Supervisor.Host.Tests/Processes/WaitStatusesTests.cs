using Supervisor.Abstractions;
using Supervisor.Host.Processes.Spawning;

namespace Supervisor.Host.Tests.Processes;

/// <summary>The reference's decode_wait_status, signame and errno names.</summary>
public sealed class WaitStatusesTests
{
    [Theory]
    [InlineData(0x0000, "exit status 0", 0)]
    [InlineData(0x0100, "exit status 1", 1)]
    [InlineData(0x7f00, "exit status 127", 127)]
    [InlineData(0xff00, "exit status 255", 255)]
    [InlineData(15, "terminated by SIGTERM", -1)]
    [InlineData(9, "terminated by SIGKILL", -1)]
    [InlineData(11 | 0x80, "terminated by SIGSEGV (core dumped)", -1)]
    [InlineData(6 | 0x80, "terminated by SIGABRT (core dumped)", -1)]
    [InlineData(35, "terminated by signal 35", -1)]
    [InlineData(0x137f, "unknown termination cause 0x137f", -1)]
    [InlineData(0xffff, "unknown termination cause 0xffff", -1)]
    [InlineData(0x7f, "unknown termination cause 0x007f", -1)]
    [InlineData(-1, "unknown termination cause 0x-001", -1)]
    public void StatusesReadAsTheReferenceReadsThem(int status, string text, int exitCode)
    {
        Assert.Equal(text, WaitStatuses.Describe(status));
        Assert.Equal(exitCode, WaitStatuses.ExitCode(status));
    }

    [Theory]
    [InlineData(1, "SIGHUP")]
    [InlineData(6, "SIGABRT")]
    [InlineData(7, "SIGBUS")]
    [InlineData(17, "SIGCHLD")]
    [InlineData(29, "SIGPOLL")]
    [InlineData(31, "SIGSYS")]
    [InlineData(32, "signal 32")]
    [InlineData(34, "SIGRTMIN")]
    [InlineData(35, "signal 35")]
    [InlineData(64, "SIGRTMAX")]
    [InlineData(65, "signal 65")]
    [InlineData(0, "signal 0")]
    public void SignalNamesArePythonsOnLinux(int signal, string name)
    {
        Assert.Equal(name, SignalNames.Name(signal));
    }

    [Theory]
    [InlineData(2, "ENOENT")]
    [InlineData(11, "EAGAIN")]
    [InlineData(13, "EACCES")]
    [InlineData(35, "EDEADLOCK")]
    [InlineData(95, "ENOTSUP")]
    [InlineData(41, "41")]
    [InlineData(133, "133")]
    public void ErrnoNamesArePythonsErrorcode(int errno, string name)
    {
        Assert.Equal(name, ErrnoNames.Name(errno));
    }

    [Fact]
    public async Task RealSignalDeathsDecodeAsTheKernelReportsThem()
    {
        var killed = await SpawnHarness.RunAsync(SpawnHarness.Shell("kill -KILL $$"));
        Assert.Equal("terminated by SIGKILL", WaitStatuses.Describe(killed.Exit.WaitStatus));

        // Default action of SIGABRT dumps core; whether a core is written depends on the limit.
        var aborted = await SpawnHarness.RunAsync(SpawnHarness.Shell("ulimit -c 0; kill -ABRT $$"));
        Assert.Equal("terminated by SIGABRT", WaitStatuses.Describe(aborted.Exit.WaitStatus));
    }
}
