using System.Text;
using Supervisor.Abstractions;

namespace Supervisor;

/// <summary>
/// How the reference's methods treat the values they are given. Its dispatcher checks no types: a method
/// gets whatever the request carried and fails, or not, where it uses the value (rpcinterface.py). So this
/// namespace declares such parameters as any value and checks each where the reference uses it, with the
/// reference's answer: a fault where it gives one (a <c>TypeError</c> is a bare INCORRECT_PARAMETERS, a
/// group name that is not a string is simply not found), INCORRECT_PARAMETERS with the reason where it
/// fails with HTTP 500 (README "Differences from Supervisor").
/// </summary>
internal static class PythonArguments
{
    /// <summary>
    /// A name used as text (split at its colon, compared to signal names): a string, or base64 (which the
    /// reference decodes to a string before any method sees it). Anything else is INCORRECT_PARAMETERS with
    /// the reason (the reference: HTTP 500, an AttributeError).
    /// </summary>
    public static string Text(object? value, string parameter) => value switch
    {
        string text => text,
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        _ => throw Refused(parameter, $"expected string, got {TypeName(value)}"),
    };

    /// <summary>
    /// A name looked up in a dictionary (the active groups): the string to look for, or null for a value that
    /// can be hashed but is no string (it finds nothing: BAD_NAME). An array or a struct cannot be hashed:
    /// Python's <c>TypeError</c>, which the reference's dispatcher answers with a bare INCORRECT_PARAMETERS.
    /// </summary>
    public static string? Key(object? value) => value switch
    {
        string text => text,
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        object?[] or Dictionary<string, object?> => throw new RpcFaultException(FaultCode.IncorrectParameters),
        _ => null,
    };

    /// <summary>
    /// Python's <c>int(value)</c>: integers; booleans (0, 1); doubles truncated; strings in Python's integer
    /// syntax (white space, underscores, any Unicode digits). A string that is no integer, a double that is
    /// not finite or a value beyond 64 bits is INCORRECT_PARAMETERS with the reason (the reference: HTTP 500);
    /// an array, a struct, a date or nil is a bare INCORRECT_PARAMETERS (its <c>TypeError</c>).
    /// </summary>
    public static long Int(object? value, string parameter) => value switch
    {
        int i => i,
        long l => l,
        bool b => b ? 1 : 0,
        double d when double.IsFinite(d) && Math.Abs(d) < 9.2e18 => (long)Math.Truncate(d),
        double d => throw Refused(parameter, double.IsNaN(d) ? "cannot convert float NaN to integer"
            : double.IsInfinity(d) ? "cannot convert float infinity to integer"
            : $"{PythonText.Str(d)} is out of range"),
        string or byte[] => ParseInt(PythonText.Str(value), parameter),
        _ => throw new RpcFaultException(FaultCode.IncorrectParameters),
    };

    /// <summary>The reference's <c>RPCError(code, extra)</c>: the extra text is Python's <c>str()</c> of the value, none for <c>None</c>.</summary>
    public static RpcFaultException Fault(FaultCode code, object? extra) =>
        extra is null ? new RpcFaultException(code) : new RpcFaultException(code, PythonText.Str(extra));

    /// <summary>What the reference fails on with HTTP 500: INCORRECT_PARAMETERS naming the parameter and why.</summary>
    public static RpcFaultException Refused(string parameter, string reason) =>
        new(FaultCode.IncorrectParameters, $"{parameter}: {reason}");

    /// <summary>
    /// The XML-RPC type of a decoded value, for messages. The host's table names types the same way
    /// (src/Host/XmlRpc/XmlRpcTypes.cs, <c>NameOf</c>, which also names its own binding errors); a plugin
    /// sees only Abstractions, so this is a copy of the nine names the reader produces, held to the host's by
    /// tests/Supervisor.Host.Tests/SupervisorNamespace/TypeNameAgreementTests.cs.
    /// </summary>
    public static string TypeName(object? value) => value switch
    {
        null => "nil",
        string => "string",
        int or long => "int",
        bool => "boolean",
        double => "double",
        DateTime => "dateTime.iso8601",
        byte[] => "base64",
        object?[] => "array",
        Dictionary<string, object?> => "struct",
        _ => value.GetType().Name,
    };

    private static long ParseInt(string text, string parameter)
    {
        if (!PythonText.TryParseInt(text, out var number))
        {
            throw Refused(parameter, $"invalid literal for int() with base 10: {PythonText.Repr(text)}");
        }

        return number >= long.MinValue && number <= long.MaxValue ? (long)number : throw Refused(parameter, $"{PythonText.Strip(text)} is out of range");
    }
}
