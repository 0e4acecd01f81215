using System.Reflection;
using Supervisor.Abstractions;

namespace Supervisor.Host.XmlRpc;

/// <summary>
/// The struct key of a property, in both directions: results written as structs (<see cref="StructShape"/>)
/// and struct parameters read into records (Rpc's converters). <see cref="RpcMemberAttribute"/> names it;
/// else the name in camelCase with a leading acronym lowered as a whole, as System.Text.Json names
/// properties: <c>ExitStatus</c> is <c>exitStatus</c>, <c>URLPath</c> <c>urlPath</c>, <c>PID</c> <c>pid</c>.
/// </summary>
internal static class StructKeys
{
    /// <summary>The key of a property.</summary>
    public static string Of(PropertyInfo property) =>
        property.GetCustomAttribute<RpcMemberAttribute>(inherit: true)?.Name ?? FromName(property.Name);

    /// <summary>
    /// The key of a constructor parameter that fills a record from a struct: its own
    /// <see cref="RpcMemberAttribute"/>, else that of the property it initializes, else its name.
    /// </summary>
    public static string Of(ParameterInfo parameter, PropertyInfo? property) =>
        parameter.GetCustomAttribute<RpcMemberAttribute>()?.Name
        ?? property?.GetCustomAttribute<RpcMemberAttribute>(inherit: true)?.Name
        ?? FromName(parameter.Name!);

    /// <summary>The key a name gets without an attribute.</summary>
    public static string FromName(string name)
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
}
