using System.Globalization;

namespace Supervisor.Ctl.XmlRpc;

/// <summary>An XML-RPC <c>base64</c> value.</summary>
internal sealed record Base64Value(byte[] Bytes);

/// <summary>An XML-RPC <c>dateTime.iso8601</c> value, kept as its text (Python's <c>xmlrpc.client.DateTime</c> does too).</summary>
internal sealed record DateTimeValue(string Text);

/// <summary>
/// A fault answer. Its <see cref="Exception.Message"/> is what Python's <c>str(Fault)</c> prints
/// (<c>&lt;Fault 10: 'BAD_NAME: foo'&gt;</c>), the text the reference shows for a fault it does not handle.
/// </summary>
internal sealed class XmlRpcFault(int code, string text)
    : PythonException("xmlrpc.client.Fault", string.Create(CultureInfo.InvariantCulture, $"<Fault {code}: {Supervisor.Abstractions.PythonText.Repr(text)}>"))
{
    public int Code { get; } = code;

    public string Text { get; } = text;
}

/// <summary>
/// An error the reference client reports as <c>error: &lt;class 'T'&gt;, V</c> (supervisorctl.py,
/// <c>Controller.onecmd</c>): <see cref="PythonClass"/> is T, the message is V.
/// </summary>
internal class PythonException(string pythonClass, string message) : Exception(message)
{
    public string PythonClass { get; } = pythonClass;
}

/// <summary>Typed access to decoded values, with Python's truth for flags.</summary>
internal static class Values
{
    public static string Str(this IReadOnlyDictionary<string, object?> info, string key) =>
        info.TryGetValue(key, out var value) ? Text(value) : "";

    public static long Int(this IReadOnlyDictionary<string, object?> info, string key) =>
        info.TryGetValue(key, out var value) ? value switch
        {
            long number => number,
            bool flag => flag ? 1 : 0,
            double real => (long)real,
            string text when long.TryParse(text, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => 0,
        } : 0;

    /// <summary>Python's truth of a value (<c>if value:</c>).</summary>
    public static bool Truth(object? value) => value switch
    {
        null => false,
        bool flag => flag,
        long number => number != 0,
        double real => real != 0,
        string text => text.Length > 0,
        IReadOnlyList<object?> list => list.Count > 0,
        IReadOnlyDictionary<string, object?> map => map.Count > 0,
        _ => true,
    };

    /// <summary>Python's <c>str()</c> of a decoded value, as <c>'%s' % value</c> prints it.</summary>
    public static string Text(object? value) => value switch
    {
        null => "None",
        string text => text,
        bool flag => flag ? "True" : "False",
        long number => number.ToString(CultureInfo.InvariantCulture),
        double real => real.ToString("R", CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public static IReadOnlyList<object?> List(object? value) =>
        value as IReadOnlyList<object?> ?? throw new PythonException("TypeError", "unexpected answer: not an array");

    public static IReadOnlyDictionary<string, object?> Struct(object? value) =>
        value as IReadOnlyDictionary<string, object?> ?? throw new PythonException("TypeError", "unexpected answer: not a struct");
}
