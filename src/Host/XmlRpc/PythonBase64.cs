namespace Supervisor.Host.XmlRpc;

/// <summary>
/// Base64 decoding with the leniency of Python's <c>base64.decodebytes</c> (binascii's
/// non-strict <c>a2b_base64</c>), which the reference uses: characters outside the alphabet are
/// skipped, decoding stops at the padding that completes a quad, and leftover bits are an error.
/// </summary>
internal static class PythonBase64
{
    private static readonly sbyte[] Table = BuildTable();

    public static byte[] Decode(ReadOnlySpan<char> text)
    {
        var output = new byte[(text.Length / 4 * 3) + 3];
        var written = 0;
        var quadPosition = 0;
        var pads = 0;
        var left = 0;
        var dataCharacters = 0;

        foreach (var c in text)
        {
            if (c == '=')
            {
                if (quadPosition >= 2 && quadPosition + ++pads >= 4)
                {
                    return output.AsSpan(0, written).ToArray();
                }

                continue;
            }

            var sextet = c < 128 ? Table[c] : -1;
            if (sextet < 0)
            {
                continue;
            }

            dataCharacters++;
            pads = 0;
            switch (quadPosition)
            {
                case 0:
                    quadPosition = 1;
                    left = sextet;
                    break;
                case 1:
                    quadPosition = 2;
                    output[written++] = (byte)((left << 2) | (sextet >> 4));
                    left = sextet & 0x0f;
                    break;
                case 2:
                    quadPosition = 3;
                    output[written++] = (byte)((left << 4) | (sextet >> 2));
                    left = sextet & 0x03;
                    break;
                default:
                    quadPosition = 0;
                    output[written++] = (byte)((left << 6) | sextet);
                    left = 0;
                    break;
            }
        }

        if (quadPosition == 1)
        {
            throw new XmlRpcFormatException(
                $"invalid base64: {dataCharacters} data characters is 1 more than a multiple of 4");
        }

        if (quadPosition != 0)
        {
            throw new XmlRpcFormatException("invalid base64: incorrect padding");
        }

        return output.AsSpan(0, written).ToArray();
    }

    private static sbyte[] BuildTable()
    {
        var table = new sbyte[128];
        Array.Fill(table, (sbyte)-1);
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (var i = 0; i < Alphabet.Length; i++)
        {
            table[Alphabet[i]] = (sbyte)i;
        }

        return table;
    }
}
