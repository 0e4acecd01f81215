using System.Globalization;
using System.Text;
using System.Text.Json;
using Supervisor.Abstractions;
using Supervisor.Host.Tests.Support;

namespace Supervisor.Host.Tests.Abstractions;

/// <summary>
/// Issue 12: one Python-text helper, <see cref="PythonText"/>, where the config reader and the
/// <c>supervisor</c> plugin each had their own (the plugin's <c>repr()</c> of a string ignored Python's
/// quoting and escapes, and its <c>int()</c> stripped characters Python's does not). Held to Python itself.
/// </summary>
public sealed class PythonTextTests
{
    private static readonly string[] Texts =
    [
        "abc", "it's", "say \"hi\"", "both ' and \"", "back\\slash", "tab\there", "nl\n cr\r", "bell\u0007 esc\u001b del\u007f",
        "\u0085 nel", "\u00a0nbsp", "é", "\u200b zero-width", "\u2028 line", "\ue000 private", "😀 emoji", "\U000E0001 tag",
        "42", " 42 ", "+7", "-0", "1_000", "1__0", "_1", "1_", "", " ", "\u0663", "\u0663\u0664", "12345678901234567890123",
        "\u001c5", "5\u001f", "5\u3000", "\u20285", "0o17", "017", "0O_17", "0x1F", "0xff", "ff", "FF", "0b101", "0b_1", "1e3", "1.5", "--1",
    ];

    /// <summary>For each text: <c>repr</c>, <c>strip</c>, and <c>int</c> in bases 10, 8, 16 and 2 (null when it raises).</summary>
    private const string PythonScript = """
        import json, sys
        def integer(text, base):
            try:
                return str(int(text, base))
            except ValueError:
                return None
        texts = json.loads(sys.argv[1])
        print(json.dumps([[repr(t), t.strip(), integer(t, 10), integer(t, 8), integer(t, 16), integer(t, 2)] for t in texts]))
        """;

    [PythonFact]
    public async Task ReprStripAndIntAreAsPythonHasThem()
    {
        var info = CommandRun.Info("python3", ["-c", PythonScript, JsonSerializer.Serialize(Texts)]);
        var (exitCode, stdout, stderr, timedOut) = await CommandRun.RunAsync(info, TimeSpan.FromSeconds(60));
        Assert.False(timedOut || exitCode != 0, $"python3 failed ({exitCode}): {stderr}");
        var python = JsonDocument.Parse(stdout).RootElement.EnumerateArray().ToList();

        var wrong = new List<string>();
        for (var i = 0; i < Texts.Length; i++)
        {
            var expected = python[i].EnumerateArray().Select(e => e.GetString()).ToList();
            List<string?> ours = [PythonText.Repr(Texts[i]), PythonText.Strip(Texts[i]), Int(Texts[i], 10), Int(Texts[i], 8), Int(Texts[i], 16), Int(Texts[i], 2)];
            if (!expected.SequenceEqual(ours))
            {
                wrong.Add($"{JsonSerializer.Serialize(Texts[i])}: python {JsonSerializer.Serialize(expected)}, ours {JsonSerializer.Serialize(ours)}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void AFloatReadsAsTheCodecWritesIt()
    {
        // One repr(float), two spellings: the codec's <double> (UTF-8, no allocation) and messages' string.
        double[] numbers = [0.0, -0.0, 1.0, 1.5, 0.1, 1e-5, 123456.789, 1e15, 1e16, 1.5e16, -2.5e-300, double.MaxValue, double.Epsilon,
            double.PositiveInfinity, double.NegativeInfinity, double.NaN, 1.0 / 3, 2.0 / 3 * 1e22, 5e-324];
        var wire = new byte[32];
        foreach (var number in numbers)
        {
            Assert.True(PythonText.TryFormat(number, wire, out var written));
            Assert.Equal(Encoding.ASCII.GetString(wire, 0, written), PythonText.Repr(number));
            Assert.Contains($"<value><double>{PythonText.Repr(number)}</double></value>", Supervisor.Host.Tests.XmlRpc.Wire.Response(number));
        }
    }

    [Fact]
    public void StrAndReprOfDecodedValues()
    {
        Assert.Equal("None", PythonText.Str(null));
        Assert.Equal("[1, 'a', True, {'k': 1.5}]", PythonText.Str(new object?[] { 1, "a", true, new Dictionary<string, object?> { ["k"] = 1.5 } }));
        Assert.Equal("2026-01-02 03:04:05", PythonText.Str(new DateTime(2026, 1, 2, 3, 4, 5)));
        Assert.Equal("[datetime.datetime(2026, 1, 2, 3, 4)]", PythonText.Str(new object?[] { new DateTime(2026, 1, 2, 3, 4, 0) }));
        Assert.Equal("[\"it's\"]", PythonText.Str(new object?[] { "it's" }));
        Assert.Equal("text", PythonText.Str("text"u8.ToArray()));
    }

    [Fact]
    public void NoOtherAssemblyOfTheDaemonHasAPythonTextOfItsOwn()
    {
        var plugin = System.Reflection.Assembly.LoadFrom(Path.Combine(Path.GetDirectoryName(TestPaths.SupervisordDll)!, "plugins", "SupervisorRpc", "SupervisorRpc.dll"));
        var copies = typeof(Supervisord).Assembly.GetTypes().Concat(plugin.GetTypes())
            .Where(type => type.Name == nameof(PythonText))
            .Select(type => type.FullName)
            .ToList();
        Assert.Empty(copies);
    }

    private static string? Int(string text, int radix) =>
        PythonText.TryParseInt(text, out var value, radix) ? value.ToString(CultureInfo.InvariantCulture) : null;
}
