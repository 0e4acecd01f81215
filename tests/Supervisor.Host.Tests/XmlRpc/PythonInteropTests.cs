using System.Diagnostics;
using System.Text;
using Supervisor.Host.XmlRpc;

namespace Supervisor.Host.Tests.XmlRpc;

/// <summary>
/// Proves that Python's own <c>xmlrpc.client</c> (what supervisorctl uses) reads what we write,
/// and that we read what it writes. Skipped, with the reason shown, when python3 is absent.
/// </summary>
public class PythonInteropTests
{
    [PythonFact]
    public void PythonReadsOurResponse()
    {
        var value = new Dictionary<string, object?>
        {
            ["name"] = "caf\u00e9 & <co>",
            ["pid"] = 4242,
            ["offset"] = 5_000_000_000L,
            ["ok"] = true,
            ["ratio"] = 0.1,
            ["log"] = "\u001b[31mred\u001b[0m lone \uD800",
            ["none"] = null,
            ["list"] = new object?[] { 1, "two", Array.Empty<object?>() },
            ["bytes"] = "ABC"u8.ToArray(),
            ["when"] = new DateTime(2024, 1, 31, 23, 59, 58),
        };

        var output = Python.Run(
            "import xmlrpc.client,sys; print(xmlrpc.client.loads(sys.stdin.buffer.read(), use_builtin_types=True))",
            Wire.ResponseBytes(value));

        Assert.Equal(
            "(({'name': 'café & <co>', 'pid': 4242, 'offset': 5000000000, 'ok': True, 'ratio': 0.1, "
            + "'log': '\uFFFD[31mred\uFFFD[0m lone \uFFFD', 'none': None, 'list': [1, 'two', []], "
            + "'bytes': b'ABC', 'when': datetime.datetime(2024, 1, 31, 23, 59, 58)},), None)\n",
            output);
    }

    [PythonFact]
    public void PythonReadsOurFault()
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        XmlRpcResponseWriter.WriteFault(output, 10, "BAD_NAME: caf\u00e9");

        var printed = Python.Run(
            "import xmlrpc.client,sys\ntry:\n    xmlrpc.client.loads(sys.stdin.buffer.read())\nexcept xmlrpc.client.Fault as f:\n    print(f.faultCode, f.faultString)",
            output.WrittenSpan.ToArray());

        Assert.Equal("10 BAD_NAME: café\n", printed);
    }

    [PythonFact]
    public void PythonWritesAResponseByteForByteAsWeDo()
    {
        const string Script =
            "import xmlrpc.client,sys; sys.stdout.buffer.write(xmlrpc.client.dumps(({'name': 'a&b', 'n': [1, True, 1.5, 'x'], 'e': ''},), methodresponse=True).encode())";
        var python = Python.Run(Script, []);

        var ours = Wire.Response(new Dictionary<string, object?>
        {
            ["name"] = "a&b",
            ["n"] = new object?[] { 1, true, 1.5, "x" },
            ["e"] = string.Empty,
        });

        Assert.Equal(python, ours);
    }

    [PythonFact]
    public void WeReadAPythonRequest()
    {
        const string Script =
            "import xmlrpc.client,sys,datetime; sys.stdout.buffer.write(xmlrpc.client.dumps(("
            + "'caf\u00e9', 7, True, 2.5, None, [1, 'x'], {'k': 'v'}, xmlrpc.client.Binary(b'\\x00\\xff'), "
            + "datetime.datetime(2024, 1, 2, 3, 4, 5)), 'supervisor.test', allow_none=True).encode())";
        var body = Encoding.UTF8.GetBytes(Python.Run(Script, []));

        var request = XmlRpcRequestReader.Read(body);

        Assert.Equal("supervisor.test", request.MethodName);
        Assert.Equal("caf\u00e9", request.Params[0]);
        Assert.Equal(7, request.Params[1]);
        Assert.Equal(true, request.Params[2]);
        Assert.Equal(2.5, request.Params[3]);
        Assert.Null(request.Params[4]);
        Assert.Equal([1, "x"], Assert.IsType<object?[]>(request.Params[5]));
        Assert.Equal("v", Assert.IsType<Dictionary<string, object?>>(request.Params[6])["k"]);
        Assert.Equal([0x00, 0xFF], Assert.IsType<byte[]>(request.Params[7]));
        Assert.Equal(new DateTime(2024, 1, 2, 3, 4, 5), request.Params[8]);
    }
}

/// <summary>A fact that is skipped, saying why, when python3 is not on the PATH.</summary>
public sealed class PythonFactAttribute : FactAttribute
{
    public PythonFactAttribute()
    {
        if (!Python.IsAvailable)
        {
            Skip = "python3 not found on PATH: the interop check with Python's xmlrpc.client did not run";
        }
    }
}

internal static class Python
{
    private static readonly Lazy<bool> Available = new(() =>
    {
        try
        {
            return Run("print('ok')", []) == "ok\n";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return false;
        }
    });

    public static bool IsAvailable => Available.Value;

    /// <summary>Runs a python3 script with <paramref name="stdin"/> as its input; returns its output (UTF-8).</summary>
    public static string Run(string script, byte[] stdin)
    {
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.Environment["PYTHONIOENCODING"] = "utf-8";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.StandardInput.BaseStream.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(30_000))
        {
            process.Kill();
            throw new InvalidOperationException("python3 did not finish within 30 s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"python3 exited with {process.ExitCode}: {error.Result}");
        }

        return output.Result;
    }
}
