using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Xml.Linq;

namespace Company.Plugin.Tests;

/// <summary>
/// The daemon with this plugin in its plugins folder and rpcinterface.conf as its section, on a loopback
/// port in a temporary directory; calls go over XML-RPC as any client's would.
/// </summary>
internal sealed class RunningDaemon : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _output;
    private readonly HttpClient _http = new();
    private readonly Uri _url;

    private RunningDaemon(Process process, string directory, StringBuilder output, int port)
    {
        _process = process;
        _directory = directory;
        _output = output;
        _url = new Uri($"http://127.0.0.1:{port}/RPC2");
    }

    public static async Task<RunningDaemon> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("supervisor-plugin-test-").FullName;
        CopyFolder(PluginOutput(), Path.Combine(directory, "plugins", "Company.Plugin"));
        var port = FreePort();
        var section = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "rpcinterface.conf"));
        var config = Path.Combine(directory, "supervisord.conf");
        File.WriteAllText(config, $"""
            [inet_http_server]
            port = 127.0.0.1:{port}

            [supervisord]
            logfile = {directory}/supervisord.log
            pidfile = {directory}/supervisord.pid
            plugins = {directory}/plugins

            {section}
            """);

        var (command, prefix) = DaemonCommand();
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in prefix.Concat(["-n", "-c", config]))
        {
            start.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var daemon = new RunningDaemon(process, directory, output, port);
        await daemon.WaitUntilServingAsync();
        return daemon;
    }

    /// <summary>Calls a method with string arguments; returns the text of the result's value, or throws with the fault.</summary>
    public async Task<string> CallAsync(string method, params string[] arguments)
    {
        var call = new XElement("methodCall",
            new XElement("methodName", method),
            new XElement("params", arguments.Select(a => new XElement("param", new XElement("value", new XElement("string", a))))));
        using var response = await _http.PostAsync(_url, new StringContent(call.ToString(), Encoding.UTF8, "text/xml"));
        var document = XDocument.Parse(await response.Content.ReadAsStringAsync());
        var fault = document.Root!.Element("fault");
        if (fault is not null)
        {
            throw new InvalidOperationException($"{method} failed: {fault}");
        }

        var value = document.Root.Element("params")!.Element("param")!.Element("value")!;
        return value.Elements().FirstOrDefault()?.Value ?? value.Value;
    }

    public string MainLog() => File.ReadAllText(Path.Combine(_directory, "supervisord.log"));

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _http.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task WaitUntilServingAsync()
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the daemon exited with status {_process.ExitCode}:\n{Output()}");
            }

            try
            {
                await CallAsync("system.listMethods");
                return;
            }
            catch (HttpRequestException) when (clock.Elapsed < StartTimeout)
            {
                await Task.Delay(100);
            }
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    /// <summary>
    /// SUPERVISORD (the executable or supervisord.dll), else a <c>supervisord</c> on PATH that has
    /// supervisord.dll beside it (Supervisor's own Python supervisord cannot load .NET plugins).
    /// </summary>
    private static (string Command, string[] Prefix) DaemonCommand()
    {
        var path = Environment.GetEnvironmentVariable("SUPERVISORD");
        if (string.IsNullOrEmpty(path))
        {
            path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
                .Select(folder => Path.Combine(folder, "supervisord"))
                .Where(File.Exists)
                .Select(file => new FileInfo(file).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? file)
                .FirstOrDefault(file => File.Exists(Path.Combine(Path.GetDirectoryName(file)!, "supervisord.dll")))
                ?? throw new InvalidOperationException("Set SUPERVISORD to the Supervisor.Plugins daemon (its supervisord executable or supervisord.dll).");
        }

        return path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? ("dotnet", [path]) : (path, []);
    }

    private static string PluginOutput() =>
        typeof(RunningDaemon).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "PluginOutput").Value!;

    private static void CopyFolder(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
