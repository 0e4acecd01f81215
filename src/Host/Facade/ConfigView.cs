using Supervisor.Abstractions;

namespace Supervisor.Host.Facade;

/// <summary>The configuration as plugins see it.</summary>
internal sealed class ConfigView(string configFile, IReadOnlyList<ConfigSection> sections) : ISupervisorConfig
{
    public string ConfigFile { get; } = configFile;

    public IReadOnlyList<ConfigSection> Sections { get; } = sections;

    public ConfigSection? FindSection(string name) => Sections.FirstOrDefault(s => s.Name == name);
}
