using System.Text;
using System.Text.Json;
using Supervisor.Ctl.Tests.Support;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Ctl.Tests;

/// <summary>
/// The interactive shell on a real pseudo-terminal (tests/Supervisor.Ctl.Tests/Support/pty_session.py): the same
/// keys typed into the reference client (GNU readline through Python) and into ours must leave the same screen
/// (<see cref="TerminalScreen"/>) and exit status. Completion, history, the editing keys, Ctrl-C and Ctrl-D.
/// </summary>
public sealed class ShellTerminalTests(CtlDaemon daemon) : IClassFixture<CtlDaemon>
{
    private const string Up = "\u001b[A";
    private const string Left = "\u001b[D";

    [ReferenceFact]
    public Task TabCompletesACommandAndThenAProcessName() =>
        SameScreenAsync(["stat\tslee\t\r", "quit\r"]);

    [ReferenceFact]
    public Task TabCompletesGroupMembersAndTheGroupWildcardOnceAColonIsTyped() =>
        SameScreenAsync(["status grp:\t\t\u0015status gr\t*\r", "quit\r"]);

    [ReferenceFact]
    public Task TabTwiceListsTheCandidatesInReadlinesColumns() =>
        SameScreenAsync(["st\t\t\u0015version\r", "help re\t\t\u0015quit\r"]);

    [ReferenceFact]
    public Task TheEditingKeysChangeTheLineAsReadlineDoes() =>
        SameScreenAsync([
            $"verzion{Left}{Left}{Left}\u007fs\r", // cursor left, backspace, insert
            "garbage\u0001\u000bversion\r", // C-a, C-k
            "status grp:a junk\u0017\u0017sleeper\r", // C-w twice
            "junk\u0015version\r", // C-u
            "xversion\u0001\u0004\r", // C-d deletes under the cursor
            "quit\r",
        ]);

    [ReferenceFact]
    public Task UpRecallsEarlierLinesAndDownComesBack() =>
        SameScreenAsync(["version\r", "status sleeper\r", $"{Up}{Up}\r", $"{Up}{Up}\u001b[B\r", "quit\r"]);

    [ReferenceFact]
    public Task CtrlCAtThePromptEndsTheShellWithStatusZero() => SameScreenAsync(["\u0003"]);

    [ReferenceFact]
    public Task CtrlDOnAnEmptyLineEndsTheShell() => SameScreenAsync(["\u0004"]);

    [ReferenceFact]
    public Task CtrlCInFgReturnsToTheShell() =>
        SameScreenAsync(["fg sleeper\r", Wait("<==", "hello\r"), Wait("hello", "\u0003"), "version\r", "quit\r"]);

    [ReferenceFact]
    public Task CtrlDInFgReturnsToTheShell() =>
        SameScreenAsync(["fg sleeper\r", Wait("<==", "\u0004"), "version\r", "quit\r"]);

    [ReferenceFact]
    public async Task TheHistoryFileIsReadAtStartAndWrittenAtTheEndAsTheReferencesIs()
    {
        var reference = await HistoryRoundTripAsync(ReferenceCtl.Path, "reference");
        var ours = await HistoryRoundTripAsync(await CtlBinary.PathAsync(), "ours");
        Transcript.AssertEqual(reference.File, ours.File, "reference", "ours");
        Transcript.AssertEqual(reference.Screen, ours.Screen, "reference", "ours");
        Assert.Equal("version\nstatus sleeper\nquit\nstatus sleeper\nquit\n", ours.File);
    }

    [Fact]
    public async Task TheHistoryOptionOnTheCommandLineWorksUnlikeTheReferences()
    {
        // 4.2.5 stores -r/--history-file under another name than the one its shell reads, so only the config
        // key works there (README, Differences from Supervisor); ours honours both.
        var history = daemon.Directory.File("history-option");
        File.Delete(history);
        var ours = await CtlBinary.PathAsync();
        await SessionAsync(ours, ["version\r", "quit\r"], "-r", history);
        var (_, screen) = await SessionAsync(ours, [$"{Up}{Up}\r", "quit\r"], "-r", history);
        Assert.Equal("version\nquit\nversion\nquit\n", File.ReadAllText(history));
        Assert.True(screen.Contains("supervisor> version\n4.2.5\n", StringComparison.Ordinal), screen);
    }

    [Fact]
    public async Task TabCompletesPluginNamespacesAndMethodsWhichTheReferenceCannotSee()
    {
        var (exit, screen) = await SessionAsync(await CtlBinary.PathAsync(), ["help anot\t\r", "call supervisor.getSt\t\r", "quit\r"]);
        Assert.Equal(0, exit);
        foreach (var expected in new[] { "supervisor> help another\n", "another.", "supervisor> call supervisor.getState\n", "RUNNING" })
        {
            Assert.True(screen.Contains(expected, StringComparison.Ordinal), $"no {expected} in:\n{screen}");
        }
    }

    /// <summary>Keys typed once <paramref name="marker"/> shows, for lines that follow no prompt (fg's input).</summary>
    private static string[] Wait(string marker, string keys) => [marker, keys];

    private async Task SameScreenAsync(object[] lines)
    {
        var reference = await SessionAsync(ReferenceCtl.Path, lines);
        var ours = await SessionAsync(await CtlBinary.PathAsync(), lines);
        Transcript.AssertEqual(Show(reference), Show(ours), "reference", "ours");
    }

    /// <summary>Two sessions with <c>history_file</c> in <c>[supervisorctl]</c>: the second recalls a line of the first.</summary>
    private async Task<(string File, string Screen)> HistoryRoundTripAsync(string program, string name)
    {
        var history = daemon.Directory.File($"history-{name}");
        File.Delete(history);
        var config = daemon.Directory.File($"history-{name}.conf");
        File.WriteAllText(config, File.ReadAllText(daemon.ConfigPath)
            .Replace("[supervisorctl]\n", $"[supervisorctl]\nhistory_file = %(here)s/history-{name}\n", StringComparison.Ordinal));
        var first = await SessionAsync(program, ["version\r", "status sleeper\r", "\r", "status sleeper\r", "quit\r"], "-c", config);
        var second = await SessionAsync(program, [$"{Up}{Up}\r", "quit\r"], "-c", config);
        return (File.ReadAllText(history), Show(first) + Show(second));
    }

    private static string Show((int Exit, string Screen) session) => $"exit {session.Exit}\n{session.Screen}";

    /// <summary>Types <paramref name="lines"/> into <paramref name="program"/> on a pseudo-terminal; its exit status and final screen, normalised.</summary>
    /// <remarks>The daemon's config file unless <paramref name="options"/> name one with <c>-c</c>.</remarks>
    private async Task<(int Exit, string Screen)> SessionAsync(string program, object[] lines, params string[] options)
    {
        var capture = daemon.Directory.File($"pty-{Guid.NewGuid():N}");
        var driver = Path.Combine(TestPaths.RepositoryRoot, "tests", "Supervisor.Ctl.Tests", "Support", "pty_session.py");
        var info = CommandRun.Info("python3", [driver, capture, JsonSerializer.Serialize(lines), program, .. options.Contains("-c") ? options : ["-c", daemon.ConfigPath, .. options]]);
        var (exit, stdout, stderr, timedOut) = await CommandRun.RunAsync(info, TimeSpan.FromMinutes(3));
        var output = File.Exists(capture) ? File.ReadAllText(capture, Encoding.UTF8) : "";
        Assert.False(timedOut || exit == 124, $"{program} did not finish the session: {stdout}{stderr}\n{output}");
        return (exit, Transcript.Normalize(TerminalScreen.Render(output), programPath: program));
    }
}
