using System.Text.RegularExpressions;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.XmlRpc;

/// <summary>
/// The codec (src/Host/XmlRpc) turns bytes into values and back and knows nothing of namespaces and
/// methods: no file of it uses the Rpc layer, which sits on top of it. Its struct-key rule
/// (<c>StructKeys</c>) and its type table (<c>XmlRpcTypes</c>) live in the codec, and Rpc uses them.
/// </summary>
public sealed partial class CodecBoundaryTests
{
    private const string RpcNamespace = "Supervisor.Host.Rpc";

    [Fact]
    public void NoCodecFileNamesTheRpcLayerOrAnyOfItsTypes()
    {
        var rpcTypes = typeof(Supervisord).Assembly.GetTypes()
            .Where(type => type.Namespace == RpcNamespace && !type.IsNested)
            .Select(type => type.Name.Split('`')[0])
            .Distinct()
            .ToList();
        Assert.NotEmpty(rpcTypes);

        var codec = Path.Combine(TestPaths.RepositoryRoot, "src", "Host", "XmlRpc");
        var offending = new List<string>();
        foreach (var file in Directory.EnumerateFiles(codec, "*.cs"))
        {
            var code = Comments().Replace(File.ReadAllText(file), "");
            offending.AddRange(rpcTypes
                .Where(name => Regex.IsMatch(code, $@"\b{name}\b"))
                .Select(name => $"{Path.GetFileName(file)}: {name}"));
            if (code.Contains(RpcNamespace, StringComparison.Ordinal))
            {
                offending.Add($"{Path.GetFileName(file)}: {RpcNamespace}");
            }
        }

        Assert.Empty(offending);
    }

    /// <summary>Line comments (doc comments included) and block comments: prose may mention the layers.</summary>
    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comments();
}
