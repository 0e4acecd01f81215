using System.Globalization;
using System.Text;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Compat;

/// <summary>One action of a scenario; it appends its normalized result to the run's transcript.</summary>
internal abstract record Step
{
    public abstract Task RunAsync(ScenarioRun run);

    /// <summary>The transcript block of one supervisorctl invocation.</summary>
    protected static string Block(IEnumerable<string> words, int exitCode, string stdout, string stderr)
    {
        var block = new StringBuilder("$ supervisorctl ").Append(string.Join(' ', words)).Append('\n').Append(stdout);
        foreach (var line in stderr.Split('\n').Where(l => l.Length > 0))
        {
            block.Append("stderr| ").Append(line).Append('\n');
        }

        return block.Append("[exit ").Append(exitCode.ToString(CultureInfo.InvariantCulture)).Append("]\n").ToString();
    }
}

/// <summary>How a command's stdout is compared.</summary>
internal enum Shape
{
    /// <summary>Byte for byte after normalization.</summary>
    Exact,

    /// <summary>Lines sorted: the command prints results in completion order, which is timing.</summary>
    Unordered,

    /// <summary>
    /// <c>restart</c> of several processes: the stop results, then the start results, each part in completion
    /// order, so each part is sorted on its own (stops must still come before starts).
    /// </summary>
    RestartUnordered,

    /// <summary>Bare numbers (the output of <c>pid</c>) normalized too.</summary>
    Pids,

    /// <summary>Main-log tail: only its structure and the process-life lines (<see cref="Transcript.LogStructure"/>).</summary>
    LogStructure,
}

/// <summary><c>supervisorctl -c CONF words...</c>: stdout, stderr and exit status.</summary>
internal sealed record Ctl(string Command, Shape Shape = Shape.Exact) : Step
{
    public override async Task RunAsync(ScenarioRun run)
    {
        var words = Command.Split(' ');
        var (exitCode, stdout, stderr) = await run.CtlAsync(words);
        stdout = run.Normalize(stdout);
        stdout = Shape switch
        {
            Shape.Unordered => Transcript.SortLines(stdout),
            Shape.RestartUnordered => Transcript.SortRestart(stdout),
            Shape.Pids => Transcript.NormalizePidLines(stdout),
            Shape.LogStructure => Transcript.LogStructure(stdout),
            _ => stdout,
        };
        run.Record(Block(words, exitCode, stdout, run.Normalize(stderr)));
    }
}

/// <summary>A following command (<c>tail -f</c>, <c>maintail -f</c>) interrupted with SIGINT once its output has settled (<see cref="ScenarioRun.CtlInterruptedAsync"/>).</summary>
/// <remarks>
/// With <see cref="Shape.LogStructure"/> the first line (the <c>==&gt; Press Ctrl-C to exit &lt;==</c> banner) is kept
/// as is and the streamed rest reduced to its structure: the stream starts about 1 KiB from the end of the
/// main log, so where it cuts depends on the wording of earlier lines.
/// </remarks>
internal sealed record CtlFollow(string Command, Shape Shape = Shape.Exact, double Seconds = 1.5) : Step
{
    public override async Task RunAsync(ScenarioRun run)
    {
        var words = Command.Split(' ');
        var (exitCode, stdout, stderr) = await run.CtlInterruptedAsync(words, TimeSpan.FromSeconds(Seconds));
        stdout = run.Normalize(stdout);
        if (Shape == Shape.LogStructure)
        {
            var banner = stdout.IndexOf('\n', StringComparison.Ordinal) + 1;
            // Only whether whole timestamped lines stream: which process-life lines fit in the first KiB depends on wording.
            var structure = Transcript.LogStructure(stdout[banner..]).Split('\n');
            stdout = stdout[..banner] + structure[0] + "\n" + structure[1] + "\n";
        }

        run.Record(Block([.. words, "(then SIGINT)"], exitCode, stdout, run.Normalize(stderr)));
    }
}

/// <summary>Polls status until the condition holds (nothing differs in the transcript unless it times out).</summary>
internal sealed record WaitFor(string Description, Func<Dictionary<string, StatusLine>, ScenarioRun, bool> Condition) : Step
{
    public override Task RunAsync(ScenarioRun run) => run.WaitForAsync(Description, Condition);
}

/// <summary>Polls a command until its stdout contains <paramref name="Text"/> at least <paramref name="Count"/> times.</summary>
internal sealed record WaitForOutput(string Command, string Text, int Count = 1) : Step
{
    public override Task RunAsync(ScenarioRun run) =>
        run.WaitForOutputAsync($"'{Command}' shows '{Text}' x{Count}", Command.Split(' '), output => Occurrences(output, Text) >= Count);

