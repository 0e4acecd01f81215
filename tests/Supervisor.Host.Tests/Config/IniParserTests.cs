using Supervisor.Host.Config;

namespace Supervisor.Host.Tests.Config;

public sealed class IniParserTests
{
    private static IniDocument Parse(string text, string fileName = "t.conf")
    {
        var document = new IniDocument();
        var error = IniParser.Parse(text, fileName, document);
        Assert.Null(error);
        return document;
    }

    private static string ParseError(string text, string fileName = "t.conf")
    {
        var error = IniParser.Parse(text, fileName, new IniDocument());
        Assert.NotNull(error);
        return error;
    }

    [Theory]
    [InlineData("k=b ;c", "b")]
    [InlineData("k=b;c", "b;c")]
    [InlineData("k=;c", ";c")]
    [InlineData("k=b\t#c", "b")]
    [InlineData("k=b#c", "b#c")]
    [InlineData("k = x #y ;z", "x")]
    [InlineData("k=bash -c 'foo ; bar'", "bash -c 'foo")]
    public void InlineCommentNeedsWhitespaceBeforeIt(string line, string expected)
    {
        Assert.Equal(expected, Parse("[a]\n" + line + "\n").Get("a", "k"));
    }

    [Fact]
    public void InlineCommentSearchStopsAtTheFirstRoundThatFindsOne()
    {
        // Python looks at the first ';' and the first '#' together: the ';' after a space wins even though a later '#' also follows a space.
        Assert.Equal("x#y #z", Parse("[a]\nk=x#y #z ;w\n").Get("a", "k"));
    }

    [Theory]
    [InlineData("k==v", "k", "=v")]
    [InlineData("k=", "k", "")]
    [InlineData("K : x", "k", "x")]
    [InlineData("a:b=c", "a", "b=c")]
    [InlineData("a=b:c", "a", "b:c")]
    [InlineData("k=\"x\"", "k", "\"x\"")]
    [InlineData("  k  =  spaced value  ", "k", "spaced value")]
    public void KeyAndValueSplitAtTheFirstDelimiterAndAreStripped(string line, string key, string value)
    {
        var document = Parse("[a]\n" + line + "\n");
        Assert.Equal(value, document.Get("a", key));
    }

    [Fact]
    public void KeysAreLowerCasedAndSectionsAreNot()
    {
        var document = Parse("[Program:X]\nIdentifier=x\n");
        Assert.Equal("x", document.Get("Program:X", "identifier"));
        Assert.Null(document.Find("program:X"));
    }

    [Fact]
    public void SectionNameIsEverythingUpToTheLastBracketTakenLiterally()
    {
        var document = Parse("[ a ] trailing\nk=1\n[a]]x]\nk=2\n");
        Assert.Equal(["a", "a]]x"], document.Sections.Select(s => s.Name.Trim()));
        Assert.Equal(" a ", document.Sections[0].Name);
        Assert.Equal("2", document.Get("a]]x", "k"));
    }

    [Fact]
    public void SectionHeaderMayBeIndented()
    {
        var document = Parse("  [a]\n  k=1\n   cont\n  j=2\n");
        Assert.Equal("1\ncont", document.Get("a", "k"));
        Assert.Equal("2", document.Get("a", "j"));
    }

    [Fact]
    public void ContinuationLinesAreJoinedWithNewlinesSkippingCommentsAndTrailingBlanks()
    {
        var document = Parse("[a]\nk = first\n  second\n\n  ; comment\n  third\n\n\nj=1\n");
        Assert.Equal("first\nsecond\n\nthird", document.Get("a", "k"));
        Assert.Equal("1", document.Get("a", "j"));
    }

    [Fact]
    public void TabIndentedLineContinuesTheValue()
    {
        Assert.Equal("1\ncont", Parse("[a]\nk=1\n\tcont\n").Get("a", "k"));
    }

    [Fact]
    public void IndentedLineWithoutPrecedingKeyIsAKeyLine()
    {
        var document = Parse("[a]\n    k=1\n");
        Assert.Equal("1", document.Get("a", "k"));
    }

