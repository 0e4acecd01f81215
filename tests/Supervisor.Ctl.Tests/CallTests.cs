using System.Text.Json;
using Supervisor.Ctl.Tests.Support;

namespace Supervisor.Ctl.Tests;

/// <summary>
/// <c>call</c> and <c>help ns</c>, which the reference client does not have: any method of any namespace
/// (the sample plugin's <c>another</c> here), arguments converted by <c>system.methodSignature</c>,
/// results readable or <c>--json</c>, faults printed as the reference prints an unhandled one.
/// </summary>
public sealed class CallTests(CtlDaemon daemon) : IClassFixture<CtlDaemon>
{
    private async Task<CtlRun> RunAsync(params string[] words) =>
        await Clients.RunAsync(await CtlBinary.PathAsync(), ["-c", daemon.ConfigPath, .. words]);

    [Fact]
    public async Task AStructResultPrintsAsIndentedJson()
    {
        var run = await RunAsync("call", "supervisor.getState");
        Assert.Equal(new CtlRun(0, "{\n  \"statecode\": 1,\n  \"statename\": \"RUNNING\"\n}\n", ""), run);
    }

    [Fact]
    public async Task AStringResultPrintsAsItIsAndJsonQuotesIt()
    {
        Assert.Equal(new CtlRun(0, "ctl-tests\n", ""), await RunAsync("call", "supervisor.getIdentification"));
        Assert.Equal(new CtlRun(0, "\"ctl-tests\"\n", ""), await RunAsync("call", "--json", "supervisor.getIdentification"));
    }

    [Fact]
    public async Task JsonOutputIsOneLineThatParses()
    {
        var run = await RunAsync("call", "--json", "supervisor.getProcessInfo", "sleeper");
        Assert.Equal(0, run.ExitCode);
        Assert.Single(run.Stdout.TrimEnd('\n').Split('\n'));
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal("RUNNING", json.RootElement.GetProperty("statename").GetString());
        Assert.True(json.RootElement.GetProperty("pid").GetInt32() > 0);
    }

    [Fact]
    public async Task APluginMethodGetsItsArgumentConvertedToTheSignatureType()
    {
        // another.attempt takes an int: "1" must arrive as <int>, or the plugin would answer INCORRECT_PARAMETERS.
        var run = await RunAsync("call", "--json", "another.attempt", "1");
        Assert.Equal(new CtlRun(0, "{\"attempts\":2,\"succeeded\":true}\n", ""), run);
    }

    [Fact]
    public async Task OptionalParametersMayBeLeftOut()
    {
        // another.echoLater(string text, int milliseconds = 100): its signature names both.
        Assert.Equal(new CtlRun(0, "12\n", ""), await RunAsync("call", "another.echoLater", "12"));
        Assert.Equal(new CtlRun(0, "\"12\"\n", ""), await RunAsync("call", "--json", "another.echoLater", "12", "0"));
    }

    [Fact]
    public async Task AWordWithSpacesStaysOneArgument()
    {
        var run = await RunAsync("call", "another.log", "two words");
        Assert.Equal(new CtlRun(0, "true\n", ""), run);
        var log = await File.ReadAllTextAsync(daemon.Directory.File("supervisord.log"));
        Assert.Contains("two words", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnArgumentThatDoesNotConvertIsAnErrorNamingIt()
    {
        var run = await RunAsync("call", "another.attempt", "many");
        Assert.Equal(new CtlRun(1, "Error: argument 1 of another.attempt (many): expected an integer\n", ""), run);
    }

    [Fact]
    public async Task AWrongNumberOfArgumentsIsAnErrorNamingTheCount()
    {
        var run = await RunAsync("call", "another.getRetries", "5");
        Assert.Equal(new CtlRun(1, "Error: another.getRetries takes at most 0 argument(s), 1 given (help another.getRetries)\n", ""), run);
    }

    [Fact]
    public async Task AFaultPrintsAsTheReferencePrintsAnUnhandledOne()
    {
        var run = await RunAsync("call", "supervisor.getProcessInfo", "nosuch");
        Assert.Equal(new CtlRun(1, "error: <class 'xmlrpc.client.Fault'>, <Fault 10: 'BAD_NAME: nosuch'>\n", ""), run);
    }

    [Fact]
    public async Task WithoutAMethodNameCallExplainsItself()
    {
        var run = await RunAsync("call");
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("Error: call requires a method name\ncall <namespace.method>", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStoppedDaemonIsExplainedAsTheUpcheckExplainsIt()
    {
        var run = await Clients.RunAsync(await CtlBinary.PathAsync(), ["-s", "unix:///nonexistent.sock", "call", "supervisor.getState"]);
        Assert.Equal(new CtlRun(7, "unix:///nonexistent.sock no such file\n", ""), run);
    }

    [Fact]
    public async Task HelpOfANamespaceListsItsMethodsWithSignatureAndHelp()
    {
        var run = await RunAsync("help", "another");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("another.getRetries() -> int\n    Return the retries setting this namespace was configured with.\n", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("another.attempt(int) -> struct\n", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpOfOneMethodShowsOnlyIt()
    {
        var run = await RunAsync("help", "supervisor.getState");
        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("supervisor.getState() -> struct\n", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("supervisor.getPID", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallInTheShellSplitsQuotedWords()
    {
        var run = await Clients.RunAsync(await CtlBinary.PathAsync(), ["-c", daemon.ConfigPath], "call another.log 'said in the shell'\n");
        Assert.Contains("supervisor> true\n", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("said in the shell", await File.ReadAllTextAsync(daemon.Directory.File("supervisord.log")), StringComparison.Ordinal);
    }
}
