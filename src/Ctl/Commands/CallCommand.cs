using System.Globalization;
using System.Text;
using System.Text.Json;
using Supervisor.Ctl.Transport;
using Supervisor.Ctl.XmlRpc;

namespace Supervisor.Ctl;

/// <summary>
/// <c>call ns.method arg...</c>: any method of any namespace, plugins' included (the reference's
/// client needs a Python <c>[ctlplugin:x]</c> for each). Arguments are converted by the method's
/// <c>system.methodSignature</c>; <c>help ns</c> lists a namespace's methods with their help.
/// </summary>
internal sealed partial class Controller
{
    private bool Call(List<string> words)
    {
        var json = words.Remove("--json");
        if (words.Count == 0)
        {
            Output("Error: call requires a method name");
            ExitStatus = Ctl.ExitStatus.Generic;
            HelpCall();
            return false;
        }

        var method = words[0];
        var texts = words.Skip(1).ToList();
        object? result;
        try
        {
            var types = ParameterTypes(method, texts.Count);
            if (types is { Error: { } error })
            {
                Output($"Error: {error}");
                ExitStatus = Ctl.ExitStatus.Generic;
                return false;
            }

            var arguments = new object?[texts.Count];
            for (var i = 0; i < texts.Count; i++)
            {
                var type = types?.Types is { } known ? known[i] : "undef";
                if (!ArgumentConverter.TryConvert(texts[i], type, out arguments[i], out var problem))
                {
                    Output($"Error: argument {i + 1} of {method} ({texts[i]}): {problem}");
                    ExitStatus = Ctl.ExitStatus.Generic;
                    return false;
                }
            }

            result = Supervisor().Call(method, arguments);
        }
        catch (SocketFailure e) when (ExplainConnectionFailure(e))
        {
            return false;
        }

        Output(json ? ResultPrinter.Json(result, indented: false) : ResultPrinter.Readable(result));
        return false;
    }

    /// <summary>
    /// The parameter types of <paramref name="method"/> for <paramref name="count"/> arguments, from its
    /// signatures; null when the server does not describe it (the arguments are then guessed).
    /// </summary>
    private (string[]? Types, string? Error)? ParameterTypes(string method, int count)
    {
        object? answer;
        try
        {
            answer = Supervisor().Call("system.methodSignature", method);
        }
        catch (XmlRpcFault)
        {
            // No signature (an unknown method answers its own fault when called).
            return null;
        }

        var lists = Signatures(answer);
        if (lists.Count == 0)
        {
            return null;
        }

        // Exactly as many parameters, else the fewest that take them all: a method's optional
        // parameters are in its signature, and the server answers for any it still misses.
        if (lists.Where(s => s.Count - 1 >= count).OrderBy(s => s.Count).FirstOrDefault() is { } match)
        {
            return ([.. match.Skip(1).Take(count).Select(Values.Text)], null);
        }

        var most = lists.Max(s => s.Count - 1).ToString(CultureInfo.InvariantCulture);
        return (null, $"{method} takes at most {most} argument(s), {count} given (help {method})");
    }

    /// <summary>
    /// The signatures in a <c>system.methodSignature</c> answer: Supervisor answers one flat
    /// <c>[return, param...]</c> array, the introspection convention an array of such arrays.
    /// </summary>
    private static List<IReadOnlyList<object?>> Signatures(object? answer) => answer switch
    {
        IReadOnlyList<object?> { Count: > 0 } flat when flat.All(t => t is string) => [flat],
        IReadOnlyList<object?> nested when nested.All(s => s is IReadOnlyList<object?> { Count: > 0 } list && list.All(t => t is string)) =>
            [.. nested.Cast<IReadOnlyList<object?>>()],
        _ => [],
    };

    private void HelpCall()
    {
        Output("call <namespace.method> [arg ...]\tCall any XML-RPC method, a plugin's included;");
        Output("\t\t\t\targuments are converted by its signature (arrays and structs as JSON)");
        Output("call --json <namespace.method> [arg ...]\tThe same, printing the result as JSON");
        Output("help <namespace>\t\t\tList a namespace's methods with their help");
    }

