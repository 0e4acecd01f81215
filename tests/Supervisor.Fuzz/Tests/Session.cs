using System.Reflection;
using Supervisor.Fuzz.Harness;

namespace Supervisor.Fuzz.Tests;

/// <summary>
/// Runs inputs through a target and collects what they broke, for the CI tests: the committed inputs
/// (corpus/, regressions/) and the bounded generated session. A failing input is saved under
/// TestResults/fuzz-failures/ so it can be replayed (<c>dotnet run --project tests/Supervisor.Fuzz -- run
/// TARGET FILE</c>) and, once fixed, kept in regressions/.
/// </summary>
internal static class Session
{
    /// <summary>One input, and optionally a check of its own beside the target's invariants.</summary>
    public sealed record Input(string Label, byte[] Bytes, Action? Check = null);

    /// <summary>Where the project's own files are (corpus/, regressions/), from the build.</summary>
    public static string FuzzDirectory { get; } = typeof(Session).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FuzzDirectory").Value!;

    /// <summary>The committed inputs: the seed corpus and every crash input kept as a regression case.</summary>
    public static IReadOnlyList<string> KeptInputs { get; } =
    [
        .. Directory.EnumerateFiles(Path.Combine(FuzzDirectory, "corpus"), "*.xml").Order(StringComparer.Ordinal),
        .. Directory.EnumerateFiles(Path.Combine(FuzzDirectory, "regressions")).Where(f => Path.GetFileName(f) != "README.md").Order(StringComparer.Ordinal),
    ];

    /// <summary>
    /// Runs every input on <paramref name="target"/> and fails with each one that broke an invariant. The
    /// whole run has <paramref name="limit"/> to finish: an input that never returns fails the test with its
    /// number instead of hanging the suite (a hang detector, not a speed check: the limit is minutes).
    /// </summary>
    public static async Task RunAsync(string name, string target, IEnumerable<Input> inputs, TimeSpan limit)
    {
        await using var harness = new FuzzHarness();
        var failures = new List<string>();
        var current = "(none yet)";
        var count = 0;
        var run = Task.Factory.StartNew(
            () =>
            {
                foreach (var (label, input, check) in inputs)
                {
                    Volatile.Write(ref current, label);
                    count++;
                    try
                    {
                        harness.Run(target, input);
                        check?.Invoke();
                    }
                    catch (Exception e)
                    {
                        failures.Add($"{label} ({Save(name, failures.Count, input)}): {e}");
                        if (failures.Count >= 10)
                        {
                            break;
                        }
                    }
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        try
        {
            await run.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{name}: input {Volatile.Read(ref current)} did not finish; the run had {limit} for all its inputs");
        }

        Assert.True(count > 0, $"{name}: no inputs");
        Assert.True(failures.Count == 0, $"{name}: {failures.Count} of {count} inputs broke an invariant of target '{target}':\n\n{string.Join("\n\n", failures)}");
    }

    private static string Save(string name, int index, byte[] input)
    {
        var directory = Path.Combine(FuzzDirectory, "..", "..", "TestResults", "fuzz-failures");
        Directory.CreateDirectory(directory);
        var path = Path.GetFullPath(Path.Combine(directory, $"{name}-{index}.xml"));
        File.WriteAllBytes(path, input);
        return path;
    }
}
