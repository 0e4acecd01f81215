namespace Supervisor.Ctl.Options;

/// <summary>
/// Python's <c>getopt.getopt</c> (not GNU's): options stop at the first word that is not one,
/// long options may be abbreviated to a unique prefix, and errors carry Python's texts
/// (<c>option -x not recognized</c>, <c>option --serverurl requires argument</c>, ...).
/// </summary>
internal static class Getopt
{
    /// <summary>Splits <paramref name="args"/>; <paramref name="shortOptions"/> as <c>"hc:"</c>, long ones as <c>"configuration="</c>.</summary>
    public static (List<(string Option, string Value)> Options, List<string> Words) Parse(IReadOnlyList<string> args, string shortOptions, IReadOnlyList<string> longOptions)
    {
        var options = new List<(string, string)>();
        var index = 0;
        while (index < args.Count && args[index].StartsWith('-') && args[index] != "-")
        {
            var word = args[index++];
            if (word == "--")
            {
                break;
            }

            if (word.StartsWith("--", StringComparison.Ordinal))
            {
                var text = word[2..];
                string? value = null;
                var equals = text.IndexOf('=', StringComparison.Ordinal);
                if (equals >= 0)
                {
                    (text, value) = (text[..equals], text[(equals + 1)..]);
                }

                var (takesValue, name) = LongOption(text, longOptions);
                if (takesValue)
                {
                    if (value is null)
                    {
                        value = index < args.Count ? args[index++] : throw new GetoptException($"option --{name} requires argument");
                    }
                }
                else if (value is not null)
                {
                    throw new GetoptException($"option --{name} must not have an argument");
                }

                options.Add(("--" + name, value ?? ""));
                continue;
            }

            var letters = word[1..];
            while (letters.Length > 0)
            {
                var letter = letters[0];
                letters = letters[1..];
                if (ShortTakesValue(letter, shortOptions))
                {
                    if (letters.Length == 0)
                    {
                        letters = index < args.Count ? args[index++] : throw new GetoptException($"option -{letter} requires argument");
                    }

                    options.Add(("-" + letter, letters));
                    letters = "";
                }
                else
                {
                    options.Add(("-" + letter, ""));
                }
            }
        }

        return (options, [.. args.Skip(index)]);
    }

    private static bool ShortTakesValue(char letter, string shortOptions)
    {
        for (var i = 0; i < shortOptions.Length; i++)
        {
            if (shortOptions[i] == letter && letter != ':')
            {
                return i + 1 < shortOptions.Length && shortOptions[i + 1] == ':';
            }
        }

        throw new GetoptException($"option -{letter} not recognized");
    }

    private static (bool TakesValue, string Name) LongOption(string text, IReadOnlyList<string> longOptions)
    {
        var candidates = longOptions.Where(o => o.StartsWith(text, StringComparison.Ordinal)).ToList();
        if (candidates.Count == 0)
        {
            throw new GetoptException($"option --{text} not recognized");
        }

        if (candidates.Contains(text))
        {
            return (false, text);
        }

        if (candidates.Contains(text + "="))
        {
            return (true, text);
        }

        if (candidates.Count > 1)
        {
            throw new GetoptException($"option --{text} not a unique prefix");
        }

        var match = candidates[0];
        return match.EndsWith('=') ? (true, match[..^1]) : (false, match);
    }
}

internal sealed class GetoptException(string message) : Exception(message);
