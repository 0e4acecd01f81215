using Supervisor.Host.Config;

namespace Supervisor.Host.Tests.Config;

/// <summary>
/// The <c>[supervisord]</c> defaults have one owner, <see cref="SupervisordOptions"/>: a runtime made without
/// a config (tests, benchmarks) runs with the values the config reader gives an empty section.
/// </summary>
public sealed class SupervisordDefaultsTests : IDisposable
{
    private readonly TempConfigDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void ARuntimeWithoutAConfigHasTheDefaultsOfAnEmptySupervisordSection()
    {
        var path = _directory.Write("supervisord.conf", "[supervisord]\n");
        var loaded = ConfigLoader.Load(path, null, new Dictionary<string, string> { ["HOME"] = "/root" }, hostNodeName: "node1", workingDirectory: _directory.Path);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));

        var fromConfig = ConfigMapping.ToRuntimeSettings(loaded.Config!, []);
        var withoutConfig = new RuntimeSettings { ConfigFile = path };

        Assert.Equal(fromConfig.Identifier, withoutConfig.Identifier);
        Assert.Equal(fromConfig.LogLevel, withoutConfig.LogLevel);
        Assert.Equal(fromConfig.LogMaxBytes, withoutConfig.LogMaxBytes);
        Assert.Equal(fromConfig.LogBackups, withoutConfig.LogBackups);
        Assert.Equal(fromConfig.MinFds, withoutConfig.MinFds);
        Assert.Equal(fromConfig.MinProcs, withoutConfig.MinProcs);
    }
}
