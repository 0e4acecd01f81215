using System.Buffers;
using System.Runtime.CompilerServices;
using Supervisor.Abstractions;

namespace Supervisor.Host.XmlRpc;

/// <summary>
/// The encoded <c>&lt;value&gt;</c> of each <see cref="FrozenResult"/>, made the first time the instance
/// is written and kept for as long as the instance lives (the plugin that returns it holds it). A status
/// list polled by many clients is then encoded once per change instead of once per call.
/// </summary>
internal static class FrozenEncodings
{
    // Weak keys: the bytes go when the plugin drops the instance, with no eviction to manage here.
    private static readonly ConditionalWeakTable<FrozenResult, byte[]> Encoded = new();

    /// <summary>The value's markup, exactly what <see cref="XmlRpcValueWriter.WriteValue"/> would write for it.</summary>
    /// <param name="result">The frozen result.</param>
    /// <param name="depth">How deep in containers it is being written (0 for a whole response), so a value that contains itself still meets the depth limit.</param>
    /// <exception cref="NotSupportedException">The value cannot be encoded (nothing is kept, so the next call fails alike).</exception>
    public static byte[] Of(FrozenResult result, int depth = 0)
    {
        if (Encoded.TryGetValue(result, out var bytes))
        {
            return bytes;
        }

        // Two threads may encode the same result at once; both get equal bytes and either is kept.
        bytes = Encode(result, depth);
        Encoded.AddOrUpdate(result, bytes);
        return bytes;
    }

    private static byte[] Encode(FrozenResult result, int depth)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new XmlRpcValueWriter(buffer, depth);
        writer.WriteValue(result.UntypedValue);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
