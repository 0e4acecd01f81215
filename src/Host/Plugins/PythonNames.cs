namespace Supervisor.Host.Plugins;

/// <summary>How a Python-style name in a config file finds its .NET twin (factory methods, factory parameters).</summary>
internal static class PythonNames
{
    /// <summary>
    /// True when a Python-style name and a .NET name are the same words, ignoring case and underscores:
    /// <c>make_main_rpcinterface</c> matches <c>MakeMainRpcInterface</c>, <c>max_retries</c> <c>maxRetries</c>.
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
