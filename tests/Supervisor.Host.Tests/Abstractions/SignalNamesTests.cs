using System.Text.Json;
using Supervisor.Abstractions;
using Supervisor.Host.Config;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Abstractions;

/// <summary>
/// Issue 12: one table of signals, <see cref="SignalNames"/>, where there were three (the config reader's,
/// the <c>supervisor</c> plugin's and the log lines'). Held to the reference's own functions, run by the
/// system Python: <c>supervisor.datatypes.signal_number</c> for <c>stopsignal=</c> (our config errors
/// included) and <c>supervisor.options.signame</c> for the names in log lines.
/// </summary>
public sealed class SignalNamesTests
{
    private const string SystemPython = "/usr/bin/python3";

    private static readonly string[] Inputs =
    [
        "hup", "term", "Sigkill", " usr1 ", "\tint\n", "abrt", "iot", "cld", "poll", "io", "rtmin", "rtmax", "_dfl", "SIG_IGN",
        "sig_setmask", "SIGRTMIN+1", "nals", "foo", "", "   ", "é", "0", "1", "2", "9", "15", "16", "31", "32", "33", "34", "35",
        "63", "64", "65", "-1", "+9", " 15 ", "1_5", "1__5", "\u0663", "0x1f", "1e3", "99999999999999999999", "\u001c9\u001f",
    ];

    /// <summary>Reads every input with <c>signal_number</c> (and every name of the <c>signal</c> module too) and names 0..69 with <c>signame</c>.</summary>
    private const string ReferenceScript = """
        import json, signal, sys
        from supervisor.datatypes import signal_number
        from supervisor.options import signame
        inputs = json.loads(sys.argv[1]) + sorted(k for k in dir(signal) if k.startswith('SIG'))
        def read(value):
            try:
                return int(signal_number(value))
            except ValueError as error:
                return str(error)
        print(json.dumps({"inputs": inputs, "read": [read(v) for v in inputs], "names": [signame(n) for n in range(70)]}))
        """;

    [SupervisorctlFact]
    public async Task ReadsAndNamesSignalsAsTheReferenceDoes()
    {
        var reference = await RunReferenceAsync();

        var wrong = new List<string>();
        var inputs = reference.GetProperty("inputs").EnumerateArray().Select(i => i.GetString()!).ToList();
        var read = reference.GetProperty("read").EnumerateArray().ToList();
        for (var i = 0; i < inputs.Count; i++)
        {
            var expected = read[i].ValueKind == JsonValueKind.Number ? read[i].GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture) : read[i].GetString();
            var config = ConfigValues.SignalNumber(inputs[i]);
            var ours = config.IsOk ? config.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : config.Error;
            var parsed = SignalNames.TryParse(inputs[i], out var number) ? number.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            if (ours != expected || parsed != (config.IsOk ? ours : null))
            {
                wrong.Add($"{JsonSerializer.Serialize(inputs[i])}: reference {expected}, config {ours}, TryParse {parsed ?? "false"}");
            }
        }

        var names = reference.GetProperty("names").EnumerateArray().Select(n => n.GetString()).ToList();
        for (var signal = 0; signal < names.Count; signal++)
        {
            if (SignalNames.Name(signal) != names[signal])
            {
                wrong.Add($"signame({signal}): reference {names[signal]}, ours {SignalNames.Name(signal)}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void NoOtherSourceFileHoldsASignalTable()
    {
        // Names only a table of every signal spells out (a log line may well say SIGTERM or SIGKILL).
        string[] tableOnly = ["\"SIGSTKFLT\"", "\"SIGRTMIN\"", "\"SIGVTALRM\"", "\"SIG_SETMASK\""];
        var owner = Path.Combine(TestPaths.RepositoryRoot, "src", "Abstractions", "SignalNames.cs");
        var tables = new[] { "src", "plugins", "samples" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(TestPaths.RepositoryRoot, folder), "*.cs", SearchOption.AllDirectories))
            .Where(file => !file.Contains("/obj/", StringComparison.Ordinal) && !file.Contains("/bin/", StringComparison.Ordinal) && file != owner)
            .Where(file => tableOnly.Any(File.ReadAllText(file).Contains))
            .Select(file => Path.GetRelativePath(TestPaths.RepositoryRoot, file))
            .ToList();

        Assert.Empty(tables);
        Assert.True(tableOnly.All(File.ReadAllText(owner).Contains));
    }

    private static async Task<JsonElement> RunReferenceAsync()
    {
        var info = CommandRun.Info(SystemPython, ["-c", ReferenceScript, JsonSerializer.Serialize(Inputs)]);
        var (exitCode, stdout, stderr, timedOut) = await CommandRun.RunAsync(info, TimeSpan.FromSeconds(60));
        Assert.False(timedOut || exitCode != 0, $"the reference script failed ({exitCode}): {stderr}");
        return JsonDocument.Parse(stdout).RootElement;
    }
}