    [Fact]
    public void FullLineCommentsAndBlankLinesAreIgnored()
    {
        var document = Parse("# top\n; also\n\n[a]\n   # indented comment\nk=1\n");
        Assert.Equal(["k"], document.Find("a")!.Values.Keys);
    }

    [Fact]
    public void CarriageReturnLineEndingsAreUniversalNewlines()
    {
        Assert.Equal("1", Parse("[a]\r\nk=1\r\n ;x\r\n").Get("a", "k"));
    }

    [Fact]
    public void DuplicateSectionsMergeAndTheLastValueWins()
    {
        var document = Parse("[a]\n  k=1\n[b]\nx=1\n[a]\nj=2\nk=3\n");
        Assert.Equal(["a", "b"], document.Sections.Select(s => s.Name));
        Assert.Equal("3", document.Get("a", "k"));
        Assert.Equal(["k", "j"], document.Find("a")!.Values.Keys);
    }

    [Fact]
    public void DefaultSectionKeysApplyToEverySection()
    {
        var document = Parse("[a]\nk=1\n[DEFAULT]\nautostart=false\nk=default\n[default]\nplain=1\n");
        Assert.Equal("false", document.Get("a", "autostart"));
        Assert.Equal("1", document.Get("a", "k"));
        Assert.Equal("false", document.Get("default", "autostart"));
        Assert.DoesNotContain(document.Sections, s => s.Name == "DEFAULT");
        Assert.Equal(["k", "autostart"], document.Options("a"));
    }

    [Fact]
    public void LineWithoutDelimiterIsAParsingErrorListingEveryBadLine()
    {
        Assert.Equal(
            "Source contains parsing errors: 't.conf'\n\t[line  3]: 'garbage line here\\n'\n\t[line  4]: 'more\\n'",
            ParseError("[a]\nk=1\ngarbage line here\nmore\n"));
    }

    [Fact]
    public void EmptyKeyIsAParsingError()
    {
        Assert.Equal("Source contains parsing errors: 't.conf'\n\t[line  2]: '=x\\n'", ParseError("[a]\n=x\n"));
    }

    [Fact]
    public void LineNumbersOfTwoDigitsFillTheField()
    {
        var text = "[a]\n" + string.Concat(Enumerable.Repeat("k=1\n", 10)) + "bad\n";
        Assert.EndsWith("\n\t[line 12]: 'bad\\n'", ParseError(text), StringComparison.Ordinal);
    }

    [Fact]
    public void KeyBeforeAnySectionIsMissingSectionHeaders()
    {
        Assert.Equal("File contains no section headers.\nfile: 't.conf', line: 1\n'k=1\\n'", ParseError("k=1\n[a]\n"));
    }

    [Fact]
    public void SectionRemembersTheFileThatFirstDefinedIt()
    {
        var document = new IniDocument();
        Assert.Null(IniParser.Parse("[a]\nk=1\n", "main.conf", document));
        Assert.Null(IniParser.Parse("[a]\nk=2\n[b]\n", "/etc/inc.conf", document));
        Assert.Equal("main.conf", document.Find("a")!.File);
        Assert.Equal(["main.conf", "/etc/inc.conf"], document.Find("a")!.Files);
        Assert.Equal("/etc/inc.conf", document.Find("b")!.File);
        Assert.Equal("2", document.Get("a", "k"));
    }

    [Fact]
    public void NonAsciiSectionNamesWork()
    {
        Assert.Equal("x", Parse("[program:test_öäü]\ncommand=x\n").Get("program:test_öäü", "command"));
    }

    [Fact]
    public void ExpandHereReplacesTextuallyIncludingDefaults()
    {
        var document = Parse("[a]\nk=%(here)s/x\n[DEFAULT]\nd=%(here)s/d\n");
        document.ExpandHere("/etc");
        Assert.Equal("/etc/x", document.Get("a", "k"));
        Assert.Equal("/etc/d", document.Get("a", "d"));
    }
}
