using Supervisor.Abstractions;

namespace Supervisor.Host.Tests.Rpc;

public sealed record Point([property: RpcMember("x_pos")] int X, int Y);

public sealed record Link(string URLPath, int PID);

public sealed record Options
{
    public required string Name { get; init; }

    public int Count { get; init; } = 7;
}

/// <summary>A namespace declaring one method of each shape the binder must handle.</summary>
public sealed class SampleNamespace
{
    [RpcMethod(Help = "Adds two numbers.")]
    [return: RpcReturn("sum", "a plus b")]
    public int Add([RpcParam("the first")] int a, [RpcParam("the second")] int b) => a + b;

    [RpcMethod("echo", Aliases = ["echoAgain"], Help = "Returns its text.")]
    public string EchoText(string text, string suffix = "!") => text + suffix;

    [RpcMethod]
    public bool Flag(bool wait = true) => wait;

    [RpcMethod(Help = "Takes a name or a number.")]
    public string Either([RpcParam("a name or a number", Type = "string")] object value) => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!;

    [RpcMethod]
    public async Task<long> Slow(int milliseconds)
    {
        await Task.Delay(milliseconds);
        return 5_000_000_000L;
    }

    [RpcMethod]
    public ValueTask<string> Quick() => ValueTask.FromResult("done");

    [RpcMethod]
    public int SumPoints(Point[] points) => points.Sum(p => p.X + p.Y);

    [RpcMethod(Help = "Returns frozen points.")]
    [return: RpcReturn("points", "the points")]
    public FrozenResult<List<Point>> FrozenPoints() => new([new Point(1, 2)]);

    [RpcMethod]
    public FrozenResult FrozenAnything() => new FrozenResult<int>(3);

    [RpcMethod]
    public string Describe(Options options) => $"{options.Name}:{options.Count}";

    [RpcMethod(Help = "Returns the link it was given.")]
    public Link EchoLink(Link link) => link;

    [RpcMethod]
    public int CountKeys(IReadOnlyDictionary<string, int> values) => values.Count;

    [RpcMethod]
    public double Half(double value) => value / 2;

    [RpcMethod]
    public int Fail() => throw new InvalidOperationException("broken on purpose");

    [RpcMethod]
    public int Refuse() => throw new RpcFaultException(FaultCode.BadName, "nosuch");

    [RpcMethod]
    public int Custom() => throw new RpcFaultException(230, "NOT_ALLOWED", "whitelist");

    [RpcMethod]
    public int Cancellable(CancellationToken cancellationToken) => cancellationToken.CanBeCanceled ? 1 : 0;

    public int NotExposed() => 0;
}

public sealed class UnderscoreNamespace
{
    [RpcMethod("_private")]
    public int Private() => 0;
}

public sealed class VoidNamespace
{
    [RpcMethod]
    public void Nothing()
    {
    }
}

public sealed class DuplicateNamespace
{
    [RpcMethod("same")]
    public int One() => 1;

    [RpcMethod("same")]
    public int Two() => 2;
}
