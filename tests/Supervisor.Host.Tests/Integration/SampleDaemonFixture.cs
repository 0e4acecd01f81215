using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Integration;

/// <summary>One daemon for a test class: the standard sections plus the sample plugin with retries = 1.</summary>
public sealed class SampleDaemonFixture : IAsyncLifetime
{
    public const string Config = RunningDaemon.StandardSections + """
        [rpcinterface:another]
        supervisor.rpcinterface_factory = my.package:make_another_rpcinterface
        retries = 1
        """;

    private RunningDaemon? _daemon;

    internal RunningDaemon Daemon => _daemon ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _daemon = await RunningDaemon.StartAsync(Config);

    public async Task DisposeAsync()
    {
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }
    }
}
