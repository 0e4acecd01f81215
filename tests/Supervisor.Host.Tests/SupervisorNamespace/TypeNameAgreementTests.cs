using System.Reflection;
using Supervisor.Host.Tests.Support;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Host.Tests.SupervisorNamespace;

/// <summary>
/// The built-in plugin sees only Abstractions, so it names a decoded value's XML-RPC type with a copy of the
/// host's rule (plugins/SupervisorRpc/PythonArguments.cs, <c>TypeName</c>; the host's owner is the codec's
/// table, <see cref="XmlRpcTypes"/>). The two must say the same of every value the reader produces, as
/// <c>expected string, got int</c> reads the same from the plugin and from the host's own binding.
/// </summary>
public sealed class TypeNameAgreementTests
{
    public static TheoryData<object?> DecodedValues() =>
        [null, "text", 7, 5_000_000_000L, true, 1.5, new DateTime(2026, 1, 2), "ABC"u8.ToArray(), new object?[] { 1 }, new Dictionary<string, object?> { ["k"] = 1 }];

    [Theory]
    [MemberData(nameof(DecodedValues))]
    public void ThePluginNamesEveryDecodedValueAsTheHostsTableDoes(object? value)
    {
        var plugin = Assembly.LoadFrom(Path.Combine(Path.GetDirectoryName(TestPaths.SupervisordDll)!, "plugins", "SupervisorRpc", "SupervisorRpc.dll"));
        var typeName = plugin.GetType("Supervisor.PythonArguments", throwOnError: true)!.GetMethod("TypeName", BindingFlags.Public | BindingFlags.Static)!;

        var host = value is null ? "nil" : XmlRpcTypes.NameOf(value.GetType());

        Assert.Equal(host, typeName.Invoke(null, [value]));
    }
}
