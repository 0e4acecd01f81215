using Supervisor.Host.Config;

using Supervisor.Abstractions;

namespace Supervisor.Host.Tests.Config;

/// <summary><c>[include] files</c> with real files (<c>supervisor/options.py</c>, <c>ServerOptions.read_config</c>).</summary>
public sealed class IncludeTests : IDisposable
{
    private static readonly Dictionary<string, string> Environment = new() { ["HOME"] = "/root", ["TMPDIR"] = "/tmp", ["SUB"] = "conf.d" };

    private readonly TempConfigDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private ConfigLoadResult LoadMain(string text)
    {
        var path = _directory.Write("supervisord.conf", text);
        return ConfigLoader.Load(path, null, Environment, hostNodeName: "node1", workingDirectory: "/work/dir");
    }

    [Fact]
    public void MatchesAreReadInSortedOrderPatternsInWrittenOrder()
    {
        _directory.Write("conf.d/b.conf", "[program:b]\ncommand=x\nx=b\n[shared]\nlast=b\n");
        _directory.Write("conf.d/a.conf", "[program:a]\ncommand=x\nx=a\n[shared]\nlast=a\n");
        _directory.Write("first/z.ini", "[program:z]\ncommand=x\nx=z\n[shared]\nlast=z\n");
        var result = LoadMain("[supervisord]\n[include]\nfiles = first/*.ini conf.d/*.conf\n");
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var document = result.Config!.Document;
        Assert.Equal(["supervisord", "include", "program:z", "shared", "program:a", "program:b"], document.Sections.Select(s => s.Name));
        Assert.Equal("b", document.Get("shared", "last"));
        Assert.Equal(
            [
                new ConfigMessage(MainLogLevel.Info, $"Included extra file \"{_directory.Path}/first/z.ini\" during parsing"),
                new ConfigMessage(MainLogLevel.Info, $"Included extra file \"{_directory.Path}/conf.d/a.conf\" during parsing"),
                new ConfigMessage(MainLogLevel.Info, $"Included extra file \"{_directory.Path}/conf.d/b.conf\" during parsing"),
            ],
            result.Messages);
    }

    [Fact]
    public void PatternWithoutMatchIsAWarningAndStartContinues()
    {
        var result = LoadMain("[supervisord]\n[include]\nfiles=nomatch/*.conf\n");
        Assert.True(result.Succeeded);
        Assert.Equal([new ConfigMessage(MainLogLevel.Warn, $"No file matches via include \"{_directory.Path}/nomatch/*.conf\"")], result.Messages);
    }

    [Fact]
    public void AbsolutePatternsAreUsedAsIs()
    {
        var other = _directory.Write("elsewhere/x.conf", "[program:x]\ncommand=x\n");
        var result = LoadMain($"[supervisord]\n[include]\nfiles={other}\n");
        Assert.NotNull(result.Config!.Document.Find("program:x"));
        Assert.Equal(other, result.Config.Document.Find("program:x")!.File);
    }

    [Fact]
    public void HereInAnIncludedFileIsThatFilesDirectory()
    {
        _directory.Write("conf.d/web.conf", "[inet_http_server]\nport=9001\nusername=%(here)s\npassword=p\n");
        var result = LoadMain("[supervisord]\nidentifier=%(here)s\n[include]\nfiles=conf.d/*.conf\n");
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(_directory.Path + "/conf.d", result.Config!.InetServers[0].Username);
        Assert.Equal(_directory.Path, result.Config.Supervisord.Identifier);
    }

    [Fact]
    public void WithIncludeHereIsReplacedTextuallyEvenWhereItIsNotOffered()
    {
        var result = LoadMain("[supervisord]\n[include]\nfiles=none/*.conf\n[rpcinterface:x]\nsupervisor.rpcinterface_factory=m:f\npath=%(here)s/x\n");
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(_directory.Path + "/x", result.Config!.RpcInterfaces[0].Values["path"]);
    }

    [Fact]
    public void OnlyTheMainFilesIncludeIsProcessed()
    {
        _directory.Write("conf.d/a.conf", "[include]\nfiles=../nested/*.conf\n");
        _directory.Write("nested/n.conf", "[program:nested]\ncommand=x\n");
        var result = LoadMain("[supervisord]\n[include]\nfiles=conf.d/*.conf\n");
        Assert.Null(result.Config!.Document.Find("program:nested"));
    }

    [Fact]
    public void FilesSettingIsExpandedWithEnvAndHostNodeName()
    {
        _directory.Write("conf.d/node1.conf", "[program:n]\ncommand=x\n");
        var result = LoadMain("[supervisord]\n[include]\nfiles=%(ENV_SUB)s/%(host_node_name)s.conf\n");
        Assert.NotNull(result.Config!.Document.Find("program:n"));
    }

    [Fact]
    public void IncludeWithoutFilesIsAnError()
    {
        var error = Assert.Single(LoadMain("[supervisord]\n[include]\n").Errors);
        Assert.Equal(".ini file has [include] section, but no files setting", error.Message);
    }

    [Fact]
    public void FilesExpansionErrorNamesIncludeFiles()
    {
        var error = Assert.Single(LoadMain("[supervisord]\n[include]\nfiles=%(nope)s\n").Errors);
        Assert.StartsWith("Format string '%(nope)s' for 'include.files' contains names ('nope')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseErrorInAnIncludedFileIsFatalAndNamesThatFile()
    {
        var bad = _directory.Write("conf.d/bad.conf", "[program:x]\nnot a key\n");
        _directory.Write("conf.d/worse.conf", "oops=1\n");
        var errors = LoadMain("[supervisord]\n[include]\nfiles=conf.d/*.conf\n").Errors;
        Assert.Equal(
            [
                $"Source contains parsing errors: '{bad}'\n\t[line  2]: 'not a key\\n'",
                $"File contains no section headers.\nfile: '{_directory.Path}/conf.d/worse.conf', line: 1\n'oops=1\\n'",
            ],
            errors.Select(e => e.Message));
    }

    [Fact]
    public void HiddenFilesAreNotMatchedByAStar()
    {
        _directory.Write("conf.d/.hidden.conf", "[program:hidden]\ncommand=x\n");
        _directory.Write("conf.d/seen.conf", "[program:seen]\ncommand=x\n");
        var document = LoadMain("[supervisord]\n[include]\nfiles=conf.d/*.conf\n").Config!.Document;
        Assert.Null(document.Find("program:hidden"));
        Assert.NotNull(document.Find("program:seen"));
    }

    [Fact]
    public void WildcardsWorkInDirectoryComponentsAndCharacterSets()
    {
        _directory.Write("apps/one/p.conf", "[program:one]\ncommand=x\n");
        _directory.Write("apps/two/p.conf", "[program:two]\ncommand=x\n");
        _directory.Write("apps/x3/p.conf", "[program:three]\ncommand=x\n");
        var document = LoadMain("[supervisord]\n[include]\nfiles=apps/[!x]*/p.conf\n").Config!.Document;
        Assert.NotNull(document.Find("program:one"));
        Assert.NotNull(document.Find("program:two"));
        Assert.Null(document.Find("program:three"));
    }
}
