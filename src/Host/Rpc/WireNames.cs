namespace Supervisor.Host.Rpc;

/// <summary>Naming rules shared by methods, struct keys and factory parameters.</summary>
internal static class WireNames
{
    /// <summary><c>GetAPIVersion</c> → <c>getAPIVersion</c>; <c>ReadLog</c> → <c>readLog</c>.</summary>
    public static string CamelCase(string name) =>
        name.Length == 0 || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name[1..];

    /// <summary>
    /// A property's struct key, in both directions (results written, struct parameters read): camelCase
    /// with a leading acronym lowercased as a whole, as System.Text.Json names properties:
    /// <c>ExitStatus</c> → <c>exitStatus</c>, <c>URLPath</c> → <c>urlPath</c>, <c>PID</c> → <c>pid</c>.
    /// </summary>
    public static string StructKey(string name)
    {
        if (name.Length == 0 || !char.IsUpper(name[0]))
        {
            return name;
        }

        // The leading run of capitals is lowered, except its last letter when something other than a space
        // follows the run (that capital starts the next word: URLPath). A lone capital is always lowered.
        var chars = name.ToCharArray();
        var end = 1;
        while (end < chars.Length && char.IsUpper(chars[end]))
        {
            end++;
        }

        if (end > 1 && end < chars.Length && chars[end] != ' ')
        {
            end--;
        }

        for (var i = 0; i < end; i++)
        {
            chars[i] = char.ToLowerInvariant(chars[i]);
        }

        return new string(chars);
    }

    /// <summary>
    /// True when a Python-style name and a .NET name are the same words: <c>make_main_rpcinterface</c>
    /// matches <c>MakeMainRpcInterface</c>, <c>retries</c> matches <c>retries</c>.
    /// </summary>
    public static bool SameWords(string pythonName, string dotnetName)
    {
        int i = 0, j = 0;
        while (true)
        {
            while (i < pythonName.Length && pythonName[i] == '_')
            {
                i++;
            }

            while (j < dotnetName.Length && dotnetName[j] == '_')
            {
                j++;
            }

            if (i == pythonName.Length || j == dotnetName.Length)
            {
                return i == pythonName.Length && j == dotnetName.Length;
            }

            if (char.ToLowerInvariant(pythonName[i]) != char.ToLowerInvariant(dotnetName[j]))
            {
                return false;
            }

            i++;
            j++;
        }
    }
}
