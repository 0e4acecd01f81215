using Supervisor.Ctl.LineEditing;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Ctl.Tests;

/// <summary>The shell's line editing pieces on their own: the edit operations, the history and its file, Tab's candidates.</summary>
public sealed class LineEditingTests
{
    private static readonly (string, string)[] Processes = [("sleeper", "sleeper"), ("grp", "a"), ("grp", "b"), ("web-1", "web-1")];

    [Fact]
    public void EditsWorkAtTheCursor()
    {
        var line = new EditLine();
        line.Set("status sleeper");
        line.WordLeft();
        Assert.Equal(7, line.Cursor);
        Assert.Equal("sleeper", line.KillToEnd());
        line.Insert("grp:*");
        line.Home();
        line.Delete();
        Assert.Equal("tatus grp:*", line.Text);
        line.WordRight();
        Assert.Equal(5, line.Cursor);
        Assert.False(new EditLine().Backspace());
        line.End();
        Assert.Equal("grp:*", line.KillWordBefore());
        Assert.Equal("tatus ", line.KillToStart());
        Assert.Equal(("", 0), (line.Text, line.Cursor));
    }

    [Fact]
    public void HistoryKeepsNonEmptyLinesWithoutRepeatsAndWalksBackToTheDraft()
    {
        var history = new History(null);
        foreach (var line in new[] { "version", "", "status", "status" })
        {
            history.Add(line);
        }

        Assert.Equal(["version", "status"], history.Entries);
        Assert.Equal("status", history.Previous("draft"));
        Assert.Equal("version", history.Previous("status"));
        Assert.Null(history.Previous("version"));
        Assert.Equal("status", history.Next());
        Assert.Equal("draft", history.Next());
        Assert.Null(history.Next());
    }

    [Fact]
    public void TheHistoryFileIsReadAndWrittenWholeAndAMissingOrUnwritableOneIsIgnored()
    {
        using var directory = new TempDirectory();
        var file = directory.File("history");
        var first = new History(file);
        Assert.Empty(first.Entries);
        first.Add("version");
        first.Add("status grp:*");
        first.Save();
        Assert.Equal("version\nstatus grp:*\n", File.ReadAllText(file));
        Assert.Equal(["version", "status grp:*"], new History(file).Entries);

        var unwritable = new History(directory.File("no/such/dir/history"));
        unwritable.Add("version");
        unwritable.Save();
        Assert.False(Directory.Exists(directory.File("no")));
    }

    [Theory]
    [InlineData("", "", "add |avail |call |clear |exit |fg |help |maintail |open |pid |quit |reload |remove |reread |restart |shutdown |signal |start |status |stop |tail |update |version ")]
    [InlineData("st", "st", "start |status |stop ")]
    [InlineData("help re", "re", "reload |remove |reread |restart ")]
    [InlineData("help an", "an", "another ")]
    [InlineData("help another.s", "another.s", "another.sum ")]
    [InlineData("start ", "", "sleeper |grp:a |grp:* |grp:b |web-1 ")]
    [InlineData("start grp:", "grp:", "grp:a |grp:* |grp:b ")]
    [InlineData("start sleeper:", "sleeper:", "sleeper:sleeper |sleeper:* ")]
    [InlineData("update w", "w", "web-1 ")]
    [InlineData("call an", "an", "another.sum ")]
    [InlineData("call another.sum ", "", "")]
    [InlineData("version ", "", "")]
    public void TabOffersWhatTheReferenceOffersAndPluginMethods(string line, string text, string expected)
    {
        var completion = new Completion(
            ["add", "avail", "call", "clear", "exit", "fg", "help", "maintail", "open", "pid", "quit", "reload", "remove", "reread", "restart", "shutdown", "signal", "start", "status", "stop", "tail", "update", "version"],
            () => Processes,
            () => ["another.sum", "supervisor.getState", "system.listMethods"]);
        Assert.Equal(expected, string.Join('|', completion.Candidates(line, text)));
    }

    [Fact]
    public void AServerThatCannotAnswerMeansNoCandidates()
    {
        var completion = new Completion(["start"], () => throw new IOException("refused"), () => throw new IOException("refused"));
        Assert.Empty(completion.Candidates("start ", ""));
        Assert.Empty(completion.Candidates("call ", ""));
    }

    [Fact]
    public void TheWordBeingCompletedKeepsColonsStarsDashesAndDots()
    {
        Assert.Equal(6, Completion.WordStart("start grp:*", 11));
        Assert.Equal(5, Completion.WordStart("call another.sum", 16));
        Assert.Equal(6, Completion.WordStart("start web-1", 11));
        Assert.Equal(2, Completion.WordStart("a b", 3));
    }

    [Fact]
    public void CandidatesAreListedDownThenAcrossInColumnsOfTheLongestPlusTwo()
    {
        Assert.Equal("start    stop \nstatus \n", LineEditor.Columns(["stop ", "start ", "status "], 20));
        Assert.Equal("a   c \nb \n", LineEditor.Columns(["a ", "b ", "c "], 10));
        Assert.Equal("a \nb \nc \n", LineEditor.Columns(["a ", "b ", "c "], 3));
    }
}
