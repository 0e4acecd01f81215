namespace Supervisor.Ctl.LineEditing;

/// <summary>
/// What Tab offers, by the reference's rules (supervisor/supervisorctl.py, <c>Controller.complete</c>): the
/// first word completes to a command, <c>help</c>'s argument to a command, <c>add</c>/<c>remove</c>/<c>update</c>'s
/// to a group, and the process commands' to a process (<c>group:name</c> and <c>group:*</c> for groups of several
/// or once a colon is typed). Ours also completes <c>call</c>'s method and <c>help</c>'s namespace or method from
/// <c>system.listMethods</c>, which the reference cannot see. Each candidate ends with a space, as there. The
/// server is asked at most once per line (the reference caches the same way); a server that cannot answer
/// means no candidates, never an error on the prompt.
/// </summary>
internal sealed class Completion(
    IReadOnlyList<string> commands,
    Func<IReadOnlyList<(string Group, string Name)>> processes,
    Func<IReadOnlyList<string>> methods)
{
    // Python's readline delimiters without ':', '*' and '-', which the reference removes so that
    // "group:process", "group:*" and names with dashes are one word. '.' is not one: "ns.method" is one word.
    private const string Delimiters = " \t\n`~!@#$%^&()=+[{]}\\|;'\",<>/?";

    private static readonly string[] GroupCommands = ["add", "remove", "update"];
    private static readonly string[] ProcessCommands = ["clear", "fg", "pid", "restart", "signal", "start", "status", "stop", "tail"];

    private IReadOnlyList<(string Group, string Name)>? _processes;
    private IReadOnlyList<string>? _methods;

    /// <summary>Where the word being completed starts: after the last delimiter before the cursor.</summary>
    public static int WordStart(string line, int cursor)
    {
        var start = cursor;
        while (start > 0 && !Delimiters.Contains(line[start - 1], StringComparison.Ordinal))
        {
            start--;
        }

        return start;
    }

    /// <summary>The candidates for <paramref name="text"/>, the word being completed, in the whole <paramref name="line"/>.</summary>
    public IReadOnlyList<string> Candidates(string line, string text)
    {
        if (line.Trim().Length == 0)
        {
            return Commands(text);
        }

        var words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var action = words[0];
        if (words.Length == 1 && !line.EndsWith(' '))
        {
            return Commands(text);
        }

        // The argument's position: 1 for the first word after the command.
        var position = line.EndsWith(' ') ? words.Length : words.Length - 1;
        return action switch
        {
            "help" => [.. Commands(text), .. Namespaces(text), .. Methods(text).Where(_ => text.Contains('.', StringComparison.Ordinal))],
            "call" when position == 1 => Methods(text),
            _ when GroupCommands.Contains(action) => Groups(text),
            _ when ProcessCommands.Contains(action) => Processes(text),
            _ => [],
        };
    }

    private List<string> Commands(string text) =>
        [.. commands.Where(c => c.StartsWith(text, StringComparison.Ordinal)).Select(c => c + " ")];

    private List<string> Groups(string text) =>
        [.. KnownProcesses().Select(p => p.Group).Distinct(StringComparer.Ordinal)
            .Where(g => g.StartsWith(text, StringComparison.Ordinal)).Select(g => g + " ")];

    private List<string> Processes(string text)
    {
        var names = new List<string>();
        foreach (var (group, name) in KnownProcesses())
        {
            if (text.Contains(':', StringComparison.Ordinal) || name != group)
            {
                names.Add($"{group}:{name}");
                if (!names.Contains($"{group}:*"))
                {
                    names.Add($"{group}:*");
                }
            }
            else
            {
                names.Add(name);
            }
        }

        return [.. names.Where(n => n.StartsWith(text, StringComparison.Ordinal)).Select(n => n + " ")];
    }

    private List<string> Methods(string text) =>
        [.. KnownMethods().Where(m => m.StartsWith(text, StringComparison.Ordinal)).Select(m => m + " ")];

    private List<string> Namespaces(string text) =>
        [.. KnownMethods().Select(m => m[..Math.Max(0, m.IndexOf('.', StringComparison.Ordinal))]).Where(n => n.Length > 0)
            .Distinct(StringComparer.Ordinal).Where(n => n.StartsWith(text, StringComparison.Ordinal)).Select(n => n + " ")];

    private IReadOnlyList<(string Group, string Name)> KnownProcesses() => _processes ??= Ask(processes);

    private IReadOnlyList<string> KnownMethods() => _methods ??= Ask(methods);

    private static IReadOnlyList<T> Ask<T>(Func<IReadOnlyList<T>> question)
    {
        try
        {
            return question();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // readline swallows a completer's error too: Tab then just offers nothing.
            return [];
        }
    }
}
