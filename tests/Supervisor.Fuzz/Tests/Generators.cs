using System.Text;
using CsCheck;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Fuzz.Tests;

/// <summary>
/// CsCheck generators of XML-RPC values, calls and mutated inputs for the bounded session. The session
/// draws from them with a fixed <see cref="PCG"/> seed, so every CI run sends the same inputs and a failure
/// reproduces (CsCheck's own <c>Sample</c> seeds only its first iteration).
/// </summary>
internal static class Generators
{
    /// <summary>Characters weighted towards what is hard to carry: markup, controls, CR, surrogates, non-characters.</summary>
    public static readonly Gen<char> Char = Gen.Frequency(
        (40, (IGen<char>)Gen.Char['a', 'z']),
        (10, Gen.Char[' ', '~']),
        (8, Gen.Char["<>&'\"]]>\t\n\r "]),
        (5, Gen.Char['\u0000', '\u001f']),
        (4, Gen.Char['\u0080', '\u07ff']),
        (4, Gen.Char['\u0800', '\uffff']),
        (3, Gen.Char["\ud83d\ude00\ud800\udc00\ufffe\uffff\ufffd\u0085\u2028\ufeff"]));

    public static readonly Gen<string> Text = Gen.Frequency(
        (6, (IGen<string>)Char.Array[0, 24].Select(chars => new string(chars))),
        (1, Gen.Const("")),
        (1, Gen.OneOf(Gen.Const("web:web_00"), Gen.Const("web:*"), Gen.Const("worker"), Gen.Const("odd&<name>"), Gen.Const("HUP"), Gen.Const("12"), Gen.Const(" 3 "), Gen.Const("-1.5e3"))),
        (1, Gen.Const("\U0001F600 pair, emoji and \r\n")));

    /// <summary>Any date-time the wire can carry (years 1 to 9999, whole seconds).</summary>
    public static readonly Gen<DateTime> When = Gen.Long[0, DateTime.MaxValue.Ticks / TimeSpan.TicksPerSecond]
        .Select(seconds => new DateTime(seconds * TimeSpan.TicksPerSecond, DateTimeKind.Unspecified));

    public static readonly Gen<object?> Scalar = Gen.Frequency(
        (4, (IGen<object?>)Gen.Int.Select(i => (object?)i)),
        (2, Gen.Int[-2, 1025].Select(i => (object?)i)),
        (2, Gen.Long.Select(l => (object?)l)),
        (2, Gen.Bool.Select(b => (object?)b)),
        (3, Gen.Double.Select(d => (object?)d)),
        (1, Gen.Double.Special.Select(d => (object?)d)),
        (6, Text.Select(t => (object?)t)),
        (2, When.Select(t => (object?)t)),
        (2, Gen.Byte.Array[0, 100].Select(b => (object?)b)),
        (1, Gen.Const((object?)null)));

    /// <summary>Values of every type, arrays and structs nested up to five deep.</summary>
    public static readonly Gen<object?> Value = Gen.Recursive<object?>((depth, value) => depth >= 5
        ? Scalar
        : Gen.Frequency(
            (6, (IGen<object?>)Scalar),
            (2, value.Array[0, 5].Select(items => (object?)items)),
            (2, Gen.Select(Text, value).Array[0, 5].Select(Struct))));

    /// <summary>A value of the XML-RPC type a method's signature names, usually; sometimes any value at all.</summary>
    public static Gen<object?> OfType(string type) => Gen.Frequency(
        (4, type switch
        {
            "int" => Gen.Frequency((4, (IGen<object?>)Gen.Int[-5, 200].Select(i => (object?)i)), (1, Gen.Int.Select(i => (object?)i)), (1, Gen.Long.Select(l => (object?)l))),
            "boolean" => Gen.Bool.Select(b => (object?)b),
            "double" => Gen.Double.Select(d => (object?)d),
            "string" => Text.Select(t => (object?)t),
            "dateTime.iso8601" => When.Select(t => (object?)t),
            "base64" => Gen.Byte.Array[0, 40].Select(b => (object?)b),
            "array" => Value.Array[0, 4].Select(items => (object?)items),
            "struct" => Gen.Select(Text, Value).Array[0, 4].Select(Struct),
            _ => Value,
        }),
        (1, Value));

