namespace Supervisor.Abstractions;

/// <summary>The configuration the daemon is running with, as read from <c>supervisord.conf</c>.</summary>
public interface ISupervisorConfig
{
    /// <summary>The absolute path of the main configuration file.</summary>
    string ConfigFile { get; }

    /// <summary>Every section of the main file and its includes, in file order, keys lower-cased and values interpolated where the reference interpolates them.</summary>
    IReadOnlyList<ConfigSection> Sections { get; }

    /// <summary>The section named exactly <paramref name="name"/> (e.g. <c>program:web</c>), or null.</summary>
    ConfigSection? FindSection(string name);
}

/// <summary>One <c>[name]</c> section and its keys.</summary>
/// <param name="Name">The text between the brackets, e.g. <c>rpcinterface:another</c>.</param>
/// <param name="Values">Key to value, keys lower-cased.</param>
/// <param name="File">The file the section came from (the last one when it was merged from several).</param>
public sealed record ConfigSection(string Name, IReadOnlyDictionary<string, string> Values, string File);
