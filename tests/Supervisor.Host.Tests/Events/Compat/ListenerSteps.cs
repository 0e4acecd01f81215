using System.Globalization;
using System.Text;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Events.Compat;

/// <summary>One action of a listener scenario; it appends its normalized result to the run's transcript.</summary>
internal abstract record ListenerStep
{
    public abstract Task RunAsync(ListenerRun run);
}

/// <summary><c>supervisorctl -c CONF words...</c>: stdout, stderr and exit status.</summary>
internal sealed record Supervisorctl(string Command) : ListenerStep
{
    public override async Task RunAsync(ListenerRun run)
    {
        var (exitCode, stdout, stderr) = await run.CtlAsync(Command.Split(' '));
        var block = new StringBuilder("$ supervisorctl ").Append(Command).Append('\n').Append(stdout);
        foreach (var line in stderr.Split('\n').Where(l => l.Length > 0))
        {
            block.Append("stderr| ").Append(line).Append('\n');
        }

        run.Record(run.Normalize(block.Append("[exit ").Append(exitCode.ToString(CultureInfo.InvariantCulture)).Append("]\n").ToString()));
    }
}

/// <summary>A call through Python's <c>xmlrpc.client</c> on the unix socket (<see cref="PythonClient"/>): its value or fault as JSON.</summary>
internal sealed record Rpc(string Script) : ListenerStep
{
    public override async Task RunAsync(ListenerRun run)
    {
        var result = await PythonClient.EvalAsync(run.UnixUrl, Script);
        run.Record(run.Normalize($"$ xmlrpc {Script}\n{result.GetRawText()}\n"));
    }
}

/// <summary>Polls a listener's record file until <paramref name="Condition"/> holds for its records.</summary>
internal sealed record WaitForRecords(string File, string Description, Func<IReadOnlyList<ListenerRecord>, bool> Condition) : ListenerStep
{
    public override Task RunAsync(ListenerRun run) =>
        run.WaitUntilAsync($"{File}: {Description}", () => Condition(run.Records(File)), () => string.Join('\n', run.Records(File).Select(r => r.Describe())));

    /// <summary>Waits until the listener has answered at least <paramref name="count"/> events.</summary>
    public static WaitForRecords Events(string file, int count) =>
        new(file, $"{count} event(s) answered", records => records.Count(r => r.IsEvent) >= count);

    /// <summary>Waits until the listener has received <c>PROCESS_STATE_<paramref name="state"/></c> of <paramref name="process"/>.</summary>
    public static WaitForRecords State(string file, string process, string state) =>
        new(file, $"{process} {state} received", records => records.Any(r => r.IsState(process, state)));
}

/// <summary>Polls the main log until it has <paramref name="Count"/> lines containing <paramref name="Text"/>.</summary>
internal sealed record WaitForLog(string Text, int Count = 1) : ListenerStep
{
    public override Task RunAsync(ListenerRun run) =>
        run.WaitUntilAsync($"the main log shows '{Text}' x{Count}", () => Lines(run).Count >= Count, () => string.Join('\n', Lines(run)));

    private List<string> Lines(ListenerRun run) => [.. run.MainLog().Split('\n').Where(l => l.Contains(Text, StringComparison.Ordinal))];
}

/// <summary>Polls a file of the run's directory (a program's log) until it contains <paramref name="Text"/>.</summary>
internal sealed record WaitForLogFile(string File, string Text) : ListenerStep
{
    public override Task RunAsync(ListenerRun run) =>
        run.WaitUntilAsync($"{File} shows '{Text}'", () => Content(run).Contains(Text, StringComparison.Ordinal), () => Content(run));

    private string Content(ListenerRun run)
    {
        var path = run.Directory.File(File);
        return System.IO.File.Exists(path) ? System.IO.File.ReadAllText(path, Encoding.UTF8) : "";
    }
}

