using System.Net.Sockets;
using System.Text;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Logging;

/// <summary><c>logfile = syslog</c>: the daemon's lines reach the system logger's socket, and no file is made.</summary>
public sealed class SyslogTests
{
    [SyslogSocketFact]
    public async Task MainLogLinesGoToTheSystemLogger()
    {
        using var listener = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint("/dev/log"));
        try
        {
            var received = new List<string>();
            var reading = Task.Run(() =>
            {
                var buffer = new byte[8192];
                listener.ReceiveTimeout = 20_000;
                while (!received.Any(r => r.Contains("supervisord started with pid", StringComparison.Ordinal)))
                {
                    var count = listener.Receive(buffer);
                    lock (received)
                    {
                        received.Add(Encoding.UTF8.GetString(buffer, 0, count));
                    }
                }
            });

            await using var daemon = await RunningDaemon.StartAsync(RunningDaemon.StandardSections.Replace("logfile = {dir}/supervisord.log", "logfile = syslog", StringComparison.Ordinal));
            await reading.WaitAsync(TimeSpan.FromSeconds(20));

            // <14> is facility USER, priority INFO; the ident carries the pid.
            Assert.Contains(received, r => r.StartsWith("<14>", StringComparison.Ordinal)
                && r.Contains($"supervisord[{daemon.Process.Pid}]: ", StringComparison.Ordinal)
                && r.Contains(" INFO RPC interface 'supervisor' initialized", StringComparison.Ordinal));
            Assert.False(File.Exists(Path.Combine(Environment.CurrentDirectory, "syslog")));
            var fault = await daemon.Unix.FaultAsync("supervisor.readLog", 0, 0);
            Assert.Equal((20, "NO_FILE"), (fault.Code, fault.String));
        }
        finally
        {
            File.Delete("/dev/log");
        }
    }
}

/// <summary>Needs to own /dev/log for the test's duration: root, and no system logger already there.</summary>
public sealed class SyslogSocketFactAttribute : FactAttribute
{
    public SyslogSocketFactAttribute()
    {
        if (File.Exists("/dev/log"))
        {
            Skip = "a system logger already owns /dev/log";
        }
        else if (Environment.UserName != "root")
        {
            Skip = "needs root to create /dev/log";
        }
    }
}