    private static int Occurrences(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}

/// <summary>Rewrites the config file from another template (same directory, socket and port).</summary>
internal sealed record EditConfig(string Template) : Step
{
    public override Task RunAsync(ScenarioRun run)
    {
        run.WriteConfig(Template);
        run.Record("# config edited\n");
        return Task.CompletedTask;
    }
}

/// <summary>Keeps the current pids (and the daemon's) in <see cref="ScenarioRun.Saved"/> for a later check.</summary>
internal sealed record RememberPids : Step
{
    public override async Task RunAsync(ScenarioRun run)
    {
        var status = await run.StatusAsync() ?? throw new InvalidOperationException("no status to remember");
        foreach (var (name, line) in status)
        {
            run.Saved["pid:" + name] = line.Pid.ToString(CultureInfo.InvariantCulture);
        }

        run.Saved["daemon"] = run.Daemon.Pid.ToString(CultureInfo.InvariantCulture);
    }
}

/// <summary>Records one fact computed from the run (a yes/no that must be the same on both sides).</summary>
internal sealed record Check(string Description, Func<ScenarioRun, Task<bool>> Condition) : Step
{
    public override async Task RunAsync(ScenarioRun run) =>
        run.Record($"# {Description}: {(await Condition(run) ? "yes" : "no")}\n");
}

/// <summary>Waits for the daemon process to exit and records its exit code.</summary>
internal sealed record DaemonExit : Step
{
    public override async Task RunAsync(ScenarioRun run)
    {
        var code = await run.Daemon.WaitForExitAsync(TimeSpan.FromSeconds(30));
        run.Record(code is null ? "# daemon still running 30 s later\n" : $"# daemon exited with {code}\n");
    }
}

/// <summary>
/// A Python <c>xmlrpc.client</c> expression against the daemon's unix socket (<c>proxy</c> in scope, as in
/// <see cref="PythonClient"/>); records the expression and its JSON result (<c>value</c>, <c>fault</c> or
/// <c>error</c>), normalized.
/// </summary>
internal sealed record Rpc(string Script) : Step
{
    public override async Task RunAsync(ScenarioRun run)
    {
        var result = await PythonClient.RawAsync("unix://" + run.SocketPath, Script);
        run.Record($">>> {Script}\n{run.Normalize(result)}\n");
    }
}

/// <summary>
/// The main log's lines matching <paramref name="Pattern"/>, without their timestamps, once <paramref name="Until"/>
/// holds for them (polled for up to 20 s; a timeout is recorded with the lines as they were).
/// </summary>
internal sealed record MainLogLines(string Pattern, Func<IReadOnlyList<string>, bool> Until) : Step
{
    private const string SigchldLine = "DEBG received SIGCHLD indicating a child quit";

    /// <summary>
    /// 4.2.5 logs a child's SIGCHLD after its exit line, except when the child dies between the reap and the
    /// signal handling of one pass of its loop (<c>supervisor/supervisord.py</c>, <c>Supervisor.runforever</c>:
    /// <c>self.reap()</c>, then <c>self.handle_signal()</c>): then the SIGCHLD line comes first and the exit
    /// line a pass later, and with two children the lines interleave either way. Where the SIGCHLD lines fall
    /// is the reference's timing, so on both sides they are moved after the other lines (their number and the
    /// other lines' order are still compared).
    /// </summary>
    public static List<string> SigchldAfterItsExit(List<string> lines) =>
        [.. lines.Where(l => l != SigchldLine), .. lines.Where(l => l == SigchldLine)];

    public override async Task RunAsync(ScenarioRun run)
    {
        var pattern = new System.Text.RegularExpressions.Regex(Pattern);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        List<string> lines;
        while (true)
        {
            lines = [.. (await File.ReadAllLinesAsync(run.Directory.File("supervisord.log")))
                .Select(l => run.Normalize(l))
                .Where(l => pattern.IsMatch(l))
                .Select(l => l.StartsWith("<TS> ", StringComparison.Ordinal) ? l[5..] : l)];
            lines = SigchldAfterItsExit(lines);
            if (Until(lines) || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(100);
        }

        run.Record($"# main log lines /{Pattern}/{(Until(lines) ? "" : " (TIMED OUT waiting for them)")}:\n{string.Concat(lines.Select(l => "  " + l + "\n"))}");
    }
}

/// <summary>
/// Makes every call of <paramref name="Rows"/> (<c>wrong_types.py</c>, over TCP) and records, per row, whether the
/// answer is the one 4.2.5 gave (<see cref="WrongTypeRow.Expected"/>) or what came instead. Where the table says
/// <see cref="WrongTypeTable.Refused"/>, the reference must answer HTTP 500 and ours INCORRECT_PARAMETERS with a
/// reason (README "Differences from Supervisor"), so equal transcripts mean both sides gave the table's answers.
/// </summary>
internal sealed record WrongTypes(IReadOnlyList<WrongTypeRow> Rows) : Step
{
    public override async Task RunAsync(ScenarioRun run)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Compat", "wrong_types.py");
        var info = CommandRun.Info("python3", [script, $"http://127.0.0.1:{run.Port.ToString(CultureInfo.InvariantCulture)}"]);
        info.RedirectStandardInput = true;
        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(System.Text.Json.JsonSerializer.Serialize(Rows.Select(r => new { method = r.Method, args = r.Args })));
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        var outcomes = process.ExitCode == 0
            ? System.Text.Json.JsonSerializer.Deserialize<string[]>(await stdout)!
            : throw new InvalidOperationException($"wrong_types.py failed ({process.ExitCode}): {await stderr}");

        var text = new StringBuilder();
        foreach (var (row, outcome) in Rows.Zip(outcomes))
        {
            var answered = row.Expected != WrongTypeTable.Refused ? outcome == row.Expected
                : run.Implementation == Implementation.Reference ? outcome == "HTTP 500"
                : outcome.StartsWith("fault 2 INCORRECT_PARAMETERS: ", StringComparison.Ordinal);
            text.Append(row.Method).Append(row.Args).Append(" -> ")
                .Append(answered ? row.Expected : $"{outcome}, NOT {row.Expected}").Append('\n');
        }

        run.Record(text.ToString());
    }
}