/// <summary>Polls <c>supervisorctl status NAME</c> until it shows <paramref name="State"/>.</summary>
internal sealed record WaitForState(string Name, string State) : ListenerStep
{
    public override async Task RunAsync(ListenerRun run)
    {
        var last = "";
        await run.WaitUntilAsync($"{Name} is {State}", async () =>
        {
            (_, last, _) = await run.CtlAsync(["status", Name]);
            return last.Contains(" " + State + " ", StringComparison.Ordinal);
        }, () => last);
    }
}

/// <summary>Creates an empty file in the run's directory (the signal a <c>--go</c> listener waits for).</summary>
internal sealed record Touch(string File) : ListenerStep
{
    public override Task RunAsync(ListenerRun run)
    {
        System.IO.File.WriteAllText(run.Directory.File(File), "");
        run.Record($"# created {File}\n");
        return Task.CompletedTask;
    }
}

/// <summary>
/// A short pause after the last awaited event, so that anything a daemon must NOT deliver would have
/// arrived if it were going to (the reference dispatches every pool in the same loop pass, well within it).
/// </summary>
internal sealed record Settle(double Seconds = 0.7) : ListenerStep
{
    public override Task RunAsync(ListenerRun run) => Task.Delay(TimeSpan.FromSeconds(Seconds));
}

/// <summary>Records every line of a listener's file, normalized (pids, tick times).</summary>
internal sealed record Received(string File) : ListenerStep
{
    public override Task RunAsync(ListenerRun run)
    {
        var text = new StringBuilder($"== received by {File}\n");
        foreach (var record in run.Records(File))
        {
            text.Append(record.Describe()).Append('\n');
        }

        run.Record(run.Normalize(text.ToString()));
        return Task.CompletedTask;
    }
}

/// <summary>
/// Records the main-log lines containing any of <paramref name="Fragments"/>, normalized. Sorted unless
/// <paramref name="InOrder"/>: lines of different processes handled in one loop pass come in fd order, which is timing.
/// </summary>
internal sealed record LogLines(bool InOrder, params string[] Fragments) : ListenerStep
{
    public override Task RunAsync(ListenerRun run)
    {
        var lines = run.Normalize(run.MainLog()).Split('\n')
            .Where(l => Fragments.Any(f => l.Contains(f, StringComparison.Ordinal)));
        if (!InOrder)
        {
            lines = lines.Order(StringComparer.Ordinal);
        }

        run.Record("== main log lines with " + string.Join(" / ", Fragments.Select(f => $"'{f}'")) + "\n" + string.Concat(lines.Select(l => l + "\n")));
        return Task.CompletedTask;
    }
}

/// <summary>Records a file of the run's directory (a program's stdout log), normalized.</summary>
internal sealed record FileContent(string File) : ListenerStep
{
    public override Task RunAsync(ListenerRun run)
    {
        var path = run.Directory.File(File);
        var content = System.IO.File.Exists(path) ? System.IO.File.ReadAllText(path, Encoding.UTF8) : null;
        var shown = content switch
        {
            null => "(no such file)\n",
            "" => "(empty)\n",
            _ when !content.EndsWith('\n') => content + "\n\\ no newline at end\n",
            _ => content,
        };
        run.Record(run.Normalize($"== {File}\n{shown}"));
        return Task.CompletedTask;
    }
}

/// <summary>Waits for the daemon process to exit on its own and records its exit code.</summary>
internal sealed record DaemonExit : ListenerStep
{
    public override async Task RunAsync(ListenerRun run)
    {
        var code = await run.Daemon.WaitForExitAsync(TimeSpan.FromSeconds(30));
        run.Record(code is null ? "# daemon still running 30 s later\n" : $"# daemon exited with {code}\n");
    }
}

/// <summary>Records one fact computed from the run (a yes/no that must be the same on both sides).</summary>
internal sealed record Check(string Description, Func<ListenerRun, bool> Condition) : ListenerStep
{
    public override Task RunAsync(ListenerRun run)
    {
        run.Record($"# {Description}: {(Condition(run) ? "yes" : "no")}\n");
        return Task.CompletedTask;
    }
}
