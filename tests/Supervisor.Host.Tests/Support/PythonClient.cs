using System.Diagnostics;
using System.Text.Json;

namespace Supervisor.Host.Tests.Support;

/// <summary>Runs Python's <c>xmlrpc.client</c> against the daemon: an independent client implementation.</summary>
internal static class PythonClient
{
    public static bool IsAvailable { get; } = Probe();

    /// <summary>Evaluates <paramref name="script"/> (with <c>proxy</c> in scope) and returns the JSON it printed.</summary>
    public static async Task<JsonElement> EvalAsync(string url, string script)
    {
        var result = JsonDocument.Parse(await RawAsync(url, script)).RootElement;
        if (result.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException($"xmlrpc.client raised {error.GetString()}");
        }

        return result;
    }

    /// <summary>The JSON line the script printed, an <c>error</c> (protocol error, HTTP 500...) included.</summary>
    public static async Task<string> RawAsync(string url, string script)
    {
        var info = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Support", "xmlrpc_client.py"));
        info.ArgumentList.Add(url);
        info.ArgumentList.Add(script);
        using var process = Process.Start(info)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || stdout.Length == 0)
        {
            throw new InvalidOperationException($"python3 failed ({process.ExitCode}): {stderr}");
        }

        return stdout.TrimEnd('\n');
    }

    /// <summary>The value of a successful call.</summary>
    public static async Task<JsonElement> ValueAsync(string url, string script)
    {
        var result = await EvalAsync(url, script);
        return result.TryGetProperty("value", out var value)
            ? value
            : throw new InvalidOperationException($"expected a value, got {result}");
    }

    /// <summary>The (code, string) of a fault.</summary>
    public static async Task<(int Code, string Text)> FaultAsync(string url, string script)
    {
        var result = await EvalAsync(url, script);
        return result.TryGetProperty("fault", out var fault)
            ? (fault[0].GetInt32(), fault[1].GetString()!)
            : throw new InvalidOperationException($"expected a fault, got {result}");
    }

    private static bool Probe()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("python3", "-c \"import xmlrpc.client\"") { UseShellExecute = false, RedirectStandardError = true })!;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
