using CsCheck;
using Supervisor.Fuzz.Harness;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Fuzz.Tests;

/// <summary>
/// The short fuzzing session CI runs: generated inputs, bounded by count and drawn from fixed seeds (the
/// same inputs on every run), each through all three targets (<c>all</c>). The long, coverage-guided run
/// is run-afl.sh's (README.md here).
/// </summary>
public sealed class GeneratedSessionTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    [Fact]
    public Task GeneratedValuesReadBackAsWrittenAndEchoUnchanged()
    {
        // Each value is sent to fuzz.echo: the reader decodes the value that was written (the rules of
        // WireValues aside), and the dispatch target checks that the answer is that value again.
        var random = new PCG(1, 20261121);
        return Session.RunAsync("values", "all", Draw(2_000, () =>
        {
            var value = Generators.Value.Generate(random, null, out _);
            var bytes = Generators.Call("fuzz.echo", value);
            return new Session.Input(WireValues.Describe(value), bytes, () =>
            {
                if (WireValues.Difference(value, XmlRpcRequestReader.Read(bytes).Params.Single()) is { } difference)
                {
                    throw new InvariantException($"the reader did not decode what the writer wrote: {difference}");
                }
            });
        }), Limit);
    }

    [Fact]
    public async Task GeneratedCallsOfEveryMethodHoldTheInvariants()
    {
        // Calls to every registered method (and to names that are not), with parameters mostly of the types
        // each signature names, sometimes of any type or count; one in eight is a multicall of such calls.
        await using var harness = new FuzzHarness();
        var registry = harness.Dispatcher.Registry;
        var names = registry.MethodNames.Concat(["nosuch.method", "supervisor.", "system.multicall.x", "fuzz.echo\n"]).ToArray();
        var call = Gen.Int[0, names.Length - 1].SelectMany(i =>
        {
            var name = names[i];
            var types = registry.TryGet(name, out var method) ? method.Signature.Skip(1).ToArray() : [];
            var parameters = types.Length == 0
                ? Generators.Value.Array[0, 2]
                : Gen.Frequency(
                    (6, (IGen<object?[]>)Generators.Each(types.Select(Generators.OfType))),
                    (1, Generators.Value.Array[0, types.Length + 1]));
            return parameters.Select(p => (Name: name, Params: p));
        });
        var multicall = call.Array[0, 6].Select(calls => (Name: "system.multicall", Params: new object?[]
        {
            calls.Select(c => (object?)new Dictionary<string, object?> { ["methodName"] = c.Name, ["params"] = c.Params }).ToArray(),
        }));
        var requests = Gen.Frequency((7, (IGen<(string Name, object?[] Params)>)call), (1, multicall));

        var random = new PCG(2, 20261121);
        await Session.RunAsync("calls", "all", Draw(3_000, () =>
        {
            var (name, parameters) = requests.Generate(random, null, out _);
            return new Session.Input($"{name}({string.Join(", ", parameters.Select(WireValues.Describe))})", Generators.Call(name, parameters));
        }), Limit);
    }

    [Fact]
    public Task MutatedCorpusInputsHoldTheInvariants()
    {
        // Real requests (the corpus), mutated the way afl-fuzz's havoc stage does it, with its dictionary's tokens.
        var seeds = Session.KeptInputs.Select(File.ReadAllBytes).ToArray();
        var tokens = File.ReadLines(Path.Combine(Session.FuzzDirectory, "xmlrpc.dict"))
            .Where(line => line.Contains("=\"", StringComparison.Ordinal))
            .Select(line => System.Text.RegularExpressions.Regex.Unescape(line[(line.IndexOf('"', StringComparison.Ordinal) + 1)..^1]))
            .ToArray();
        var mutated = Generators.Mutated(seeds, tokens);
        var random = new PCG(3, 20261121);
        var number = 0;
        return Session.RunAsync("mutations", "all", Draw(5_000, () => new Session.Input($"mutation #{number++}", mutated.Generate(random, null, out _))), Limit);
    }

    /// <summary>Draws <paramref name="count"/> inputs lazily, on the session's own thread.</summary>
    private static IEnumerable<Session.Input> Draw(int count, Func<Session.Input> next)
    {
        for (var i = 0; i < count; i++)
        {
            yield return next();
        }
    }
}