    /// <summary>One value from each generator, in order.</summary>
    public static Gen<object?[]> Each(IEnumerable<Gen<object?>> gens) =>
        gens.Aggregate(Gen.Const(Array.Empty<object?>()), (values, next) => Gen.Select(values, next, (a, v) => (object?[])[.. a, v]));

    /// <summary>Mutations of real requests, as afl-fuzz's havoc stage makes them: flips, cuts, repeats, tokens, splices.</summary>
    public static Gen<byte[]> Mutated(IReadOnlyList<byte[]> seeds, IReadOnlyList<string> tokens)
    {
        var one = Gen.Frequency(
            (3, (IGen<Func<byte[], byte[]>>)Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, 7], (at, bit) => (Func<byte[], byte[]>)(b => FlipBit(b, at, bit)))),
            (2, Gen.Select(Gen.Int[0, int.MaxValue], Gen.Byte, (at, value) => (Func<byte[], byte[]>)(b => SetByte(b, at, value)))),
            (2, Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[1, 64], (at, length) => (Func<byte[], byte[]>)(b => Delete(b, at, length)))),
            (2, Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[1, 64], Gen.Int[1, 8], (at, length, times) => (Func<byte[], byte[]>)(b => Repeat(b, at, length, times)))),
            (3, Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, tokens.Count - 1], (at, token) => (Func<byte[], byte[]>)(b => Insert(b, at, Encoding.UTF8.GetBytes(tokens[token]))))),
            (1, Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, seeds.Count - 1], (at, other) => (Func<byte[], byte[]>)(b => Splice(b, at, seeds[other])))),
            (1, Gen.Int[0, int.MaxValue].Select(at => (Func<byte[], byte[]>)(b => b.Length == 0 ? b : b[..(at % b.Length)]))));
        return Gen.Select(Gen.Int[0, seeds.Count - 1], one.Array[1, 4], (seed, mutations) => mutations.Aggregate(seeds[seed], (bytes, mutate) => mutate(bytes)));
    }

    /// <summary>The request <c>method(params...)</c> as Python's marshaller lays it out.</summary>
    public static byte[] Call(string method, params object?[] parameters) => XmlRpcRequestWriter.ToArray(method, parameters);

    private static object? Struct((string Key, object? Value)[] members)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in members)
        {
            result[key] = value;
        }

        return result;
    }

    private static byte[] FlipBit(byte[] bytes, int at, int bit)
    {
        if (bytes.Length == 0)
        {
            return bytes;
        }

        var copy = (byte[])bytes.Clone();
        copy[at % copy.Length] ^= (byte)(1 << bit);
        return copy;
    }

    private static byte[] SetByte(byte[] bytes, int at, byte value)
    {
        if (bytes.Length == 0)
        {
            return bytes;
        }

        var copy = (byte[])bytes.Clone();
        copy[at % copy.Length] = value;
        return copy;
    }

    private static byte[] Delete(byte[] bytes, int at, int length)
    {
        if (bytes.Length == 0)
        {
            return bytes;
        }

        var start = at % bytes.Length;
        return [.. bytes.AsSpan(0, start), .. bytes.AsSpan(Math.Min(bytes.Length, start + length))];
    }

    private static byte[] Repeat(byte[] bytes, int at, int length, int times)
    {
        if (bytes.Length == 0)
        {
            return bytes;
        }

        var start = at % bytes.Length;
        var piece = bytes.AsSpan(start, Math.Min(length, bytes.Length - start)).ToArray();
        var result = new List<byte>(bytes.Length + (piece.Length * times));
        result.AddRange(bytes.AsSpan(0, start));
        for (var i = 0; i <= times; i++)
        {
            result.AddRange(piece);
        }

        result.AddRange(bytes.AsSpan(start + piece.Length));
        return [.. result];
    }

    private static byte[] Insert(byte[] bytes, int at, byte[] token)
    {
        var start = bytes.Length == 0 ? 0 : at % (bytes.Length + 1);
        return [.. bytes.AsSpan(0, start), .. token, .. bytes.AsSpan(start)];
    }

    private static byte[] Splice(byte[] bytes, int at, byte[] other)
    {
        if (bytes.Length == 0 || other.Length == 0)
        {
            return other;
        }

        var start = at % bytes.Length;
        var from = at % other.Length;
        return [.. bytes.AsSpan(0, start), .. other.AsSpan(from)];
    }
}
