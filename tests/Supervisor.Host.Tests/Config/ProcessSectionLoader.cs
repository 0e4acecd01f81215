using Supervisor.Host.Config;

namespace Supervisor.Host.Tests.Config;

/// <summary>
/// Loads a whole config written to a temp directory, with a fixed environment and host name, for the
/// program, group and listener tests. <c>[supervisord]</c> is added in front of the text.
/// </summary>
internal sealed class ProcessSectionLoader : IDisposable
{
    private readonly TempConfigDirectory _directory = new();

    public ProcessSectionLoader()
    {
        Environment = new Dictionary<string, string>
        {
            ["HOME"] = _directory.Path,
            ["TMPDIR"] = "/tmp",
            ["SITE"] = "example",
        };
    }

    public Dictionary<string, string> Environment { get; }

    public string Dir => _directory.Path;

    public string ConfigPath => System.IO.Path.Combine(_directory.Path, "supervisord.conf");

    public string Write(string relativePath, string text) => _directory.Write(relativePath, text);

    public ConfigLoadResult Load(string text, string supervisord = "")
    {
        var path = _directory.Write("supervisord.conf", "[supervisord]\n" + supervisord + "\n" + text);
        return ConfigLoader.Load(path, null, Environment, hostNodeName: "node1", workingDirectory: _directory.Path);
    }

    public SupervisordConfig LoadOk(string text, string supervisord = "")
    {
        var result = Load(text, supervisord);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Config!;
    }

    /// <summary>The error messages (the reference's text, wrap suffix included).</summary>
    public List<string> Errors(string text, string supervisord = "")
    {
        var result = Load(text, supervisord);
        Assert.Null(result.Config);
        return result.Errors.Select(e => e.Message).ToList();
    }

    /// <summary>The wrap suffix the reference adds to per-process errors of a section of the main file.</summary>
    public string Wrap(string section) => $" in section '{section}' (file: '{ConfigPath}')";

    public void Dispose() => _directory.Dispose();
}
