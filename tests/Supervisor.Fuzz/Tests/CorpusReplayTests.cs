using Supervisor.Fuzz.Harness;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Fuzz.Tests;

/// <summary>
/// Every committed input (the seed corpus and the crash inputs kept from fuzzing) through every target:
/// what once broke an invariant stays fixed, and the seeds afl-fuzz starts from are all valid runs.
/// </summary>
public sealed class CorpusReplayTests
{
    [Theory]
    [InlineData("reader")]
    [InlineData("dispatch")]
    [InlineData("http")]
    public Task EveryKeptInputHoldsTheTargetsInvariants(string target) =>
        Session.RunAsync($"replay-{target}", target, Session.KeptInputs.Select(f => new Session.Input(Path.GetFileName(f), File.ReadAllBytes(f))), TimeSpan.FromMinutes(5));

    [Fact]
    public async Task TheCorpusCallsEveryMethodOfEveryNamespace()
    {
        // A method without a seed is one afl-fuzz has to discover by mutation: give each one a real call.
        await using var harness = new FuzzHarness();
        var called = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Session.KeptInputs)
        {
            try
            {
                var request = XmlRpcRequestReader.Read(File.ReadAllBytes(file));
                called.Add(request.MethodName);
                if (request.MethodName == "system.multicall" && request.Params is [object?[] calls])
                {
                    called.UnionWith(calls.OfType<Dictionary<string, object?>>().Select(c => c.GetValueOrDefault("methodName")).OfType<string>());
                }
            }
            catch (XmlRpcFormatException)
            {
            }
        }

        var uncalled = harness.Dispatcher.Registry.MethodNames.Except(called).ToList();
        Assert.True(uncalled.Count == 0, "methods no corpus input calls (add them to corpus/make_corpus.py): " + string.Join(", ", uncalled));
    }
}