    /// <summary><c>help ns</c> or <c>help ns.method</c> from the server's <c>system.listMethods</c> and <c>system.methodHelp</c>; false when it names neither.</summary>
    private bool HelpNamespace(string topic)
    {
        if (topic.Contains(' ', StringComparison.Ordinal))
        {
            return false;
        }

        List<string> methods;
        try
        {
            methods = [.. Values.List(Supervisor().Call("system.listMethods")).Select(Values.Text)];
        }
        catch (Exception e) when (e is PythonException or EndOfStreamException)
        {
            return false;
        }

        var selected = methods.Contains(topic) ? [topic] : methods.Where(m => m.StartsWith(topic + ".", StringComparison.Ordinal)).ToList();
        if (selected.Count == 0)
        {
            return false;
        }

        foreach (var method in selected)
        {
            Output(SignatureLine(method));
            var help = Supervisor().Call("system.methodHelp", method) is string text ? text.Trim() : "";
            foreach (var line in (help.Length == 0 ? "(no help)" : help).Split('\n'))
            {
                Output("    " + line.TrimEnd());
            }
        }

        return true;
    }

    /// <summary><c>ns.method(type, type) -> type</c>, or the bare name when the server gives no signature.</summary>
    private string SignatureLine(string method)
    {
        try
        {
            if (Signatures(Supervisor().Call("system.methodSignature", method)) is [var first, ..])
            {
                return $"{method}({string.Join(", ", first.Skip(1).Select(Values.Text))}) -> {Values.Text(first[0])}";
            }
        }
        catch (XmlRpcFault)
        {
            // Described without a signature.
        }

        return method;
    }
}

/// <summary>Turns a command-line word into the XML-RPC value a signature asks for.</summary>
internal static class ArgumentConverter
{
    public static bool TryConvert(string text, string type, out object? value, out string problem)
    {
        problem = "";
        value = null;
        switch (type)
        {
            case "string":
                value = text;
                return true;
            case "int" or "i4" or "i8":
                if (long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                {
                    value = number;
                    return true;
                }

                problem = "expected an integer";
                return false;
            case "boolean":
                switch (text.ToLowerInvariant())
                {
                    case "true" or "yes" or "on" or "1":
                        value = true;
                        return true;
                    case "false" or "no" or "off" or "0":
                        value = false;
                        return true;
                    default:
                        problem = "expected true or false";
                        return false;
                }

            case "double":
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
                {
                    value = real;
                    return true;
                }

                problem = "expected a number";
                return false;
            case "array" or "struct":
                if (TryJson(text, out value) && (type == "array" ? value is IReadOnlyList<object?> : value is IReadOnlyDictionary<string, object?>))
                {
                    return true;
                }

                problem = type == "array" ? "expected a JSON array" : "expected a JSON object";
                return false;
            case "base64":
                value = new Base64Value(Encoding.UTF8.GetBytes(text));
                return true;
            case "dateTime.iso8601":
                value = new DateTimeValue(text);
                return true;
            case "nil":
                value = null;
                return true;
            default:
                // Undescribed: a word that reads as JSON (a number, true/false, [..], {..}, "..") is that value, anything else a string.
                value = TryJson(text, out var parsed) ? parsed : text;
                return true;
        }
    }

    private static bool TryJson(string text, out object? value)
    {
        value = null;
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Null)
            {
                return false;
            }

            value = FromJson(document.RootElement);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var number) ? number : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => element.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.Object => element.EnumerateObject().Aggregate(
            new OrderedDictionary<string, object?>(StringComparer.Ordinal),
            (members, property) =>
            {
                members[property.Name] = FromJson(property.Value);
                return members;
            }),
        _ => null,
    };
}

/// <summary>Prints results: strings as they are, anything else as indented JSON; <c>--json</c> prints compact JSON.</summary>
internal static class ResultPrinter
{
    public static string Readable(object? value) => value is string text ? text : Json(value, indented: true);

    public static string Json(object? value, bool indented)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(writer, value);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case long number:
                writer.WriteNumberValue(number);
                break;
            case double real:
                writer.WriteNumberValue(real);
                break;
            case Base64Value bytes:
                writer.WriteBase64StringValue(bytes.Bytes);
                break;
            case DateTimeValue stamp:
                writer.WriteStringValue(stamp.Text);
                break;
            case IReadOnlyDictionary<string, object?> members:
                writer.WriteStartObject();
                foreach (var (name, member) in members)
                {
                    writer.WritePropertyName(name);
                    Write(writer, member);
                }

                writer.WriteEndObject();
                break;
            case IReadOnlyList<object?> items:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(value.ToString());
                break;
        }
    }
}
