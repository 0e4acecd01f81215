using System.Text;
using Supervisor.Abstractions;
using Supervisor.Host.Rpc;
using Supervisor.Host.Tests.Support;
using Supervisor.Host.Tests.XmlRpc;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Host.Tests.Rpc;

/// <summary>
/// A method may take and return every type of the codec's table (<see cref="XmlRpcTypes"/>): it registers,
/// its signature and help name the type as the table does, and a call binds what the type's kind decodes to
/// and sends back what the writer wrote for the value. Before, <c>char</c>, <c>short</c>, <c>decimal</c>,
/// <c>DateTimeOffset</c>, byte memory and the like were advertised as parameters and refused every call.
/// </summary>
public sealed class WireTypeRegistrationTests
{
    public static TheoryData<Type> ScalarTypes() => XmlRpcTypesTests.ScalarTypes();

    [Theory]
    [MemberData(nameof(ScalarTypes))]
    public async Task EveryScalarTypeRegistersAndRoundTripsThroughTheDispatcher(Type type)
    {
        var (registry, dispatcher) = Build(Activator.CreateInstance(typeof(EchoNamespace<>).MakeGenericType(type))!);
        Assert.True(registry.TryGet("echo.echo", out var method));
        var name = XmlRpcTypes.NameOf(type)!;
        Assert.Equal([name, name], method.Signature);
        Assert.Equal($"@param {name} value\n@return {name} result", method.Help);

        var sample = XmlRpcTypesTests.Samples[type];
        var sent = Wire.Response(sample);
        var decoded = XmlRpcResponseReader.Read(Encoding.UTF8.GetBytes(sent)).Value;
        var outcome = await dispatcher.CallAsync("echo.echo", [decoded], CancellationToken.None);

        Assert.False(outcome.IsFault, outcome.FaultString);
        Assert.Equal(sent, Wire.Response(outcome.Value));
    }

    [Fact]
    public async Task RecordsAndArraysOfStringLikeTypesRoundTrip()
    {
        var (_, dispatcher) = Build(new EchoNamespace<XmlRpcTypesTests.Holder>());
        var holder = new XmlRpcTypesTests.Holder('A', Guid.Empty, new Uri("https://example.com/"), [new DateTimeOffset(2024, 1, 31, 23, 0, 0, TimeSpan.Zero)]);
        var sent = Wire.Response(holder);
        var outcome = await dispatcher.CallAsync("echo.echo", [XmlRpcResponseReader.Read(Encoding.UTF8.GetBytes(sent)).Value], CancellationToken.None);

        Assert.False(outcome.IsFault, outcome.FaultString);
        Assert.Equal(sent, Wire.Response(outcome.Value));
        Assert.Contains("<name>grade</name>\n<value><string>A</string></value>", sent);
    }

    [Fact]
    public void RefusesATypeInsideARecordWhenTheNamespaceIsRegistered()
    {
        var error = Assert.Throws<RpcDeclarationException>(() => Build(new TakesTimed()));
        Assert.Equal(
            "namespace 'echo', method Supervisor.Host.Tests.Rpc.WireTypeRegistrationTests+TakesTimed.Wait: parameter 'timed' has type "
            + "Supervisor.Host.Tests.XmlRpc.XmlRpcTypesTests+Timed, which XML-RPC cannot carry: member 'limit' of "
            + "Supervisor.Host.Tests.XmlRpc.XmlRpcTypesTests+Timed: System.TimeSpan has no XML-RPC form: send a number (TotalSeconds as a double, or whole seconds as an int)",
            error.Message);
    }

    [Fact]
    public void ARenamedResultTypeIsStillCheckedForWhatIsWritten()
    {
        var error = Assert.Throws<RpcDeclarationException>(() => Build(new RenamedTimeSpan()));
        Assert.Contains("RenamedTimeSpan.Elapsed: its result type System.TimeSpan cannot be carried by XML-RPC", error.Message);
    }

    private static (RpcRegistry Registry, RpcDispatcher Dispatcher) Build(object target)
    {
        RpcDispatcher? dispatcher = null;
        var registry = new RpcRegistry([("echo", target)], r => new SystemNamespace(r, () => dispatcher!));
        dispatcher = new RpcDispatcher(registry, new RecordingLog());
        return (registry, dispatcher);
    }

    public sealed class EchoNamespace<T>
    {
        [RpcMethod]
        public T Echo(T value) => value;
    }

    public sealed class TakesTimed
    {
        [RpcMethod]
        public bool Wait(XmlRpcTypesTests.Timed timed) => timed.Limit > TimeSpan.Zero;
    }

    public sealed class RenamedTimeSpan
    {
        [RpcMethod]
        [return: RpcReturn("elapsed", "in seconds", Type = "double")]
        public TimeSpan Elapsed() => TimeSpan.Zero;
    }
}
