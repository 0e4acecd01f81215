namespace Supervisor.Host.Rpc;

/// <summary>Naming rules shared by methods, struct keys and factory parameters.</summary>
internal static class WireNames
{
    /// <summary><c>GetAPIVersion</c> → <c>getAPIVersion</c>; <c>ReadLog</c> → <c>readLog</c>.</summary>
    public static string CamelCase(string name) =>
        name.Length == 0 || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name[1..];

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
